//! Exact money: amounts are integers in the currency's minor unit (ISO 4217 exponent), so sums
//! and ROI never drift by floating-point cents.
use crate::error::ValidationError;

/// Active ISO 4217 codes with two decimal places (the common case).
const TWO_DECIMALS: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP \
BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ \
GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK \
MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR \
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS \
VES WST XCD YER ZAR ZMW ZWL";
/// Currencies without a minor unit.
const ZERO_DECIMALS: &str = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
/// Currencies with three decimal places.
const THREE_DECIMALS: &str = "BHD IQD JOD KWD LYD OMR TND";

/// Number of decimal places of an ISO 4217 code, or `None` if it is not one we know.
pub fn exponent(code: &str) -> Option<u32> {
    let known = |list: &str| list.split_ascii_whitespace().any(|c| c == code);
    if code.len() != 3 {
        None
    } else if known(TWO_DECIMALS) {
        Some(2)
    } else if known(ZERO_DECIMALS) {
        Some(0)
    } else if known(THREE_DECIMALS) {
        Some(3)
    } else {
        None
    }
}

/// Normalises a user-typed code ("eur " -> "EUR") and checks it is a real currency.
pub fn canonical_currency(code: &str) -> Result<String, ValidationError> {
    let c = code.trim().to_ascii_uppercase();
    exponent(&c).map(|_| c).ok_or_else(|| ValidationError::UnknownCurrency(code.to_string()))
}

/// Parses "1500", "1500.5", "1,500.50" into minor units of `currency`.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, ValidationError> {
    let exp = exponent(currency).ok_or_else(|| ValidationError::UnknownCurrency(currency.to_string()))?;
    let t: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    let bad = || ValidationError::BadAmount(text.to_string());
    if t.starts_with('-') {
        return Err(ValidationError::NegativeAmount);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() as u32 > exp {
        return Err(ValidationError::TooManyDecimals { currency: currency.to_string(), max: exp });
    }
    let scale = 10i64.pow(exp);
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| ValidationError::AmountTooLarge)? };
    let frac_minor: i64 = if frac.is_empty() {
        0
    } else {
        let padded = format!("{frac:0<width$}", width = exp as usize);
        padded.parse().map_err(|_| bad())?
    };
    whole.checked_mul(scale).and_then(|w| w.checked_add(frac_minor)).ok_or(ValidationError::AmountTooLarge)
}

/// Formats minor units back to a plain decimal string ("1500.50", "3000" for JPY).
pub fn format_amount(minor: i64, currency: &str) -> String {
    let exp = exponent(currency).unwrap_or(2);
    if exp == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0width$}", abs / scale as u64, abs % scale as u64, width = exp as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_by_exponent() {
        assert_eq!(parse_amount("1500", "USD"), Ok(150_000));
        assert_eq!(parse_amount("1,500.5", "EUR"), Ok(150_050));
        assert_eq!(parse_amount(".25", "EUR"), Ok(25));
        assert_eq!(parse_amount("3000", "JPY"), Ok(3000));
        assert_eq!(parse_amount("1.234", "KWD"), Ok(1234));
        assert_eq!(format_amount(150_050, "EUR"), "1500.50");
        assert_eq!(format_amount(3000, "JPY"), "3000");
        assert_eq!(format_amount(1234, "KWD"), "1.234");
    }

    #[test]
    fn rejects_what_is_not_money() {
        assert_eq!(parse_amount("-5", "USD"), Err(ValidationError::NegativeAmount));
        assert!(matches!(parse_amount("12.345", "USD"), Err(ValidationError::TooManyDecimals { .. })));
        assert!(matches!(parse_amount("1.5", "JPY"), Err(ValidationError::TooManyDecimals { .. })));
        let said = |r: Result<i64, ValidationError>| r.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(said(parse_amount("1.5", "JPY")), "JPY amounts have no decimal places.");
        assert_eq!(said(parse_amount("1.2345", "KWD")), "KWD amounts have at most 3 decimal places.");
        for bad in ["", ".", "abc", "1e5", "1.2.3", "١٢"] {
            assert!(matches!(parse_amount(bad, "USD"), Err(ValidationError::BadAmount(_))), "{bad:?}");
        }
        assert_eq!(parse_amount("99999999999999999999", "USD"), Err(ValidationError::AmountTooLarge));
        assert!(canonical_currency("eur").is_ok());
        assert!(canonical_currency("XYZ").is_err());
    }
}

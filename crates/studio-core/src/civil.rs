//! Civil dates and IANA time zones as creators type them.
use jiff::civil::Date;

use crate::error::ValidationError;

/// Strict `YYYY-MM-DD`: jiff alone would also take full datetimes, which hides typos.
pub fn parse_date(field: &'static str, value: &str) -> Result<Date, ValidationError> {
    let v = value.trim();
    let bad = || ValidationError::BadDate { field, value: value.to_string() };
    let shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(bad());
    }
    v.parse::<Date>().map_err(|_| bad())
}

/// Validates an IANA zone name and returns its canonical spelling (the database is
/// case-insensitive, stored names should not be).
pub fn canonical_timezone(name: &str) -> Result<String, ValidationError> {
    let n = name.trim();
    let unknown = || ValidationError::UnknownTimezone(name.to_string());
    if n.is_empty() {
        return Err(unknown());
    }
    let tz = jiff::tz::db().get(n).map_err(|_| unknown())?;
    Ok(tz.iana_name().unwrap_or(n).to_string())
}

/// The machine's zone, or UTC where the OS will not say.
pub fn system_timezone() -> String {
    jiff::tz::TimeZone::system().iana_name().map_or_else(|| "UTC".to_string(), str::to_string)
}

/// Every zone the bundled/system database knows, sorted, for pickers.
pub fn all_timezones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("start", "2026-03-31").is_ok());
        for bad in ["2026-02-30", "2026-3-31", "31/03/2026", "2026-03-31T10:00", "", "２０２６-03-31"] {
            assert!(parse_date("start", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn zones_are_validated_and_canonicalised() {
        assert_eq!(canonical_timezone("Europe/Berlin").as_deref(), Ok("Europe/Berlin"));
        assert_eq!(canonical_timezone("europe/berlin").as_deref(), Ok("Europe/Berlin"));
        assert!(canonical_timezone("Mars/Olympus_Mons").is_err());
        assert!(canonical_timezone("").is_err());
        assert!(all_timezones().iter().any(|z| z == "America/New_York"));
    }
}

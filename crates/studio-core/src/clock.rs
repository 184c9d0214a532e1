//! Instants are stored as UTC unix milliseconds and shown as RFC 3339; one place converts.
use jiff::Timestamp;

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

pub fn rfc3339(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => format!("{ts:.3}"),
        // Out of jiff's range only if the row was written by something else; show the raw value
        // instead of failing a whole listing.
        Err(_) => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::rfc3339(1_764_000_000_123), "2025-11-24T16:00:00.123Z");
    }
}

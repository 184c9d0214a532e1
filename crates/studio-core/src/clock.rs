//! Instants are stored as UTC unix milliseconds and shown as RFC 3339; one place converts.
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

/// `i64::MIN` while the clock runs; otherwise the instant every `now_ms` reads.
static PINNED_MS: AtomicI64 = AtomicI64::new(i64::MIN);

pub fn now_ms() -> i64 {
    match PINNED_MS.load(Ordering::Relaxed) {
        i64::MIN => Timestamp::now().as_millisecond(),
        pinned => pinned,
    }
}

/// Stops (or with `None` restarts) the process's clock: gen-fixtures computes a scenario's
/// answers as of the scenario's instant, so answers that say "next Tuesday" stay reproducible.
pub fn pin(ms: Option<i64>) {
    PINNED_MS.store(ms.unwrap_or(i64::MIN), Ordering::Relaxed);
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

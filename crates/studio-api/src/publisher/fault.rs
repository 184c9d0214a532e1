//! Crash points for the fault tests: `STUDIO_CRASH_AT=<point>` makes a debug build abort (no
//! destructors, no flushes: what kill -9 leaves) when it reaches that point;
//! `STUDIO_PANIC_AT=<point>` panics the worker once instead (the supervisor test). Release builds
//! compile both to nothing.

/// Every crash point; the fault suite (crates/studio-cli/tests/scheduler.rs) kills the daemon at
/// each of them and fails if one is not exercised.
pub const POINTS: &[&str] = &[
    "claimed",
    "before_uploading_state",
    "after_uploading_state",
    "upload_progress",
    "checkpoint",
    "processing",
    "before_final",
    "final_sent_saved",
    "post_created",
    "before_record",
    "after_record",
    "after_notify",
    "metrics_claimed",
    "metrics_fetched",
    "metrics_saved",
    "retry_scheduled",
    "failure_recorded",
    "occurrence_spawn",
    "occurrence_spawned",
    "reply_sent_saved",
    "reply_created",
    "lease_acquired",
    "heartbeat",
];

#[cfg(debug_assertions)]
pub fn point(name: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static PANICKED: AtomicBool = AtomicBool::new(false);
    if std::env::var("STUDIO_CRASH_AT").is_ok_and(|v| v == name) {
        eprintln!("fault injection: crashing at {name}");
        std::process::abort();
    }
    if std::env::var("STUDIO_PANIC_AT").is_ok_and(|v| v == name) && !PANICKED.swap(true, Ordering::SeqCst) {
        panic!("fault injection: worker panic at {name}");
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str) {}

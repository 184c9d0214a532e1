//! One progress and cancellation shape for all long work (import, render, upload, scoring).
//! The app forwards it over Tauri channels, the CLI draws it on stderr, tests record it.
//!
//! [`Progress`] is what the work reports; [`ProgressEvent`] is its wire view (what the UI's
//! channels receive); [`Throttle`] is the one rate limit every forwarder uses, so a chatty
//! encoder cannot flood the window or the render helper's pipe.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// What is being worked on (a file name, a render id).
    pub item: String,
    /// A short stage name: "hashing", "probing", "thumbnails", "copying", "done".
    pub stage: &'static str,
    /// Items finished so far out of `total` in this batch.
    pub done: u64,
    pub total: u64,
    /// Fraction of the current item, 0..=1, when known.
    pub fraction: Option<f64>,
}

/// Progress as the UI receives it over a channel. Counts are u32 because TypeScript numbers
/// (and specta) refuse u64; a batch of four billion files saturates instead of wrapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ProgressEvent {
    pub item: String,
    pub stage: String,
    pub done: u32,
    pub total: u32,
    pub fraction: Option<f64>,
}

impl From<Progress> for ProgressEvent {
    fn from(p: Progress) -> Self {
        Self {
            item: p.item,
            stage: p.stage.to_string(),
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            fraction: p.fraction,
        }
    }
}

pub trait ProgressSink: Send + Sync {
    fn report(&self, p: Progress);
}

/// Discards progress (scripts with --json, tests that do not care).
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: Progress) {}
}

impl<F: Fn(Progress) + Send + Sync> ProgressSink for F {
    fn report(&self, p: Progress) {
        self(p)
    }
}

/// The one progress rate limit (DESIGN §6: ~10 updates a second). Routine updates inside a
/// stage are dropped when the previous one went out less than `every` ago; the first update,
/// a new stage and a finished one always go out, so the receiver never misses where work is.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Mutex<Option<(Instant, String)>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(Self::WINDOW)
    }
}

impl Throttle {
    /// What the window gets: ten updates a second are smooth and cost nothing to draw.
    pub const WINDOW: Duration = Duration::from_millis(100);

    pub fn new(every: Duration) -> Self {
        Self { every, last: Mutex::new(None) }
    }

    /// True when this update should be sent; `finished` marks the end of the stage or batch.
    pub fn admit(&self, stage: &str, finished: bool) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let routine = !finished && last.as_ref().is_some_and(|(t, s)| s == stage && t.elapsed() < self.every);
        if routine {
            return false;
        }
        match last.as_mut() {
            Some((t, s)) => {
                *t = Instant::now();
                if s != stage {
                    stage.clone_into(s);
                }
            }
            None => *last = Some((Instant::now(), stage.to_string())),
        }
        true
    }

    /// [`Throttle::admit`] for a [`Progress`]: finished when the batch is done or the current
    /// item is complete.
    pub fn admit_progress(&self, p: &Progress) -> bool {
        let finished = p.done == p.total || p.fraction.is_some_and(|f| f >= 1.0);
        self.admit(p.stage, finished)
    }
}

/// Cooperative cancellation: long loops check it between steps and stop cleanly.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_drops_routine_updates_but_never_a_new_stage_or_the_end() {
        let t = Throttle::new(Duration::from_secs(60));
        assert!(t.admit("hashing", false), "the first update goes out");
        assert!(!t.admit("hashing", false), "a routine update inside the window is dropped");
        assert!(t.admit("probing", false), "a new stage goes out");
        assert!(!t.admit("probing", false));
        assert!(t.admit("probing", true), "the end of a stage goes out");
    }

    #[test]
    fn throttle_lets_updates_through_after_the_window() {
        let t = Throttle::new(Duration::from_millis(1));
        assert!(t.admit("rendering", false));
        std::thread::sleep(Duration::from_millis(5));
        assert!(t.admit("rendering", false));
    }

    #[test]
    fn a_finished_batch_or_item_always_goes_out() {
        let t = Throttle::new(Duration::from_secs(60));
        let p = |done, fraction| Progress { item: "a".into(), stage: "copying", done, total: 2, fraction };
        assert!(t.admit_progress(&p(0, Some(0.1))));
        assert!(!t.admit_progress(&p(0, Some(0.5))));
        assert!(t.admit_progress(&p(0, Some(1.0))));
        assert!(t.admit_progress(&p(2, None)));
    }

    #[test]
    fn progress_event_saturates_huge_counts() {
        let e =
            ProgressEvent::from(Progress { item: "x".into(), stage: "s", done: u64::MAX, total: 3, fraction: None });
        assert_eq!((e.done, e.total, e.stage.as_str()), (u32::MAX, 3, "s"));
    }
}

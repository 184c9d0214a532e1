//! One progress and cancellation shape for all long work (import, render, upload, scoring).
//! The app forwards it over Tauri channels, the CLI draws it on stderr, tests record it.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

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

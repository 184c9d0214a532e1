//! Cancellation for long commands: the UI names a job, a second command cancels it. A closed
//! progress channel (the window went away) cancels too. Entries are removed by a Drop guard, so a
//! finished or failed job never lingers in the registry.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use studio_api::ApiResult;
use studio_core::progress::{CancelToken, Progress, ProgressEvent, ProgressSink, Throttle};
use tauri::ipc::Channel;

#[derive(Default, Clone)]
pub struct Jobs(Arc<Mutex<HashMap<String, CancelToken>>>);

pub struct JobGuard {
    jobs: Jobs,
    id: String,
    pub token: CancelToken,
}

impl Jobs {
    pub fn start(&self, id: &str) -> JobGuard {
        let token = CancelToken::new();
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_string(), token.clone());
        JobGuard { jobs: self.clone(), id: id.to_string(), token }
    }

    /// True when a running job of that id was told to stop.
    pub fn cancel(&self, id: &str) -> bool {
        match self.0.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        self.jobs.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.id);
    }
}

/// Runs `work` as the named job off the async runtime: progress goes to `channel`, and
/// `job_cancel(job_id)` (or the window going away) cancels it.
pub async fn run<T: Send + 'static>(
    jobs: &Jobs,
    job_id: &str,
    channel: Channel<ProgressEvent>,
    work: impl FnOnce(&dyn ProgressSink, &CancelToken) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let guard = jobs.start(job_id);
    crate::state::blocking(move || {
        let sink = ChannelProgress::new(channel, guard.token.clone());
        work(&sink, &guard.token)
    })
    .await
}

/// Forwards progress to the window through the one [`Throttle`] (~10 a second; stage changes
/// and the end of a batch always go out).
pub struct ChannelProgress {
    channel: Channel<ProgressEvent>,
    cancel: CancelToken,
    throttle: Throttle,
}

impl ChannelProgress {
    pub fn new(channel: Channel<ProgressEvent>, cancel: CancelToken) -> Self {
        Self { channel, cancel, throttle: Throttle::default() }
    }
}

impl ProgressSink for ChannelProgress {
    fn report(&self, p: Progress) {
        if !self.throttle.admit_progress(&p) {
            return;
        }
        if self.channel.send(p.into()).is_err() {
            self.cancel.cancel();
        }
    }
}

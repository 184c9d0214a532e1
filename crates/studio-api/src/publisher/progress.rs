//! What a connector reports while it publishes, saved on the target: upload progress (throttled),
//! "processing" once the media is up, and every checkpoint, including the write-ahead mark
//! before a call that must not run twice (the final create-post call, each reply).
use std::time::Instant;

use studio_core::jobs::Claimed;
use studio_core::targets::{self, Checkpoint, JobLease};
use studio_core::StoreError;
use studio_publish::connector::{Progress, PublishState};
use studio_publish::PublishError;

use super::fault;
use super::shared::Shared;

pub(super) struct TargetProgress<'a> {
    shared: &'a Shared,
    job: &'a Claimed,
    last_write: Option<Instant>,
    last_fraction: f64,
    processing: bool,
    /// Follow-ups whose id is already saved, to tell a newly created one.
    replies_recorded: usize,
}

impl<'a> TargetProgress<'a> {
    pub(super) fn new(shared: &'a Shared, job: &'a Claimed, st: &PublishState, processing: bool) -> Self {
        let replies_recorded = st.replies.iter().filter(|r| r.post_id.is_some()).count();
        Self { shared, job, last_write: None, last_fraction: -1.0, processing, replies_recorded }
    }
}

impl Progress for TargetProgress<'_> {
    fn uploaded(&mut self, done: u64, total: u64) {
        if total == 0 {
            return;
        }
        let fraction = (done as f64 / total as f64).clamp(0.0, 1.0);
        fault::point("upload_progress");
        let due = self.last_write.is_none_or(|t| t.elapsed().as_millis() >= 250) || fraction >= 1.0;
        if !due || (fraction - self.last_fraction).abs() < 0.01 && fraction < 1.0 {
            return;
        }
        self.last_write = Some(Instant::now());
        self.last_fraction = fraction;
        let now = self.shared.clock.now_ms();
        let r = self.shared.ctx.db().write(|tx| targets::set_upload_progress(tx, &self.job.ref_id, fraction, now));
        if let Err(e) = r {
            tracing::warn!(error = %e, "cannot record upload progress");
        }
        if fraction >= 1.0 && !self.processing {
            self.processing = true;
            fault::point("processing");
            let now = self.shared.clock.now_ms();
            let r = self.shared.ctx.db().write(|tx| targets::upload_done(tx, &self.job.ref_id, now));
            if let Err(e) = r {
                tracing::warn!(error = %e, "cannot record that the platform is processing");
            }
        }
    }

    fn checkpoint(&mut self, st: &PublishState) -> Result<(), PublishError> {
        fault::point("checkpoint");
        let json = serde_json::to_string(st).map_err(|e| PublishError::Unsupported(e.to_string()))?;
        let now = self.shared.clock.now_ms();
        let going_final = st.final_sent && st.post_id.is_none();
        if going_final {
            fault::point("before_final");
        }
        if st.post_id.is_some() && st.replies.is_empty() {
            // The platform has created the post; nothing here knows its id yet.
            fault::point("post_created");
        }
        let replies_recorded = st.replies.iter().filter(|r| r.post_id.is_some()).count();
        if replies_recorded > self.replies_recorded {
            fault::point("reply_created");
        }
        let reply_in_flight = st.reply_in_flight();
        let cp = Checkpoint {
            publish_state_json: &json,
            upload_session_url: st.upload_session_url.as_deref(),
            media_id: st.media_id.as_deref(),
            container_id: st.container_id.as_deref(),
            publish_id: st.publish_id.as_deref(),
        };
        // Write-ahead of the final call (or a reply) only while this process still owns the job.
        let write_ahead =
            (going_final || reply_in_flight).then_some(JobLease { job_id: &self.job.id, owner: &self.shared.owner });
        let r = self.shared.ctx.db().write(|tx| targets::save_checkpoint(tx, &self.job.ref_id, &cp, write_ahead, now));
        match r {
            Ok(()) => {}
            Err(StoreError::LeaseMoved) => {
                tracing::warn!("not posting: the publisher lease moved to another process");
                return Err(PublishError::Cancelled);
            }
            Err(e) => return Err(PublishError::retry("the local database", e.to_string())),
        }
        if going_final {
            fault::point("final_sent_saved");
        }
        if reply_in_flight {
            fault::point("reply_sent_saved");
        }
        self.replies_recorded = replies_recorded;
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.shared.stop.is_cancelled()
    }
}

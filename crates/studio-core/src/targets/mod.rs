//! A post target's state machine: the only code that moves a `post_targets` row between states.
//!
//! The publisher, the scheduler and the creator's decisions (retry, cancel, "I posted it") all
//! change targets. Each move is a function here that runs inside the caller's `BEGIN IMMEDIATE`
//! transaction (`Db::write`), reads the row's state in that transaction, refuses a move the
//! diagram below does not have with [`StoreError::IllegalTransition`], and writes the new state,
//! its timeline entry and the post's derived state together. The publisher's other writes to a
//! target (upload progress, the write-ahead checkpoint of platform ids, the render it posts, the
//! follow-ups flag, metric snapshots) live here too, so one file says what happens to a target.
//!
//! ```text
//!              schedule               start_attempt               upload_done
//!     draft ──────────────▶ queued ──────────────────▶ uploading ──────────────▶ processing
//!           ◀────────────── │  ▲                          ▲   │                      │
//!              unschedule   │  │                          │   │    settle_attempt    │
//!                           │  │           start_attempt  │   ▼                      ▼
//!                           │  │          unconfirmed ────┘   queued, unconfirmed, failed,
//!                           │  │                              needs_reconnect (from queued,
//!                           │  │                              uploading, processing, unconfirmed)
//!                           │  └── retry ── failed, needs_reconnect, unconfirmed, queued + missed
//!                           ▼
//!   cancel            draft, queued, failed, needs_reconnect ─────────────────────▶ cancelled
//!   mark_posted       every state but uploading, processing, published ──────────▶ published
//!   record_published  every state ────────────────────────────────────────────────▶ published
//!                     (the platform has the post: refusing would lose its id and post it twice)
//! ```
//!
//! `tests.rs` has one test per edge and checks that every other move is refused.
//!
//! Attention flags sit beside the state: `missed` on a queued target is what the UI calls
//! "needs review"; `unconfirmed` and `replies_failed` ask the creator to look.
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::{Result, StoreError};

mod state;
#[cfg(test)]
mod tests;
mod timeline;

pub use state::{JobKind, TargetState};
pub use timeline::{event, refresh_post_state};

/// Attention flags (`post_targets.attention`).
pub mod attention {
    /// Found far past its time after sleep or downtime: not published without the creator.
    pub const MISSED: &str = "missed";
    /// The platform could not say whether the post went out.
    pub const UNCONFIRMED: &str = "unconfirmed";
    /// The post is live but its thread or first comment is incomplete.
    pub const REPLIES_FAILED: &str = "replies_failed";
}

/// The moves of the diagram. Each names the states it may start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Schedule,
    Unschedule,
    StartAttempt,
    UploadDone,
    /// An attempt ended without a post: to queued, unconfirmed, failed or needs_reconnect.
    Settle(TargetState),
    RecordPublished,
    Retry,
    Cancel,
    MarkPosted,
}

use TargetState as S;

/// States an attempt can be settled from: those the publisher itself moves through.
const ATTEMPT: &[S] = &[S::Queued, S::Uploading, S::Processing, S::Unconfirmed];
/// Where a settled attempt can end.
pub const SETTLE_TO: &[S] = &[S::Queued, S::Unconfirmed, S::Failed, S::NeedsReconnect];

impl Move {
    /// The states this move may start from.
    pub fn sources(self) -> &'static [TargetState] {
        match self {
            Self::Schedule => &[S::Draft],
            Self::Unschedule => &[S::Queued],
            Self::StartAttempt => &[S::Queued, S::Unconfirmed],
            Self::UploadDone => &[S::Uploading],
            Self::Settle(to) if SETTLE_TO.contains(&to) => ATTEMPT,
            Self::Settle(_) => &[],
            Self::RecordPublished => &TargetState::ALL,
            Self::Retry => &[S::Failed, S::NeedsReconnect, S::Unconfirmed, S::Queued],
            Self::Cancel => &[S::Draft, S::Queued, S::Failed, S::NeedsReconnect],
            Self::MarkPosted => &[S::Draft, S::Queued, S::Failed, S::Unconfirmed, S::NeedsReconnect, S::Cancelled],
        }
    }

    pub fn to(self) -> TargetState {
        match self {
            Self::Schedule | Self::Retry => S::Queued,
            Self::Unschedule => S::Draft,
            Self::StartAttempt => S::Uploading,
            Self::UploadDone => S::Processing,
            Self::Settle(to) => to,
            Self::RecordPublished | Self::MarkPosted => S::Published,
            Self::Cancel => S::Cancelled,
        }
    }

    /// May a target in `from` (with `attention` set or not) take this move?
    pub fn allows(self, from: TargetState, attention: bool) -> bool {
        // Retrying a queued target is rescuing a missed one; a plain queued target just waits.
        if self == Self::Retry && from == S::Queued && !attention {
            return false;
        }
        self.sources().contains(&from)
    }
}

/// The row as a move sees it.
struct Current {
    state: TargetState,
    attention: Option<String>,
    post_id: String,
}

fn current(tx: &Transaction<'_>, id: &str) -> Result<Current> {
    tx.query_row("SELECT state, attention, post_id FROM post_targets WHERE id = ?1", [id], |r| {
        Ok(Current { state: r.get(0)?, attention: r.get(1)?, post_id: r.get(2)? })
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound { entity: "post target", id: id.to_string() })
}

/// Reads the row and checks `m` is legal from where it stands.
fn guard(tx: &Transaction<'_>, id: &str, m: Move) -> Result<Current> {
    let cur = current(tx, id)?;
    if !m.allows(cur.state, cur.attention.is_some()) {
        return Err(StoreError::IllegalTransition { target: id.to_string(), from: cur.state, to: m.to() });
    }
    Ok(cur)
}

/// Queues a draft target (the post was scheduled); a queued target that was flagged (missed)
/// is unflagged since it has a new time. Other states are left alone: they are past queuing.
pub fn schedule(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    let cur = current(tx, id)?;
    match cur.state {
        S::Draft => {
            guard(tx, id, Move::Schedule)?;
            tx.execute(
                "UPDATE post_targets SET state = ?2, attention = NULL, updated_at = ?3, version = version + 1
                  WHERE id = ?1",
                params![id, S::Queued, now],
            )?;
            event(tx, id, S::Queued.as_str(), None, now)?;
        }
        S::Queued if cur.attention.is_some() => {
            tx.execute("UPDATE post_targets SET attention = NULL WHERE id = ?1", [id])?;
            event(tx, id, S::Queued.as_str(), Some("rescheduled"), now)?;
        }
        _ => {}
    }
    Ok(())
}

/// Takes a queued target back to draft (the post was unscheduled). The caller moves the post.
pub fn unschedule(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    guard(tx, id, Move::Unschedule)?;
    tx.execute(
        "UPDATE post_targets SET state = ?2, attention = NULL, updated_at = ?3 WHERE id = ?1",
        params![id, S::Draft, now],
    )?;
    event(tx, id, S::Draft.as_str(), Some("unscheduled"), now)
}

/// The publisher starts an attempt (or, from unconfirmed, first asks the platform whether the
/// last one posted): uploading, one more attempt counted.
pub fn start_attempt(tx: &Transaction<'_>, id: &str, detail: &str, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::StartAttempt)?;
    tx.execute(
        "UPDATE post_targets SET state = ?2, attempts = attempts + 1, updated_at = ?3, version = version + 1
          WHERE id = ?1",
        params![id, S::Uploading, now],
    )?;
    event(tx, id, S::Uploading.as_str(), Some(detail), now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// The media is uploaded; the platform processes it before the post can be created.
pub fn upload_done(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::UploadDone)?;
    tx.execute(
        "UPDATE post_targets SET state = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        params![id, S::Processing, now],
    )?;
    event(tx, id, S::Processing.as_str(), Some("the platform is processing the media"), now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// How an attempt that did not (knowingly) post ends.
#[derive(Debug, Clone, Copy)]
pub struct Settled<'a> {
    /// queued (retry later, interrupted, missed), unconfirmed, failed or needs_reconnect.
    pub to: TargetState,
    pub detail: Option<&'a str>,
    /// (code, message) shown to the creator.
    pub failure: Option<(&'a str, &'a str)>,
    pub attention: Option<&'a str>,
    pub next_attempt_at: Option<i64>,
}

/// Records the end of an attempt. The caller checked it still owns the job's lease in `tx`.
pub fn settle_attempt(tx: &Transaction<'_>, id: &str, s: &Settled<'_>, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::Settle(s.to))?;
    tx.execute(
        "UPDATE post_targets SET state = ?2, failure_code = ?3, failure_message = ?4, attention = ?5,
                next_attempt_at = ?6, updated_at = ?7, version = version + 1
          WHERE id = ?1",
        params![id, s.to, s.failure.map(|f| f.0), s.failure.map(|f| f.1), s.attention, s.next_attempt_at, now],
    )?;
    event(tx, id, s.to.as_str(), s.detail, now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// What the platform answered for a created post.
#[derive(Debug, Clone, Copy)]
pub struct PublishedPost<'a> {
    pub platform_post_id: &'a str,
    pub url: Option<&'a str>,
    pub late_by_ms: Option<i64>,
    /// The final checkpoint (with the post id) for anyone resuming follow-ups.
    pub publish_state_json: Option<&'a str>,
    /// The timeline line.
    pub detail: &'a str,
}

/// The platform created the post: published, whatever the row said before and whoever holds
/// the lease (the write-ahead checkpoint already holds the id for anyone else).
pub fn record_published(tx: &Transaction<'_>, id: &str, p: &PublishedPost<'_>, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::RecordPublished)?;
    tx.execute(
        "UPDATE post_targets SET state = ?7, platform_post_id = ?2, post_url = ?3, published_at = ?4,
                late_by_ms = ?5, upload_progress = 1.0, failure_code = NULL, failure_message = NULL,
                attention = NULL, next_attempt_at = NULL, publish_state_json = ?6, updated_at = ?4,
                version = version + 1
          WHERE id = ?1",
        params![id, p.platform_post_id, p.url, now, p.late_by_ms, p.publish_state_json, S::Published],
    )?;
    event(tx, id, S::Published.as_str(), Some(p.detail), now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// The creator asks to try again: queued, flags and failure cleared. The caller requeues the job.
pub fn retry(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::Retry)?;
    tx.execute(
        "UPDATE post_targets SET state = ?3, attention = NULL, failure_code = NULL, failure_message = NULL,
                next_attempt_at = NULL, updated_at = ?2, version = version + 1
          WHERE id = ?1",
        params![id, now, S::Queued],
    )?;
    event(tx, id, S::Queued.as_str(), Some("retry requested"), now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// The creator cancels a target that is not being published. The caller cancels its jobs.
pub fn cancel(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::Cancel)?;
    tx.execute(
        "UPDATE post_targets SET state = ?3, attention = NULL, updated_at = ?2, version = version + 1 WHERE id = ?1",
        params![id, now, S::Cancelled],
    )?;
    event(tx, id, S::Cancelled.as_str(), None, now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// The creator says the post is on the platform (posted by hand, or found after an unconfirmed
/// outcome): published, and never posted by the app. The caller closes its publish jobs.
pub fn mark_posted(tx: &Transaction<'_>, id: &str, url: Option<&str>, now: i64) -> Result<()> {
    let cur = guard(tx, id, Move::MarkPosted)?;
    tx.execute(
        "UPDATE post_targets SET state = ?4, attention = NULL, post_url = coalesce(?2, post_url), published_at = ?3,
                failure_code = NULL, failure_message = NULL, updated_at = ?3, version = version + 1 WHERE id = ?1",
        params![id, url, now, S::Published],
    )?;
    event(tx, id, S::Published.as_str(), Some("marked as posted by the creator"), now)?;
    refresh_post_state(tx, &cur.post_id, now)
}

/// Sets or clears the follow-ups flag of a published target, leaving other flags alone.
pub fn set_replies_attention(tx: &Transaction<'_>, id: &str, failed: bool, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE post_targets SET attention = ?2, updated_at = ?3, version = version + 1
          WHERE id = ?1 AND (attention IS NULL OR attention = ?4)",
        params![id, failed.then_some(attention::REPLIES_FAILED), now, attention::REPLIES_FAILED],
    )?;
    Ok(())
}

pub fn set_upload_progress(tx: &Transaction<'_>, id: &str, fraction: f64, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE post_targets SET upload_progress = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, fraction, now],
    )?;
    Ok(())
}

/// The render (a platform version made ahead of time) this target posts.
pub fn set_render(tx: &Transaction<'_>, id: &str, render_id: &str, now: i64) -> Result<()> {
    tx.execute("UPDATE post_targets SET render_id = ?2, updated_at = ?3 WHERE id = ?1", params![id, render_id, now])?;
    Ok(())
}

/// Every platform-side id of a publish in progress, saved the moment it is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checkpoint<'a> {
    /// The connector's whole resumable state (JSON), including "final call sent".
    pub publish_state_json: &'a str,
    pub upload_session_url: Option<&'a str>,
    pub media_id: Option<&'a str>,
    pub container_id: Option<&'a str>,
    pub publish_id: Option<&'a str>,
}

/// The job lease a write-ahead mark is taken under.
#[derive(Debug, Clone, Copy)]
pub struct JobLease<'a> {
    pub job_id: &'a str,
    pub owner: &'a str,
}

/// Saves a checkpoint. With `write_ahead` (the mark written right before a call that must not
/// run twice: the final create-post call, a reply) it is saved only while `write_ahead`'s owner
/// still holds the job: a process that lost its lease (it slept, another took over) gets
/// [`StoreError::LeaseMoved`] and must not make the call.
pub fn save_checkpoint(
    tx: &Transaction<'_>,
    id: &str,
    cp: &Checkpoint<'_>,
    write_ahead: Option<JobLease<'_>>,
    now: i64,
) -> Result<()> {
    if let Some(l) = write_ahead {
        if !crate::jobs::owns(tx, l.job_id, l.owner, now)? {
            return Err(StoreError::LeaseMoved);
        }
    }
    tx.execute(
        "UPDATE post_targets SET publish_state_json = ?2, upload_session_url = ?3, platform_media_id = ?4,
                platform_container_id = ?5, platform_publish_id = ?6, updated_at = ?7
          WHERE id = ?1",
        params![id, cp.publish_state_json, cp.upload_session_url, cp.media_id, cp.container_id, cp.publish_id, now],
    )?;
    Ok(())
}

/// One metric snapshot of a published target.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
    pub watch_time_s: Option<f64>,
    pub raw_json: String,
}

pub fn record_snapshot(tx: &Transaction<'_>, id: &str, m: &Snapshot, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves,
                                       watch_time_s, raw_json, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?3, ?3)",
        params![
            crate::ids::new_id(),
            id,
            now,
            m.views,
            m.likes,
            m.comments,
            m.shares,
            m.saves,
            m.watch_time_s,
            m.raw_json
        ],
    )?;
    Ok(())
}

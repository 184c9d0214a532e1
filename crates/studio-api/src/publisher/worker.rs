//! One claimed job, run to an outcome: a publish (target state machine), a metrics snapshot, or
//! a platform variant rendered ahead of time.
//!
//! Every outcome is recorded in one transaction that also settles the job, and only while this
//! process still owns the job's lease. Bookkeeping after a publish (metrics job, notification,
//! post state) happens in the same transaction as "published", so nothing after a successful
//! publish can make it run again.
use std::time::Instant;

use rusqlite::params;
use studio_core::jobs::{self, Claimed};
use studio_core::notifications::{self, NewNotification};
use studio_core::posts::{self, Post, Target};
use studio_core::{accounts, StoreError};
use studio_publish::connector::{Draft, Progress, PublishState};
use studio_publish::media::MediaFile;
use studio_publish::rules::rules;
use studio_publish::{ErrorClass, PublishError};

use super::{fault, Shared};
use crate::posts::{draft_options, effective_caption, effective_title, follow_ups, TargetOverrides};
use crate::{ApiError, ErrorCode};

pub(crate) fn run(shared: &Shared, job: &Claimed) {
    let started = Instant::now();
    let result = match job.kind.as_str() {
        "publish" => publish(shared, job),
        "metrics" => metrics(shared, job),
        "render" => render(shared, job),
        "replies" => super::replies::run(shared, job),
        other => Err(ApiError::new(ErrorCode::Internal, format!("unknown job kind {other}"))),
    };
    if let Err(e) = result {
        // Only bookkeeping failures land here (the database is busy or gone); the job's lease
        // runs out and the next claim resumes it from the checkpoint.
        tracing::error!(job = %job.id, kind = %job.kind, code = e.code.as_str(), error = %e.message, "job could not be recorded");
    }
    tracing::debug!(job = %job.id, kind = %job.kind, ms = started.elapsed().as_millis() as u64, "job finished");
}

/// A worker died while running `job_id`: put it back so the next claim resumes it.
pub(crate) fn requeue_after_crash(shared: &Shared, job_id: &str) {
    let now = shared.clock.now_ms();
    let r = shared.ctx.db().write(|tx| {
        jobs::requeue(tx, job_id, &shared.owner, now, Some("the worker running it crashed; resuming"), now)?;
        Ok(())
    });
    if let Err(e) = r {
        tracing::error!(error = %e, "cannot requeue the job of a crashed worker");
    }
}

pub(super) fn load(shared: &Shared, target_id: &str) -> Result<(Target, Post), ApiError> {
    let t = posts::target(&shared.ctx.db(), target_id)?;
    let p = posts::get(&shared.ctx.db(), &t.post_id)?;
    Ok((t, p))
}

/// Moves a target to `state` with a timeline entry (no job change).
fn set_state(shared: &Shared, target_id: &str, state: &str, detail: Option<&str>) -> Result<(), ApiError> {
    let now = shared.clock.now_ms();
    shared.ctx.db().write(|tx| {
        tx.execute(
            "UPDATE post_targets SET state = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1 AND state <> ?2",
            params![target_id, state, now],
        )?;
        posts::event(tx, target_id, state, detail, now)?;
        let post_id: String =
            tx.query_row("SELECT post_id FROM post_targets WHERE id = ?1", [target_id], |r| r.get(0))?;
        posts::refresh_post_state(tx, &post_id, now)?;
        Ok(())
    })?;
    Ok(())
}

pub(super) fn handle_of(shared: &Shared, account_id: &str) -> String {
    accounts::get_any(&shared.ctx.db(), account_id).ok().and_then(|a| a.handle).unwrap_or_default()
}

pub(super) fn snippet(caption: &str) -> String {
    let s: String = caption.chars().take(60).collect();
    if caption.chars().count() > 60 {
        format!("{s}…")
    } else {
        s
    }
}

/// Settles the job and the target in one transaction, guarded by the job lease.
struct Outcome<'a> {
    job_state: &'a str,
    target_state: &'a str,
    detail: Option<String>,
    failure: Option<(&'a str, String)>,
    attention: Option<&'a str>,
    notify: Option<(&'a str, String, String, String)>,
    /// Requeue the job at this instant instead of settling it.
    retry_at: Option<i64>,
}

fn settle(shared: &Shared, job: &Claimed, o: Outcome<'_>) -> Result<(), ApiError> {
    let now = shared.clock.now_ms();
    shared.ctx.db().write(|tx| {
        let error = o.failure.as_ref().map(|(code, msg)| format!("{code}: {msg}"));
        let owned = match o.retry_at {
            Some(at) => jobs::requeue(tx, &job.id, &shared.owner, at, error.as_deref(), now)?,
            None => jobs::settle(tx, &job.id, &shared.owner, o.job_state, error.as_deref(), now)?,
        };
        if !owned {
            // The lease ran out and another process took the job over: it records the outcome.
            return Ok(());
        }
        tx.execute(
            "UPDATE post_targets SET state = ?2, failure_code = ?3, failure_message = ?4, attention = ?5,
                    next_attempt_at = ?6, updated_at = ?7, version = version + 1
              WHERE id = ?1",
            params![
                job.ref_id,
                o.target_state,
                o.failure.as_ref().map(|f| f.0),
                o.failure.as_ref().map(|f| f.1.as_str()),
                o.attention,
                o.retry_at,
                now
            ],
        )?;
        posts::event(tx, &job.ref_id, o.target_state, o.detail.as_deref(), now)?;
        if let Some((kind, title, body, key)) = &o.notify {
            notifications::push(
                tx,
                &NewNotification { kind, title, body, target_id: Some(&job.ref_id), dedupe_key: key },
                now,
            )?;
        }
        let post_id: String =
            tx.query_row("SELECT post_id FROM post_targets WHERE id = ?1", [&job.ref_id], |r| r.get(0))?;
        posts::refresh_post_state(tx, &post_id, now)?;
        Ok(())
    })?;
    Ok(())
}

/// The exponential backoff step for attempt `n` (1-based), with ±20% jitter so a platform that
/// comes back is not hit by every queued post in the same second.
pub(super) fn backoff_ms(shared: &Shared, attempt: i64) -> i64 {
    let base = i64::try_from(shared.cfg.backoff_base.as_millis()).unwrap_or(30_000).max(1);
    let cap = i64::try_from(shared.cfg.backoff_cap.as_millis()).unwrap_or(1_800_000).max(base);
    let exp = u32::try_from((attempt - 1).clamp(0, 20)).unwrap_or(0);
    let step = base.saturating_mul(1i64 << exp).min(cap);
    let jitter = (rand::random::<f64>() - 0.5) * 0.4;
    ((step as f64) * (1.0 + jitter)) as i64
}

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
        let r = self.shared.ctx.db().write(|tx| {
            tx.execute(
                "UPDATE post_targets SET upload_progress = ?2, updated_at = ?3 WHERE id = ?1",
                params![self.job.ref_id, fraction, now],
            )?;
            Ok(())
        });
        if let Err(e) = r {
            tracing::warn!(error = %e, "cannot record upload progress");
        }
        if fraction >= 1.0 && !self.processing {
            self.processing = true;
            fault::point("processing");
            let _ =
                set_state(self.shared, &self.job.ref_id, "processing", Some("the platform is processing the media"));
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
        let r = self.shared.ctx.db().write(|tx| {
            // Write-ahead of the final call only while this process still owns the job: a
            // process that lost its lease (it slept, another took over) must not post.
            if (going_final || reply_in_flight) && !jobs::owns(tx, &self.job.id, &self.shared.owner, now)? {
                return Err(StoreError::InUse("the publisher lease moved to another process".into()));
            }
            tx.execute(
                "UPDATE post_targets SET publish_state_json = ?2, upload_session_url = ?3, platform_media_id = ?4,
                        platform_container_id = ?5, platform_publish_id = ?6, updated_at = ?7
                  WHERE id = ?1",
                params![self.job.ref_id, json, st.upload_session_url, st.media_id, st.container_id, st.publish_id, now],
            )?;
            Ok(())
        });
        match r {
            Ok(()) => {}
            Err(StoreError::InUse(m)) => {
                return Err(PublishError::Cancelled).inspect_err(|_| tracing::warn!(%m, "not posting"))
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

fn media_path(shared: &Shared, t: &Target, p: &Post) -> Result<std::path::PathBuf, ApiError> {
    let id = t.render_id.clone().or_else(|| t.asset_id.clone()).or_else(|| p.media_ref.clone());
    let id = id.ok_or_else(|| ApiError::new(ErrorCode::InvalidMedia, "this post has no media"))?;
    let path = crate::score::resolve(&shared.ctx, &id)?.path;
    Ok(path)
}

fn publish(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    fault::point("claimed");
    let (t, post) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    if posts::TERMINAL.contains(&t.state.as_str()) || t.state == "draft" {
        // Published, failed, cancelled or taken back to draft since it was queued: nothing to do.
        let _ = shared.ctx.db().write(|tx| {
            jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some(&format!("target is {}", t.state)), now)
        });
        return Ok(());
    }
    let handle = handle_of(shared, &t.account_id);
    let grace = super::grace_ms(&shared.ctx)?;
    let late_ms = now - job.due_at;
    // Catch-up policy: a first attempt found far past its time (the machine slept or was off)
    // is not published on its own; the creator decides.
    if job.attempts == 1 && !job.recovered && t.state == "queued" && late_ms > grace {
        let when = studio_core::clock::rfc3339(job.due_at);
        return settle(
            shared,
            job,
            Outcome {
                job_state: "needs_review",
                target_state: "queued",
                detail: Some(format!(
                    "missed: due {when}, found {} min late; not published without you",
                    late_ms / 60_000
                )),
                failure: None,
                attention: Some("missed"),
                notify: Some((
                    "needs_attention",
                    format!("Missed post for {handle}"),
                    format!(
                        "\"{}\" was due {when} while Viral Studio was not running. Post it now or reschedule.",
                        snippet(&post.caption)
                    ),
                    format!("missed:{}:{}", t.id, job.due_at),
                )),
                retry_at: None,
            },
        );
    }

    let account = accounts::get_any(&shared.ctx.db(), &t.account_id)?;
    let platform = crate::accounts::parse_platform(&account.platform)?;
    let name = rules(platform).name.clone();
    if account.status == "needs_reconnect" || account.status == "disconnected" {
        return settle(
            shared,
            job,
            reconnect_outcome(&name, &handle, &t.id, &account.id, "the account needs reconnecting"),
        );
    }
    let overrides: TargetOverrides = serde_json::from_str(&t.overrides_json).unwrap_or_default();
    let caption = effective_caption(&post.caption, &overrides);
    let title = effective_title(post.title.as_deref(), &overrides);
    let prepared = (|| -> Result<_, ApiError> {
        let path = media_path(shared, &t, &post)?;
        let media = MediaFile::new(&path, crate::publish::media_facts(&path)?)?;
        let c = crate::accounts::connector(platform)?;
        Ok((media, c))
    })();
    let (media, c) = match prepared {
        Ok(x) => x,
        Err(e) => return settle(shared, job, failed_outcome(&name, &handle, &t.id, e.code.as_str(), &e.message)),
    };

    fault::point("before_uploading_state");
    if t.state == "queued" || t.state == "unconfirmed" {
        let detail = if t.state == "unconfirmed" {
            "checking with the platform whether the earlier attempt posted".to_string()
        } else if late_ms > 60_000 {
            format!("started {} min late", late_ms / 60_000)
        } else {
            format!("attempt {}", job.attempts)
        };
        set_state(shared, &t.id, "uploading", Some(&detail))?;
        shared.ctx.db().write(|tx| {
            tx.execute("UPDATE post_targets SET attempts = attempts + 1 WHERE id = ?1", [&t.id])?;
            Ok(())
        })?;
    }
    fault::point("after_uploading_state");

    let mut session = match crate::publish::prepare_session(&shared.ctx, &account, platform, c.as_ref()) {
        Ok(s) => s,
        Err(e) if e.code == ErrorCode::NeedsReconnect => {
            accounts::set_status(&mut shared.ctx.db(), &account.id, "needs_reconnect", None)?;
            return settle(shared, job, reconnect_outcome(&name, &handle, &t.id, &account.id, &e.message));
        }
        Err(e) => return retry_or_fail(shared, job, &t, &name, &handle, e.code.as_str(), &e.message, None),
    };
    let options = draft_options(&overrides);
    let draft = Draft {
        caption: &caption,
        title: title.as_deref(),
        media: &media,
        options: &options,
        idempotency_key: &t.idempotency_key,
    };
    let mut state: PublishState =
        t.publish_state_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let mut progress = TargetProgress::new(shared, job, &state, t.state == "processing");
    let reauth = || crate::publish::reauthorize(&shared.ctx, &account, platform);
    let outcome =
        studio_publish::publish::publish(c.as_ref(), &mut session, &draft, &mut state, &mut progress, &reauth);

    match outcome {
        Ok(published) => {
            fault::point("before_record");
            let now = shared.clock.now_ms();
            let late = (now - job.due_at > 60_000).then_some(now - job.due_at);
            let url = published.url.clone();
            shared.ctx.db().write(|tx| {
                // Recorded whatever the lease says: the post exists on the platform, and the
                // write-ahead state already holds its id for anyone else.
                tx.execute(
                    "UPDATE post_targets SET state = 'published', platform_post_id = ?2, post_url = ?3, published_at = ?4,
                            late_by_ms = ?5, upload_progress = 1.0, failure_code = NULL, failure_message = NULL,
                            attention = NULL, next_attempt_at = NULL, publish_state_json = ?6, updated_at = ?4,
                            version = version + 1
                      WHERE id = ?1",
                    params![t.id, published.post_id, url, now, late, serde_json::to_string(&state).ok()],
                )?;
                jobs::settle(tx, &job.id, &shared.owner, "done", None, now)?;
                tx.execute(
                    "UPDATE jobs SET state = 'done' WHERE ref_id = ?1 AND kind = 'publish' AND state IN ('queued', 'running') AND id <> ?2",
                    params![t.id, job.id],
                )?;
                let detail = match (&url, late) {
                    (Some(u), Some(l)) => format!("{u} ({} min late)", l / 60_000),
                    (Some(u), None) => u.clone(),
                    (None, Some(l)) => format!("post {} ({} min late)", published.post_id, l / 60_000),
                    (None, None) => format!("post {}", published.post_id),
                };
                posts::event(tx, &t.id, "published", Some(&detail), now)?;
                if !follow_ups(&overrides).is_empty() {
                    jobs::enqueue(tx, "replies", &t.id, now, now)?;
                }
                if let Some(first) = shared.cfg.metric_offsets.first() {
                    let at = now + i64::try_from(first.as_millis()).unwrap_or(3_600_000);
                    let mid = jobs::enqueue(tx, "metrics", &t.id, at, now)?;
                    tx.execute("UPDATE jobs SET payload_json = '{\"round\":0}' WHERE id = ?1", [&mid])?;
                }
                let (kind, title) = match late {
                    Some(l) => ("late", format!("Published {} min late on {name}", l / 60_000)),
                    None => ("published", format!("Published on {name}")),
                };
                let body = format!("{handle}: \"{}\"", snippet(&caption));
                notifications::push(tx, &NewNotification { kind, title: &title, body: &body, target_id: Some(&t.id), dedupe_key: &format!("published:{}", t.id) }, now)?;
                posts::refresh_post_state(tx, &t.post_id, now)?;
                Ok(())
            })?;
            fault::point("after_record");
            tracing::info!(platform = %platform, post = %published.post_id, target = %t.id, "published");
            fault::point("after_notify");
            Ok(())
        }
        Err(e) => {
            let code = e.code();
            let message = e.to_string();
            match e.class() {
                ErrorClass::Retry => retry_or_fail(shared, job, &t, &name, &handle, code, &message, None),
                ErrorClass::RateLimited { retry_after_s } => {
                    let until = shared.clock.now_ms() + i64::try_from(retry_after_s).unwrap_or(60).saturating_mul(1000);
                    shared.ctx.db().write(|tx| {
                        tx.execute("UPDATE accounts SET paused_until = ?2 WHERE id = ?1", params![account.id, until])?;
                        Ok(())
                    })?;
                    retry_or_fail(shared, job, &t, &name, &handle, code, &message, Some(until))
                }
                ErrorClass::RefreshToken | ErrorClass::Reconnect => {
                    accounts::set_status(&mut shared.ctx.db(), &account.id, "needs_reconnect", None)?;
                    settle(shared, job, reconnect_outcome(&name, &handle, &t.id, &account.id, &message))
                }
                ErrorClass::OutcomeUnknown => {
                    // Ask the platform again a few times (the next run reconciles first); then
                    // only the creator can tell.
                    if job.attempts < 4 && !matches!(e, PublishError::Cancelled) {
                        let at = shared.clock.now_ms() + backoff_ms(shared, job.attempts);
                        settle(
                            shared,
                            job,
                            Outcome {
                                job_state: "queued",
                                target_state: "unconfirmed",
                                detail: Some(format!("{message}; checking again")),
                                failure: Some((code, message.clone())),
                                attention: None,
                                notify: None,
                                retry_at: Some(at),
                            },
                        )
                    } else {
                        settle(shared, job, Outcome {
                            job_state: "needs_review",
                            target_state: "unconfirmed",
                            detail: Some(message.clone()),
                            failure: Some((code, message.clone())),
                            attention: Some("unconfirmed"),
                            notify: Some((
                                "needs_attention",
                                format!("Did it post on {name}?"),
                                format!("{handle}: {name} could not confirm \"{}\". Check the account, then mark it as posted or retry.", snippet(&caption)),
                                format!("unconfirmed:{}", t.id),
                            )),
                            retry_at: None,
                        })
                    }
                }
                ErrorClass::BadRequest | ErrorClass::Fatal if matches!(e, PublishError::Cancelled) => {
                    // Shutting down (or the lease moved) before the final call: run again later.
                    let now = shared.clock.now_ms();
                    settle(
                        shared,
                        job,
                        Outcome {
                            job_state: "queued",
                            target_state: "queued",
                            detail: Some("interrupted before posting; will continue".into()),
                            failure: None,
                            attention: None,
                            notify: None,
                            retry_at: Some(now),
                        },
                    )
                }
                ErrorClass::BadRequest | ErrorClass::Fatal => {
                    fault::point("failure_recorded");
                    settle(shared, job, failed_outcome(&name, &handle, &t.id, code, &message))
                }
            }
        }
    }
}

fn failed_outcome<'a>(name: &str, handle: &str, target_id: &str, code: &'a str, message: &str) -> Outcome<'a> {
    Outcome {
        job_state: "failed",
        target_state: "failed",
        detail: Some(message.to_string()),
        failure: Some((code, message.to_string())),
        attention: None,
        notify: Some((
            "failed",
            format!("Not published on {name}"),
            format!("{handle}: {message}"),
            format!("failed:{target_id}"),
        )),
        retry_at: None,
    }
}

fn reconnect_outcome<'a>(name: &str, handle: &str, target_id: &str, account_id: &str, message: &str) -> Outcome<'a> {
    Outcome {
        job_state: "failed",
        target_state: "needs_reconnect",
        detail: Some(message.to_string()),
        failure: Some(("needs_reconnect", message.to_string())),
        attention: None,
        notify: Some((
            "needs_attention",
            format!("Reconnect {name} {handle}"),
            format!("{name} refused the sign-in ({message}). Reconnect the account, then retry its posts."),
            // One per account and target: each blocked post is listed, none twice.
            format!("reconnect:{account_id}:{target_id}"),
        )),
        retry_at: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn retry_or_fail(
    shared: &Shared,
    job: &Claimed,
    t: &Target,
    name: &str,
    handle: &str,
    code: &str,
    message: &str,
    not_before: Option<i64>,
) -> Result<(), ApiError> {
    if job.attempts >= shared.cfg.max_attempts {
        return settle(
            shared,
            job,
            failed_outcome(name, handle, &t.id, code, &format!("{message} (gave up after {} tries)", job.attempts)),
        );
    }
    let now = shared.clock.now_ms();
    let at = (now + backoff_ms(shared, job.attempts)).max(not_before.unwrap_or(0));
    fault::point("retry_scheduled");
    settle(
        shared,
        job,
        Outcome {
            job_state: "queued",
            target_state: "queued",
            detail: Some(format!("{message}; trying again at {}", studio_core::clock::rfc3339(at))),
            failure: Some((code, message.to_string())),
            attention: None,
            notify: None,
            retry_at: Some(at),
        },
    )
}

fn metrics(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    fault::point("metrics_claimed");
    let (t, _) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    let round: usize = jobs::get(&shared.ctx.db(), &job.id)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload_json).ok())
        .and_then(|v| v.get("round").and_then(serde_json::Value::as_u64))
        .and_then(|r| usize::try_from(r).ok())
        .unwrap_or(0);
    let Some(post_id) = t.platform_post_id.clone().filter(|_| t.state == "published") else {
        let _ = shared
            .ctx
            .db()
            .write(|tx| jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some("not published"), now));
        return Ok(());
    };
    let account = accounts::get_any(&shared.ctx.db(), &t.account_id)?;
    let platform = crate::accounts::parse_platform(&account.platform)?;
    let fetched = (|| -> Result<studio_publish::connector::Metrics, ApiError> {
        let c = crate::accounts::connector(platform)?;
        let mut s = crate::publish::prepare_session(&shared.ctx, &account, platform, c.as_ref())?;
        let reauth = || crate::publish::reauthorize(&shared.ctx, &account, platform);
        Ok(studio_publish::publish::with_refresh(&mut s, &reauth, |s| c.metrics(s, &post_id))?)
    })();
    fault::point("metrics_fetched");
    let now = shared.clock.now_ms();
    match fetched {
        Ok(m) => {
            let next_at = shared
                .cfg
                .metric_offsets
                .get(round + 1)
                .map(|d| t.published_at.unwrap_or(now) + i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4));
            shared.ctx.db().write(|tx| {
                if !jobs::settle(tx, &job.id, &shared.owner, "done", None, now)? {
                    return Ok(());
                }
                let as_i = |v: Option<u64>| v.and_then(|x| i64::try_from(x).ok());
                tx.execute(
                    "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves,
                                                   watch_time_s, raw_json, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?3, ?3)",
                    params![studio_core::ids::new_id(), t.id, now, as_i(m.views), as_i(m.likes), as_i(m.comments),
                            as_i(m.shares), as_i(m.saves), m.watch_time_s, m.raw.to_string()],
                )?;
                if let Some(at) = next_at {
                    let id = jobs::enqueue(tx, "metrics", &t.id, at.max(now), now)?;
                    tx.execute("UPDATE jobs SET payload_json = ?2 WHERE id = ?1", params![id, serde_json::json!({ "round": round + 1 }).to_string()])?;
                }
                Ok(())
            })?;
            fault::point("metrics_saved");
            if round == 0 {
                // The score this post went out with, for learning; best effort (it can be
                // recorded later by `studio score model`).
                if let Err(e) = crate::learning::record_scores(&shared.ctx, &t.account_id) {
                    tracing::warn!(code = e.code.as_str(), error = %e.message, "score of a published post not recorded");
                }
            }
        }
        Err(e) => {
            // Metrics are best effort: a few retries, then this round is skipped (never a
            // reason to touch the post itself).
            let _ = shared.ctx.db().write(|tx| {
                if job.attempts < 3 {
                    jobs::requeue(
                        tx,
                        &job.id,
                        &shared.owner,
                        now + backoff_ms(shared, job.attempts),
                        Some(&e.message),
                        now,
                    )?;
                } else {
                    jobs::settle(tx, &job.id, &shared.owner, "failed", Some(&e.message), now)?;
                }
                Ok(())
            });
        }
    }
    Ok(())
}

fn render(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    let (t, post) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    let preset = jobs::get(&shared.ctx.db(), &job.id)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload_json).ok())
        .and_then(|v| v.get("preset").and_then(|p| p.as_str().map(str::to_string)));
    let asset = t.asset_id.clone().or_else(|| post.media_ref.clone());
    let (Some(preset), Some(asset)) = (preset, asset) else {
        let _ = shared
            .ctx
            .db()
            .write(|tx| jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some("nothing to render"), now));
        return Ok(());
    };
    let request = crate::renders::RenderRequest { input: asset, preset: preset.clone(), ..Default::default() };
    let cancel = studio_core::progress::CancelToken::new();
    let result = crate::render_helper::locate()
        .and_then(|helper| crate::render_helper::run(&shared.ctx, &helper, &request, &|_| {}, &cancel));
    let now = shared.clock.now_ms();
    shared.ctx.db().write(|tx| {
        match &result {
            Ok(r) => {
                if !jobs::settle(tx, &job.id, &shared.owner, "done", None, now)? {
                    return Ok(());
                }
                if let Some(render_id) = &r.render_id {
                    tx.execute(
                        "UPDATE post_targets SET render_id = ?2, updated_at = ?3 WHERE id = ?1",
                        params![t.id, render_id, now],
                    )?;
                }
                posts::event(
                    tx,
                    &t.id,
                    &t.state,
                    Some(&format!("{preset} version rendered ({}x{})", r.width, r.height)),
                    now,
                )?;
            }
            Err(e) => {
                if !jobs::settle(tx, &job.id, &shared.owner, "failed", Some(&e.message), now)? {
                    return Ok(());
                }
                posts::event(
                    tx,
                    &t.id,
                    &t.state,
                    Some(&format!("the {preset} version could not be rendered ({}); posting the original", e.message)),
                    now,
                )?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

//! Thread parts and the first comment, posted as replies once the main post is out.
//!
//! They run as their own job after "published" is recorded: the main post is live whatever
//! happens to its follow-ups, so the target stays published, and a follow-up that cannot be
//! posted becomes an attention flag and a notification instead of a failed post. Each reply is
//! write-ahead like the final call (see `studio_publish::publish::publish_replies`).
use studio_core::accounts;
use studio_core::jobs::{self, Claimed};
use studio_core::notifications::{self, NewNotification};
use studio_core::targets::{self, TargetState};
use studio_publish::connector::{PublishState, Published};
use studio_publish::rules::rules;
use studio_publish::{ErrorClass, PublishError};

use super::progress::TargetProgress;
use super::shared::{backoff_ms, handle_of, load, snippet, Shared};
use crate::posts::{draft_options, follow_ups, TargetOverrides};
use crate::ApiError;

/// How a replies job ends.
struct End {
    job_state: &'static str,
    retry_at: Option<i64>,
    error: Option<String>,
    /// The timeline line (under "published": the post stays live whatever its follow-ups do).
    event: String,
    /// `Some(false)` clears the follow-ups flag, `Some(true)` sets it.
    replies_failed: Option<bool>,
    notify: Option<(String, String)>,
}

pub(crate) fn run(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    let (t, post) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    let Some(post_id) = t.platform_post_id.clone().filter(|_| t.state == TargetState::Published) else {
        let _ = shared
            .ctx
            .db()
            .write(|tx| jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some("the post is not published"), now));
        return Ok(());
    };
    let overrides: TargetOverrides = serde_json::from_str(&t.overrides_json).unwrap_or_default();
    let wanted = follow_ups(&overrides);
    let account = accounts::get_any(&shared.ctx.db(), &t.account_id)?;
    let platform = crate::accounts::parse_platform(&account.platform)?;
    let name = rules(platform).name.clone();
    let handle = handle_of(shared, &t.account_id);
    let failed = |message: String| {
        End {
        job_state: "failed",
        retry_at: None,
        error: Some(message.clone()),
        event: format!("follow-ups not posted: {message}"),
        replies_failed: Some(true),
        notify: Some((
            format!("Thread incomplete on {name}"),
            format!(
                "{handle}: \"{}\" is live, but its thread or first comment was not posted ({message}). Post the rest by hand or retry.",
                snippet(&post.caption)
            ),
        )),
    }
    };
    if account.status == "needs_reconnect" || account.status == "disconnected" {
        return finish(shared, job, failed("the account needs reconnecting".into()));
    }
    let prepared = (|| -> Result<_, ApiError> {
        let c = crate::accounts::connector(platform)?;
        let s = crate::publish::prepare_session(&shared.ctx, &account, platform, c.as_ref())?;
        Ok((c, s))
    })();
    let (c, mut session) = match prepared {
        Ok(x) => x,
        Err(e) => return finish(shared, job, retry_or_fail(shared, job, e.message, None, failed)),
    };
    let mut state: PublishState =
        t.publish_state_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let root = Published { post_id, url: t.post_url.clone() };
    let options = draft_options(&overrides);
    let mut progress = TargetProgress::new(shared, job, &state, true);
    let reauth = || crate::publish::reauthorize(&shared.ctx, &account, platform);
    let outcome = studio_publish::publish::publish_replies(
        c.as_ref(),
        &mut session,
        &root,
        &wanted,
        &options,
        &t.idempotency_key,
        &mut state,
        &mut progress,
        &reauth,
    );
    let end = match outcome {
        Ok(done) => {
            let links: Vec<String> = done.iter().map(|p| p.url.clone().unwrap_or_else(|| p.post_id.clone())).collect();
            End {
                job_state: "done",
                retry_at: None,
                error: None,
                event: format!("{} follow-up(s) posted: {}", done.len(), links.join(" ")),
                replies_failed: Some(false),
                notify: None,
            }
        }
        Err(PublishError::Cancelled) => End {
            job_state: "queued",
            retry_at: Some(shared.clock.now_ms()),
            error: None,
            event: "follow-ups interrupted; will continue".into(),
            replies_failed: None,
            notify: None,
        },
        Err(e) => {
            let message = e.to_string();
            match e.class() {
                ErrorClass::Retry | ErrorClass::OutcomeUnknown => retry_or_fail(shared, job, message, None, failed),
                ErrorClass::RateLimited { retry_after_s } => {
                    let until = shared.clock.now_ms() + i64::try_from(retry_after_s).unwrap_or(60).saturating_mul(1000);
                    retry_or_fail(shared, job, message, Some(until), failed)
                }
                ErrorClass::RefreshToken | ErrorClass::Reconnect => {
                    accounts::set_status(&mut shared.ctx.db(), &account.id, "needs_reconnect", None)?;
                    failed(message)
                }
                ErrorClass::BadRequest | ErrorClass::Fatal => failed(message),
            }
        }
    };
    finish(shared, job, end)
}

fn retry_or_fail(
    shared: &Shared,
    job: &Claimed,
    message: String,
    not_before: Option<i64>,
    failed: impl Fn(String) -> End,
) -> End {
    if job.attempts >= shared.cfg.max_attempts {
        return failed(format!("{message} (gave up after {} tries)", job.attempts));
    }
    let at = (shared.clock.now_ms() + backoff_ms(shared, job.attempts)).max(not_before.unwrap_or(0));
    End {
        job_state: "queued",
        retry_at: Some(at),
        error: Some(message.clone()),
        event: format!("follow-ups: {message}; trying again at {}", studio_core::clock::rfc3339(at)),
        replies_failed: None,
        notify: None,
    }
}

fn finish(shared: &Shared, job: &Claimed, end: End) -> Result<(), ApiError> {
    let now = shared.clock.now_ms();
    shared.ctx.db().write(|tx| {
        let owned = match end.retry_at {
            Some(at) => jobs::requeue(tx, &job.id, &shared.owner, at, end.error.as_deref(), now)?,
            None => jobs::settle(tx, &job.id, &shared.owner, end.job_state, end.error.as_deref(), now)?,
        };
        if !owned {
            return Ok(());
        }
        if let Some(failed) = end.replies_failed {
            targets::set_replies_attention(tx, &job.ref_id, failed, now)?;
        }
        targets::event(tx, &job.ref_id, TargetState::Published.as_str(), Some(&end.event), now)?;
        if let Some((title, body)) = &end.notify {
            notifications::push(
                tx,
                &NewNotification {
                    kind: "needs_attention",
                    title,
                    body,
                    target_id: Some(&job.ref_id),
                    dedupe_key: &format!("replies:{}:{}", job.ref_id, job.id),
                },
                now,
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

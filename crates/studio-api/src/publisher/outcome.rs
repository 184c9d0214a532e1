//! How a publish attempt that did not post ends: the job settled or requeued, the target moved
//! (through `studio_core::targets`) and the creator told, in one transaction guarded by the job
//! lease. A process that lost the lease records nothing: the one that took the job over does.
use studio_core::jobs::{self, Claimed};
use studio_core::notifications::{self, NewNotification};
use studio_core::targets::{self, attention, Settled, TargetState};

use super::fault;
use super::shared::{backoff_ms, Shared};
use crate::ApiError;

pub(super) struct Outcome<'a> {
    pub job_state: &'a str,
    pub target_state: TargetState,
    pub detail: Option<String>,
    pub failure: Option<(&'a str, String)>,
    pub attention: Option<&'a str>,
    /// (kind, title, body, dedupe key)
    pub notify: Option<(&'a str, String, String, String)>,
    /// Requeue the job at this instant instead of settling it.
    pub retry_at: Option<i64>,
}

pub(super) fn settle(shared: &Shared, job: &Claimed, o: Outcome<'_>) -> Result<(), ApiError> {
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
        let settled = Settled {
            to: o.target_state,
            detail: o.detail.as_deref(),
            failure: o.failure.as_ref().map(|(code, msg)| (*code, msg.as_str())),
            attention: o.attention,
            next_attempt_at: o.retry_at,
        };
        targets::settle_attempt(tx, &job.ref_id, &settled, now)?;
        if let Some((kind, title, body, key)) = &o.notify {
            notifications::push(
                tx,
                &NewNotification { kind, title, body, target_id: Some(&job.ref_id), dedupe_key: key },
                now,
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

pub(super) fn failed<'a>(name: &str, handle: &str, target_id: &str, code: &'a str, message: &str) -> Outcome<'a> {
    Outcome {
        job_state: "failed",
        target_state: TargetState::Failed,
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

pub(super) fn reconnect<'a>(name: &str, handle: &str, target_id: &str, account_id: &str, message: &str) -> Outcome<'a> {
    Outcome {
        job_state: "failed",
        target_state: TargetState::NeedsReconnect,
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

/// Found too late after sleep or downtime: held for the creator.
pub(super) fn missed<'a>(detail: String, title: String, body: String, key: String) -> Outcome<'a> {
    Outcome {
        job_state: "needs_review",
        target_state: TargetState::Queued,
        detail: Some(detail),
        failure: None,
        attention: Some(attention::MISSED),
        notify: Some(("needs_attention", title, body, key)),
        retry_at: None,
    }
}

/// The platform could not say whether it posted: ask again a few times, then the creator.
pub(super) fn unconfirmed<'a>(
    code: &'a str,
    message: &str,
    check_again_at: Option<i64>,
    ask: (String, String, String),
) -> Outcome<'a> {
    match check_again_at {
        Some(at) => Outcome {
            job_state: "queued",
            target_state: TargetState::Unconfirmed,
            detail: Some(format!("{message}; checking again")),
            failure: Some((code, message.to_string())),
            attention: None,
            notify: None,
            retry_at: Some(at),
        },
        None => Outcome {
            job_state: "needs_review",
            target_state: TargetState::Unconfirmed,
            detail: Some(message.to_string()),
            failure: Some((code, message.to_string())),
            attention: Some(attention::UNCONFIRMED),
            notify: Some(("needs_attention", ask.0, ask.1, ask.2)),
            retry_at: None,
        },
    }
}

/// Shutting down (or the lease moved) before the final call: run again at `at`.
pub(super) fn interrupted<'a>(at: i64) -> Outcome<'a> {
    Outcome {
        job_state: "queued",
        target_state: TargetState::Queued,
        detail: Some("interrupted before posting; will continue".into()),
        failure: None,
        attention: None,
        notify: None,
        retry_at: Some(at),
    }
}

/// A retryable failure: again after a backoff (not before `not_before`), or failed for good
/// after `max_attempts`.
#[allow(clippy::too_many_arguments)]
pub(super) fn retry_or_fail(
    shared: &Shared,
    job: &Claimed,
    target_id: &str,
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
            failed(name, handle, target_id, code, &format!("{message} (gave up after {} tries)", job.attempts)),
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
            target_state: TargetState::Queued,
            detail: Some(format!("{message}; trying again at {}", studio_core::clock::rfc3339(at))),
            failure: Some((code, message.to_string())),
            attention: None,
            notify: None,
            retry_at: Some(at),
        },
    )
}

//! A publish job: one target taken through its state machine (`studio_core::targets`) once.
//!
//! The steps, in order: skip a target that is finished or back in draft; hold a first attempt
//! found far past its time for the creator; check the account; prepare the media; mark the
//! attempt started (uploading); let the connector publish, checkpointing every platform id
//! (`progress`); then record the post (`record`) or the failure (`failed_attempt`).
//!
//! Bookkeeping after a publish (the follow-ups and metrics jobs, the notification, the post's
//! state) is written in the same transaction as "published", so nothing after a successful
//! publish can make it run again.
use studio_core::accounts::{self, Account};
use studio_core::jobs::{self, Claimed};
use studio_core::notifications::{self, NewNotification};
use studio_core::posts::{Post, Target};
use studio_core::targets::{self, JobKind, PublishedPost, TargetState};
use studio_publish::connector::{Draft, PublishState, Published};
use studio_publish::media::MediaFile;
use studio_publish::rules::rules;
use studio_publish::{ErrorClass, PlatformId, PublishError};

use super::config::grace_ms;
use super::fault;
use super::outcome::{self, retry_or_fail, settle};
use super::progress::TargetProgress;
use super::shared::{backoff_ms, handle_of, load, snippet, Shared};
use crate::posts::{draft_options, effective_caption, effective_title, follow_ups, TargetOverrides};
use crate::{ApiError, ErrorCode};

/// What the steps of one attempt share.
struct Attempt<'a> {
    shared: &'a Shared,
    job: &'a Claimed,
    t: Target,
    post: Post,
    account: Account,
    platform: PlatformId,
    /// The platform's name and the account's handle, for messages.
    name: String,
    handle: String,
    overrides: TargetOverrides,
}

pub(super) fn run(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    fault::point("claimed");
    let (t, post) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    if t.state.is_terminal() || t.state == TargetState::Draft {
        // Published, failed, cancelled or taken back to draft since it was queued: nothing to do.
        let _ = shared.ctx.db().write(|tx| {
            jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some(&format!("target is {}", t.state)), now)
        });
        return Ok(());
    }
    let handle = handle_of(shared, &t.account_id);
    let late_ms = now - job.due_at;
    if held_for_review(shared, job, &t, &post, &handle, late_ms)? {
        return Ok(());
    }

    let account = accounts::get_any(&shared.ctx.db(), &t.account_id)?;
    let platform = crate::accounts::parse_platform(&account.platform)?;
    let name = rules(platform).name.clone();
    let overrides: TargetOverrides = serde_json::from_str(&t.overrides_json).unwrap_or_default();
    let a = Attempt { shared, job, t, post, account, platform, name, handle, overrides };
    if a.account.status == "needs_reconnect" || a.account.status == "disconnected" {
        return settle(shared, job, a.reconnect("the account needs reconnecting"));
    }
    let (media, c) = match prepare(&a) {
        Ok(x) => x,
        Err(e) => return settle(shared, job, a.failed(e.code.as_str(), &e.message)),
    };

    fault::point("before_uploading_state");
    start(&a, late_ms)?;
    fault::point("after_uploading_state");

    let mut session = match crate::publish::prepare_session(&shared.ctx, &a.account, platform, c.as_ref()) {
        Ok(s) => s,
        Err(e) if e.code == ErrorCode::NeedsReconnect => {
            accounts::set_status(&mut shared.ctx.db(), &a.account.id, "needs_reconnect", None)?;
            return settle(shared, job, a.reconnect(&e.message));
        }
        Err(e) => return a.retry_or_fail(e.code.as_str(), &e.message, None),
    };
    let caption = effective_caption(&a.post.caption, &a.overrides);
    let title = effective_title(a.post.title.as_deref(), &a.overrides);
    let options = draft_options(&a.overrides);
    let draft = Draft {
        caption: &caption,
        title: title.as_deref(),
        media: &media,
        options: &options,
        idempotency_key: &a.t.idempotency_key,
    };
    let mut state: PublishState =
        a.t.publish_state_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let mut progress = TargetProgress::new(shared, job, &state, a.t.state == TargetState::Processing);
    let reauth = || crate::publish::reauthorize(&shared.ctx, &a.account, platform);
    let outcome =
        studio_publish::publish::publish(c.as_ref(), &mut session, &draft, &mut state, &mut progress, &reauth);

    match outcome {
        Ok(published) => record(&a, &published, &state, &caption),
        Err(e) => failed_attempt(&a, e, &caption),
    }
}

/// Catch-up policy: a first attempt found far past its time (the machine slept or was off) is
/// not published on its own; the creator decides. True when the job was held.
fn held_for_review(
    shared: &Shared,
    job: &Claimed,
    t: &Target,
    post: &Post,
    handle: &str,
    late_ms: i64,
) -> Result<bool, ApiError> {
    let grace = grace_ms(&shared.ctx)?;
    if !(job.attempts == 1 && !job.recovered && t.state == TargetState::Queued && late_ms > grace) {
        return Ok(false);
    }
    let when = studio_core::clock::rfc3339(job.due_at);
    settle(
        shared,
        job,
        outcome::missed(
            format!("missed: due {when}, found {} min late; not published without you", late_ms / 60_000),
            format!("Missed post for {handle}"),
            format!(
                "\"{}\" was due {when} while Viral Studio was not running. Post it now or reschedule.",
                snippet(&post.caption)
            ),
            format!("missed:{}:{}", t.id, job.due_at),
        ),
    )?;
    Ok(true)
}

/// The media file and the platform's connector.
fn prepare(a: &Attempt<'_>) -> Result<(MediaFile, Box<dyn studio_publish::connector::Connector>), ApiError> {
    let id = a.t.render_id.clone().or_else(|| a.t.asset_id.clone()).or_else(|| a.post.media_ref.clone());
    let id = id.ok_or_else(|| ApiError::new(ErrorCode::InvalidMedia, "this post has no media"))?;
    let path = crate::score::resolve(&a.shared.ctx, &id)?.path;
    let media = MediaFile::new(&path, crate::publish::media_facts(&path)?)?;
    let c = crate::accounts::connector(a.platform)?;
    Ok((media, c))
}

/// Marks the attempt started (uploading) unless it is resuming one already under way.
fn start(a: &Attempt<'_>, late_ms: i64) -> Result<(), ApiError> {
    if !matches!(a.t.state, TargetState::Queued | TargetState::Unconfirmed) {
        return Ok(());
    }
    let detail = if a.t.state == TargetState::Unconfirmed {
        "checking with the platform whether the earlier attempt posted".to_string()
    } else if late_ms > 60_000 {
        format!("started {} min late", late_ms / 60_000)
    } else {
        format!("attempt {}", a.job.attempts)
    };
    let now = a.shared.clock.now_ms();
    a.shared.ctx.db().write(|tx| targets::start_attempt(tx, &a.t.id, &detail, now))?;
    Ok(())
}

/// The platform has the post: published, with everything that follows from it, at once.
fn record(a: &Attempt<'_>, published: &Published, state: &PublishState, caption: &str) -> Result<(), ApiError> {
    let (shared, job, t) = (a.shared, a.job, &a.t);
    fault::point("before_record");
    let now = shared.clock.now_ms();
    let late = (now - job.due_at > 60_000).then_some(now - job.due_at);
    let url = published.url.clone();
    let detail = match (&url, late) {
        (Some(u), Some(l)) => format!("{u} ({} min late)", l / 60_000),
        (Some(u), None) => u.clone(),
        (None, Some(l)) => format!("post {} ({} min late)", published.post_id, l / 60_000),
        (None, None) => format!("post {}", published.post_id),
    };
    let state_json = serde_json::to_string(state).ok();
    shared.ctx.db().write(|tx| {
        // Recorded whatever the lease says: the post exists on the platform, and the
        // write-ahead state already holds its id for anyone else.
        let p = PublishedPost {
            platform_post_id: &published.post_id,
            url: url.as_deref(),
            late_by_ms: late,
            publish_state_json: state_json.as_deref(),
            detail: &detail,
        };
        targets::record_published(tx, &t.id, &p, now)?;
        jobs::settle(tx, &job.id, &shared.owner, "done", None, now)?;
        jobs::close_other_publish(tx, &t.id, &job.id)?;
        if !follow_ups(&a.overrides).is_empty() {
            jobs::enqueue(tx, JobKind::Replies, &t.id, now, now)?;
        }
        if let Some(first) = shared.cfg.metric_offsets.first() {
            let at = now + i64::try_from(first.as_millis()).unwrap_or(3_600_000);
            jobs::enqueue_with(tx, JobKind::Metrics, &t.id, at, "{\"round\":0}", now)?;
        }
        let name = &a.name;
        let (kind, title) = match late {
            Some(l) => ("late", format!("Published {} min late on {name}", l / 60_000)),
            None => ("published", format!("Published on {name}")),
        };
        let body = format!("{}: \"{}\"", a.handle, snippet(caption));
        let key = format!("published:{}", t.id);
        notifications::push(
            tx,
            &NewNotification { kind, title: &title, body: &body, target_id: Some(&t.id), dedupe_key: &key },
            now,
        )?;
        Ok(())
    })?;
    fault::point("after_record");
    tracing::info!(platform = %a.platform, post = %published.post_id, target = %t.id, "published");
    fault::point("after_notify");
    Ok(())
}

/// The connector gave up on this attempt: retry later, wait for a reconnect, ask the creator, or
/// fail, by the error's class.
fn failed_attempt(a: &Attempt<'_>, e: PublishError, caption: &str) -> Result<(), ApiError> {
    let (shared, job) = (a.shared, a.job);
    let code = e.code();
    let message = e.to_string();
    match e.class() {
        ErrorClass::Retry => a.retry_or_fail(code, &message, None),
        ErrorClass::RateLimited { retry_after_s } => {
            let until = shared.clock.now_ms() + i64::try_from(retry_after_s).unwrap_or(60).saturating_mul(1000);
            accounts::pause_until(&mut shared.ctx.db(), &a.account.id, until)?;
            a.retry_or_fail(code, &message, Some(until))
        }
        ErrorClass::RefreshToken | ErrorClass::Reconnect => {
            accounts::set_status(&mut shared.ctx.db(), &a.account.id, "needs_reconnect", None)?;
            settle(shared, job, a.reconnect(&message))
        }
        ErrorClass::OutcomeUnknown => {
            // Ask the platform again a few times (the next run reconciles first); then only the
            // creator can tell.
            let again = (job.attempts < 4 && !matches!(e, PublishError::Cancelled))
                .then(|| shared.clock.now_ms() + backoff_ms(shared, job.attempts));
            let ask = (
                format!("Did it post on {}?", a.name),
                format!(
                    "{}: {} could not confirm \"{}\". Check the account, then mark it as posted or retry.",
                    a.handle,
                    a.name,
                    snippet(caption)
                ),
                format!("unconfirmed:{}", a.t.id),
            );
            settle(shared, job, outcome::unconfirmed(code, &message, again, ask))
        }
        ErrorClass::BadRequest | ErrorClass::Fatal if matches!(e, PublishError::Cancelled) => {
            // Shutting down (or the lease moved) before the final call: run again later.
            settle(shared, job, outcome::interrupted(shared.clock.now_ms()))
        }
        ErrorClass::BadRequest | ErrorClass::Fatal => {
            fault::point("failure_recorded");
            settle(shared, job, a.failed(code, &message))
        }
    }
}

impl Attempt<'_> {
    fn failed<'c>(&self, code: &'c str, message: &str) -> outcome::Outcome<'c> {
        outcome::failed(&self.name, &self.handle, &self.t.id, code, message)
    }

    fn reconnect<'c>(&self, message: &str) -> outcome::Outcome<'c> {
        outcome::reconnect(&self.name, &self.handle, &self.t.id, &self.account.id, message)
    }

    fn retry_or_fail(&self, code: &str, message: &str, not_before: Option<i64>) -> Result<(), ApiError> {
        retry_or_fail(self.shared, self.job, &self.t.id, &self.name, &self.handle, code, message, not_before)
    }
}

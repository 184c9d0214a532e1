//! Putting posts on the calendar: at a time in a zone, now, the next free queue slot of its
//! accounts, or on a repeat; and the creator's decisions about single targets (retry, cancel,
//! "I posted it myself").
use serde::{Deserialize, Serialize};
use studio_core::clock::now_ms;
use studio_core::posts::{self, ScheduleChange};
use studio_core::targets::{self, attention, JobKind, Move, TargetState as CoreState};
use studio_core::when::{self, Recurrence, Slot};
use studio_core::{accounts, audit, campaigns, jobs, queue};
use studio_publish::PlatformId;

use crate::accounts::parse_platform;
use crate::posts::{view, PostInput, PostView, TargetInput, TargetOverrides, TargetState};
use crate::validate::validate;
use crate::{ApiError, ApiResult, Context, ErrorCode};

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ScheduleRequest {
    pub post_id: String,
    /// RFC 3339, or a local "2026-03-29T18:00" read in `timezone`.
    pub at: Option<String>,
    /// IANA zone; default: the campaign's.
    pub timezone: Option<String>,
    pub next_slot: bool,
    pub now: bool,
    pub recurrence: Option<Recurrence>,
    /// Publish despite compliance issues; the reason goes to the audit log.
    pub override_reason: Option<String>,
    pub expected_version: Option<u32>,
}

/// How far in the past a chosen time may be (a slow click) before it is refused.
const PAST_TOLERANCE_MS: i64 = 60_000;

/// The composer's input rebuilt from a stored post (`studio post check`).
pub fn input_for(ctx: &Context, post_id: &str) -> ApiResult<PostInput> {
    input_of(ctx, post_id)
}

/// The composer's input rebuilt from a stored post, to validate exactly what will be posted.
pub(crate) fn input_of(ctx: &Context, post_id: &str) -> ApiResult<PostInput> {
    let p = studio_core::posts::get(&ctx.db(), post_id)?;
    let targets = studio_core::posts::targets(&ctx.db(), post_id)?;
    Ok(PostInput {
        campaign_id: p.campaign_id,
        caption: p.caption,
        title: p.title,
        media: p.media_ref,
        targets: targets
            .iter()
            .filter(|t| t.state.is_waiting())
            .map(|t| TargetInput {
                account_id: t.account_id.clone(),
                media: t.render_id.clone().or_else(|| t.asset_id.clone()),
                overrides: serde_json::from_str::<TargetOverrides>(&t.overrides_json).unwrap_or_default(),
            })
            .collect(),
    })
}

fn slots_of(ctx: &Context, account_id: &str) -> ApiResult<Vec<Slot>> {
    Ok(queue::slots(&ctx.db(), account_id)?)
}

/// Times already used by scheduled posts of these accounts (a slot is free when none is within a
/// minute of it).
fn taken_times(ctx: &Context, account_ids: &[String], except_post: &str) -> ApiResult<Vec<i64>> {
    Ok(queue::taken_times(&ctx.db(), account_ids, except_post)?)
}

/// What decides when a schedule request lands, besides the request: the zones it falls back to,
/// its accounts' posting slots and the times their other posts take (only for "next free slot"),
/// and the clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhenContext {
    /// The post's own zone, if it was scheduled before.
    pub post_timezone: Option<String>,
    pub campaign_timezone: String,
    pub slots: Vec<Slot>,
    pub taken: Vec<i64>,
    pub now_ms: i64,
}

/// Where a schedule request lands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Landing {
    pub at_ms: i64,
    pub timezone: String,
    /// The repeat as stored: checked, its weekdays sorted once each.
    pub recurrence: Option<Recurrence>,
}

/// When a request lands and in which zone: now, the next free slot of its accounts (a slot within
/// a minute of a taken time is taken), or the time it names, read in the zone and refused when
/// more than a minute past; its repeat must be valid too. Free of the database, so the in-memory
/// backend replays exactly this (gen-fixtures' `schedule.json`).
pub fn resolve_when(req: &ScheduleRequest, cx: &WhenContext) -> ApiResult<Landing> {
    let tz = match req.timezone.as_deref().or(cx.post_timezone.as_deref()) {
        Some(z) => studio_core::civil::canonical_timezone(z)?,
        None => cx.campaign_timezone.clone(),
    };
    let now = cx.now_ms;
    let at = if req.now {
        now
    } else if req.next_slot {
        if cx.slots.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidTime,
                "none of these accounts has posting slots; add some on the Accounts screen",
            ));
        }
        when::next_free_slot(&cx.slots, now, &|t| cx.taken.iter().any(|x| (x - t).abs() < 60_000))?
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidTime, "no free slot in the next 26 weeks"))?
    } else {
        let text = req
            .at
            .as_deref()
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidTime, "choose a time, post now or the next slot"))?;
        let at = when::parse_when(text, &tz)?;
        if at < now - PAST_TOLERANCE_MS {
            return Err(ApiError::new(
                ErrorCode::InvalidTime,
                format!(
                    "{} is in the past; choose a later time or post now",
                    when::in_zone(at, &tz).unwrap_or_default()
                ),
            ));
        }
        at
    };
    let recurrence = match &req.recurrence {
        Some(r) => {
            r.validate()?;
            let mut r = r.clone();
            r.weekdays.sort_unstable();
            r.weekdays.dedup();
            Some(r)
        }
        None => None,
    };
    Ok(Landing { at_ms: at, timezone: tz, recurrence })
}

pub fn schedule(ctx: &Context, req: ScheduleRequest) -> ApiResult<PostView> {
    let post = studio_core::posts::get(&ctx.db(), &req.post_id)?;
    let input = input_of(ctx, &req.post_id)?;
    let check = validate(ctx, &input)?;
    if !check.valid {
        let first: Vec<String> = check
            .targets
            .iter()
            .flat_map(|t| t.problems.iter().map(move |p| format!("{}: {}", t.platform_name, p.message)))
            .take(3)
            .collect();
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            if first.is_empty() { "nothing to publish: choose an account".to_string() } else { first.join("; ") },
        ));
    }
    let reason = req.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if !check.compliance.is_empty() && reason.is_none() {
        let list: Vec<&str> = check.compliance.iter().map(|c| c.message.as_str()).collect();
        return Err(ApiError::new(
            ErrorCode::ComplianceFailed,
            format!("{}. Fix it, or give a reason to override.", list.join("; ")),
        ));
    }
    let campaign = campaigns::get(&ctx.db(), &post.campaign_id)?;
    let (slots, taken) = if req.next_slot {
        let accounts: Vec<String> = input.targets.iter().map(|t| t.account_id.clone()).collect();
        let mut slots = Vec::new();
        for a in &accounts {
            slots.extend(slots_of(ctx, a)?);
        }
        (slots, taken_times(ctx, &accounts, &req.post_id)?)
    } else {
        (Vec::new(), Vec::new())
    };
    let cx = WhenContext {
        post_timezone: post.timezone.clone(),
        campaign_timezone: campaign.timezone.clone(),
        slots,
        taken,
        now_ms: now_ms(),
    };
    let Landing { at_ms: at, timezone: tz, recurrence } = resolve_when(&req, &cx)?;
    let recurrence_json = match &recurrence {
        Some(r) => Some(serde_json::to_string(r).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?),
        None => None,
    };
    let ch = ScheduleChange {
        at_ms: at,
        timezone: &tz,
        recurrence_json: recurrence_json.as_deref(),
        compliance_override: if check.compliance.is_empty() { None } else { reason },
        expected_version: req.expected_version.map(i64::from),
    };
    let p = posts::schedule(&mut ctx.db(), &req.post_id, &ch, ctx.actor())?;
    queue_variant_renders(ctx, &req.post_id, &check, at)?;
    view(ctx, p, true)
}

/// Targets whose platform wants another shape than the chosen asset get that render queued now,
/// so publish time is not spent rendering. The publish job waits for it.
fn queue_variant_renders(
    ctx: &Context,
    post_id: &str,
    check: &crate::validate::ValidationView,
    _at: i64,
) -> ApiResult<()> {
    let targets = posts::targets(&ctx.db(), post_id)?;
    let now = now_ms();
    ctx.db().write(|tx| {
        for t in &targets {
            let Some(preset) = check
                .targets
                .iter()
                .find(|c| c.account_id == t.account_id)
                .and_then(|c| c.media.as_ref())
                .and_then(|m| m.render_preset.clone())
            else {
                continue;
            };
            if t.render_id.is_some() || t.state != CoreState::Queued {
                continue;
            }
            if !jobs::render_pending(tx, &t.id)? {
                let payload = serde_json::json!({ "preset": preset }).to_string();
                jobs::enqueue_with(tx, JobKind::Render, &t.id, now, &payload, now)?;
                targets::event(
                    tx,
                    &t.id,
                    CoreState::Queued.as_str(),
                    Some(&format!("rendering the {preset} version ahead of time")),
                    now,
                )?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

pub fn unschedule(ctx: &Context, id: &str) -> ApiResult<PostView> {
    let p = posts::unschedule(&mut ctx.db(), id, ctx.actor())?;
    view(ctx, p, true)
}

fn target_post(ctx: &Context, target_id: &str) -> ApiResult<(studio_core::posts::Target, studio_core::posts::Post)> {
    let t = posts::target(&ctx.db(), target_id)?;
    let p = posts::get(&ctx.db(), &t.post_id)?;
    Ok((t, p))
}

/// The creator asks to try again: now, from wherever the last attempt stopped (the platform ids
/// kept in its checkpoint mean an upload resumes and an uncertain final call is checked first).
/// The post is live but its thread or first comment is not: post the rest (the ones already
/// out are skipped by their saved ids).
fn retry_follow_ups(ctx: &Context, t: &posts::Target, p: &posts::Post) -> ApiResult<PostView> {
    let now = now_ms();
    ctx.db().write(|tx| {
        jobs::rerun_replies(tx, &t.id, now)?;
        targets::event(tx, &t.id, CoreState::Published.as_str(), Some("retrying the thread and first comment"), now)?;
        audit::record(
            tx,
            audit::Entry {
                actor: ctx.actor(),
                action: "target.retry_follow_ups",
                entity_type: "post_target",
                entity_id: Some(&t.id),
                detail: serde_json::json!({}),
            },
        )?;
        Ok(())
    })?;
    crate::posts::get(ctx, &p.id)
}

pub fn retry(ctx: &Context, target_id: &str) -> ApiResult<PostView> {
    let (t, p) = target_post(ctx, target_id)?;
    let state = TargetState::of_row(&t);
    if state == TargetState::Published && t.attention.as_deref() == Some(attention::REPLIES_FAILED) {
        return retry_follow_ups(ctx, &t, &p);
    }
    if !Move::Retry.allows(t.state, t.attention.is_some()) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("this target is {}; only failed or stuck targets can be retried", t.state),
        ));
    }
    if state == TargetState::NeedsReconnect {
        let account = accounts::get(&ctx.db(), &t.account_id)?;
        if account.status == "needs_reconnect" {
            return Err(ApiError::new(ErrorCode::NeedsReconnect, "reconnect the account on the Accounts screen first"));
        }
    }
    let now = now_ms();
    ctx.db().write(|tx| {
        targets::retry(tx, &t.id, now)?;
        jobs::rerun_publish(tx, &t.id, now)?;
        audit::record(
            tx,
            audit::Entry {
                actor: ctx.actor(),
                action: "target.retry",
                entity_type: "post_target",
                entity_id: Some(&t.id),
                detail: serde_json::json!({ "from": t.state.as_str() }),
            },
        )?;
        Ok(())
    })?;
    crate::posts::get(ctx, &p.id)
}

pub fn cancel(ctx: &Context, target_id: &str) -> ApiResult<PostView> {
    let (t, p) = target_post(ctx, target_id)?;
    if !Move::Cancel.allows(t.state, t.attention.is_some()) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("this target is {}; it can no longer be cancelled", t.state),
        ));
    }
    let now = now_ms();
    ctx.db().write(|tx| {
        if jobs::publish_running(tx, &t.id)? {
            return Err(studio_core::StoreError::InUse("this target is being published right now".into()));
        }
        jobs::cancel_waiting(tx, &t.id, now)?;
        targets::cancel(tx, &t.id, now)?;
        audit::record(
            tx,
            audit::Entry {
                actor: ctx.actor(),
                action: "target.cancel",
                entity_type: "post_target",
                entity_id: Some(&t.id),
                detail: serde_json::json!({}),
            },
        )?;
        Ok(())
    })?;
    crate::posts::get(ctx, &p.id)
}

/// The creator confirms the post is on the platform (posted by hand, or found after an
/// unconfirmed outcome): the target is published and will never be posted by the app.
pub fn mark_posted(ctx: &Context, target_id: &str, url: Option<String>) -> ApiResult<PostView> {
    let (t, p) = target_post(ctx, target_id)?;
    if !Move::MarkPosted.allows(t.state, t.attention.is_some()) {
        return Err(ApiError::new(ErrorCode::Conflict, format!("this target is {}", t.state)));
    }
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    if let Some(u) = &url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            return Err(ApiError::new(ErrorCode::InvalidInput, "the link must start with https://"));
        }
    }
    let now = now_ms();
    ctx.db().write(|tx| {
        if jobs::publish_running(tx, &t.id)? {
            return Err(studio_core::StoreError::InUse("this target is being published right now".into()));
        }
        jobs::close_publish_marked_posted(tx, &t.id, now)?;
        targets::mark_posted(tx, &t.id, url.as_deref(), now)?;
        audit::record(
            tx,
            audit::Entry {
                actor: ctx.actor(),
                action: "target.mark_posted",
                entity_type: "post_target",
                entity_id: Some(&t.id),
                detail: serde_json::json!({ "from": t.state.as_str(), "url": url }),
            },
        )?;
        Ok(())
    })?;
    crate::posts::get(ctx, &p.id)
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct QueueItem {
    pub post_id: String,
    pub target_id: String,
    pub account_id: String,
    pub platform: PlatformId,
    pub handle: String,
    pub caption: String,
    pub due_at: String,
    pub state: TargetState,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
}

/// Targets waiting or in flight, soonest first.
pub fn queue(ctx: &Context, limit: u32) -> ApiResult<Vec<QueueItem>> {
    queue::waiting(&ctx.db(), limit)?
        .into_iter()
        .map(|w| {
            Ok(QueueItem {
                post_id: w.post_id,
                target_id: w.target_id,
                account_id: w.account_id,
                platform: parse_platform(&w.platform)?,
                handle: w.handle,
                caption: w.caption.chars().take(80).collect(),
                due_at: studio_core::clock::rfc3339(w.scheduled_at),
                state: TargetState::of_parts(&w.state, w.attention.is_some()),
                attempts: u32::try_from(w.attempts).unwrap_or(u32::MAX),
                next_attempt_at: w.next_attempt_at.map(studio_core::clock::rfc3339),
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SlotView {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// "HH:MM" local time.
    pub time: String,
    pub timezone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SlotTime {
    pub weekday: u8,
    pub time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SlotsInput {
    pub account_id: String,
    pub timezone: String,
    pub slots: Vec<SlotTime>,
}

pub fn slots_get(ctx: &Context, account_id: &str) -> ApiResult<Vec<SlotView>> {
    accounts::get(&ctx.db(), account_id)?;
    Ok(slots_of(ctx, account_id)?
        .into_iter()
        .map(|s| SlotView {
            weekday: s.weekday,
            time: format!("{:02}:{:02}", s.minute / 60, s.minute % 60),
            timezone: s.timezone,
        })
        .collect())
}

fn parse_hhmm(t: &str) -> Option<u32> {
    let (h, m) = t.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && t.trim().len() <= 5).then_some(h * 60 + m)
}

/// Replaces an account's weekly slots.
pub fn slots_set(ctx: &Context, input: SlotsInput) -> ApiResult<Vec<SlotView>> {
    accounts::get(&ctx.db(), &input.account_id)?;
    let tz = studio_core::civil::canonical_timezone(&input.timezone)?;
    let mut parsed = Vec::new();
    for s in &input.slots {
        if !(1..=7).contains(&s.weekday) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("weekday {} is not 1 (Monday) to 7 (Sunday)", s.weekday),
            ));
        }
        let minute = parse_hhmm(&s.time).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidTime, format!("\"{}\" is not a time of day like 18:00", s.time))
        })?;
        parsed.push((s.weekday, minute));
    }
    parsed.sort_unstable();
    parsed.dedup();
    let now = now_ms();
    queue::replace_slots(&mut ctx.db(), &input.account_id, &parsed, &tz, now)?;
    slots_get(ctx, &input.account_id)
}

#[cfg(test)]
mod tests {
    use studio_core::when::Freq;

    use super::*;

    // 2026-11-18T10:00:00Z, a Wednesday.
    const NOW: i64 = 1_794_996_000_000;

    fn cx(slots: Vec<Slot>, taken: Vec<i64>) -> WhenContext {
        WhenContext { post_timezone: None, campaign_timezone: "Europe/Berlin".into(), slots, taken, now_ms: NOW }
    }

    #[test]
    fn a_local_time_is_read_in_the_campaign_zone_and_a_past_one_is_refused() {
        let req = ScheduleRequest { at: Some("2026-11-20T18:00".into()), ..Default::default() };
        let l = resolve_when(&req, &cx(vec![], vec![])).expect("lands");
        assert_eq!((l.at_ms, l.timezone.as_str()), (NOW + 2 * 86_400_000 + 7 * 3_600_000, "Europe/Berlin"));
        let past = ScheduleRequest { at: Some("2026-11-18T10:58".into()), ..Default::default() };
        let e = resolve_when(&past, &cx(vec![], vec![])).expect_err("two minutes ago: 09:58 UTC");
        assert_eq!(e.code, ErrorCode::InvalidTime);
    }

    #[test]
    fn the_next_free_slot_skips_a_taken_one_and_needs_slots() {
        let slot = |weekday| Slot { weekday, minute: 9 * 60 + 30, timezone: "UTC".into() };
        let req = ScheduleRequest { next_slot: true, ..Default::default() };
        let thursday = NOW + 86_400_000 - 30 * 60_000;
        let l = resolve_when(&req, &cx(vec![slot(4), slot(5)], vec![])).expect("a slot");
        assert_eq!(l.at_ms, thursday);
        let l = resolve_when(&req, &cx(vec![slot(4), slot(5)], vec![thursday + 30_000])).expect("the next");
        assert_eq!(l.at_ms, thursday + 86_400_000);
        let e = resolve_when(&req, &cx(vec![], vec![])).expect_err("no slots");
        assert_eq!(e.code, ErrorCode::InvalidTime);
    }

    #[test]
    fn the_repeat_is_checked_and_stored_with_its_weekdays_once_each_in_order() {
        let rule = |freq, weekdays: Vec<u8>| Recurrence { freq, interval: 2, weekdays, until: None, count: None };
        let req =
            ScheduleRequest { now: true, recurrence: Some(rule(Freq::Weekly, vec![5, 1, 5])), ..Default::default() };
        let l = resolve_when(&req, &cx(vec![], vec![])).expect("lands");
        assert_eq!((l.at_ms, l.recurrence), (NOW, Some(rule(Freq::Weekly, vec![1, 5]))));
        let daily = ScheduleRequest { now: true, recurrence: Some(rule(Freq::Daily, vec![1])), ..Default::default() };
        assert_eq!(
            resolve_when(&daily, &cx(vec![], vec![])).expect_err("daily with weekdays").code,
            ErrorCode::InvalidInput
        );
    }
}

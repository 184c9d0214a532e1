//! Composing posts: one base caption and media, one target per chosen account with optional
//! overrides, validated live against each platform's rules and the campaign's compliance checks.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use studio_core::posts::{self, NewPost, NewTarget, Post, Target};
use studio_core::targets::TargetState as CoreState;
use studio_core::{accounts, campaigns};
use studio_publish::rules::rules;
use studio_publish::PlatformId;

use crate::accounts::parse_platform;
use crate::{ApiError, ApiResult, Context, ErrorCode};

/// Per-account changes to the base post. Empty fields mean "as the base post".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct TargetOverrides {
    pub caption: Option<String>,
    pub title: Option<String>,
    /// Appended to the caption as `#tag` words.
    pub hashtags: Vec<String>,
    pub first_comment: Option<String>,
    /// Follow-up parts posted as replies (threads on X, Bluesky, Mastodon, Threads).
    pub thread_parts: Vec<String>,
    /// public, unlisted, private… (the platform's own words).
    pub privacy: Option<String>,
    /// Platform options: board_id, alt_text, branded_content=true, …
    pub options: BTreeMap<String, String>,
}

impl TargetOverrides {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct TargetInput {
    pub account_id: String,
    /// An asset or render id for this account only (e.g. its 9:16 render).
    pub media: Option<String>,
    pub overrides: TargetOverrides,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PostInput {
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    /// An asset or render id used by every target that does not name its own.
    pub media: Option<String>,
    pub targets: Vec<TargetInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    Draft,
    Queued,
    Uploading,
    Processing,
    Published,
    Failed,
    Unconfirmed,
    NeedsReconnect,
    Cancelled,
    /// Missed while the machine was off or asleep, too late to publish without asking.
    NeedsReview,
}

/// The stored state as the UI shows it (core's state, with a flagged queued target shown as
/// needing review).
impl From<CoreState> for TargetState {
    fn from(s: CoreState) -> Self {
        match s {
            CoreState::Draft => Self::Draft,
            CoreState::Queued => Self::Queued,
            CoreState::Uploading => Self::Uploading,
            CoreState::Processing => Self::Processing,
            CoreState::Published => Self::Published,
            CoreState::Failed => Self::Failed,
            CoreState::Unconfirmed => Self::Unconfirmed,
            CoreState::NeedsReconnect => Self::NeedsReconnect,
            CoreState::Cancelled => Self::Cancelled,
        }
    }
}

impl TargetState {
    pub(crate) fn of_row(t: &Target) -> Self {
        Self::of_core(t.state, t.attention.is_some())
    }

    pub(crate) fn of_core(state: CoreState, attention: bool) -> Self {
        match state {
            CoreState::Queued if attention => Self::NeedsReview,
            s => s.into(),
        }
    }

    pub(crate) fn of_parts(state: &str, attention: bool) -> Self {
        Self::of_core(CoreState::parse(state).unwrap_or(CoreState::Draft), attention)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TargetEventView {
    pub at: String,
    pub state: TargetState,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TargetView {
    pub id: String,
    pub account_id: String,
    pub platform: PlatformId,
    pub platform_name: String,
    pub handle: String,
    /// The asset or render this target posts (its own or the post's).
    pub media: Option<String>,
    pub overrides: TargetOverrides,
    pub state: TargetState,
    /// 0–1 while uploading.
    pub upload_progress: Option<f64>,
    pub attempts: u32,
    /// RFC 3339: when the next automatic try is due (after a retryable failure).
    pub next_attempt_at: Option<String>,
    pub post_url: Option<String>,
    pub platform_post_id: Option<String>,
    pub published_at: Option<String>,
    /// Published this many seconds after its time (catch-up after sleep or an outage).
    pub late_by_s: Option<f64>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// Why the creator must decide (missed, unconfirmed).
    pub attention: Option<String>,
    pub events: Vec<TargetEventView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    Draft,
    Scheduled,
    Publishing,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PostView {
    pub id: String,
    pub campaign_id: String,
    pub campaign_name: String,
    pub caption: String,
    pub title: Option<String>,
    pub media: Option<String>,
    pub state: PostState,
    /// RFC 3339 in UTC.
    pub scheduled_at: Option<String>,
    /// The same instant in the zone it was scheduled in (what the creator chose).
    pub scheduled_local: Option<String>,
    pub timezone: Option<String>,
    pub recurrence: Option<studio_core::when::Recurrence>,
    /// The first post of the series this one repeats.
    pub recurrence_of: Option<String>,
    pub compliance_override: Option<String>,
    pub version: u32,
    pub targets: Vec<TargetView>,
}

fn post_state(s: &str) -> PostState {
    match s {
        "scheduled" => PostState::Scheduled,
        "publishing" => PostState::Publishing,
        "done" => PostState::Done,
        "cancelled" => PostState::Cancelled,
        _ => PostState::Draft,
    }
}

fn rfc(ms: i64) -> String {
    studio_core::clock::rfc3339(ms)
}

pub(crate) fn target_view(ctx: &Context, post: &Post, t: &Target, with_events: bool) -> ApiResult<TargetView> {
    let account = accounts::get_any(&ctx.db(), &t.account_id)?;
    let platform = parse_platform(&account.platform)?;
    let overrides: TargetOverrides = serde_json::from_str(&t.overrides_json).unwrap_or_default();
    let events = if with_events {
        let rows = posts::events(&ctx.db(), &t.id)?;
        rows.into_iter()
            .map(|e| TargetEventView { at: rfc(e.at), state: TargetState::of_parts(&e.state, false), detail: e.detail })
            .collect()
    } else {
        Vec::new()
    };
    Ok(TargetView {
        id: t.id.clone(),
        account_id: t.account_id.clone(),
        platform,
        platform_name: rules(platform).name.clone(),
        handle: account.handle.unwrap_or_default(),
        media: t.render_id.clone().or_else(|| t.asset_id.clone()).or_else(|| post.media_ref.clone()),
        overrides,
        state: TargetState::of_row(t),
        upload_progress: t.upload_progress,
        attempts: u32::try_from(t.attempts).unwrap_or(u32::MAX),
        next_attempt_at: t.next_attempt_at.map(rfc),
        post_url: t.post_url.clone(),
        platform_post_id: t.platform_post_id.clone(),
        published_at: t.published_at.map(rfc),
        late_by_s: t.late_by_ms.map(|ms| ms as f64 / 1000.0),
        failure_code: t.failure_code.clone(),
        failure_message: t.failure_message.clone(),
        attention: t.attention.clone(),
        events,
    })
}

pub(crate) fn view(ctx: &Context, p: Post, with_events: bool) -> ApiResult<PostView> {
    let campaign_name = campaigns::get(&ctx.db(), &p.campaign_id).map(|c| c.name).unwrap_or_default();
    // Bound first: the database guard must be released before target_view locks it again.
    let rows = posts::targets(&ctx.db(), &p.id)?;
    let targets = rows.iter().map(|t| target_view(ctx, &p, t, with_events)).collect::<ApiResult<Vec<_>>>()?;
    let recurrence = p.recurrence.as_deref().and_then(|r| serde_json::from_str(r).ok());
    Ok(PostView {
        scheduled_local: p
            .scheduled_at
            .zip(p.timezone.as_deref())
            .and_then(|(at, tz)| studio_core::when::in_zone(at, tz)),
        id: p.id,
        campaign_id: p.campaign_id,
        campaign_name,
        caption: p.caption,
        title: p.title,
        media: p.media_ref,
        state: post_state(&p.state),
        scheduled_at: p.scheduled_at.map(rfc),
        timezone: p.timezone,
        recurrence,
        recurrence_of: p.recurrence_of,
        compliance_override: p.compliance_override,
        version: u32::try_from(p.version).unwrap_or(u32::MAX),
        targets,
    })
}

const CAPTION_MAX: usize = 100_000;

/// Checks the shape of the input (not the platforms' rules: a draft may be over a limit).
fn new_post(ctx: &Context, input: &PostInput) -> ApiResult<NewPost> {
    campaigns::get(&ctx.db(), &input.campaign_id)?;
    if input.caption.chars().count() > CAPTION_MAX {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("the caption is longer than {CAPTION_MAX} characters"),
        ));
    }
    if input.targets.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "choose at least one account to post to"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut targets = Vec::new();
    for t in &input.targets {
        let account = accounts::get(&ctx.db(), &t.account_id)?;
        if !seen.insert(account.id.clone()) {
            return Err(ApiError::new(ErrorCode::InvalidInput, "an account is chosen twice"));
        }
        let (asset_id, render_id) = match &t.media {
            Some(m) => media_ids(ctx, m)?,
            None => (None, None),
        };
        let overrides = if t.overrides.is_empty() { String::from("{}") } else { json(&t.overrides)? };
        targets.push(NewTarget { account_id: account.id, asset_id, render_id, overrides_json: overrides });
    }
    if let Some(m) = &input.media {
        media_ids(ctx, m)?;
    }
    let title = input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    Ok(NewPost {
        campaign_id: input.campaign_id.clone(),
        caption: input.caption.clone(),
        title,
        media_ref: input.media.clone(),
        targets,
    })
}

fn json<T: Serialize>(v: &T) -> ApiResult<String> {
    serde_json::to_string(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// Is `id` an asset or a render? Files are not accepted: a scheduled post must not depend on a
/// file that may move before its time.
fn media_ids(ctx: &Context, id: &str) -> ApiResult<(Option<String>, Option<String>)> {
    if crate::assets::get(ctx, id).is_ok() {
        return Ok((Some(id.to_string()), None));
    }
    if crate::renders::get(ctx, id).is_ok() {
        return Ok((None, Some(id.to_string())));
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("\"{id}\" is not an asset or a render in the library; import the file first"),
    ))
}

pub fn create(ctx: &Context, input: PostInput) -> ApiResult<PostView> {
    let new = new_post(ctx, &input)?;
    let p = posts::create(&mut ctx.db(), &new, ctx.actor())?;
    view(ctx, p, true)
}

pub fn update(ctx: &Context, id: &str, input: PostInput, expected_version: Option<u32>) -> ApiResult<PostView> {
    let new = new_post(ctx, &input)?;
    let p = posts::update(&mut ctx.db(), id, &new, expected_version.map(i64::from), ctx.actor())?;
    view(ctx, p, true)
}

pub fn get(ctx: &Context, id: &str) -> ApiResult<PostView> {
    let p = posts::get(&ctx.db(), id)?;
    view(ctx, p, true)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PostQuery {
    /// RFC 3339 bounds of the scheduled time (calendar range).
    pub from: Option<String>,
    pub to: Option<String>,
    pub campaign_id: Option<String>,
    /// Also list drafts without a time.
    pub drafts: bool,
}

pub fn list(ctx: &Context, q: PostQuery) -> ApiResult<Vec<PostView>> {
    let bound = |s: &Option<String>| -> ApiResult<Option<i64>> {
        s.as_deref().map(|t| studio_core::when::parse_when(t, "UTC").map_err(ApiError::from)).transpose()
    };
    let rows = posts::list(&ctx.db(), bound(&q.from)?, bound(&q.to)?, q.campaign_id.as_deref(), q.drafts)?;
    rows.into_iter().map(|p| view(ctx, p, false)).collect()
}

pub fn delete(ctx: &Context, id: &str) -> ApiResult<()> {
    Ok(posts::delete(&mut ctx.db(), id, ctx.actor())?)
}

/// The caption a target posts: its own or the base one, with its extra hashtags appended.
/// What is posted after the main post: the thread parts in order, then the first comment.
pub fn follow_ups(o: &TargetOverrides) -> Vec<studio_publish::publish::FollowUp> {
    let parts = o.thread_parts.iter().filter(|p| !p.trim().is_empty());
    let mut out: Vec<_> =
        parts.map(|p| studio_publish::publish::FollowUp { text: p.trim().to_string(), comment: false }).collect();
    if let Some(c) = o.first_comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        out.push(studio_publish::publish::FollowUp { text: c.to_string(), comment: true });
    }
    out
}

/// The platform options a target is posted with (its privacy included).
pub fn draft_options(o: &TargetOverrides) -> serde_json::Map<String, serde_json::Value> {
    let mut options: serde_json::Map<String, serde_json::Value> =
        o.options.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    if let Some(p) = &o.privacy {
        options.entry("privacy").or_insert_with(|| serde_json::Value::String(p.clone()));
    }
    options
}

pub fn effective_caption(base: &str, o: &TargetOverrides) -> String {
    let mut caption = o.caption.clone().unwrap_or_else(|| base.to_string());
    let tags: Vec<String> = o
        .hashtags
        .iter()
        .map(|t| t.trim().trim_start_matches('#').to_string())
        .filter(|t| !t.is_empty())
        .map(|t| format!("#{t}"))
        .filter(|t| !caption.split_whitespace().any(|w| w.eq_ignore_ascii_case(t)))
        .collect();
    if !tags.is_empty() {
        if !caption.is_empty() && !caption.ends_with(char::is_whitespace) {
            caption.push(' ');
        }
        caption.push_str(&tags.join(" "));
    }
    caption
}

pub fn effective_title(base: Option<&str>, o: &TargetOverrides) -> Option<String> {
    o.title.clone().or_else(|| base.map(str::to_string)).filter(|t| !t.trim().is_empty())
}

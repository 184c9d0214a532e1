//! Publishing one file to one account now (`studio publish`). The scheduler builds on the same
//! path; here the job row keeps every platform-side id the connector learns, so a crash leaves a
//! record of what the platform already has.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use studio_core::{accounts, jobs};
use studio_publish::connector::{Draft, Progress, PublishState};
use studio_publish::endpoints::Endpoints;
use studio_publish::media::MediaFile;
use studio_publish::rules::{rules, MediaFacts};
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use crate::accounts::{connector, fresh_token, parse_platform, session};
use crate::{ApiError, ApiResult, Context, ErrorCode};

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PublishNowRequest {
    pub account_id: String,
    /// An asset id, a render id or a file path.
    pub input: String,
    pub caption: String,
    pub title: Option<String>,
    /// Platform options: privacy, visibility, board_id, alt_text, …
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PublishedView {
    pub account_id: String,
    pub platform: PlatformId,
    pub post_id: String,
    pub url: Option<String>,
    /// The job that holds the publish record (platform ids, outcome).
    pub job_id: String,
}

/// What the probe knows about a file, in the connectors' terms.
pub fn media_facts(path: &std::path::Path) -> ApiResult<MediaFacts> {
    let probe = studio_media::probe::probe(path)?;
    let is_video = matches!(probe.kind, studio_media::probe::MediaKind::Video);
    if matches!(probe.kind, studio_media::probe::MediaKind::Audio) {
        return Err(ApiError::new(
            ErrorCode::InvalidMedia,
            "an audio file cannot be posted on its own; render it with a picture first",
        ));
    }
    Ok(MediaFacts {
        is_video,
        size_bytes: 0,
        duration_s: probe.duration_s,
        width: probe.width,
        height: probe.height,
        fps: probe.video.as_ref().and_then(|v| v.fps),
        codec: probe.video.as_ref().map(|v| v.codec.clone()),
    })
}

/// A signed-in session for `account`: a fresh token (refreshed ahead of expiry) and the
/// platform's endpoints.
pub(crate) fn prepare_session(
    ctx: &Context,
    account: &accounts::Account,
    platform: PlatformId,
    c: &dyn studio_publish::connector::Connector,
) -> ApiResult<studio_publish::connector::Session> {
    let token = fresh_token(ctx, account, false)?;
    let endpoints = Endpoints::resolve(platform, account.instance_url.as_deref())?;
    let endpoints = crate::accounts::api_endpoints(platform, &endpoints, &token)?;
    let mut s = session(platform, c, endpoints, token.access)?;
    s.user_id = account.platform_user_id.clone();
    s.handle = account.handle.clone();
    Ok(s)
}

/// A new access token after the platform refused the current one.
pub(crate) fn reauthorize(
    ctx: &Context,
    account: &accounts::Account,
    platform: PlatformId,
) -> Result<Sensitive<String>, PublishError> {
    fresh_token(ctx, account, true).map(|t| t.access).map_err(|e| match e.code {
        ErrorCode::NeedsReconnect => {
            PublishError::Reconnect { platform: rules(platform).name.clone(), message: e.message }
        }
        _ => PublishError::retry(&rules(platform).name, e.message),
    })
}

struct JobProgress<'a> {
    ctx: &'a Context,
    job_id: String,
    on_progress: &'a mut dyn FnMut(u64, u64),
    cancelled: &'a dyn Fn() -> bool,
}

impl Progress for JobProgress<'_> {
    fn uploaded(&mut self, done: u64, total: u64) {
        (self.on_progress)(done, total);
    }

    fn checkpoint(&mut self, state: &PublishState) -> Result<(), PublishError> {
        let json = serde_json::to_string(state).map_err(|e| PublishError::Unsupported(e.to_string()))?;
        jobs::checkpoint(&mut self.ctx.db(), &self.job_id, &json)
            .map_err(|e| PublishError::Unsupported(format!("cannot record progress: {e}")))
    }

    fn cancelled(&self) -> bool {
        (self.cancelled)()
    }
}

pub fn publish_now(
    ctx: &Context,
    req: PublishNowRequest,
    on_progress: &mut dyn FnMut(u64, u64),
    cancelled: &dyn Fn() -> bool,
) -> ApiResult<PublishedView> {
    let account = accounts::get(&ctx.db(), &req.account_id)?;
    let platform = parse_platform(&account.platform)?;
    if account.status == "needs_reconnect" {
        return Err(ApiError::new(
            ErrorCode::NeedsReconnect,
            format!(
                "{} {} needs reconnecting before it can post",
                rules(platform).name,
                account.handle.clone().unwrap_or_default()
            ),
        ));
    }
    let c = connector(platform)?;
    let path = crate::media_features::resolve(ctx, &req.input)?.path;
    let media = MediaFile::new(&path, media_facts(&path)?)?;
    // Checked before a job exists: an over-long caption is a typo, not a failed publish.
    rules(platform).validate(&req.caption, req.title.as_deref(), &media.facts)?;

    let payload = serde_json::json!({
        "account_id": account.id, "input": req.input, "platform": platform,
        "caption_chars": req.caption.chars().count(), "title": req.title,
    });
    let job_id =
        jobs::start(&mut ctx.db(), studio_core::targets::JobKind::PublishNow, &payload.to_string(), ctx.actor())?;
    let s = prepare_session(ctx, &account, platform, c.as_ref());
    let mut s = match s {
        Ok(s) => s,
        Err(e) => {
            jobs::finish(&mut ctx.db(), &job_id, "failed", Some(&format!("{}: {}", e.code.as_str(), e.message)))?;
            return Err(e);
        }
    };

    let options: serde_json::Map<String, serde_json::Value> =
        req.options.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    let draft = Draft {
        caption: &req.caption,
        title: req.title.as_deref(),
        media: &media,
        options: &options,
        idempotency_key: &job_id,
    };
    let reauth = || reauthorize(ctx, &account, platform);
    let mut progress = JobProgress { ctx, job_id: job_id.clone(), on_progress, cancelled };
    let mut state = PublishState::default();
    let outcome = studio_publish::publish::publish(c.as_ref(), &mut s, &draft, &mut state, &mut progress, &reauth);
    match outcome {
        Ok(p) => {
            jobs::finish(&mut ctx.db(), &job_id, "done", None)?;
            tracing::info!(platform = %platform, post = %p.post_id, "published");
            Ok(PublishedView { account_id: account.id, platform, post_id: p.post_id, url: p.url, job_id })
        }
        Err(e) => {
            let state = match e.class() {
                ErrorClass::OutcomeUnknown => "needs_review",
                _ => "failed",
            };
            if e.class() == ErrorClass::Reconnect {
                accounts::set_status(&mut ctx.db(), &account.id, "needs_reconnect", None)?;
            }
            jobs::finish(&mut ctx.db(), &job_id, state, Some(&format!("{}: {e}", e.code())))?;
            Err(e.into())
        }
    }
}

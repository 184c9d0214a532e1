//! TikTok Content Posting API v2, Direct Post with `FILE_UPLOAD`
//! (developers.tiktok.com/doc/content-posting-api-reference-direct-post,
//! /content-posting-api-media-transfer-guide, /content-posting-api-reference-get-video-status).
//!
//! `POST /v2/post/publish/video/init/` creates the post intent and its `publish_id`; once the
//! upload URL has received every chunk, TikTok publishes on its own. There is no separate
//! "create" call, so the last chunk is the creating call: `upload` asks `creator_info`, inits,
//! saves the `publish_id` at once, and sends every chunk but the last; `create_post` (after the
//! publisher has saved `final_sent`) sends the last chunk and follows `status/fetch` until
//! `PUBLISH_COMPLETE` or `FAILED`.
//!
//! Never posting twice rests on one rule: while a `publish_id` is saved, nothing inits again. A
//! crash or a lost reply resumes that publish (more chunks, or just polling), and re-sending a
//! chunk of the same publish cannot create a second post. The only exceptions are proven dead
//! intents, where a new init is safe: `FAILED` from status/fetch (terminal), or an upload URL
//! TikTok calls expired or unknown (403/404) before its last chunk was accepted, since an upload
//! that never completes is never published. `find_post` answers "not posted" only on those
//! proofs or when status/fetch reports fewer bytes than the file: TikTok publishes only a
//! complete upload.
mod api;
mod upload;

use std::time::Duration;

use serde_json::{json, Value};

use self::api::{call, classify, str_of, NAME};
pub use self::upload::TikTok;
use self::upload::{failed, forget, Sent, Stage};
use crate::connector::{poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

/// Processing takes about a minute per GB, moderation of a public post usually under a minute
/// but sometimes hours (Get Post Status, "Content Status Overview"). Past this the post is left
/// to publish on its own and reported as unconfirmed.
const PUBLISH_WAIT: Duration = Duration::from_secs(15 * 60);

impl Connector for TikTok {
    fn platform(&self) -> PlatformId {
        PlatformId::Tiktok
    }

    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        // `username` needs the user.info.profile scope (Display API, user info fields); without
        // it the creator_info of the Content Posting API names the account instead.
        let get = |fields: &str| {
            let req = s_.http.client().get(s_.endpoints.api_url("/v2/user/info/")).query(&[("fields", fields)]);
            call(s_, req)
        };
        let (data, username) = match get("open_id,union_id,avatar_url,display_name,username") {
            Ok(data) => {
                let username = data.get("user").and_then(|u| str_of(u, "username"));
                (data, username)
            }
            Err(PublishError::Rejected { platform_code: Some(code), .. }) if code == "scope_not_authorized" => {
                let data = get("open_id,union_id,avatar_url,display_name")?;
                let req = s_
                    .http
                    .client()
                    .post(s_.endpoints.api_url("/v2/post/publish/creator_info/query/"))
                    .header(reqwest::header::CONTENT_TYPE, "application/json; charset=UTF-8");
                let username = str_of(&call(s_, req)?, "creator_username");
                (data, username)
            }
            Err(e) => return Err(e),
        };
        let user = data.get("user").cloned().unwrap_or(Value::Null);
        let user_id = str_of(&user, "open_id").ok_or_else(|| PublishError::retry(NAME, "user info had no open_id"))?;
        let display_name = str_of(&user, "display_name");
        let handle = username
            .map(|u| format!("@{}", u.trim_start_matches('@')))
            .or_else(|| display_name.clone())
            .unwrap_or_else(|| user_id.clone());
        Ok(AccountInfo { user_id, handle, display_name })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        if !d.media.is_video() {
            // Photo posts exist (/v2/post/publish/content/init/) but only as PULL_FROM_URL.
            return Err(PublishError::Invalid(
                "TikTok takes photos only from a public URL; Viral Studio publishes videos to TikTok".into(),
            ));
        }
        let mut renewed = false;
        loop {
            if st.publish_id.is_none() {
                self.init(s_, d, st, p)?;
            }
            match self.send(s_, d, st, p, false)? {
                Sent::Sent => return Ok(()),
                // The last chunk has not been sent, so this publish can never complete: a new
                // init cannot lead to a second post.
                Sent::Gone if !renewed => {
                    tracing::warn!("TikTok's upload URL expired before the upload finished; starting a new upload");
                    renewed = true;
                    forget(st);
                    p.checkpoint(st)?;
                }
                Sent::Gone => return Err(PublishError::retry(NAME, "TikTok refused a fresh upload URL")),
            }
        }
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
    ) -> Result<Published> {
        let Some(publish_id) = st.publish_id.clone() else {
            forget(st);
            return Err(PublishError::retry(NAME, "no upload was started; the next attempt uploads the video"));
        };
        let size = d.media.size();
        if st.uploaded_bytes < size {
            if let Sent::Gone = self.send(s_, d, st, p, true)? {
                // The URL refuses chunks. That proves nothing by itself: an earlier attempt at the
                // last chunk may have completed the upload. status/fetch knows.
                match self.stage(s_, &publish_id)? {
                    Stage::Complete(published) => return Ok(published),
                    Stage::Processing { uploaded: Some(n), .. } if n < size => {
                        // Incomplete and no way to complete it: it will never be published.
                        forget(st);
                        return Err(PublishError::retry(
                            NAME,
                            "the upload URL expired before the last chunk; nothing was posted and the next attempt uploads again",
                        ));
                    }
                    Stage::Failed(reason) => return Err(failed(st, reason)),
                    Stage::Processing { .. } => {}
                }
            }
        }
        // TikTok has the whole file and publishes by itself: from here the post is on its way,
        // and whatever goes wrong while watching it is an unconfirmed post, not a failed one.
        let followed = poll(NAME, "publishing the video", PUBLISH_WAIT, p, || match self.stage(s_, &publish_id)? {
            Stage::Complete(published) => Ok(Some(Ok(published))),
            Stage::Failed(reason) => Ok(Some(Err(reason))),
            Stage::Processing { .. } => Ok(None),
        });
        match followed {
            Ok(Ok(published)) => Ok(published),
            Ok(Err(reason)) => Err(failed(st, reason)),
            // A renewed token lets `create_post` run again; with the upload complete it only polls.
            Err(e @ PublishError::TokenExpired { .. }) => Err(e),
            Err(e) => Err(PublishError::OutcomeUnknown {
                platform: NAME.into(),
                message: format!(
                    "TikTok has the whole video and publishes it on its own, but did not confirm it yet ({e})"
                ),
            }),
        }
    }

    fn find_post(&self, s_: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        let Some(publish_id) = st.publish_id.as_deref() else { return Ok(None) };
        match self.stage(s_, publish_id)? {
            Stage::Complete(published) => Ok(Some(published)),
            Stage::Failed(_) => Ok(None),
            Stage::Processing { uploaded: Some(n), .. } if n < d.media.size() => Ok(None),
            Stage::Processing { status, .. } => Err(PublishError::OutcomeUnknown {
                platform: NAME.into(),
                message: format!("TikTok has the video and is still publishing it ({status})"),
            }),
        }
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        if !post_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PublishError::Unsupported(
                "TikTok gives no video id for private posts, so it has no metrics to show for this one".into(),
            ));
        }
        let req = s_
            .http
            .client()
            .post(s_.endpoints.api_url("/v2/video/query/"))
            .query(&[("fields", "id,view_count,like_count,comment_count,share_count")])
            .json(&json!({ "filters": { "video_ids": [post_id] } }));
        let data = call(s_, req)?;
        let video = data
            .pointer("/videos/0")
            .cloned()
            .ok_or_else(|| PublishError::rejected(NAME, format!("TikTok does not list video {post_id}")))?;
        let n = |k: &str| video.get(k).and_then(Value::as_u64);
        Ok(Metrics {
            views: n("view_count"),
            likes: n("like_count"),
            comments: n("comment_count"),
            shares: n("share_count"),
            raw: video.clone(),
            ..Default::default()
        })
    }
}

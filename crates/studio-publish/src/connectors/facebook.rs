//! Facebook Pages Reels: Graph API v21.0, developers.facebook.com/docs/video-api/guides/reels-publishing.
//!
//! The account is a Page (`session.user_id` is the Page id, the token a Page access token).
//! `POST /{page-id}/video_reels {upload_phase: start}` opens an upload session (`video_id`); the
//! bytes go to `rupload.facebook.com/video-upload/v21.0/{video_id}` with `offset` and `file_size`
//! headers; `GET /{video_id}?fields=status` reports `uploading_phase.bytes_transferred`, which is
//! where an interrupted upload resumes. `POST /{page-id}/video_reels {upload_phase: finish,
//! video_state: PUBLISHED}` publishes; the video id is the reel's id, so repeating the finish call
//! for the same video can never make a second reel. Pages may publish 30 reels per 24 h.
use std::time::Duration;

use serde_json::{json, Value};

use super::meta::{self, count, insight, str_field};
use crate::connector::{
    poll, poll_interval, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session,
};
use crate::error::ErrorClass;
use crate::http::{file_chunk, Step};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct Facebook;

const NAME: &str = "Facebook Pages";
const VERSION: &str = "/v21.0";
/// Transient upload failures resumed in one run before the error is handed to the publisher.
const RESUMES_PER_RUN: u32 = 3;

/// Bytes per upload request: the whole remainder in one streamed request, as the Reels guide
/// shows, unless `STUDIO_UPLOAD_CHUNK_BYTES` asks for smaller requests (tests, a proxy with a
/// body size limit). Meta states no minimum part size for this endpoint.
fn chunk_len(remaining: u64) -> u64 {
    std::env::var("STUDIO_UPLOAD_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .map_or(remaining, |n| n.min(remaining))
}

fn reel_url(video_id: &str) -> String {
    format!("https://www.facebook.com/reel/{video_id}")
}

/// `permalink_url` is often a path (`/reel/123/`): made absolute.
fn url_of(v: &Value, video_id: &str) -> String {
    match str_field(v, "permalink_url") {
        Some(p) if p.starts_with('/') => format!("https://www.facebook.com{p}"),
        Some(p) if p.starts_with("https://") => p,
        _ => reel_url(video_id),
    }
}

fn phase<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.pointer(&format!("/status/{name}/status")).and_then(Value::as_str)
}

/// The reel is live (or going live: publishing started, which Meta does not undo on its own).
fn is_published(v: &Value) -> bool {
    phase(v, "publishing_phase") == Some("complete")
        || v.pointer("/status/publishing_phase/publish_status").and_then(Value::as_str) == Some("published")
}

fn is_publishing(v: &Value) -> bool {
    phase(v, "publishing_phase") == Some("in_progress")
}

/// Meta's own explanation when the video failed in any phase.
fn failure(v: &Value) -> Option<String> {
    let video_status = v.pointer("/status/video_status").and_then(Value::as_str).unwrap_or_default();
    let phases = ["uploading_phase", "processing_phase", "publishing_phase"];
    let failed = video_status == "error" || phases.iter().any(|p| phase(v, p) == Some("error"));
    if !failed {
        return None;
    }
    let message = phases
        .iter()
        .find_map(|p| v.pointer(&format!("/status/{p}/errors/0/message")).and_then(Value::as_str))
        .unwrap_or("the video could not be processed");
    Some(message.to_string())
}

/// An upload session Meta no longer accepts bytes for.
fn session_gone(v: &Value) -> bool {
    matches!(v.pointer("/status/video_status").and_then(Value::as_str), Some("expired" | "error" | "upload_failed"))
}

fn forget_upload(st: &mut PublishState) {
    st.media_id = None;
    st.upload_session_url = None;
    st.uploaded_bytes = 0;
    st.media_ready = false;
}

impl Facebook {
    fn status(&self, s: &Session, video_id: &str, fields: &str) -> Result<Value> {
        let req = s.bearer(
            s.http.client().get(s.endpoints.api_url(&format!("{VERSION}/{video_id}"))).query(&[("fields", fields)]),
        );
        meta::json(s, req, Step::Repeatable)
    }

    /// Where Meta's copy ends; `None` when the session is gone and the upload must start over.
    fn confirmed(&self, s: &Session, video_id: &str, fallback: u64) -> Result<Option<u64>> {
        let v = self.status(s, video_id, "status")?;
        if session_gone(&v) {
            return Ok(None);
        }
        let transferred = v.pointer("/status/uploading_phase/bytes_transferred").and_then(|b| count(Some(b)));
        Ok(Some(transferred.unwrap_or(fallback)))
    }

    fn start(&self, s: &Session, page: &str, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let req = s
            .bearer(s.http.client().post(s.endpoints.api_url(&format!("{VERSION}/{page}/video_reels"))))
            .form(&[("upload_phase", "start")]);
        let v = meta::json(s, req, Step::Repeatable)?;
        let video_id =
            str_field(&v, "video_id").ok_or_else(|| PublishError::retry(NAME, "the upload session has no video_id"))?;
        // The upload goes to our configured upload host, not to whatever host the reply names:
        // the token travels with the bytes.
        st.upload_session_url = Some(s.endpoints.upload_url(&format!("/video-upload{VERSION}/{video_id}")));
        st.media_id = Some(video_id);
        st.uploaded_bytes = 0;
        p.checkpoint(st)
    }
}

impl Connector for Facebook {
    fn platform(&self) -> PlatformId {
        PlatformId::Facebook
    }

    /// For calls made through the session's client directly (sign-in exchanges): Meta's codes,
    /// not the HTTP status, say what failed. The connector's own calls read the usage headers too.
    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(meta::classify_facebook)
    }

    /// The creator signs in as a person; posts go out as a Page. The long-lived user token's
    /// Page token does not expire. The first Page the person manages is used, and the account
    /// is shown under that Page's name (choosing among several Pages is not built yet).
    fn after_sign_in(
        &self,
        s: &Session,
        app: &crate::oauth::ClientApp,
        tokens: crate::tokens::TokenSet,
    ) -> Result<crate::tokens::TokenSet> {
        let user = meta::long_lived(s, &format!("{VERSION}/oauth/access_token"), "fb_exchange_token", app, &tokens)?;
        let req = s
            .http
            .client()
            .get(s.endpoints.api_url(&format!("{VERSION}/me/accounts")))
            .query(&[("fields", "id,name,access_token,tasks")])
            .bearer_auth(user.access.expose());
        let pages = meta::json(s, req, Step::Repeatable)?;
        let page = pages["data"]
            .as_array()
            .and_then(|list| list.iter().find(|p| str_field(p, "access_token").is_some()))
            .ok_or_else(|| {
                PublishError::Invalid(format!(
                    "{NAME}: this Facebook login manages no Page; create a Page or ask its admin to add you"
                ))
            })?;
        let mut out = crate::tokens::TokenSet::new(str_field(page, "access_token").unwrap_or_default());
        out.user_id = str_field(page, "id");
        out.scope = tokens.scope;
        Ok(out)
    }

    fn account(&self, s: &Session) -> Result<AccountInfo> {
        let page = s.user_id()?;
        let req = s.bearer(
            s.http
                .client()
                .get(s.endpoints.api_url(&format!("{VERSION}/{page}")))
                .query(&[("fields", "id,name,username")]),
        );
        let v = meta::json(s, req, Step::Repeatable)?;
        let user_id = str_field(&v, "id").ok_or_else(|| PublishError::retry(NAME, "the Page has no id"))?;
        let name = str_field(&v, "name");
        let handle = str_field(&v, "username").map(|u| format!("@{u}")).or_else(|| name.clone()).unwrap_or_default();
        Ok(AccountInfo { user_id, handle, display_name: name })
    }

    fn upload(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let page = s.user_id()?.to_string();
        let total = d.media.size();
        let mut offset = match st.media_id.clone() {
            None => {
                self.start(s, &page, st, p)?;
                0
            }
            // A later run: Meta's count wins over ours (bytes may have landed after our last save).
            Some(video_id) => match self.confirmed(s, &video_id, st.uploaded_bytes)? {
                Some(n) => n,
                None => {
                    forget_upload(st);
                    self.start(s, &page, st, p)?;
                    0
                }
            },
        };
        let video_id = st.media_id.clone().unwrap_or_default();
        let url = st
            .upload_session_url
            .clone()
            .unwrap_or_else(|| s.endpoints.upload_url(&format!("/video-upload{VERSION}/{video_id}")));
        let mut failures = 0;
        while offset < total {
            if p.cancelled() {
                return Err(PublishError::Cancelled);
            }
            let len = chunk_len(total - offset);
            // rupload authenticates with `OAuth <token>`, not Bearer.
            let req = s
                .http
                .client()
                .post(&url)
                .header("Authorization", format!("OAuth {}", s.access_token.expose()))
                .header("offset", offset.to_string())
                .header("file_size", total.to_string())
                .header("Content-Type", "application/octet-stream")
                .body(file_chunk(&d.media.path, offset, len)?);
            let sent =
                meta::json(s, req, Step::Repeatable).and_then(|v| match v.get("success").and_then(Value::as_bool) {
                    Some(true) => Ok(()),
                    _ => Err(PublishError::retry(NAME, "the upload host did not confirm the bytes")),
                });
            match sent {
                Ok(()) => {
                    offset += len;
                    failures = 0;
                    st.uploaded_bytes = offset;
                    p.checkpoint(st)?;
                    p.uploaded(offset, total);
                }
                Err(e) if e.class() == ErrorClass::Retry && failures < RESUMES_PER_RUN => {
                    failures += 1;
                    tracing::info!(offset, "the upload was interrupted ({e}); asking Meta where to resume");
                    std::thread::sleep(poll_interval());
                    match self.confirmed(s, &video_id, offset)? {
                        Some(n) => {
                            offset = n;
                            st.uploaded_bytes = n;
                            p.checkpoint(st)?;
                        }
                        None => {
                            forget_upload(st);
                            p.checkpoint(st)?;
                            return Err(PublishError::retry(
                                NAME,
                                "the upload session expired; the next try starts over",
                            ));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn create_post(
        &self,
        s: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
    ) -> Result<Published> {
        let page = s.user_id()?.to_string();
        let Some(video_id) = st.media_id.clone() else {
            st.media_ready = false;
            return Err(PublishError::retry(NAME, "the video is not uploaded yet"));
        };
        let req =
            s.bearer(s.http.client().post(s.endpoints.api_url(&format!("{VERSION}/{page}/video_reels")))).form(&[
                ("upload_phase", "finish"),
                ("video_id", video_id.as_str()),
                ("video_state", "PUBLISHED"),
                ("description", d.caption),
            ]);
        let v = meta::json(s, req, Step::Final)?;
        if v.get("success").and_then(Value::as_bool) != Some(true) {
            return Err(meta::unexpected(PlatformId::Facebook, Step::Final, "the finish call did not report success"));
        }
        // Meta now processes and publishes on its side. Followed so that a processing failure is
        // reported now; anything else (a slow or unreachable status) leaves the accepted reel be.
        let followed = poll(NAME, "publishing the reel", Duration::from_secs(900), p, || {
            let v = self.status(s, &video_id, "status,permalink_url")?;
            if let Some(message) = failure(&v) {
                return Ok(Some(Err(message)));
            }
            Ok(is_published(&v).then(|| Ok(url_of(&v, &video_id))))
        });
        match followed {
            Ok(Ok(url)) => Ok(Published { post_id: video_id, url: Some(url) }),
            Ok(Err(message)) => {
                // That video is spent: a retry uploads again.
                forget_upload(st);
                Err(PublishError::Rejected {
                    platform: NAME.into(),
                    message,
                    platform_code: Some("video_status/error".into()),
                })
            }
            Err(e) => {
                tracing::warn!("Meta accepted the reel; its publishing could not be followed: {e}");
                Ok(Published { url: Some(reel_url(&video_id)), post_id: video_id })
            }
        }
    }

    fn find_post(&self, s: &Session, _d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        let Some(video_id) = st.media_id.as_deref() else { return Ok(None) };
        let v = self.status(s, video_id, "status,permalink_url")?;
        // Publishing that has started or finished is the reel; not started (or failed) is not.
        Ok((is_published(&v) || is_publishing(&v))
            .then(|| Published { post_id: video_id.to_string(), url: Some(url_of(&v, video_id)) }))
    }

    fn metrics(&self, s: &Session, post_id: &str) -> Result<Metrics> {
        // Reels insights (developers.facebook.com/docs/video-api/guides/reels-insights).
        let url = s.endpoints.api_url(&format!("{VERSION}/{post_id}/video_insights"));
        let data = meta::insights(
            s,
            &url,
            &[
                "blue_reels_play_count",
                "post_video_likes_by_reaction_type",
                "post_video_social_actions",
                "post_video_view_time",
            ],
        )?;
        // A breakdown without COMMENT or SHARE means none of them.
        let social = insight(&data, "post_video_social_actions").filter(|v| v.is_object());
        let action = |k: &str| social.map(|v| count(v.get(k)).unwrap_or(0));
        Ok(Metrics {
            views: count(insight(&data, "blue_reels_play_count")),
            likes: count(insight(&data, "post_video_likes_by_reaction_type")),
            comments: action("COMMENT"),
            shares: action("SHARE"),
            saves: None,
            // Milliseconds in total.
            watch_time_s: count(insight(&data, "post_video_view_time")).map(|ms| ms as f64 / 1000.0),
            raw: json!({ "data": data }),
        })
    }
}

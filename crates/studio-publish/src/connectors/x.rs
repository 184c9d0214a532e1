//! X (API v2, docs.x.com/x-api).
//!
//! Video goes through the v2 chunked media endpoints: `POST /2/media/upload/initialize` (JSON),
//! `POST /2/media/upload/{id}/append` (multipart `segment_index` + `media`, each segment ≤ 5 MB,
//! indexes 0–999), `POST /2/media/upload/{id}/finalize`, then `GET /2/media/upload?command=STATUS`
//! until `processing_info.state` is `succeeded`. A segment re-sent with the same index replaces
//! the earlier one, so an interrupted upload resumes at the first segment X has not confirmed.
//! The post is `POST /2/tweets`; X has no idempotency key, so an ambiguous create is reconciled by
//! looking for the media key on the account's recent posts.
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use reqwest::blocking::multipart;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::json::{s, u};
use crate::connector::{
    poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Reply, Session,
};
use crate::http::Step;
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct X;

const NAME: &str = "X";

/// Segments sent in production. APPEND takes at most 5 MB per request (docs.x.com
/// /x-api/media/media-upload-append); 4 MiB stays under it with room for the multipart envelope.
pub const SEGMENT_BYTES: u64 = 4 * 1024 * 1024;
const MAX_SEGMENT_BYTES: u64 = 5 * 1024 * 1024;
/// `segment_index` is 0–999.
const MAX_SEGMENTS: u64 = 1000;

/// `PublishState::extra` keys.
const K_SEGMENT: &str = "x_segment_bytes";
const K_EXPIRES: &str = "x_upload_expires_at";
const K_FINALIZED: &str = "x_finalized";

/// The segment size for a new upload: `STUDIO_UPLOAD_CHUNK_BYTES` (tests) or 4 MiB, never over
/// X's 5 MB and never so small that the file needs more than 1000 segments.
fn segment_bytes(total: u64) -> u64 {
    let wanted = std::env::var("STUDIO_UPLOAD_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(SEGMENT_BYTES)
        .min(MAX_SEGMENT_BYTES);
    wanted.max(total.div_ceil(MAX_SEGMENTS))
}

/// `len` bytes of the file from `offset` as a multipart part, streamed from disk.
fn file_part(path: &Path, offset: u64, len: u64) -> Result<multipart::Part> {
    let io = |source| PublishError::Io { path: path.display().to_string(), source };
    let mut file = std::fs::File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    multipart::Part::reader_with_length(file.take(len), len)
        .file_name("segment")
        .mime_str("application/octet-stream")
        .map_err(|e| PublishError::Unsupported(e.without_url().to_string()))
}

/// X's problem JSON puts a generic sentence in `detail` ("One or more parameters to your request
/// was invalid.") and the useful one in `errors[].message`; the generic reading would show the
/// former. 401, 408, 429 and 5xx keep the generic handling.
fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    let code = status.as_u16();
    if !(400..500).contains(&code) || matches!(code, 401 | 408 | 429) {
        return None;
    }
    let messages: Vec<&str> = json
        .get("errors")?
        .as_array()?
        .iter()
        .filter_map(|e| e.get("message").or_else(|| e.get("detail")).and_then(Value::as_str))
        .filter(|m| !m.is_empty())
        .collect();
    if messages.is_empty() {
        return None;
    }
    let platform_code = s(json, "type").or_else(|| s(json, "title"));
    Some(PublishError::Rejected { platform: NAME.into(), message: messages.join("; "), platform_code })
}

/// The post's public address; `i/web/status` works when the handle is unknown.
fn post_url(handle: Option<&str>, id: &str) -> String {
    match handle.map(|h| h.trim_start_matches('@')).filter(|h| !h.is_empty()) {
        Some(h) => format!("https://x.com/{h}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    }
}

fn processing_failed(info: &Value) -> PublishError {
    let err = info.get("error").cloned().unwrap_or(Value::Null);
    let message = s(&err, "message").unwrap_or_else(|| "X could not process the video".into());
    PublishError::Rejected { platform: NAME.into(), message, platform_code: s(&err, "name") }
}

/// `Some(())` once processing succeeded, `None` while pending, an error when it failed.
fn processing_done(info: Option<&Value>) -> Result<Option<()>> {
    // No processing_info at all means the media is usable at once (FINALIZE docs).
    let Some(info) = info else { return Ok(Some(())) };
    match info.get("state").and_then(Value::as_str) {
        Some("succeeded") | None => Ok(Some(())),
        Some("failed") => Err(processing_failed(info)),
        Some(_) => Ok(None),
    }
}

impl X {
    fn http(s_: &Session) -> crate::http::Http {
        s_.http.clone().with_classifier(classify)
    }

    fn restart_if_expired(st: &mut PublishState) {
        let expired = st.extra.get(K_EXPIRES).and_then(Value::as_i64).is_some_and(|at| at <= crate::tokens::now());
        if expired && st.media_id.is_some() {
            tracing::info!("the X upload session expired; starting the upload again");
            st.media_id = None;
            st.uploaded_bytes = 0;
            st.parts.clear();
            st.extra.remove(K_SEGMENT);
            st.extra.remove(K_EXPIRES);
            st.extra.remove(K_FINALIZED);
        }
    }
}

impl Connector for X {
    fn platform(&self) -> PlatformId {
        PlatformId::X
    }

    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let http = Self::http(s_);
        let req = s_.bearer(http.client().get(s_.endpoints.api_url("/2/users/me")));
        let me: Value = http.json(req, Step::Repeatable)?;
        let data = me.get("data").cloned().unwrap_or(Value::Null);
        let user_id = s(&data, "id").ok_or_else(|| PublishError::retry(NAME, "/2/users/me had no id"))?;
        let username = s(&data, "username").unwrap_or_default();
        Ok(AccountInfo { user_id, handle: format!("@{username}"), display_name: s(&data, "name") })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let http = Self::http(s_);
        let total = d.media.size();
        Self::restart_if_expired(st);
        if st.media_id.is_none() {
            let segment = segment_bytes(total);
            let category = if d.media.is_video() { "tweet_video" } else { "tweet_image" };
            let req =
                s_.bearer(http.client().post(s_.endpoints.upload_url("/2/media/upload/initialize"))).json(&json!({
                    "media_type": d.media.mime,
                    "total_bytes": total,
                    "media_category": category,
                }));
            let init: Value = http.json(req, Step::Repeatable)?;
            let data = init.get("data").cloned().unwrap_or(Value::Null);
            let id = s(&data, "id").ok_or_else(|| PublishError::retry(NAME, "the upload was not given a media id"))?;
            st.media_id = Some(id);
            st.uploaded_bytes = 0;
            st.parts.clear();
            st.extra.insert(K_SEGMENT.into(), json!(segment));
            if let Some(secs) = u(&data, "expires_after_secs") {
                st.extra.insert(K_EXPIRES.into(), json!(crate::tokens::now() + secs as i64));
            }
            p.checkpoint(st)?;
        }
        let id = st.media_id.clone().unwrap_or_default();
        // The segment size chosen when the session started: indexes only line up with it.
        let segment = st.extra.get(K_SEGMENT).and_then(Value::as_u64).filter(|n| *n > 0).unwrap_or(SEGMENT_BYTES);
        let finalized = st.extra.get(K_FINALIZED).and_then(Value::as_bool).unwrap_or(false);
        if !finalized {
            p.uploaded(st.uploaded_bytes.min(total), total);
            while st.uploaded_bytes < total {
                if p.cancelled() {
                    return Err(PublishError::Cancelled);
                }
                let offset = st.uploaded_bytes;
                let index = offset / segment;
                let len = segment.min(total - offset);
                let form = multipart::Form::new()
                    .text("segment_index", index.to_string())
                    .part("media", file_part(&d.media.path, offset, len)?);
                let req = s_
                    .bearer(http.client().post(s_.endpoints.upload_url(&format!("/2/media/upload/{id}/append"))))
                    .multipart(form);
                http.send(req, Step::Repeatable)?;
                st.uploaded_bytes = offset + len;
                p.checkpoint(st)?;
                p.uploaded(st.uploaded_bytes, total);
            }
            let req = s_.bearer(http.client().post(s_.endpoints.upload_url(&format!("/2/media/upload/{id}/finalize"))));
            let fin: Value = http.json(req, Step::Repeatable)?;
            st.extra.insert(K_FINALIZED.into(), json!(true));
            p.checkpoint(st)?;
            if processing_done(fin.pointer("/data/processing_info"))?.is_some() {
                return Ok(());
            }
        }
        poll(NAME, "processing the video", Duration::from_secs(1800), p, || {
            let req = s_.bearer(
                http.client()
                    .get(s_.endpoints.upload_url("/2/media/upload"))
                    .query(&[("command", "STATUS"), ("media_id", id.as_str())]),
            );
            let status: Value = http.json(req, Step::Repeatable)?;
            // v2 wraps the reply in `data` (v1.1 did not); no processing_info means ready.
            processing_done(status.pointer("/data/processing_info").or_else(|| status.get("processing_info")))
        })
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        let http = Self::http(s_);
        let media_id = st.media_id.clone().ok_or_else(|| PublishError::Invalid("the video was not uploaded".into()))?;
        let mut body = json!({ "text": d.caption, "media": { "media_ids": [media_id] } });
        // POST /2/tweets: everyone | mentionedUsers | following | subscribers | verified.
        if let Some(who) = d.option("reply_settings").filter(|w| *w != "everyone") {
            body["reply_settings"] = json!(who);
        }
        let req = s_.bearer(http.client().post(s_.endpoints.api_url("/2/tweets"))).json(&body);
        let created: Value = http.json(req, Step::Final)?;
        let post_id = created.pointer("/data/id").and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
            PublishError::OutcomeUnknown { platform: NAME.into(), message: "X answered without a post id".into() }
        })?;
        let url = post_url(s_.handle.as_deref(), &post_id);
        Ok(Published { post_id, url: Some(url) })
    }

    fn find_post(&self, s_: &Session, _d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        // Without a media id the create call could not have been sent.
        let Some(media_id) = st.media_id.as_deref() else { return Ok(None) };
        let http = Self::http(s_);
        let user = s_.user_id()?;
        let req = s_.bearer(
            http.client()
                .get(s_.endpoints.api_url(&format!("/2/users/{user}/tweets")))
                .query(&[("max_results", "20"), ("tweet.fields", "attachments")]),
        );
        let timeline: Value = http.json(req, Step::Repeatable)?;
        // Media keys are "<type>_<media id>" (7_ for tweet_video, 13_ amplify_video, 3_ photos):
        // a media id on one of the account's posts is proof that post is ours.
        let suffix = format!("_{media_id}");
        let found = timeline.get("data").and_then(Value::as_array).into_iter().flatten().find(|tweet| {
            tweet
                .pointer("/attachments/media_keys")
                .and_then(Value::as_array)
                .is_some_and(|keys| keys.iter().filter_map(Value::as_str).any(|k| k.ends_with(&suffix)))
        });
        Ok(found
            .and_then(|t| s(t, "id"))
            .map(|id| Published { url: Some(post_url(s_.handle.as_deref(), &id)), post_id: id }))
    }

    fn supports_replies(&self) -> bool {
        true
    }

    fn reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Published> {
        let http = Self::http(s_);
        let body = json!({ "text": r.text, "reply": { "in_reply_to_tweet_id": r.parent.post_id } });
        let req = s_.bearer(http.client().post(s_.endpoints.api_url("/2/tweets"))).json(&body);
        let created: Value = http.json(req, Step::Final)?;
        let post_id = created.pointer("/data/id").and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
            PublishError::OutcomeUnknown {
                platform: NAME.into(),
                message: "X answered the reply without a post id".into(),
            }
        })?;
        Ok(Published { url: Some(post_url(s_.handle.as_deref(), &post_id)), post_id })
    }

    fn find_reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Option<Published>> {
        let http = Self::http(s_);
        let user = s_.user_id()?;
        let req = s_.bearer(
            http.client()
                .get(s_.endpoints.api_url(&format!("/2/users/{user}/tweets")))
                .query(&[("max_results", "20"), ("tweet.fields", "referenced_tweets")]),
        );
        let timeline: Value = http.json(req, Step::Repeatable)?;
        // Ours, answering that parent, with the same words (the first comment and the first
        // thread part answer the same post).
        let want = r.text.split_whitespace().collect::<Vec<_>>();
        let found = timeline.get("data").and_then(Value::as_array).into_iter().flatten().find(|tweet| {
            let answers = tweet.get("referenced_tweets").and_then(Value::as_array).is_some_and(|refs| {
                refs.iter().any(|x| {
                    s(x, "type").as_deref() == Some("replied_to") && s(x, "id").as_deref() == Some(&r.parent.post_id)
                })
            });
            answers && s(tweet, "text").is_some_and(|t| t.split_whitespace().collect::<Vec<_>>() == want)
        });
        Ok(found
            .and_then(|t| s(t, "id"))
            .map(|id| Published { url: Some(post_url(s_.handle.as_deref(), &id)), post_id: id }))
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let http = Self::http(s_);
        let req = s_.bearer(
            http.client()
                .get(s_.endpoints.api_url(&format!("/2/tweets/{post_id}")))
                .query(&[("tweet.fields", "public_metrics")]),
        );
        let reply: Value = http.json(req, Step::Repeatable)?;
        // A deleted post answers 200 with only `errors` (resource-not-found, worded in `detail`).
        let Some(m) = reply.pointer("/data/public_metrics") else {
            let err = reply.pointer("/errors/0").cloned().unwrap_or(Value::Null);
            let message = s(&err, "detail")
                .or_else(|| s(&err, "message"))
                .unwrap_or_else(|| "X returned no metrics for this post".into());
            return Err(PublishError::Rejected { platform: NAME.into(), message, platform_code: s(&err, "type") });
        };
        let shares = match (u(m, "retweet_count"), u(m, "quote_count")) {
            (None, None) => None,
            (r, q) => Some(r.unwrap_or(0) + q.unwrap_or(0)),
        };
        Ok(Metrics {
            views: u(m, "impression_count"),
            likes: u(m, "like_count"),
            comments: u(m, "reply_count"),
            shares,
            saves: u(m, "bookmark_count"),
            watch_time_s: None,
            raw: reply,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stay_within_xs_limits() {
        assert!(segment_bytes(10) <= MAX_SEGMENT_BYTES);
        // 4.5 GB would need more than 1000 segments of 4 MiB: segments grow instead.
        let huge = 4_500_000_000u64;
        assert!(huge.div_ceil(segment_bytes(huge)) <= MAX_SEGMENTS);
    }

    #[test]
    fn problem_json_shows_the_specific_message() {
        let body = json!({
            "errors": [{"parameters": {"media.media_ids": ["1"]}, "message": "Your media IDs are invalid."}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"
        });
        let e = classify(StatusCode::BAD_REQUEST, &body).expect("classified");
        assert!(e.to_string().contains("Your media IDs are invalid."), "{e}");
        assert!(classify(StatusCode::TOO_MANY_REQUESTS, &body).is_none());
        assert!(classify(StatusCode::FORBIDDEN, &json!({"detail": "x", "title": "Forbidden"})).is_none());
    }

    #[test]
    fn urls_with_and_without_a_handle() {
        assert_eq!(post_url(Some("@creator"), "19"), "https://x.com/creator/status/19");
        assert_eq!(post_url(None, "19"), "https://x.com/i/web/status/19");
    }
}

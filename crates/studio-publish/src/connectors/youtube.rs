//! YouTube Data API v3: `videos.insert` through the resumable upload protocol
//! (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol).
//!
//! The upload is the post: YouTube creates the video when the last byte of the session arrives,
//! and the reply to that last PUT is the video resource. So `upload` opens the session and sends
//! every chunk but the last, and `create_post` sends the last one: the creating call happens after
//! the publisher has saved `final_sent`, as on every other platform, and cancelling before it
//! leaves no video behind.
//!
//! The session URL, saved the moment YouTube hands it out, is what makes this safe. A PUT with
//! `Content-Range: bytes */N` asks the session where it stands: 308 (with `Range: bytes=0-X`, or
//! none for zero bytes) means incomplete, so no video exists and the upload resumes at X + 1;
//! 200/201 with the video resource means the upload finished and the video exists. A lost reply
//! to the last chunk, a crash while sending it, or a restart after `final_sent` are all settled by
//! that question, never by sending again blindly. Only a session that has expired (404/410) after
//! a final chunk of unknown fate leaves the outcome unknown; an expired session whose last chunk
//! was never sent is simply started again.
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::raw;
use crate::connector::{
    poll_interval, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session,
};
use crate::endpoints::check_url;
use crate::error::ErrorClass;
use crate::http::{Http, Step};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

const NAME: &str = "YouTube";

/// Chunks must be multiples of 256 KiB, except the last one (resumable upload guide, "Uploading
/// a file in chunks").
const GRANULE: u64 = 256 * 1024;
/// 8 MiB: large enough to keep the request count low, small enough that a failed chunk costs
/// little to send again.
const CHUNK_BYTES: u64 = 8 * 1024 * 1024;
/// Failed chunks in a row before this run gives up (the saved state resumes in the next one).
const MAX_FAILURES: u32 = 3;

/// Shorts are vertical or square videos of up to three minutes
/// (support.google.com/youtube/answer/15424877).
const SHORTS_MAX_S: f64 = 180.0;

pub struct YouTube {
    chunk_bytes: u64,
}

impl Default for YouTube {
    fn default() -> Self {
        Self { chunk_bytes: CHUNK_BYTES }
    }
}

impl YouTube {
    /// Another chunk size (tests send small files in several chunks), rounded up to 256 KiB.
    pub fn with_chunk_bytes(bytes: u64) -> Self {
        Self { chunk_bytes: bytes.div_ceil(GRANULE).max(1) * GRANULE }
    }
}

/// Where a resumable session stands.
enum Stand {
    /// Incomplete: the session holds this many bytes, and no video exists yet.
    Holds(u64),
    /// The upload finished and this is the new video's id.
    Done(String),
    /// 404/410: the session is gone.
    Expired,
}

/// Google's error reasons (`error.errors[0].reason`) where the status code alone misleads.
fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    let reason = json.pointer("/error/errors/0/reason").and_then(Value::as_str)?;
    let message = json
        .pointer("/error/message")
        .and_then(Value::as_str)
        .map(strip_tags)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| reason.to_string());
    match reason {
        // Quota (403 quotaExceeded) and the daily upload cap (uploadLimitExceeded) reset at
        // midnight Pacific time (developers.google.com/youtube/v3/getting-started#quota).
        "quotaExceeded" | "dailyLimitExceeded" | "uploadLimitExceeded" => {
            Some(PublishError::RateLimited { platform: NAME.into(), retry_after: until_quota_reset(), message })
        }
        // A 403 per-user rate limit says nothing about when: a minute, as for an unspecific 429.
        "rateLimitExceeded" | "userRateLimitExceeded" if status != StatusCode::TOO_MANY_REQUESTS => {
            Some(PublishError::RateLimited { platform: NAME.into(), retry_after: Duration::from_secs(60), message })
        }
        _ if status.is_client_error() && !matches!(status.as_u16(), 401 | 408 | 429) => {
            Some(PublishError::Rejected { platform: NAME.into(), message, platform_code: Some(reason.to_string()) })
        }
        _ => None,
    }
}

/// Google's quota message links the word "quota"; the creator sees plain text.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Until the next 08:00 UTC: midnight Pacific in winter (PST), an hour after it in summer (PDT),
/// so never before the quota is back.
fn until_quota_reset() -> Duration {
    let day = 86_400;
    let since_midnight = jiff::Timestamp::now().as_second().rem_euclid(day);
    let wait = (8 * 3600 - since_midnight).rem_euclid(day);
    Duration::from_secs(if wait == 0 { day } else { wait } as u64)
}

fn http(s_: &Session) -> Http {
    s_.http.clone().with_classifier(classify)
}

fn str_of(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer).and_then(Value::as_str).map(str::to_string).filter(|s| !s.is_empty())
}

/// videos.list statistics are decimal strings (uint64 in JSON-as-string form).
fn count(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// `tags` as a JSON array of strings or one comma-separated string.
fn tags(d: &Draft<'_>) -> Option<Vec<String>> {
    let list: Vec<String> = match d.options.get("tags")? {
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(|t| t.trim().to_string()).collect(),
        Value::String(s) => s.split(',').map(|t| t.trim().to_string()).collect(),
        _ => return None,
    };
    let list: Vec<String> = list.into_iter().filter(|t| !t.is_empty()).collect();
    (!list.is_empty()).then_some(list)
}

fn privacy<'a>(d: &'a Draft<'_>) -> Result<&'a str> {
    // Videos uploaded by unverified API projects are locked private whatever is asked
    // (videos.insert, "all videos uploaded via videos.insert from unverified API projects…").
    let p = d.option("privacy").unwrap_or("private");
    match p {
        "private" | "unlisted" | "public" => Ok(p),
        other => {
            Err(PublishError::Invalid(format!("YouTube privacy must be private, unlisted or public, not '{other}'")))
        }
    }
}

/// The video resource sent when the session opens (videos.insert request body).
fn metadata(d: &Draft<'_>) -> Result<Value> {
    let mut snippet = json!({
        "title": d.title.unwrap_or_default().trim(),
        "description": d.caption,
        // 22 = People & Blogs, the category YouTube itself defaults uploads to.
        "categoryId": "22",
    });
    if let Some(tags) = tags(d) {
        snippet["tags"] = json!(tags);
    }
    Ok(json!({
        "snippet": snippet,
        "status": { "privacyStatus": privacy(d)?, "selfDeclaredMadeForKids": false },
    }))
}

fn published(d: &Draft<'_>, id: &str) -> Published {
    let f = &d.media.facts;
    let vertical = matches!((f.width, f.height), (Some(w), Some(h)) if h >= w);
    let short = vertical && f.duration_s.is_some_and(|s| s <= SHORTS_MAX_S);
    let url = if short {
        format!("https://www.youtube.com/shorts/{id}")
    } else {
        format!("https://www.youtube.com/watch?v={id}")
    };
    Published { post_id: id.to_string(), url: Some(url) }
}

impl YouTube {
    /// Opens a resumable session (step 1 of the guide) and returns its URL, checked.
    fn open(&self, s_: &Session, d: &Draft<'_>) -> Result<String> {
        let h = http(s_);
        let req = h
            .client()
            .post(s_.endpoints.upload_url("/upload/youtube/v3/videos"))
            .query(&[("uploadType", "resumable"), ("part", "snippet,status")])
            .header("X-Upload-Content-Length", d.media.size().to_string())
            .header("X-Upload-Content-Type", d.media.mime.as_str())
            .json(&metadata(d)?);
        let resp = h.send(s_.bearer(req), Step::Repeatable)?;
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| PublishError::retry(NAME, "the upload session came without a Location"))?;
        Ok(check_url(location)?.to_string())
    }

    /// Reads a session's answer: 308 Resume Incomplete, 200/201 with the video, 404/410 gone.
    fn read(&self, s_: &Session, resp: reqwest::blocking::Response, step: Step) -> Result<Stand> {
        let h = http(s_);
        match resp.status().as_u16() {
            308 => Ok(Stand::Holds(raw::held_bytes(resp.headers(), "range").unwrap_or(0))),
            200 | 201 => {
                let video: Value = raw::json(&h, resp, step)?;
                match str_of(&video, "/id") {
                    Some(id) => Ok(Stand::Done(id)),
                    None => Err(match step {
                        Step::Final => PublishError::OutcomeUnknown {
                            platform: NAME.into(),
                            message: "the upload finished without a video id".into(),
                        },
                        Step::Repeatable => PublishError::retry(NAME, "the upload finished without a video id"),
                    }),
                }
            }
            404 | 410 => Ok(Stand::Expired),
            _ => Err(raw::fail(&h, resp, step)),
        }
    }

    /// Step 4.1: an empty PUT with `Content-Range: bytes */N` asks where the session stands.
    fn status(&self, s_: &Session, url: &str, total: u64) -> Result<Stand> {
        let h = http(s_);
        let req =
            h.client().put(url).header(reqwest::header::CONTENT_RANGE, format!("bytes */{total}")).body(Vec::new());
        let resp = raw::send(&h, s_.bearer(req), Step::Repeatable)?;
        self.read(s_, resp, Step::Repeatable)
    }

    fn put(&self, s_: &Session, d: &Draft<'_>, url: &str, offset: u64, len: u64, step: Step) -> Result<Stand> {
        let h = http(s_);
        let total = d.media.size();
        let req = h
            .client()
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, d.media.mime.as_str())
            .header(reqwest::header::CONTENT_RANGE, format!("bytes {offset}-{}/{total}", offset + len - 1))
            .body(crate::http::file_chunk(&d.media.path, offset, len)?);
        let resp = raw::send(&h, s_.bearer(req), step)?;
        self.read(s_, resp, step)
    }

    /// Sends the file from where the session stands. With `last == false` it stops before the
    /// final chunk (the creating call); with `last == true` it finishes and returns the video id.
    /// `Ok(None)` only for `last == false`, when everything but the final chunk is there.
    fn send(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
        last: bool,
    ) -> Result<Option<String>> {
        let total = d.media.size();
        let mut restarted = false;
        // Where the session stands is asked before anything is sent: a previous run may have
        // stopped anywhere, even after YouTube created the video.
        let (mut url, mut offset) = match st.upload_session_url.clone() {
            None => (self.restart(s_, d, st, p)?, 0),
            Some(url) => match self.status(s_, &url, total)? {
                Stand::Holds(n) => (url, n.min(total)),
                Stand::Done(id) => return self.done(st, p, total, id).map(Some),
                Stand::Expired => {
                    // No final chunk of unknown fate reaches here: after one, the publisher asks
                    // `find_post` first, which reports an expired session as an unknown outcome.
                    tracing::warn!("YouTube's upload session expired; uploading again from the first byte");
                    restarted = true;
                    (self.restart(s_, d, st, p)?, 0)
                }
            },
        };
        if offset != st.uploaded_bytes {
            st.uploaded_bytes = offset;
            p.checkpoint(st)?;
        }
        p.uploaded(offset, total);
        let mut failures = 0u32;
        loop {
            let left = total - offset;
            if !last && left <= self.chunk_bytes {
                return Ok(None);
            }
            if p.cancelled() {
                return Err(PublishError::Cancelled);
            }
            let answer = if left == 0 {
                // Every byte is there but no video came back: ask the session for it.
                self.status(s_, &url, total)
            } else {
                let len = left.min(self.chunk_bytes);
                let step = if offset + len == total { Step::Final } else { Step::Repeatable };
                self.put(s_, d, &url, offset, len, step)
            };
            // Set when the final chunk was sent and its fate is unknown: only the session can tell.
            let mut in_doubt = None;
            let failed = answer.is_err();
            let state = match answer {
                Ok(state) => state,
                Err(e) if matches!(e.class(), ErrorClass::Retry | ErrorClass::OutcomeUnknown) => {
                    // A 5xx or a dropped connection: ask the session and resume from what it
                    // holds (guide, step 4).
                    failures += 1;
                    if failures > MAX_FAILURES {
                        return Err(e);
                    }
                    std::thread::sleep(poll_interval() * failures);
                    let doubt = e.class() == ErrorClass::OutcomeUnknown;
                    match self.status(s_, &url, total) {
                        Ok(state) => {
                            in_doubt = doubt.then_some(e);
                            state
                        }
                        Err(q) => return Err(if doubt { e } else { q }),
                    }
                }
                Err(e) => return Err(e),
            };
            match state {
                Stand::Done(id) => return self.done(st, p, total, id).map(Some),
                // An incomplete session proves the final chunk created nothing.
                Stand::Holds(n) => {
                    if n > offset {
                        failures = 0;
                    } else if !failed {
                        // A chunk answered 308 but was not kept.
                        failures += 1;
                        if failures > MAX_FAILURES {
                            return Err(PublishError::retry(NAME, format!("the upload stays at {n} of {total} bytes")));
                        }
                    }
                    offset = n.min(total);
                    st.uploaded_bytes = offset;
                    p.checkpoint(st)?;
                    p.uploaded(offset, total);
                }
                Stand::Expired => {
                    if let Some(e) = in_doubt {
                        // The session is gone and the last chunk may have completed it: a new
                        // session could post the video twice.
                        return Err(e);
                    }
                    if restarted {
                        return Err(PublishError::retry(NAME, "the new upload session expired at once"));
                    }
                    tracing::warn!("YouTube's upload session expired; uploading again from the first byte");
                    restarted = true;
                    url = self.restart(s_, d, st, p)?;
                    offset = 0;
                    failures = 0;
                }
            }
        }
    }

    /// A new session, saved before any byte is sent to it.
    fn restart(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<String> {
        st.upload_session_url = None;
        st.uploaded_bytes = 0;
        let url = self.open(s_, d)?;
        st.upload_session_url = Some(url.clone());
        p.checkpoint(st)?;
        Ok(url)
    }

    /// The video exists: its id is saved at once (for `find_post` after a crash).
    fn done(&self, st: &mut PublishState, p: &mut dyn Progress, total: u64, id: String) -> Result<String> {
        st.media_id = Some(id.clone());
        st.uploaded_bytes = total;
        p.checkpoint(st)?;
        p.uploaded(total, total);
        Ok(id)
    }

    /// videos.list by id, as the owner: the video if YouTube lists it.
    fn video(&self, s_: &Session, id: &str, part: &str) -> Result<Option<Value>> {
        let h = http(s_);
        let req = h.client().get(s_.endpoints.api_url("/youtube/v3/videos")).query(&[("part", part), ("id", id)]);
        let list: Value = h.json(s_.bearer(req), Step::Repeatable)?;
        Ok(list.pointer("/items/0").cloned())
    }
}

impl Connector for YouTube {
    fn platform(&self) -> PlatformId {
        PlatformId::Youtube
    }

    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let h = http(s_);
        let req = h
            .client()
            .get(s_.endpoints.api_url("/youtube/v3/channels"))
            .query(&[("part", "snippet"), ("mine", "true")]);
        let list: Value = h.json(s_.bearer(req), Step::Repeatable)?;
        let channel = list.pointer("/items/0").ok_or_else(|| {
            PublishError::rejected(
                NAME,
                "this Google account has no YouTube channel yet; create one on youtube.com first",
            )
        })?;
        let user_id =
            str_of(channel, "/id").ok_or_else(|| PublishError::retry(NAME, "the channel came without an id"))?;
        let title = str_of(channel, "/snippet/title");
        let handle = str_of(channel, "/snippet/customUrl").or_else(|| title.clone()).unwrap_or_else(|| user_id.clone());
        Ok(AccountInfo { user_id, handle, display_name: title })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        // Refused before the session opens rather than by YouTube after it.
        metadata(d)?;
        self.send(s_, d, st, p, false).map(|_| ())
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
    ) -> Result<Published> {
        if let Some(id) = st.media_id.clone() {
            // A previous run already saw the upload finish.
            return Ok(published(d, &id));
        }
        match self.send(s_, d, st, p, true)? {
            Some(id) => Ok(published(d, &id)),
            None => Err(PublishError::OutcomeUnknown {
                platform: NAME.into(),
                message: "the upload stopped before its last chunk".into(),
            }),
        }
    }

    fn find_post(&self, s_: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        if let Some(id) = st.media_id.as_deref() {
            return match self.video(s_, id, "status")? {
                Some(_) => Ok(Some(published(d, id))),
                None => Err(PublishError::rejected(
                    NAME,
                    format!("the upload created video {id}, but YouTube no longer lists it (deleted?)"),
                )),
            };
        }
        let Some(url) = st.upload_session_url.as_deref() else { return Ok(None) };
        match self.status(s_, url, d.media.size())? {
            Stand::Done(id) => Ok(Some(published(d, &id))),
            // YouTube creates the video only when the upload completes.
            Stand::Holds(_) => Ok(None),
            Stand::Expired => Err(PublishError::Unsupported(
                "YouTube's upload session has expired, so it can no longer say whether the last chunk created the video; look in YouTube Studio".into(),
            )),
        }
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let video = self
            .video(s_, post_id, "statistics")?
            .ok_or_else(|| PublishError::rejected(NAME, format!("YouTube does not list video {post_id}")))?;
        let stats = video.get("statistics").cloned().unwrap_or(Value::Null);
        Ok(Metrics {
            views: count(&stats, "viewCount"),
            likes: count(&stats, "likeCount"),
            comments: count(&stats, "commentCount"),
            raw: video,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_and_rejections_are_read_from_the_reason() {
        let quota = json!({"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
            "errors": [{"domain": "youtube.quota", "reason": "quotaExceeded"}]}});
        let e = classify(StatusCode::FORBIDDEN, &quota).expect("classified");
        assert!(matches!(e, PublishError::RateLimited { ref message, .. } if message.ends_with("your quota.")), "{e}");
        let wait = match e.class() {
            ErrorClass::RateLimited { retry_after_s } => retry_after_s,
            other => panic!("{other:?}"),
        };
        assert!((1..=86_400).contains(&wait));
        let tags = json!({"error": {"code": 400, "message": "The request metadata specifies invalid video keywords.",
            "errors": [{"domain": "youtube.video", "reason": "invalidTags"}]}});
        let e = classify(StatusCode::BAD_REQUEST, &tags).expect("classified");
        assert!(
            matches!(e, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("invalidTags"))
        );
        let auth = json!({"error": {"code": 401, "errors": [{"reason": "authError"}]}});
        assert!(classify(StatusCode::UNAUTHORIZED, &auth).is_none());
        assert!(classify(StatusCode::SERVICE_UNAVAILABLE, &json!({"error": {"errors": [{"reason": "backendError"}]}}))
            .is_none());
    }

    #[test]
    fn the_quota_wait_ends_at_eight_utc() {
        let now = jiff::Timestamp::now().as_second();
        let reset = now + until_quota_reset().as_secs() as i64;
        assert_eq!(reset.rem_euclid(86_400), 8 * 3600);
        assert!(reset > now && reset <= now + 86_400);
    }

    #[test]
    fn chunk_sizes_are_whole_granules() {
        assert_eq!(YouTube::with_chunk_bytes(1).chunk_bytes, GRANULE);
        assert_eq!(YouTube::with_chunk_bytes(GRANULE + 1).chunk_bytes, 2 * GRANULE);
        assert_eq!(YouTube::default().chunk_bytes % GRANULE, 0);
    }
}

//! Uploading in chunks and following a publish: the chunk plan of the media transfer guide,
//! `init` (the post intent), the chunks themselves, and `status/fetch`.
use serde_json::{json, Value};

use super::api::{call, http, str_of, NAME};
use crate::connector::{poll_interval, Draft, Progress, PublishState, Published, Session};
use crate::connectors::raw;
use crate::endpoints::check_url;
use crate::error::ErrorClass;
use crate::http::Step;
use crate::{PublishError, Result};

// Media transfer guide, "Chunk restrictions": chunks of 5 MB to 64 MB, the last one absorbing
// the remainder (up to 128 MB); files under 5 MB go whole; 1 to 1000 chunks, sent in order.
// "MB" is ambiguous there, so the minimum is read as MiB and the maximum as decimal MB: both
// readings accept what is sent.
const CHUNK_MIN: u64 = 5 * 1024 * 1024;
const CHUNK_MAX: u64 = 64_000_000;
const CHUNKS_MAX: u64 = 1000;
/// The guide's own example chunk (10,000,000 bytes).
const CHUNK_BYTES: u64 = 10_000_000;
/// Failed attempts at one chunk before this run gives up (the saved state resumes later). The
/// guide: on a 5xx "you should retry submitting this chunk".
const MAX_FAILURES: u32 = 3;
/// Unaudited clients may only post privately (Direct Post, note at the top).
const DEFAULT_PRIVACY: &str = "SELF_ONLY";

/// The connector; its settings are the chunk plan, so it is defined beside it.
pub struct TikTok {
    chunk_bytes: u64,
    min_chunk: u64,
}

impl Default for TikTok {
    fn default() -> Self {
        Self { chunk_bytes: CHUNK_BYTES, min_chunk: CHUNK_MIN }
    }
}

impl TikTok {
    /// Another chunk size within TikTok's 5 MB – 64 MB.
    pub fn with_chunk_bytes(bytes: u64) -> Self {
        Self { chunk_bytes: bytes.clamp(CHUNK_MIN, CHUNK_MAX), min_chunk: CHUNK_MIN }
    }

    /// Contract tests only: chunks below TikTok's 5 MB minimum, so a few hundred KB exercise
    /// several chunks. The whole-file rule scales with it. Never for a real account.
    #[doc(hidden)]
    pub fn with_test_chunk_bytes(bytes: u64) -> Self {
        let bytes = bytes.max(1);
        Self { chunk_bytes: bytes, min_chunk: bytes }
    }

    /// `(chunk_size, total_chunk_count)` for a file, as init expects them.
    pub fn plan(&self, size: u64) -> (u64, u64) {
        if size < self.min_chunk || size <= self.chunk_bytes {
            return (size, 1);
        }
        let chunk = self.chunk_bytes.max(size.div_ceil(CHUNKS_MAX));
        (chunk, size / chunk)
    }
}

/// Byte range `[start, end)` of chunk `k`: the last one takes the remainder.
fn chunk_range(k: u64, chunk: u64, count: u64, size: u64) -> (u64, u64) {
    let start = k * chunk;
    let end = if k + 1 >= count { size } else { start + chunk };
    (start, end)
}

fn flag(d: &Draft<'_>, key: &str) -> bool {
    d.options.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn extra_u64(st: &PublishState, key: &str) -> Option<u64> {
    st.extra.get(key).and_then(Value::as_u64)
}

/// A publish that can no longer complete: forget it, so the next attempt inits afresh.
pub(super) fn forget(st: &mut PublishState) {
    st.publish_id = None;
    st.upload_session_url = None;
    st.uploaded_bytes = 0;
    st.media_ready = false;
    st.extra.remove("chunk_size");
    st.extra.remove("chunk_count");
}

/// FAILED is terminal: nothing was posted, and the next attempt starts a new publish.
pub(super) fn failed(st: &mut PublishState, reason: String) -> PublishError {
    forget(st);
    PublishError::Rejected {
        platform: NAME.into(),
        message: format!("TikTok could not publish the video: {reason}"),
        platform_code: Some(reason),
    }
}

/// What status/fetch says about a publish.
pub(super) enum Stage {
    Complete(Published),
    Failed(String),
    Processing { status: String, uploaded: Option<u64> },
}

/// What the upload URL did with the chunks.
pub(super) enum Sent {
    /// Every chunk asked for is there.
    Sent,
    /// 403/404: the URL expired or TikTok has no upload task for it.
    Gone,
}

impl TikTok {
    pub(super) fn stage(&self, s_: &Session, publish_id: &str) -> Result<Stage> {
        let req = s_
            .http
            .client()
            .post(s_.endpoints.api_url("/v2/post/publish/status/fetch/"))
            .json(&json!({ "publish_id": publish_id }));
        let data = call(s_, req)?;
        let status = str_of(&data, "status").unwrap_or_default();
        Ok(match status.as_str() {
            "PUBLISH_COMPLETE" => Stage::Complete(self.published(s_, publish_id, &data)),
            "FAILED" => Stage::Failed(str_of(&data, "fail_reason").unwrap_or_else(|| "no reason given".into())),
            _ => Stage::Processing { status, uploaded: data.get("uploaded_bytes").and_then(Value::as_u64) },
        })
    }

    /// The post as status/fetch describes it. `publicaly_available_post_id` (sic) lists the
    /// video id only once a public post has passed moderation; a private post (SELF_ONLY, all
    /// that unaudited apps may send) never gets one, so the publish id stands in for it.
    pub(super) fn published(&self, s_: &Session, publish_id: &str, data: &Value) -> Published {
        let video_id = data.get("publicaly_available_post_id").and_then(Value::as_array).and_then(|ids| {
            ids.iter().find_map(|v| match v {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
        });
        match video_id {
            Some(id) => {
                let url = s_
                    .handle
                    .as_deref()
                    .map(|h| h.trim_start_matches('@'))
                    .filter(|h| !h.is_empty())
                    .map(|h| format!("https://www.tiktok.com/@{h}/video/{id}"));
                Published { post_id: id, url }
            }
            None => Published { post_id: publish_id.to_string(), url: None },
        }
    }

    /// creator_info/query, then init: the `publish_id` and upload URL are saved before any byte
    /// is sent.
    pub(super) fn init(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let req = s_
            .http
            .client()
            .post(s_.endpoints.api_url("/v2/post/publish/creator_info/query/"))
            .header(reqwest::header::CONTENT_TYPE, "application/json; charset=UTF-8");
        let creator = call(s_, req)?;
        let privacy = d.option("privacy").unwrap_or(DEFAULT_PRIVACY);
        let options: Vec<&str> = creator
            .get("privacy_level_options")
            .and_then(Value::as_array)
            .map(|o| o.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !options.contains(&privacy) {
            return Err(PublishError::Invalid(format!(
                "this TikTok account can post as {}, not {privacy}",
                if options.is_empty() { "nothing right now".to_string() } else { options.join(", ") }
            )));
        }
        let max_s = creator.get("max_video_post_duration_sec").and_then(Value::as_f64);
        if let (Some(len), Some(max)) = (d.media.facts.duration_s, max_s) {
            if len > max {
                return Err(PublishError::Invalid(format!(
                    "video is {len:.1} s, this TikTok account can post at most {max} s"
                )));
            }
        }
        let creator_off = |k: &str| creator.get(k).and_then(Value::as_bool).unwrap_or(false);
        let size = d.media.size();
        let (chunk, count) = self.plan(size);
        let mut post_info = json!({
            "privacy_level": privacy,
            // What the creator turned off in the app stays off (UX guidelines, "interaction ability").
            "disable_comment": flag(d, "disable_comment") || creator_off("comment_disabled"),
            "disable_duet": flag(d, "disable_duet") || creator_off("duet_disabled"),
            "disable_stitch": flag(d, "disable_stitch") || creator_off("stitch_disabled"),
            "brand_content_toggle": flag(d, "brand_content"),
            "brand_organic_toggle": flag(d, "brand_organic"),
        });
        if !d.caption.trim().is_empty() {
            post_info["title"] = json!(d.caption);
        }
        if flag(d, "is_aigc") {
            post_info["is_aigc"] = json!(true);
        }
        if let Some(ms) = d.options.get("cover_timestamp_ms").and_then(Value::as_u64) {
            post_info["video_cover_timestamp_ms"] = json!(ms);
        }
        let req = s_.http.client().post(s_.endpoints.api_url("/v2/post/publish/video/init/")).json(&json!({
            "post_info": post_info,
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": size,
                "chunk_size": chunk,
                "total_chunk_count": count,
            },
        }));
        let data = call(s_, req)?;
        let publish_id =
            str_of(&data, "publish_id").ok_or_else(|| PublishError::retry(NAME, "init returned no publish_id"))?;
        let upload_url =
            str_of(&data, "upload_url").ok_or_else(|| PublishError::retry(NAME, "init returned no upload_url"))?;
        st.publish_id = Some(publish_id);
        st.upload_session_url = Some(check_url(&upload_url)?.to_string());
        st.uploaded_bytes = 0;
        st.extra.insert("chunk_size".into(), json!(chunk));
        st.extra.insert("chunk_count".into(), json!(count));
        p.checkpoint(st)
    }

    /// Sends chunks in order from the first one TikTok does not have. With `last == false` it
    /// stops before the final chunk (the one that makes TikTok publish).
    pub(super) fn send(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
        last: bool,
    ) -> Result<Sent> {
        let size = d.media.size();
        let (Some(url), Some(chunk), Some(count)) = (
            st.upload_session_url.clone(),
            extra_u64(st, "chunk_size").filter(|c| *c > 0),
            extra_u64(st, "chunk_count").filter(|c| *c > 0),
        ) else {
            return Ok(Sent::Gone);
        };
        let h = http(s_);
        let mut failures = 0u32;
        p.uploaded(st.uploaded_bytes, size);
        loop {
            if st.uploaded_bytes >= size {
                return Ok(Sent::Sent);
            }
            // Chunks are whole; a count of bytes inside one (never saved by us) restarts it.
            let k = (st.uploaded_bytes / chunk).min(count - 1);
            let final_chunk = k + 1 == count;
            if final_chunk && !last {
                return Ok(Sent::Sent);
            }
            if p.cancelled() {
                return Err(PublishError::Cancelled);
            }
            let (start, end) = chunk_range(k, chunk, count, size);
            let step = if final_chunk { Step::Final } else { Step::Repeatable };
            let req = h
                .client()
                .put(&url)
                .header(reqwest::header::CONTENT_TYPE, d.media.mime.as_str())
                .header(reqwest::header::CONTENT_RANGE, format!("bytes {start}-{}/{size}", end - 1))
                .body(crate::http::file_chunk(&d.media.path, start, end - start)?);
            // The upload URL carries its own token: the access token is not sent to it.
            let resp = match raw::send(&h, req, step) {
                Ok(resp) => resp,
                Err(e) if matches!(e.class(), ErrorClass::Retry | ErrorClass::OutcomeUnknown) => {
                    failures += 1;
                    if failures > MAX_FAILURES {
                        return Err(e);
                    }
                    std::thread::sleep(poll_interval() * failures);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let held = raw::held_bytes(resp.headers(), "content-range");
            match resp.status().as_u16() {
                206 => {
                    failures = 0;
                    st.uploaded_bytes = end;
                }
                201 => {
                    failures = 0;
                    st.uploaded_bytes = size;
                }
                // Content-Range does not match TikTok's progress (a chunk it already had, after a
                // crash lost our checkpoint): continue from what it says it holds.
                416 => {
                    failures += 1;
                    let Some(held) = held.filter(|_| failures <= MAX_FAILURES) else {
                        return Err(raw::fail(&h, resp, step));
                    };
                    st.uploaded_bytes = if held >= size { size } else { held / chunk * chunk };
                }
                403 | 404 => return Ok(Sent::Gone),
                code if code >= 500 => {
                    let e = raw::fail(&h, resp, step);
                    failures += 1;
                    if failures > MAX_FAILURES {
                        return Err(e);
                    }
                    std::thread::sleep(poll_interval() * failures);
                    continue;
                }
                _ => return Err(raw::fail(&h, resp, step)),
            }
            p.checkpoint(st)?;
            p.uploaded(st.uploaded_bytes, size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_plans_follow_the_media_transfer_guide() {
        let t = TikTok::default();
        // The guide's example: 50,000,123 bytes in 10,000,000-byte chunks is 5 chunks, the last
        // one 10,000,123 bytes.
        assert_eq!(t.plan(50_000_123), (10_000_000, 5));
        assert_eq!(chunk_range(4, 10_000_000, 5, 50_000_123), (40_000_000, 50_000_123));
        // Under 5 MB: whole. Up to one chunk: whole.
        assert_eq!(t.plan(4_194_304), (4_194_304, 1));
        assert_eq!(t.plan(9_000_000), (9_000_000, 1));
        // 4 GB stays within 1000 chunks, and the last chunk under 128 MB.
        let (chunk, count) = t.plan(4 * 1024 * 1024 * 1024);
        assert!(count <= CHUNKS_MAX && (CHUNK_MIN..=CHUNK_MAX).contains(&chunk));
        let (start, end) = chunk_range(count - 1, chunk, count, 4 * 1024 * 1024 * 1024);
        assert!(end - start < 128_000_000);
        assert_eq!(TikTok::with_chunk_bytes(1).chunk_bytes, CHUNK_MIN);
        assert_eq!(TikTok::with_chunk_bytes(u64::MAX).chunk_bytes, CHUNK_MAX);
    }
}

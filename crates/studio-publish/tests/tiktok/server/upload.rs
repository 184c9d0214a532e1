//! Direct Post video/init and the upload URL's chunk protocol: the part of the contract that
//! decides whether a resent, skipped or reordered chunk, or a second init, is caught.

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{authorized, envelope, injected, invalid_token, tiktok_error, Target, Upload, CHUNK, S};

/// The chunk rules of the media transfer guide, with 64 KiB standing for 5 MB.
fn chunk_rules_broken(size: u64, chunk: u64, count: u64) -> Option<&'static str> {
    if size == 0 || chunk == 0 {
        return Some("video_size and chunk_size must be positive");
    }
    if size < CHUNK {
        return (chunk != size || count != 1).then_some("a video under the minimum chunk size must be sent whole");
    }
    if chunk < CHUNK && chunk != size {
        return Some("chunk_size is below the minimum");
    }
    if chunk > 64_000_000 {
        return Some("chunk_size is above the maximum");
    }
    if count != size / chunk || !(1..=1000).contains(&count) {
        return Some("total_chunk_count must be video_size / chunk_size rounded down, between 1 and 1000");
    }
    None
}

pub(super) async fn init(State(s): State<S>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, Target::Init) {
        return r;
    }
    if !authorized(&st, &headers) {
        return invalid_token();
    }
    let now = Instant::now();
    st.init_times.retain(|t| now.duration_since(*t).as_secs() < 60);
    if st.init_times.len() >= st.init_limit_per_minute {
        return tiktok_error(429, "rate_limit_exceeded", "API rate limit exceeded, please retry later.");
    }
    st.init_times.push(now);
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return tiktok_error(400, "invalid_param", "The request body is not valid JSON.");
    };
    st.init_bodies.push(req.clone());
    let post_info = req.get("post_info").cloned().unwrap_or(Value::Null);
    let source_info = req.get("source_info").cloned().unwrap_or(Value::Null);
    let privacy = post_info.get("privacy_level").and_then(Value::as_str).unwrap_or_default();
    let options = st.creator["privacy_level_options"].as_array().cloned().unwrap_or_default();
    if !options.iter().any(|o| o == privacy) {
        return tiktok_error(
            403,
            "privacy_level_option_mismatch",
            "privacy_level is not among the privacy_level_options.",
        );
    }
    if !st.audited && privacy != "SELF_ONLY" {
        return tiktok_error(
            403,
            "unaudited_client_can_only_post_to_private_accounts",
            "Please review our integration guidelines at https://developers.tiktok.com/doc/content-sharing-guidelines/",
        );
    }
    let title = post_info.get("title").and_then(Value::as_str).unwrap_or_default();
    if title.encode_utf16().count() > 2200 {
        return tiktok_error(400, "invalid_param", "The title is longer than 2200 runes.");
    }
    if st.posted_today >= st.daily_post_cap {
        return tiktok_error(
            403,
            "spam_risk_too_many_posts",
            "The daily post cap from the API is reached for the current user.",
        );
    }
    if source_info.get("source").and_then(Value::as_str) != Some("FILE_UPLOAD") {
        return tiktok_error(400, "invalid_param", "source must be FILE_UPLOAD or PULL_FROM_URL.");
    }
    let n = |k: &str| source_info.get(k).and_then(Value::as_u64).unwrap_or(0);
    let (size, chunk, count) = (n("video_size"), n("chunk_size"), n("total_chunk_count"));
    if let Some(problem) = chunk_rules_broken(size, chunk, count) {
        return tiktok_error(400, "invalid_param", problem);
    }
    st.next_id += 1;
    let id = st.next_id;
    let upload_token = format!("utok{id}x");
    let polls_left = st.polls_before_complete;
    st.uploads.push(Upload {
        id: format!("v_pub_file~v2-1.{id}"),
        upload_token: upload_token.clone(),
        size,
        chunk,
        count,
        received: Vec::new(),
        next_chunk: 0,
        post_info,

        polls_left,
        expired: false,
        flaky_after_complete: false,
        video_id: None,
        failed: None,
    });
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or_default();
    envelope(json!({
        "publish_id": format!("v_pub_file~v2-1.{id}"),
        "upload_url": format!("http://{host}/upload/?upload_id={id}&upload_token={upload_token}"),
    }))
}

fn progress(u: &Upload, status: StatusCode) -> Response {
    let mut resp = status.into_response();
    if !u.received.is_empty() {
        let range = format!("bytes 0-{}/{}", u.received.len() - 1, u.size);
        resp.headers_mut().insert("content-range", range.parse().expect("header"));
    }
    resp
}

/// PUT {upload_url}: one chunk, in order (media transfer guide, "Response").
pub(super) async fn upload_chunk(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock().expect("lock");
    let idx = q
        .get("upload_id")
        .and_then(|id| st.uploads.iter().position(|u| u.id.ends_with(&format!(".{id}"))))
        .filter(|i| q.get("upload_token") == Some(&st.uploads[*i].upload_token));
    let Some(idx) = idx else { return StatusCode::NOT_FOUND.into_response() };
    if st.uploads[idx].expired {
        return StatusCode::FORBIDDEN.into_response();
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !matches!(content_type, "video/mp4" | "video/quicktime" | "video/webm") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let range = headers.get("content-range").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let parsed = range.strip_prefix("bytes ").and_then(|r| {
        let (span, total) = r.split_once('/')?;
        let (a, b) = span.split_once('-')?;
        Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?, total.parse::<u64>().ok()?))
    });
    let Some((first, last, total)) = parsed else { return StatusCode::BAD_REQUEST.into_response() };
    let u = &st.uploads[idx];
    if total != u.size || last < first || last - first + 1 != body.len() as u64 {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let claimed = first / u.chunk;
    if u.complete() && u.flaky_after_complete {
        st.puts.push((idx, claimed, 503));
        return tiktok_error(503, "internal_error", "Gateway connection error.");
    }
    if let Some(r) = injected(&mut st, Target::Chunk(claimed)) {
        let code = r.status().as_u16();
        st.puts.push((idx, claimed, code));
        return r;
    }
    let u = &st.uploads[idx];
    let (start, end) = u.range(u.next_chunk);
    if u.complete() || first != start || last + 1 != end {
        let resp = progress(u, StatusCode::RANGE_NOT_SATISFIABLE);
        st.puts.push((idx, claimed, 416));
        return resp;
    }
    let flaky = st.flaky_after_complete;
    let u = &mut st.uploads[idx];
    u.received.extend_from_slice(&body);
    u.next_chunk += 1;
    let done = u.complete();
    if done {
        u.flaky_after_complete = flaky;
    }
    let code = if done && flaky {
        503
    } else if done {
        201
    } else {
        206
    };
    st.puts.push((idx, claimed, code));
    if done {
        st.flaky_after_complete = false;
        st.posted_today += 1;
    }
    let accepted = st.puts.iter().filter(|p| p.2 == 206 || p.2 == 201).count();
    if st.expire_after_puts == Some(accepted) {
        for u in &mut st.uploads {
            u.expired = true;
        }
    }
    match code {
        503 => tiktok_error(503, "internal_error", "Gateway connection error."),
        201 => progress(&st.uploads[idx], StatusCode::CREATED),
        _ => progress(&st.uploads[idx], StatusCode::PARTIAL_CONTENT),
    }
}

//! The YouTube Data API v3 contract server: channels.list, videos.list and videos.insert
//! through the resumable upload protocol, strict about 256 KiB chunks and where each starts,
//! with failures (Google error bodies, dropped connections) injected on demand.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Once};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::Server;

pub const KIB256: u64 = 256 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Target {
    Open,
    /// A chunk PUT starting at this offset.
    ChunkAt(u64),
}

/// What the server does after the chunk that completes an upload has created the video.
#[derive(Clone, Copy, PartialEq)]
pub enum AfterCreate {
    Answer503,
    DropConnection,
}

pub struct UploadSession {
    total: u64,
    metadata: Value,
    pub bytes: Vec<u8>,
    pub video: Option<String>,
    expired: bool,
}

#[derive(Default)]
pub struct Yt {
    pub valid_tokens: Vec<String>,
    pub sessions: HashMap<String, UploadSession>,
    /// Upload ids in the order the sessions were opened.
    pub opened: Vec<String>,
    pub videos: Vec<Value>,
    /// (upload id, first byte, last byte) of every PUT that carried bytes, in arrival order.
    pub puts: Vec<(String, u64, u64)>,
    pub status_queries: u32,
    /// The status query with this number (from 1) answers 503.
    pub status_503_at: Option<u32>,
    /// Injected failures: (where, status, body, retry-after); each used once.
    pub failures: VecDeque<(Target, u16, Value, Option<u64>)>,
    /// The chunk PUT at this offset keeps this many of its bytes, then answers 503.
    pub keep_then_503: Option<(u64, usize)>,
    pub after_create: Option<AfterCreate>,
    /// After this many chunk PUTs, the current token stops working.
    pub revoke_after_puts: Option<usize>,
    /// After this many chunk PUTs, every open session expires.
    pub expire_after_puts: Option<usize>,
    next_id: u64,
}

pub type S = Arc<Mutex<Yt>>;

fn google_error(code: u16, reason: &str, domain: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({"error": {"code": code, "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}]}});
    (status, Json(body)).into_response()
}

fn unauthorized() -> Response {
    let mut r = google_error(
        401,
        "authError",
        "global",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    );
    r.headers_mut().insert(
        "www-authenticate",
        "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"".parse().expect("header"),
    );
    r
}

fn authorized(st: &Yt, headers: &HeaderMap) -> bool {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t))
}

fn injected(st: &mut Yt, target: Target) -> Option<Response> {
    let idx = st.failures.iter().position(|(t, ..)| *t == target)?;
    let (_, code, body, retry) = st.failures.remove(idx)?;
    let mut resp = (StatusCode::from_u16(code).ok()?, Json(body)).into_response();
    if let Some(r) = retry {
        resp.headers_mut().insert("retry-after", r.to_string().parse().ok()?);
    }
    Some(resp)
}

/// The connection closes with no answer: hyper drops a connection whose handler panics. The
/// panic hook below keeps these deliberate panics out of the test output.
fn drop_connection() -> ! {
    std::panic::panic_any(DROP);
}

const DROP: &str = "simulated connection drop";

fn quiet_drops() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&DROP) {
                default(info);
            }
        }));
    });
}

async fn channels(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    if q.get("mine").map(String::as_str) != Some("true") || !q.get("part").is_some_and(|p| p.contains("snippet")) {
        return google_error(400, "missingRequiredParameter", "youtube.parameter", "No filter selected.");
    }
    Json(json!({"kind": "youtube#channelListResponse", "items": [{
        "kind": "youtube#channel", "id": "UCstudio0000000000000001",
        "snippet": {"title": "A Creator", "customUrl": "@acreator"}
    }]}))
    .into_response()
}

/// POST /upload/youtube/v3/videos?uploadType=resumable: step 1, a session for a video resource.
async fn open(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, Target::Open) {
        return r;
    }
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    if q.get("uploadType").map(String::as_str) != Some("resumable") {
        return google_error(400, "invalidUploadType", "global", "Invalid upload type.");
    }
    let part = q.get("part").cloned().unwrap_or_default();
    if !(part.contains("snippet") && part.contains("status")) {
        return google_error(
            400,
            "unexpectedPart",
            "youtube.part",
            "The request specifies an unexpected value for the part parameter.",
        );
    }
    let header = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
    let Some(total) = header("x-upload-content-length").and_then(|v| v.parse::<u64>().ok()).filter(|n| *n > 0) else {
        return google_error(400, "badContent", "global", "Missing X-Upload-Content-Length.");
    };
    if !header("x-upload-content-type").is_some_and(|t| t.starts_with("video/") || t == "application/octet-stream") {
        return google_error(
            400,
            "mediaBodyRequired",
            "youtube.video",
            "The request does not include the video content.",
        );
    }
    if !header("content-type").is_some_and(|t| t.starts_with("application/json")) {
        return google_error(400, "parseError", "global", "This API does not support parsing form-encoded input.");
    }
    let Ok(metadata) = serde_json::from_slice::<Value>(&body) else {
        return google_error(400, "parseError", "global", "Parse Error");
    };
    let title = metadata.pointer("/snippet/title").and_then(Value::as_str).unwrap_or_default();
    if title.trim().is_empty() || title.chars().count() > 100 || title.contains(['<', '>']) {
        return google_error(
            400,
            "invalidTitle",
            "youtube.video",
            "The request metadata specifies an invalid video title.",
        );
    }
    let description = metadata.pointer("/snippet/description").and_then(Value::as_str).unwrap_or_default();
    if description.len() > 5000 || description.contains(['<', '>']) {
        return google_error(
            400,
            "invalidDescription",
            "youtube.video",
            "The request metadata specifies an invalid video description.",
        );
    }
    // videos resource: "the tags property's value has a maximum length of 500 characters";
    // the commas between tags count.
    let tags: Vec<&str> = metadata
        .pointer("/snippet/tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let tag_len: usize = tags.iter().map(|t| t.chars().count()).sum::<usize>() + tags.len().saturating_sub(1);
    if tag_len > 500 {
        return google_error(
            400,
            "invalidTags",
            "youtube.video",
            "The request metadata specifies invalid video keywords.",
        );
    }
    if metadata.pointer("/snippet/categoryId").and_then(Value::as_str) != Some("22") {
        return google_error(
            400,
            "invalidCategoryId",
            "youtube.video",
            "The snippet.categoryId property specifies an invalid category ID.",
        );
    }
    if !matches!(
        metadata.pointer("/status/privacyStatus").and_then(Value::as_str),
        Some("private" | "unlisted" | "public")
    ) {
        return google_error(400, "invalidVideoMetadata", "youtube.video", "The request metadata is invalid.");
    }
    st.next_id += 1;
    let id = format!("upl-{}", st.next_id);
    st.sessions.insert(id.clone(), UploadSession { total, metadata, bytes: Vec::new(), video: None, expired: false });
    st.opened.push(id.clone());
    let host = header("host").unwrap_or_default();
    let location = format!("http://{host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={id}");
    let mut resp = StatusCode::OK.into_response();
    resp.headers_mut().insert("location", location.parse().expect("header"));
    resp.headers_mut().insert("x-guploader-uploadid", id.parse().expect("header"));
    resp
}

/// Incomplete: 308 with the bytes held (no Range at all when none are).
fn incomplete(held: usize) -> Response {
    let mut resp = StatusCode::PERMANENT_REDIRECT.into_response();
    if held > 0 {
        resp.headers_mut().insert("range", format!("bytes=0-{}", held - 1).parse().expect("header"));
    }
    resp
}

fn video_resource(st: &Yt, id: &str) -> Option<Value> {
    st.videos.iter().find(|v| v["id"] == id).cloned()
}

/// PUT on the session URL: a chunk (`bytes a-b/N`) or a status query (`bytes */N`).
async fn chunk(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    let upload_id = q.get("upload_id").cloned().unwrap_or_default();
    let range = headers.get("content-range").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let Some(spec) = range.strip_prefix("bytes ") else {
        return google_error(400, "badRequest", "global", "Missing Content-Range.");
    };
    let (span, total) = spec.split_once('/').unwrap_or((spec, ""));
    let total: u64 = total.parse().unwrap_or(0);
    if span == "*" {
        st.status_queries += 1;
        if st.status_503_at == Some(st.status_queries) {
            return google_error(503, "backendError", "global", "Backend Error");
        }
        let Some(sess) = st.sessions.get(&upload_id) else {
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        };
        if sess.expired {
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        }
        if !body.is_empty() || total != sess.total {
            return google_error(400, "badRequest", "global", "Invalid status query.");
        }
        return match sess.video.clone() {
            Some(id) => Json(video_resource(&st, &id)).into_response(),
            None => incomplete(sess.bytes.len()),
        };
    }
    let Some((first, last)) =
        span.split_once('-').and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
    else {
        return google_error(400, "badRequest", "global", "Malformed Content-Range.");
    };
    if let Some(r) = injected(&mut st, Target::ChunkAt(first)) {
        return r;
    }
    st.puts.push((upload_id.clone(), first, last));
    let puts = st.puts.len();
    if st.revoke_after_puts == Some(puts) {
        st.valid_tokens.retain(|t| t != "tok-1");
    }
    let keep = st.keep_then_503.filter(|(at, _)| *at == first).map(|(_, n)| n);
    let expire_all = st.expire_after_puts == Some(puts);
    let complete = {
        let Some(sess) = st.sessions.get_mut(&upload_id) else {
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        };
        if sess.expired {
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        }
        let len = body.len() as u64;
        if total != sess.total
            || first != sess.bytes.len() as u64
            || last < first
            || last - first + 1 != len
            || last >= total
        {
            return google_error(
                400,
                "badRequest",
                "global",
                "The Content-Range does not match the bytes received so far.",
            );
        }
        if last + 1 < total && !len.is_multiple_of(KIB256) {
            return google_error(
                400,
                "badRequest",
                "global",
                "Chunks other than the last must be a multiple of 256 KiB.",
            );
        }
        match keep {
            Some(n) => sess.bytes.extend_from_slice(&body[..n]),
            None => sess.bytes.extend_from_slice(&body),
        }
        (sess.bytes.len() as u64 == sess.total).then(|| sess.metadata.clone()).ok_or(sess.bytes.len())
    };
    if keep.is_some() {
        st.keep_then_503 = None;
        return google_error(503, "backendError", "global", "Backend Error");
    }
    if expire_all {
        for sess in st.sessions.values_mut() {
            sess.expired = true;
        }
    }
    let meta = match complete {
        Ok(meta) => meta,
        Err(held) => return incomplete(held),
    };
    // The last byte is here: videos.insert creates the video now.
    st.next_id += 1;
    let id = format!("yt{:09}", st.next_id);
    if let Some(sess) = st.sessions.get_mut(&upload_id) {
        sess.video = Some(id.clone());
    }
    // Unverified API projects: every upload is locked private whatever was asked.
    let resource = json!({
        "kind": "youtube#video", "id": id,
        "snippet": meta["snippet"],
        "status": {"uploadStatus": "uploaded", "privacyStatus": "private",
                   "selfDeclaredMadeForKids": meta["status"]["selfDeclaredMadeForKids"],
                   "requestedPrivacy": meta["status"]["privacyStatus"]},
        "statistics": {"viewCount": "1234", "likeCount": "56", "favoriteCount": "0", "commentCount": "7"},
    });
    st.videos.push(resource.clone());
    match st.after_create {
        Some(AfterCreate::Answer503) => {
            st.after_create = None;
            google_error(503, "backendError", "global", "Backend Error")
        }
        Some(AfterCreate::DropConnection) => {
            st.after_create = None;
            drop(st);
            drop_connection()
        }
        None => (StatusCode::CREATED, Json(resource)).into_response(),
    }
}

async fn videos(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    let part = q.get("part").cloned().unwrap_or_default();
    let items: Vec<Value> = q
        .get("id")
        .into_iter()
        .flat_map(|ids| ids.split(','))
        .filter_map(|id| video_resource(&st, id))
        .map(|v| {
            let mut out = json!({"kind": "youtube#video", "id": v["id"]});
            for p in part.split(',') {
                out[p] = v[p].clone();
            }
            out
        })
        .collect();
    Json(json!({"kind": "youtube#videoListResponse", "items": items})).into_response()
}

pub fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    quiet_drops();
    let state: S = Arc::new(Mutex::new(Yt { valid_tokens: vec!["tok-1".into()], ..Default::default() }));
    let router = Router::new()
        .route("/youtube/v3/channels", get(channels))
        .route("/youtube/v3/videos", get(videos))
        .route("/upload/youtube/v3/videos", post(open).put(chunk))
        .with_state(state.clone());
    (Server::start(router), state)
}

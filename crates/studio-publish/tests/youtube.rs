//! YouTube connector against a local server that follows the YouTube Data API v3 contract:
//! channels.list, videos.list, and videos.insert through the resumable upload protocol
//! (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol), failures included.
//!
//! The server is strict where Google is: chunks other than the last must be multiples of 256 KiB,
//! each must start exactly where the session stands, and the video exists only once the last
//! byte has arrived. So a client that resent, skipped or reordered a byte fails these tests.
mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Once};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::youtube::YouTube;
use studio_publish::media::MediaFile;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_reauth, session, video, Recorder, Server};

const KIB256: u64 = 256 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Target {
    Open,
    /// A chunk PUT starting at this offset.
    ChunkAt(u64),
}

/// What the server does after the chunk that completes an upload has created the video.
#[derive(Clone, Copy, PartialEq)]
enum AfterCreate {
    Answer503,
    DropConnection,
}

struct UploadSession {
    total: u64,
    metadata: Value,
    bytes: Vec<u8>,
    video: Option<String>,
    expired: bool,
}

#[derive(Default)]
struct Yt {
    valid_tokens: Vec<String>,
    sessions: HashMap<String, UploadSession>,
    /// Upload ids in the order the sessions were opened.
    opened: Vec<String>,
    videos: Vec<Value>,
    /// (upload id, first byte, last byte) of every PUT that carried bytes, in arrival order.
    puts: Vec<(String, u64, u64)>,
    status_queries: u32,
    /// The status query with this number (from 1) answers 503.
    status_503_at: Option<u32>,
    /// Injected failures: (where, status, body, retry-after); each used once.
    failures: VecDeque<(Target, u16, Value, Option<u64>)>,
    /// The chunk PUT at this offset keeps this many of its bytes, then answers 503.
    keep_then_503: Option<(u64, usize)>,
    after_create: Option<AfterCreate>,
    /// After this many chunk PUTs, the current token stops working.
    revoke_after_puts: Option<usize>,
    /// After this many chunk PUTs, every open session expires.
    expire_after_puts: Option<usize>,
    next_id: u64,
}

type S = Arc<Mutex<Yt>>;

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

fn server() -> (Server, S) {
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

fn yt() -> YouTube {
    YouTube::with_chunk_bytes(KIB256)
}

fn draft<'a>(media: &'a MediaFile, opts: &'a serde_json::Map<String, Value>) -> Draft<'a> {
    Draft {
        caption: "Made in the studio #shorts",
        title: Some("Studio clip"),
        media,
        options: opts,
        idempotency_key: "k",
    }
}

fn file_bytes(media: &MediaFile) -> Vec<u8> {
    std::fs::read(&media.path).expect("read media")
}

/// The bytes of the session that created the one video on the server.
fn uploaded(state: &S) -> Vec<u8> {
    let st = state.lock().expect("lock");
    assert_eq!(st.videos.len(), 1, "exactly one video");
    let id = st.videos[0]["id"].as_str().expect("id").to_string();
    st.sessions.values().find(|s| s.video.as_deref() == Some(id.as_str())).expect("session").bytes.clone()
}

fn starts(state: &S) -> Vec<u64> {
    state.lock().expect("lock").puts.iter().map(|p| p.1).collect()
}

#[test]
fn publishes_in_chunks_with_the_creating_chunk_after_final_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 600_000, 12.0);
    let mut opts = serde_json::Map::new();
    opts.insert("tags".into(), json!(["studio", "test"]));
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let me = yt().account(&s).expect("account");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), ("UCstudio0000000000000001", "@acreator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://www.youtube.com/shorts/{}", published.post_id).as_str())
    );
    assert_eq!(uploaded(&state), file_bytes(&media));
    assert_eq!(starts(&state), vec![0, KIB256, 2 * KIB256]);
    // The session URL was saved before any byte went out.
    assert!(rec.checkpoints[0].upload_session_url.is_some() && rec.checkpoints[0].uploaded_bytes == 0);
    // final_sent was saved while the last chunk, the one that creates the video, was still unsent.
    let marked = rec.checkpoints.iter().find(|c| c.final_sent).expect("final marked");
    assert_eq!((marked.uploaded_bytes, marked.media_id.as_deref()), (2 * KIB256, None));
    assert_eq!(rec.progress.last(), Some(&(600_000, 600_000)));
    {
        let st = state.lock().expect("lock");
        let v = &st.videos[0];
        assert_eq!(v["snippet"]["title"], "Studio clip");
        assert_eq!(v["snippet"]["description"], "Made in the studio #shorts");
        assert_eq!(v["snippet"]["tags"], json!(["studio", "test"]));
        assert_eq!(v["status"]["requestedPrivacy"], "private");
        assert_eq!(v["status"]["selfDeclaredMadeForKids"], false);
    }
    let m = yt().metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares), (Some(1234), Some(56), Some(7), None));

    // Publishing the same target again returns the saved video and sends nothing.
    let again = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").opened.len(), 1);
}

#[test]
fn a_landscape_video_is_a_watch_page_and_privacy_is_passed_on() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let mut media = video(dir.path(), "wide.mp4", 100_000, 240.0);
    media.facts.width = Some(1920);
    media.facts.height = Some(1080);
    let mut opts = serde_json::Map::new();
    opts.insert("privacy".into(), json!("unlisted"));
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let p = publish(
        &yt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("published");
    assert_eq!(p.url, Some(format!("https://www.youtube.com/watch?v={}", p.post_id)));
    assert_eq!(state.lock().expect("lock").videos[0]["status"]["requestedPrivacy"], "unlisted");

    // A privacy YouTube does not know is refused before anything is sent.
    opts.insert("privacy".into(), json!("friends"));
    let err = publish(
        &yt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("refused");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("friends")), "{err}");
    assert_eq!(state.lock().expect("lock").opened.len(), 1);
}

#[test]
fn quota_and_rate_limits_say_when_to_come_back() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let quota = json!({"error": {"code": 403,
        "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        "errors": [{"message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                    "domain": "youtube.quota", "reason": "quotaExceeded"}]}});
    let upload_cap = json!({"error": {"code": 400, "message": "The user has exceeded the number of videos they may upload.",
        "errors": [{"domain": "youtube.video", "reason": "uploadLimitExceeded", "message": "The user has exceeded the number of videos they may upload."}]}});
    let rate = json!({"error": {"code": 429, "message": "Too many requests.", "errors": [{"domain": "global", "reason": "rateLimitExceeded"}]}});
    {
        let mut st = state.lock().expect("lock");
        st.failures.push_back((Target::Open, 403, quota, None));
        st.failures.push_back((Target::Open, 400, upload_cap, None));
        st.failures.push_back((Target::Open, 429, rate, Some(7)));
    }
    // The quota comes back at midnight Pacific: the next 08:00 UTC at the latest.
    let now = jiff::Timestamp::now().as_second();
    let until_reset = (8 * 3600 - now.rem_euclid(86_400)).rem_euclid(86_400) as u64;
    for _ in 0..2 {
        let mut st = PublishState::default();
        let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
        let ErrorClass::RateLimited { retry_after_s } = err.class() else { panic!("{err}") };
        assert!(
            retry_after_s.abs_diff(until_reset) <= 5 || retry_after_s.abs_diff(until_reset + 86_400) <= 5,
            "{retry_after_s}"
        );
        assert_eq!(st, PublishState::default());
    }
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 7 });
    assert!(!err.to_string().contains("<a"), "{err}");
    publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("then it goes through");
    assert_eq!(state.lock().expect("lock").videos.len(), 1);
}

#[test]
fn a_503_mid_chunk_resumes_from_the_bytes_the_session_kept() {
    let (srv, state) = server();
    state.lock().expect("lock").keep_then_503 = Some((KIB256, 100_000));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 1_100_000, 30.0);
    let opts = serde_json::Map::new();
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    publish(&yt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    let resumed = KIB256 + 100_000;
    assert_eq!(starts(&state), vec![0, KIB256, resumed, resumed + KIB256, resumed + 2 * KIB256]);
    assert!(state.lock().expect("lock").status_queries >= 1);
}

#[test]
fn an_upload_that_keeps_failing_resumes_in_the_next_run_not_from_zero() {
    let (srv, state) = server();
    {
        let mut st = state.lock().expect("lock");
        for _ in 0..4 {
            st.failures.push_back((
                Target::ChunkAt(KIB256),
                503,
                json!({"error": {"code": 503, "message": "Backend Error",
                "errors": [{"reason": "backendError", "domain": "global", "message": "Backend Error"}]}}),
                None,
            ));
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect_err("gave up for now");
    assert_eq!(err.class(), ErrorClass::Retry);
    let saved = rec.last();
    assert_eq!((saved.uploaded_bytes, saved.media_ready, saved.final_sent), (KIB256, false, false));
    assert!(saved.upload_session_url.is_some());
    assert!(state.lock().expect("lock").videos.is_empty());

    // The next run asks the session where it stands and goes on from there, even from an older
    // checkpoint (a crash can lose the last one): the session, not the saved count, decides.
    let mut st = saved;
    st.uploaded_bytes = 0;
    publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    let st_server = state.lock().expect("lock");
    assert_eq!(st_server.opened.len(), 1);
    assert_eq!(st_server.puts.iter().filter(|p| p.1 == 0).count(), 1, "never restarted from 0");
}

#[test]
fn an_expired_token_is_renewed_and_the_upload_resumes() {
    let (srv, state) = server();
    state.lock().expect("lock").revoke_after_puts = Some(1);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let renewals = std::cell::Cell::new(0);
    let renew = || -> Result<Sensitive<String>, PublishError> {
        renewals.set(renewals.get() + 1);
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!((s.access_token.expose().as_str(), renewals.get()), ("tok-2", 1));
    assert_eq!(uploaded(&state), file_bytes(&media));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.opened.len(), 1);
        assert_eq!(st.puts.iter().filter(|p| p.1 == 0).count(), 1, "never restarted from 0");
    }

    // A token that stays refused after renewal is reported, not retried forever.
    let mut s = session(PlatformId::Youtube, &srv.url, "stale", None);
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn youtubes_own_rejection_is_shown_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut opts = serde_json::Map::new();
    let many: Vec<String> = (0..60).map(|i| format!("keyword{i:03}")).collect();
    opts.insert("tags".into(), json!(many.join(",")));
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let mut st = PublishState::default();
    let err = publish(&yt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("invalid video keywords"), "{err}");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("invalidTags"))
    );
    assert!(!st.final_sent && st.upload_session_url.is_none());
    assert!(state.lock().expect("lock").sessions.is_empty());
}

#[test]
fn a_lost_reply_to_the_last_chunk_is_settled_by_the_session() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 400_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);

    // The video is created, then the reply is a 503: the session says it is done.
    state.lock().expect("lock").after_create = Some(AfterCreate::Answer503);
    let first = publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("found through the session");
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.videos.len(), 1);
        assert_eq!(st.videos[0]["id"], first.post_id.as_str());
    }

    // The video is created, the connection drops, and the session's first answer is a 503
    // too: the final call is unconfirmed, and find_post asks the session again.
    {
        let mut st = state.lock().expect("lock");
        st.videos.clear();
        st.sessions.clear();
        st.status_queries = 0;
        st.after_create = Some(AfterCreate::DropConnection);
        // Query 1: create_post asks where the session stands before the last chunk. Query 2:
        // after the dropped connection.
        st.status_503_at = Some(2);
    }
    let mut st = PublishState::default();
    let second = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("reconciled");
    let server = state.lock().expect("lock");
    assert_eq!(server.videos.len(), 1);
    assert_eq!(server.videos[0]["id"], second.post_id.as_str());
    assert_eq!(server.status_queries, 3, "create_post: before the last chunk, after it (503); then find_post");
    assert_eq!(st.post_id.as_deref(), Some(second.post_id.as_str()));
}

#[test]
fn after_a_crash_at_final_sent_the_session_is_asked_before_anything_is_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 200_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);

    // Checkpoints: the session URL, media_ready, final_sent: the process dies at the third.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(state.lock().expect("lock").videos.is_empty());

    // The session holds no byte: nothing was created, so the restart posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(uploaded(&state), file_bytes(&media));

    // Same crash, but the last chunk had landed: the session returns the video, nothing is sent.
    let puts = state.lock().expect("lock").puts.len();
    let mut st = saved;
    let found = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!((server.videos.len(), server.puts.len(), server.opened.len()), (1, puts, 1));
}

#[test]
fn an_expired_session_starts_over_unless_the_last_chunk_may_have_landed() {
    let (srv, state) = server();
    state.lock().expect("lock").expire_after_puts = Some(1);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.opened.len(), 2, "a new session after the first expired");
        let second = &st.opened[1];
        assert_eq!(st.puts.iter().filter(|p| &p.0 == second).map(|p| p.1).next(), Some(0));
    }

    // A final chunk of unknown fate and an expired session: nobody can tell, so nothing is sent.
    let mut st = PublishState {
        upload_session_url: Some(format!("{}/upload/youtube/v3/videos?uploadType=resumable&upload_id=gone", srv.url)),
        uploaded_bytes: 2 * KIB256,
        media_ready: true,
        final_sent: true,
        ..Default::default()
    };
    let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);
    assert!(err.to_string().contains("YouTube Studio"), "{err}");
    assert_eq!(state.lock().expect("lock").opened.len(), 2);
}

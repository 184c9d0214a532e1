//! TikTok connector against a local server that follows the Content Posting API v2 contract:
//! user/info, creator_info/query, Direct Post video/init with FILE_UPLOAD, the upload URL's
//! chunk protocol (developers.tiktok.com/doc/content-posting-api-media-transfer-guide),
//! status/fetch and video/query, with TikTok's `{data, error: {code, message, log_id}}` bodies
//! and HTTP statuses, failures included.
//!
//! The server enforces the chunk rules of init (scaled down: its "5 MB" minimum is 64 KiB, the
//! size the connector's test override uses), takes chunks only in order and exactly where the
//! upload stands (416 with its own Content-Range otherwise), and publishes only a complete
//! upload. So a resent, skipped or reordered chunk, or a second init, shows in these tests.
mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::tiktok::TikTok;
use studio_publish::media::MediaFile;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_reauth, session, video, Recorder, Server};

/// The test scale of TikTok's 5 MB chunk minimum.
const CHUNK: u64 = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Target {
    CreatorInfo,
    Init,
    /// A PUT of this chunk index.
    Chunk(u64),
}

struct Upload {
    id: String,
    upload_token: String,
    size: u64,
    chunk: u64,
    count: u64,
    received: Vec<u8>,
    next_chunk: u64,
    post_info: Value,
    /// status/fetch answers PROCESSING_UPLOAD this many more times once the upload is complete.
    polls_left: u32,
    expired: bool,
    /// The upload host fails every PUT of this publish once it is complete.
    flaky_after_complete: bool,
    video_id: Option<u64>,
    failed: Option<String>,
}

impl Upload {
    fn complete(&self) -> bool {
        self.received.len() as u64 == self.size
    }

    fn range(&self, k: u64) -> (u64, u64) {
        let start = k * self.chunk;
        let end = if k + 1 >= self.count { self.size } else { start + self.chunk };
        (start, end)
    }
}

struct Tt {
    valid_tokens: Vec<String>,
    audited: bool,
    profile_scope: bool,
    creator: Value,
    uploads: Vec<Upload>,
    /// Every chunk PUT that reached a live upload: (upload index, chunk index it claimed, answer).
    puts: Vec<(usize, u64, u16)>,
    status_fetches: u32,
    init_bodies: Vec<Value>,
    init_times: Vec<Instant>,
    /// TikTok: 6 init requests per minute per token.
    init_limit_per_minute: usize,
    daily_post_cap: u32,
    posted_today: u32,
    polls_before_complete: u32,
    fail_processing: Option<String>,
    /// The next upload to complete is flaky from then on (its final chunk lands, its answers don't).
    flaky_after_complete: bool,
    /// After this many accepted chunk PUTs, every upload URL expires.
    expire_after_puts: Option<usize>,
    failures: VecDeque<(Target, u16, Value)>,
    next_id: u64,
}

impl Default for Tt {
    fn default() -> Self {
        Self {
            valid_tokens: vec!["tok-1".into()],
            audited: true,
            profile_scope: true,
            creator: json!({
                "creator_avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg",
                "creator_username": "creator",
                "creator_nickname": "A Creator",
                "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
                "comment_disabled": false,
                "duet_disabled": false,
                "stitch_disabled": true,
                "max_video_post_duration_sec": 60,
            }),
            uploads: Vec::new(),
            puts: Vec::new(),
            status_fetches: 0,
            init_bodies: Vec::new(),
            init_times: Vec::new(),
            init_limit_per_minute: 6,
            daily_post_cap: 15,
            posted_today: 0,
            polls_before_complete: 0,
            fail_processing: None,
            flaky_after_complete: false,
            expire_after_puts: None,
            failures: VecDeque::new(),
            next_id: 0,
        }
    }
}

type S = Arc<Mutex<Tt>>;

fn envelope(data: Value) -> Response {
    Json(json!({"data": data, "error": {"code": "ok", "message": "", "log_id": "20240101000000LOGID"}})).into_response()
}

fn tiktok_error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({"data": {}, "error": {"code": code, "message": message, "log_id": "20240101000000LOGID"}});
    (status, Json(body)).into_response()
}

fn invalid_token() -> Response {
    tiktok_error(401, "access_token_invalid", "The access token is invalid or not found in the request.")
}

fn authorized(st: &Tt, headers: &HeaderMap) -> bool {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t))
}

fn injected(st: &mut Tt, target: Target) -> Option<Response> {
    let idx = st.failures.iter().position(|(t, ..)| *t == target)?;
    let (_, code, body) = st.failures.remove(idx)?;
    Some((StatusCode::from_u16(code).ok()?, Json(body)).into_response())
}

async fn user_info(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return invalid_token();
    }
    let fields: Vec<String> = q.get("fields").map(|f| f.split(',').map(str::to_string).collect()).unwrap_or_default();
    if fields.iter().any(|f| f == "username") && !st.profile_scope {
        return tiktok_error(
            401,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        );
    }
    let all = json!({"open_id": "open-123", "union_id": "union-456", "avatar_url": "https://p16.tiktokcdn.example/a.jpeg",
                     "display_name": "A Creator", "username": "creator"});
    let user: serde_json::Map<String, Value> =
        fields.iter().filter_map(|f| all.get(f).map(|v| (f.clone(), v.clone()))).collect();
    envelope(json!({"user": user}))
}

async fn creator_info(State(s): State<S>, headers: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, Target::CreatorInfo) {
        return r;
    }
    if !authorized(&st, &headers) {
        return invalid_token();
    }
    envelope(st.creator.clone())
}

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

async fn init(State(s): State<S>, headers: HeaderMap, body: Bytes) -> Response {
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
async fn upload_chunk(
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

async fn status_fetch(State(s): State<S>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return invalid_token();
    }
    st.status_fetches += 1;
    let publish_id =
        serde_json::from_slice::<Value>(&body).ok().and_then(|b| b["publish_id"].as_str().map(str::to_string));
    let Some(idx) = publish_id.and_then(|id| st.uploads.iter().position(|u| u.id == id)) else {
        return tiktok_error(400, "invalid_publish_id", "The publish_id does not exist.");
    };
    let fail = st.fail_processing.clone();
    st.next_id += 1;
    let new_video = 7_300_000_000_000_000_000 + st.next_id;
    let u = &mut st.uploads[idx];
    let uploaded = u.received.len() as u64;
    if !u.complete() {
        return envelope(
            json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": uploaded, "publicaly_available_post_id": []}),
        );
    }
    if u.polls_left > 0 {
        u.polls_left -= 1;
        return envelope(
            json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": uploaded, "publicaly_available_post_id": []}),
        );
    }
    if u.failed.is_none() && u.video_id.is_none() {
        match fail {
            Some(reason) => u.failed = Some(reason),
            None => u.video_id = Some(new_video),
        }
    }
    if let Some(reason) = &u.failed {
        return envelope(
            json!({"status": "FAILED", "fail_reason": reason, "uploaded_bytes": uploaded, "publicaly_available_post_id": []}),
        );
    }
    // Only a public post that passed moderation is given its id.
    let public = u.post_info["privacy_level"] == "PUBLIC_TO_EVERYONE";
    let ids = if public { json!([u.video_id]) } else { json!([]) };
    envelope(json!({"status": "PUBLISH_COMPLETE", "uploaded_bytes": uploaded, "publicaly_available_post_id": ids}))
}

async fn video_query(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return invalid_token();
    }
    let fields: Vec<&str> = q.get("fields").map(|f| f.split(',').collect()).unwrap_or_default();
    let ids: Vec<String> = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| b.pointer("/filters/video_ids").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let videos: Vec<Value> = st
        .uploads
        .iter()
        .filter_map(|u| u.video_id)
        .filter(|id| ids.contains(&id.to_string()))
        .map(|id| {
            let all = json!({"id": id.to_string(), "view_count": 900, "like_count": 80, "comment_count": 7, "share_count": 3});
            let v: serde_json::Map<String, Value> =
                fields.iter().filter_map(|f| all.get(*f).map(|v| (f.to_string(), v.clone()))).collect();
            Value::Object(v)
        })
        .collect();
    envelope(json!({"videos": videos, "cursor": 0, "has_more": false}))
}

fn server(state: Tt) -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(state));
    let router = Router::new()
        .route("/v2/user/info/", get(user_info))
        .route("/v2/post/publish/creator_info/query/", post(creator_info))
        .route("/v2/post/publish/video/init/", post(init))
        .route("/v2/post/publish/status/fetch/", post(status_fetch))
        .route("/v2/video/query/", post(video_query))
        .route("/upload/", put(upload_chunk))
        .with_state(state.clone());
    (Server::start(router), state)
}

fn tt() -> TikTok {
    TikTok::with_test_chunk_bytes(CHUNK)
}

fn draft<'a>(media: &'a MediaFile, opts: &'a serde_json::Map<String, Value>) -> Draft<'a> {
    Draft { caption: "made in the studio #fyp", title: None, media, options: opts, idempotency_key: "k" }
}

fn public() -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    o.insert("privacy".into(), json!("PUBLIC_TO_EVERYONE"));
    o
}

/// The bytes of the one upload that completed, and how many completed.
fn completed(state: &S) -> (Vec<u8>, usize) {
    let st = state.lock().expect("lock");
    let done: Vec<&Upload> = st.uploads.iter().filter(|u| u.complete()).collect();
    (done.first().map(|u| u.received.clone()).unwrap_or_default(), done.len())
}

fn file_bytes(media: &MediaFile) -> Vec<u8> {
    std::fs::read(&media.path).expect("read media")
}

fn tt_session(url: &str, token: &str) -> studio_publish::Session {
    let mut s = session(PlatformId::Tiktok, url, token, Some("open-123"));
    s.handle = Some("@creator".into());
    s
}

#[test]
fn publishes_publicly_in_ordered_chunks_after_processing_and_reads_metrics() {
    let (srv, state) = server(Tt { polls_before_complete: 2, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let me = tt().account(&s).expect("account");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), ("open-123", "@creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&tt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url, Some(format!("https://www.tiktok.com/@creator/video/{}", published.post_id)));
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    {
        let server = state.lock().expect("lock");
        let init = &server.init_bodies[0];
        assert_eq!(
            init["source_info"],
            json!({"source": "FILE_UPLOAD", "video_size": 300_000, "chunk_size": CHUNK, "total_chunk_count": 4})
        );
        assert_eq!(init["post_info"]["title"], "made in the studio #fyp");
        // The creator turned Stitch off in the app: it stays off.
        assert_eq!(
            (init["post_info"]["disable_stitch"].as_bool(), init["post_info"]["disable_comment"].as_bool()),
            (Some(true), Some(false))
        );
        let chunks: Vec<(u64, u16)> = server.puts.iter().map(|p| (p.1, p.2)).collect();
        assert_eq!(chunks, vec![(0, 206), (1, 206), (2, 206), (3, 201)]);
        // Two PROCESSING_UPLOAD answers were polled through.
        assert_eq!(server.status_fetches, 3);
    }
    // The publish_id was saved before any byte went out, and final_sent before the last chunk.
    assert!(rec.checkpoints[0].publish_id.is_some() && rec.checkpoints[0].uploaded_bytes == 0);
    let marked = rec.checkpoints.iter().find(|c| c.final_sent).expect("final marked");
    assert_eq!(marked.uploaded_bytes, 3 * CHUNK);
    assert_eq!(rec.progress.last(), Some(&(300_000, 300_000)));

    let m = tt().metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares), (Some(900), Some(80), Some(7), Some(3)));
    let again = publish(&tt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").uploads.len(), 1);
}

#[test]
fn an_unaudited_app_posts_privately_and_is_refused_public_posts() {
    let (srv, state) = server(Tt { audited: false, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut s = tt_session(&srv.url, "tok-1");

    // Asked for public: TikTok's own refusal, with its message, and no post in flight.
    let opts = public();
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("refused");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. }
        if platform_code.as_deref() == Some("unaudited_client_can_only_post_to_private_accounts")),
        "{err}"
    );
    assert!(err.to_string().contains("integration guidelines"), "{err}");
    assert!(st.publish_id.is_none() && !st.final_sent);

    // By default: SELF_ONLY. TikTok gives a private post no video id, so the publish id stands in.
    let opts = serde_json::Map::new();
    let p = publish(
        &tt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("private post");
    assert!(p.post_id.starts_with("v_pub_file~") && p.url.is_none(), "{p:?}");
    assert_eq!(
        state.lock().expect("lock").init_bodies.last().map(|b| b["post_info"]["privacy_level"].clone()),
        Some(json!("SELF_ONLY"))
    );
    let err = tt().metrics(&s, &p.post_id).expect_err("no metrics");
    assert!(matches!(err, PublishError::Unsupported(ref m) if m.contains("private")), "{err}");
    assert_eq!(completed(&state).1, 1);
}

#[test]
fn creator_info_limits_are_checked_before_init() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = tt_session(&srv.url, "tok-1");
    // This creator may post 60 s; the platform-wide rules allow 600 s.
    let long = video(dir.path(), "long.mp4", 50_000, 75.0);
    let opts = serde_json::Map::new();
    let err = publish(
        &tt(),
        &mut s,
        &draft(&long, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("too long");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("at most 60 s")), "{err}");
    let clip = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut opts = serde_json::Map::new();
    opts.insert("privacy".into(), json!("FOLLOWER_OF_CREATOR"));
    let err = publish(
        &tt(),
        &mut s,
        &draft(&clip, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("not an option");
    assert!(
        matches!(err, PublishError::Invalid(ref m) if m.contains("SELF_ONLY") && m.contains("FOLLOWER_OF_CREATOR")),
        "{err}"
    );
    assert!(state.lock().expect("lock").init_bodies.is_empty());
}

#[test]
fn the_init_rate_limit_is_a_429_with_a_minute_to_wait() {
    let (srv, state) = server(Tt { init_limit_per_minute: 1, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let mut s = tt_session(&srv.url, "tok-1");
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("first");
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("rate limit exceeded"), "{err}");
    assert_eq!(st, PublishState::default());
    assert_eq!(state.lock().expect("lock").uploads.len(), 1);
}

#[test]
fn a_5xx_on_a_chunk_is_retried_in_place() {
    let (srv, state) = server(Tt::default());
    state.lock().expect("lock").failures.push_back((
        Target::Chunk(1),
        503,
        json!({"data": {}, "error": {"code": "internal_error", "message": "Gateway connection error.", "log_id": "x"}}),
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let mut s = tt_session(&srv.url, "tok-1");
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("published");
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    let chunks: Vec<(u64, u16)> = state.lock().expect("lock").puts.iter().map(|p| (p.1, p.2)).collect();
    assert_eq!(chunks, vec![(0, 206), (1, 503), (1, 206), (2, 206), (3, 201)]);
}

#[test]
fn an_upload_that_keeps_failing_resumes_later_without_a_second_init() {
    let (srv, state) = server(Tt::default());
    {
        let mut st = state.lock().expect("lock");
        for _ in 0..4 {
            st.failures.push_back((
                Target::Chunk(2),
                502,
                json!({"data": {}, "error": {"code": "internal_error", "message": "bad gateway", "log_id": "x"}}),
            ));
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let mut rec = Recorder::default();
    let err =
        publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut rec, &no_reauth).expect_err("gave up for now");
    assert_eq!(err.class(), ErrorClass::Retry);
    let saved = rec.last();
    assert_eq!((saved.uploaded_bytes, saved.media_ready), (2 * CHUNK, false));
    assert!(saved.publish_id.is_some());

    // Resumed from an older checkpoint (a crash can lose the newest): the chunk TikTok already
    // has is answered 416 with its progress, and the upload goes on from there.
    let mut st = rec.checkpoints.iter().find(|c| c.uploaded_bytes == CHUNK).cloned().expect("older checkpoint");
    publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 1, "no second init");
    let after: Vec<(u64, u16)> = server.puts.iter().skip_while(|p| p.2 != 502).skip(4).map(|p| (p.1, p.2)).collect();
    assert_eq!(after, vec![(1, 416), (2, 206), (3, 201)]);
}

#[test]
fn an_expired_token_is_renewed_but_a_missing_scope_is_not() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let mut s = tt_session(&srv.url, "stale");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");

    // scope_not_authorized comes as a 401 too, but a new token would not help: shown, not renewed.
    state.lock().expect("lock").failures.push_back((
        Target::CreatorInfo,
        401,
        json!({"data": {}, "error": {"code": "scope_not_authorized", "message": "The user did not authorize the scope required for completing this request.", "log_id": "x"}}),
    ));
    let err = publish(
        &tt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("scope");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("did not authorize the scope"), "{err}");

    // Without user.info.profile the username comes from creator_info.
    state.lock().expect("lock").profile_scope = false;
    let me = tt().account(&s).expect("account");
    assert_eq!(
        (me.user_id.as_str(), me.handle.as_str(), me.display_name.as_deref()),
        ("open-123", "@creator", Some("A Creator"))
    );
}

#[test]
fn tiktoks_refusals_and_failed_processing_are_shown() {
    let (srv, state) = server(Tt { daily_post_cap: 0, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let err = publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("capped");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("spam_risk_too_many_posts"))
    );
    assert!(err.to_string().contains("daily post cap"), "{err}");

    // Processing fails: TikTok's reason is shown, and the dead publish is forgotten so the next
    // attempt starts a new one instead of polling it forever.
    {
        let mut st = state.lock().expect("lock");
        st.daily_post_cap = 15;
        st.fail_processing = Some("file_format_check_failed".into());
    }
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("file_format_check_failed")),
        "{err}"
    );
    assert!(st.publish_id.is_none() && !st.media_ready && !st.final_sent);
    state.lock().expect("lock").fail_processing = None;
    publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second attempt");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2);
    assert_eq!(server.uploads.iter().filter(|u| u.video_id.is_some()).count(), 1);
}

#[test]
fn a_lost_reply_to_the_last_chunk_is_settled_by_status_fetch() {
    let (srv, state) = server(Tt { flaky_after_complete: true, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    // The last chunk lands and TikTok starts publishing, but every answer from the upload host
    // is a 503: the final call stays unconfirmed, and find_post asks status/fetch.
    let mut st = PublishState::default();
    let p = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("reconciled");
    assert_eq!(st.post_id.as_deref(), Some(p.post_id.as_str()));
    {
        let server = state.lock().expect("lock");
        assert_eq!(
            (server.uploads.len(), server.uploads[0].video_id.map(|v| v.to_string())),
            (1, Some(p.post_id.clone()))
        );
        assert_eq!(server.puts.iter().filter(|x| x.2 == 503).count(), 4, "the last chunk, then three retries");
    }

    // Same, but TikTok is still processing when asked: unknown for now, settled on a later try.
    {
        let mut server = state.lock().expect("lock");
        server.flaky_after_complete = true;
        server.polls_before_complete = 1;
    }
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("not yet");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);
    assert!(st.final_sent && st.post_id.is_none());
    let later = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("settled");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2, "no third init");
    assert_eq!(server.uploads[1].video_id.map(|v| v.to_string()), Some(later.post_id));
}

#[test]
fn after_a_crash_at_final_sent_status_fetch_decides() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    // Under one chunk: sent whole, by create_post.
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");

    // Checkpoints: publish_id, media_ready, final_sent: the process dies at the third.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.publish_id.is_some() && saved.post_id.is_none());
    assert!(state.lock().expect("lock").puts.is_empty());

    // TikTok reports 0 of 50,000 bytes: nothing can have been posted, so the chunk is sent now.
    let mut st = saved.clone();
    let posted = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(completed(&state), (file_bytes(&media), 1));

    // Same crash, but the chunk had landed: status/fetch has the post, nothing is sent again.
    let puts = state.lock().expect("lock").puts.len();
    let mut st = saved;
    let found = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found, posted);
    let server = state.lock().expect("lock");
    assert_eq!((server.uploads.len(), server.puts.len()), (1, puts));
}

#[test]
fn an_expired_upload_url_starts_a_new_publish_that_posts_once() {
    let (srv, state) = server(Tt { expire_after_puts: Some(1), ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let mut s = tt_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2, "a new init after the first URL expired");
    assert!(!server.uploads[0].complete(), "the first publish can never complete");
    assert_eq!(server.uploads.iter().filter(|u| u.video_id.is_some()).count(), 1);
    assert_eq!(server.uploads[1].received, file_bytes(&media));
    assert_eq!(st.publish_id.as_deref(), Some(server.uploads[1].id.as_str()));
}

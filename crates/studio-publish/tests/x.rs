//! X connector against a local server that follows the X API v2 contract (docs.x.com/x-api):
//! `/2/users/me`, the v2 chunked media endpoints (initialize, append, finalize, STATUS),
//! `POST /2/tweets`, the user timeline and tweet lookup, with X's problem-JSON errors and its
//! `x-rate-limit-reset` header.
mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::x::X;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_reauth, session, video, Recorder, Server};

const CHUNK: usize = 64 * 1024;
const LEN: usize = 300_000;

struct Upload {
    total: u64,
    category: String,
    segments: BTreeMap<u64, Vec<u8>>,
    finalized: bool,
    polls_left: u32,
    fail_processing: Option<String>,
}

/// An injected failure: the request whose path contains `path` after `skip` matching ones
/// passed, answered with `status`, `body` and `headers`. Used once.
struct Failure {
    path: String,
    skip: u32,
    status: u16,
    body: Value,
    headers: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum AfterCreate {
    Answer,
    Status503,
    Drop,
}

struct XServer {
    valid_tokens: Vec<String>,
    uploads: HashMap<String, Upload>,
    tweets: Vec<Value>,
    failures: Vec<Failure>,
    after_create: AfterCreate,
    /// Every APPEND that reached the handler, `(media id, segment_index, accepted)`, in order.
    appends: Vec<(String, u64, bool)>,
    inits: u32,
    status_polls: u32,
    timeline_calls: u32,
    /// The access token stops working after this many accepted APPENDs.
    revoke_after_appends: Option<usize>,
    processing_polls: u32,
    fail_processing: Option<String>,
    next_id: u64,
}

impl Default for XServer {
    fn default() -> Self {
        Self {
            valid_tokens: vec!["tok-1".into()],
            uploads: HashMap::new(),
            tweets: Vec::new(),
            failures: Vec::new(),
            after_create: AfterCreate::Answer,
            appends: Vec::new(),
            inits: 0,
            status_polls: 0,
            timeline_calls: 0,
            revoke_after_appends: None,
            processing_polls: 2,
            fail_processing: None,
            next_id: 1_880_028_106_020_515_000,
        }
    }
}

type S = Arc<Mutex<XServer>>;

fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    (status, Json(json!({"title": title, "detail": detail, "type": "about:blank", "status": status.as_u16()})))
        .into_response()
}

fn invalid_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        })),
    )
        .into_response()
}

/// Auth and injected failures, in the order X applies them.
fn gate(st: &mut XServer, headers: &HeaderMap, path: &str) -> Option<Response> {
    if let Some(i) = st.failures.iter().position(|f| path.contains(f.path.as_str())) {
        if st.failures[i].skip > 0 {
            st.failures[i].skip -= 1;
        } else {
            let f = st.failures.remove(i);
            let mut resp = (StatusCode::from_u16(f.status).ok()?, Json(f.body)).into_response();
            for (k, v) in f.headers {
                resp.headers_mut().insert(axum::http::HeaderName::from_bytes(k.as_bytes()).ok()?, v.parse().ok()?);
            }
            return Some(resp);
        }
    }
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t)) {
        return Some(problem(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized"));
    }
    None
}

async fn me(State(s): State<S>, headers: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "/2/users/me") {
        return r;
    }
    Json(json!({"data": {"id": "2244994945", "name": "A Creator", "username": "creator"}})).into_response()
}

async fn initialize(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "/2/media/upload/initialize") {
        return r;
    }
    let (Some(total), Some(media_type)) = (body["total_bytes"].as_u64(), body["media_type"].as_str()) else {
        return invalid_request("total_bytes and media_type are required");
    };
    if !media_type.starts_with("video/") && !media_type.starts_with("image/") {
        return invalid_request("media_type is not supported");
    }
    st.inits += 1;
    st.next_id += 1;
    let id = st.next_id.to_string();
    let upload = Upload {
        total,
        category: body["media_category"].as_str().unwrap_or_default().to_string(),
        segments: BTreeMap::new(),
        finalized: false,
        polls_left: st.processing_polls,
        fail_processing: st.fail_processing.clone(),
    };
    st.uploads.insert(id.clone(), upload);
    Json(json!({"data": {"id": id, "media_key": format!("7_{id}"), "expires_after_secs": 86399}})).into_response()
}

async fn append(State(s): State<S>, headers: HeaderMap, Path(id): Path<String>, mut form: Multipart) -> Response {
    let (mut index, mut media) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("segment_index") => index = field.text().await.ok().and_then(|t| t.parse::<u64>().ok()),
            Some("media") => media = field.bytes().await.ok().map(|b| b.to_vec()),
            _ => {}
        }
    }
    let mut st = s.lock().expect("lock");
    let Some(index) = index else { return invalid_request("segment_index is required") };
    if let Some(r) = gate(&mut st, &headers, "/append") {
        st.appends.push((id, index, false));
        return r;
    }
    let Some(media) = media else { return invalid_request("media is required") };
    if index > 999 || media.len() > 5 * 1024 * 1024 {
        return invalid_request("segment_index must be 0-999 and media at most 5 MB");
    }
    let Some(upload) = st.uploads.get_mut(&id) else {
        return problem(StatusCode::NOT_FOUND, "Not Found Error", "media_id not found");
    };
    upload.segments.insert(index, media);
    st.appends.push((id, index, true));
    if let Some(n) = st.revoke_after_appends {
        if st.appends.iter().filter(|a| a.2).count() >= n {
            st.valid_tokens.retain(|t| t != "tok-1");
        }
    }
    Json(json!({"data": {"expires_at": 1_900_000_000}})).into_response()
}

async fn finalize(State(s): State<S>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "/finalize") {
        return r;
    }
    let Some(upload) = st.uploads.get_mut(&id) else {
        return problem(StatusCode::NOT_FOUND, "Not Found Error", "media_id not found");
    };
    let contiguous = upload.segments.keys().copied().eq(0..upload.segments.len() as u64);
    let size: u64 = upload.segments.values().map(|b| b.len() as u64).sum();
    if !contiguous || size != upload.total {
        return invalid_request("Segments do not add up to provided total file size.");
    }
    if upload.finalized {
        return invalid_request("The media was already finalized.");
    }
    upload.finalized = true;
    Json(json!({"data": {
        "id": id, "media_key": format!("7_{id}"), "size": size, "expires_after_secs": 86400,
        "processing_info": {"state": "pending", "check_after_secs": 1},
    }}))
    .into_response()
}

async fn status(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /2/media/upload?command=STATUS") {
        return r;
    }
    if q.get("command").map(String::as_str) != Some("STATUS") {
        return invalid_request("command must be STATUS");
    }
    st.status_polls += 1;
    let id = q.get("media_id").cloned().unwrap_or_default();
    let Some(upload) = st.uploads.get_mut(&id) else {
        return problem(StatusCode::NOT_FOUND, "Not Found Error", "media_id not found");
    };
    if !upload.finalized {
        return invalid_request("The media is not finalized.");
    }
    let info = if upload.polls_left > 0 {
        upload.polls_left -= 1;
        json!({"state": "in_progress", "check_after_secs": 1, "progress_percent": 40})
    } else if let Some(message) = &upload.fail_processing {
        json!({"state": "failed", "progress_percent": 12, "error": {"code": 1, "name": "InvalidMedia", "message": message}})
    } else {
        json!({"state": "succeeded", "progress_percent": 100})
    };
    Json(json!({"data": {"id": id, "media_key": format!("7_{id}"), "processing_info": info}})).into_response()
}

fn ready(upload: &Upload) -> bool {
    upload.finalized && upload.polls_left == 0 && upload.fail_processing.is_none()
}

async fn create_tweet(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "POST /2/tweets") {
        return r;
    }
    let text = body["text"].as_str().unwrap_or_default().to_string();
    let media_ids: Vec<String> = body
        .pointer("/media/media_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if media_ids.iter().any(|m| !st.uploads.get(m).is_some_and(ready)) {
        return invalid_request("Your media IDs are invalid.");
    }
    let replied_to = body.pointer("/reply/in_reply_to_tweet_id").and_then(Value::as_str).map(str::to_string);
    if let Some(parent) = &replied_to {
        if !st.tweets.iter().any(|t| t["id"] == parent.as_str()) {
            return invalid_request("Invalid Request: The `reply.in_reply_to_tweet_id` query parameter value [] is not valid, or the Post has been deleted or is not visible to you.");
        }
    }
    if st.tweets.iter().any(|t| t["text"] == text.as_str()) {
        return problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "You are not allowed to create a Tweet with duplicate content.",
        );
    }
    st.next_id += 1;
    let id = st.next_id.to_string();
    st.tweets.push(json!({
        "id": id, "text": text,
        "attachments": {"media_keys": media_ids.iter().map(|m| format!("7_{m}")).collect::<Vec<_>>()},
        "referenced_tweets": replied_to.iter().map(|p| json!({"type": "replied_to", "id": p})).collect::<Vec<_>>(),
        "public_metrics": {"retweet_count": 4, "reply_count": 3, "like_count": 21, "quote_count": 1,
                           "bookmark_count": 2, "impression_count": 480},
    }));
    match st.after_create {
        AfterCreate::Answer => {}
        AfterCreate::Status503 => {
            st.after_create = AfterCreate::Answer;
            return problem(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable", "Service Unavailable");
        }
        AfterCreate::Drop => {
            st.after_create = AfterCreate::Answer;
            drop(st);
            // The connection closes with no response at all (resume_unwind skips the panic hook).
            std::panic::resume_unwind(Box::new("connection dropped"));
        }
    }
    (StatusCode::CREATED, Json(json!({"data": {"id": id, "text": text, "edit_history_tweet_ids": [id]}})))
        .into_response()
}

async fn timeline(
    State(s): State<S>,
    headers: HeaderMap,
    Path(user): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /2/users/{id}/tweets") {
        return r;
    }
    st.timeline_calls += 1;
    if user != "2244994945" {
        return problem(StatusCode::NOT_FOUND, "Not Found Error", "Could not find user");
    }
    let max: usize = q.get("max_results").and_then(|m| m.parse().ok()).unwrap_or(10);
    if !(5..=100).contains(&max) {
        return invalid_request("The `max_results` query parameter value is not between 5 and 100");
    }
    let fields = q.get("tweet.fields").cloned().unwrap_or_default();
    let list: Vec<Value> = st
        .tweets
        .iter()
        .rev()
        .take(max)
        .map(|t| {
            let mut v = json!({"id": t["id"], "text": t["text"], "edit_history_tweet_ids": [t["id"]]});
            // Default fields are id and text: attachments only when asked for.
            if fields.split(',').any(|f| f == "attachments") {
                v["attachments"] = t["attachments"].clone();
            }
            if fields.split(',').any(|f| f == "referenced_tweets")
                && t["referenced_tweets"].as_array().is_some_and(|r| !r.is_empty())
            {
                v["referenced_tweets"] = t["referenced_tweets"].clone();
            }
            v
        })
        .collect();
    if list.is_empty() {
        return Json(json!({"meta": {"result_count": 0}})).into_response();
    }
    Json(json!({"data": list, "meta": {"result_count": list.len()}})).into_response()
}

async fn lookup(
    State(s): State<S>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /2/tweets/{id}") {
        return r;
    }
    let Some(t) = st.tweets.iter().find(|t| t["id"] == id.as_str()) else {
        return Json(json!({"errors": [{
            "value": id, "detail": format!("Could not find tweet with id: [{id}]."), "title": "Not Found Error",
            "resource_type": "tweet", "parameter": "id", "resource_id": id,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }]}))
        .into_response();
    };
    let mut v = json!({"id": t["id"], "text": t["text"]});
    if q.get("tweet.fields").is_some_and(|f| f.split(',').any(|f| f == "public_metrics")) {
        v["public_metrics"] = t["public_metrics"].clone();
    }
    Json(json!({"data": v})).into_response()
}

fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    std::env::set_var("STUDIO_UPLOAD_CHUNK_BYTES", CHUNK.to_string());
    let state: S = Arc::new(Mutex::new(XServer::default()));
    let router = Router::new()
        .route("/2/users/me", get(me))
        .route("/2/media/upload/initialize", post(initialize))
        .route("/2/media/upload/{id}/append", post(append))
        .route("/2/media/upload/{id}/finalize", post(finalize))
        .route("/2/media/upload", get(status))
        .route("/2/tweets", post(create_tweet))
        .route("/2/tweets/{id}", get(lookup))
        .route("/2/users/{id}/tweets", get(timeline))
        .with_state(state.clone());
    (Server::start(router), state)
}

fn x_session(url: &str, token: &str) -> studio_publish::Session {
    let mut s = session(PlatformId::X, url, token, Some("2244994945"));
    s.handle = Some("@creator".into());
    s
}

fn opts() -> serde_json::Map<String, Value> {
    serde_json::Map::new()
}

fn draft<'a>(
    caption: &'a str,
    media: &'a studio_publish::media::MediaFile,
    o: &'a serde_json::Map<String, Value>,
) -> Draft<'a> {
    Draft { caption, title: None, media, options: o, idempotency_key: "k" }
}

/// The uploaded file as the server put it together.
fn assembled(st: &XServer) -> Vec<u8> {
    let upload = st.uploads.values().next().expect("one upload");
    upload.segments.values().flatten().copied().collect()
}

fn accepted_indexes(st: &XServer) -> Vec<u64> {
    st.appends.iter().filter(|a| a.2).map(|a| a.1).collect()
}

fn attempted_indexes(st: &XServer) -> Vec<u64> {
    st.appends.iter().map(|a| a.1).collect()
}

#[test]
fn publishes_a_video_in_segments_after_processing_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("Hello from the studio", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let account = X.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), ("2244994945", "@creator"));
    assert_eq!(account.display_name.as_deref(), Some("A Creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&X, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url.as_deref(), Some(format!("https://x.com/creator/status/{}", published.post_id).as_str()));
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        // 300,000 bytes in 64 KiB segments: 0..=4, each sent once, in order, and nothing lost.
        assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.uploads.values().next().map(|u| u.category.as_str()), Some("tweet_video"));
        // Processing was polled until it succeeded (two in_progress answers, then succeeded).
        assert_eq!(server.status_polls, 3);
        assert_eq!(server.tweets.len(), 1);
        let media_id = st.media_id.clone().expect("media id");
        assert_eq!(server.tweets[0]["attachments"]["media_keys"][0], format!("7_{media_id}"));
    }
    // Write-ahead: the media id and each segment were saved before the final call.
    let first_media = rec.checkpoints.iter().position(|c| c.media_id.is_some()).expect("media id saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_media < first_final);
    assert!(rec.checkpoints.iter().any(|c| c.uploaded_bytes == 2 * CHUNK as u64));
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = X.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares, m.saves), (Some(480), Some(21), Some(3), Some(5), Some(2)));

    let again = publish(&X, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);
}

#[test]
fn a_429_carries_the_x_rate_limit_reset_and_saves_nothing() {
    let (srv, state) = server();
    let reset = jiff::Timestamp::now().as_second() + 7;
    state.lock().expect("lock").failures.push(Failure {
        path: "/2/media/upload/initialize".into(),
        skip: 0,
        status: 429,
        body: json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}),
        headers: vec![
            ("x-rate-limit-limit".into(), "17".into()),
            ("x-rate-limit-remaining".into(), "0".into()),
            ("x-rate-limit-reset".into(), reset.to_string()),
        ],
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("limited", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    match err.class() {
        ErrorClass::RateLimited { retry_after_s } => assert!((5..=7).contains(&retry_after_s), "{retry_after_s}"),
        other => panic!("expected a rate limit, got {other:?}: {err}"),
    }
    assert_eq!(st, PublishState::default());
    publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);
}

#[test]
fn a_5xx_mid_upload_resumes_at_the_segment_x_did_not_confirm() {
    let (srv, state) = server();
    // The third APPEND (segment 2) fails.
    state.lock().expect("lock").failures.push(Failure {
        path: "/append".into(),
        skip: 2,
        status: 503,
        body: json!({"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": 503}),
        headers: vec![],
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("resumed", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&X, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("503");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    let saved = first.last();
    assert_eq!(saved.uploaded_bytes, 2 * CHUNK as u64);
    assert!(saved.media_id.is_some() && !saved.media_ready && !saved.final_sent);

    // A new process picks up the saved state.
    let mut st = saved;
    let mut second = Recorder::default();
    publish(&X, &mut s, &d, &mut st, &mut second, &no_reauth).expect("resumed");
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 1, "the upload session was reused");
    assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 2, 3, 4], "resumed at segment 2, not 0");
    assert_eq!(accepted_indexes(&server), vec![0, 1, 2, 3, 4]);
    assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
    assert_eq!(second.progress.first(), Some(&(2 * CHUNK as u64, LEN as u64)));
    assert_eq!(server.tweets.len(), 1);
}

#[test]
fn a_token_refused_mid_upload_is_renewed_and_the_upload_continues() {
    let (srv, state) = server();
    state.lock().expect("lock").revoke_after_appends = Some(2);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("renewed", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.tweets.len(), 1);
    }
    // A token that stays refused after renewal is reported, not retried forever.
    let mut s = x_session(&srv.url, "stale");
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let d = draft("refused", &media, &o);
    let err =
        publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still).expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn a_video_x_cannot_process_is_rejected_with_xs_reason() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_processing = Some("Unsupported video format".into());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("bad video", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Unsupported video format"), "{err}");
    assert!(!st.final_sent && !st.media_ready);
    assert!(state.lock().expect("lock").tweets.is_empty());
}

#[test]
fn xs_problem_bodies_surface_their_own_message_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let mut s = x_session(&srv.url, "tok-1");

    // Problem JSON with errors[]: the specific message, not the generic `detail`.
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /2/tweets".into(),
        skip: 0,
        status: 400,
        body: json!({
            "errors": [{"parameters": {"reply_settings": ["nobody"]}, "message": "reply_settings must be one of [following, mentionedUsers, subscribers, verified]"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }),
        headers: vec![],
    });
    let d = draft("first", &media, &o);
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("invalid");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("reply_settings must be one of"), "{err}");
    assert!(!st.final_sent && st.media_ready);

    // Plain problem JSON (a 403 for duplicate text): its `detail`.
    publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    let mut st2 = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st2, &mut Recorder::default(), &no_reauth).expect_err("duplicate");
    assert!(
        matches!(err, PublishError::Rejected { ref message, .. } if message.contains("duplicate content")),
        "{err}"
    );
    assert!(!st2.final_sent);
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);

    // A post that is gone answers 200 with only `errors`.
    let err = X.metrics(&s, "404404").expect_err("gone");
    assert!(err.to_string().contains("Could not find tweet with id"), "{err}");
}

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("ambiguous", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 1);
    assert_eq!(server.timeline_calls, 1, "found through the timeline, not the create reply");
    assert_eq!(server.tweets[0]["id"], published.post_id.as_str());
    assert_eq!(st.post_id.as_deref(), Some(published.post_id.as_str()));
}

#[test]
fn a_503_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Status503);
}

#[test]
fn a_dropped_connection_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Drop);
}

/// How many checkpoints a clean publish makes up to and including `final_sent`.
fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let mut rec = Recorder::default();
    let mut s = x_session(&srv.url, "tok-1");
    publish(&X, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
        .expect("published");
    rec.checkpoints.iter().position(|c| c.final_sent).expect("final_sent saved") + 1
}

#[test]
fn after_a_crash_right_after_final_sent_the_platform_is_asked_first() {
    let crash_at = checkpoints_until_final_sent();
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("crash", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");

    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&X, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(state.lock().expect("lock").tweets.is_empty());

    // Nothing was posted: the restart finds nothing and posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);

    // Same crash, but the post did land: the restart finds it and posts nothing.
    let mut st = saved;
    let found = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 1);
    assert_eq!(server.inits, 1, "nothing was uploaded again");
}

#[test]
fn a_caption_over_280_weighted_characters_is_refused_before_any_upload() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    // CJK characters weigh 2: 141 of them are 282.
    let caption = "字".repeat(141);
    let d = draft(&caption, &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let err = publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("too long");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("X allows 280")), "{err}");
    assert_eq!(state.lock().expect("lock").inits, 0);
    // Nothing uploaded means nothing could have been posted.
    assert_eq!(X.find_post(&s, &d, &PublishState::default()).expect("answer"), None);
}

#[test]
fn a_thread_is_posted_as_chained_replies_and_an_ambiguous_part_is_found_not_reposted() {
    use studio_publish::publish::{publish_replies, FollowUp};
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let opts = opts();
    let d = draft("1/3 why this matters", &media, &opts);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let root = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    // Part 2 is created but the answer is lost (503); the timeline lookup finds it.
    state.lock().expect("lock").after_create = AfterCreate::Status503;
    let parts = vec![
        FollowUp { text: "2/3 the detail".into(), comment: false },
        FollowUp { text: "3/3 the takeaway".into(), comment: false },
        FollowUp { text: "Full video: https://example.com/v".into(), comment: true },
    ];
    let done =
        publish_replies(&X, &mut s, &root, &parts, &opts, "x-key", &mut st, &mut Recorder::default(), &no_reauth)
            .expect("replies");
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 4, "every part exactly once");
    let by_text = |t: &str| server.tweets.iter().find(|x| x["text"] == t).cloned().expect("tweet");
    let parent = |t: &str| by_text(t)["referenced_tweets"][0]["id"].as_str().map(str::to_string);
    assert_eq!(parent("2/3 the detail").as_deref(), Some(root.post_id.as_str()));
    assert_eq!(parent("3/3 the takeaway"), by_text("2/3 the detail")["id"].as_str().map(str::to_string));
    assert_eq!(parent("Full video: https://example.com/v").as_deref(), Some(root.post_id.as_str()));
    assert_eq!(done[1].post_id, by_text("3/3 the takeaway")["id"].as_str().unwrap_or_default());
    assert!(done.iter().all(|p| p.url.as_deref().is_some_and(|u| u.contains(&p.post_id))));
}

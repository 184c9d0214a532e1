//! The X API v2 contract server: `/2/users/me`, the chunked media endpoints, `POST /2/tweets`,
//! the user timeline and tweet lookup, with problem-JSON errors, `x-rate-limit-reset`, and
//! failures injected on demand.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::Server;

pub const CHUNK: usize = 64 * 1024;
pub const LEN: usize = 300_000;

pub struct Upload {
    total: u64,
    pub category: String,
    pub segments: BTreeMap<u64, Vec<u8>>,
    finalized: bool,
    polls_left: u32,
    fail_processing: Option<String>,
}

/// An injected failure: the request whose path contains `path` after `skip` matching ones
/// passed, answered with `status`, `body` and `headers`. Used once.
pub struct Failure {
    pub path: String,
    pub skip: u32,
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum AfterCreate {
    Answer,
    Status503,
    Drop,
}

pub struct XServer {
    pub valid_tokens: Vec<String>,
    pub uploads: HashMap<String, Upload>,
    pub tweets: Vec<Value>,
    pub failures: Vec<Failure>,
    pub after_create: AfterCreate,
    /// Every APPEND that reached the handler, `(media id, segment_index, accepted)`, in order.
    pub appends: Vec<(String, u64, bool)>,
    pub inits: u32,
    pub status_polls: u32,
    pub timeline_calls: u32,
    /// The access token stops working after this many accepted APPENDs.
    pub revoke_after_appends: Option<usize>,
    processing_polls: u32,
    pub fail_processing: Option<String>,
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

pub fn server() -> (Server, S) {
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

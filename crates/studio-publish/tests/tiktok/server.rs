//! The Content Posting API v2 contract server: user/info, creator_info/query, Direct Post
//! video/init, the upload URL's chunk protocol, status/fetch and video/query, with TikTok's
//! error bodies and statuses and failures injected on demand.

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

use crate::common::Server;

mod upload;
use upload::{init, upload_chunk};

/// The test scale of TikTok's 5 MB chunk minimum.
pub const CHUNK: u64 = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Target {
    CreatorInfo,
    Init,
    /// A PUT of this chunk index.
    Chunk(u64),
}

pub struct Upload {
    pub id: String,
    upload_token: String,
    size: u64,
    chunk: u64,
    count: u64,
    pub received: Vec<u8>,
    next_chunk: u64,
    post_info: Value,
    /// status/fetch answers PROCESSING_UPLOAD this many more times once the upload is complete.
    polls_left: u32,
    expired: bool,
    /// The upload host fails every PUT of this publish once it is complete.
    flaky_after_complete: bool,
    pub video_id: Option<u64>,
    failed: Option<String>,
}

impl Upload {
    pub fn complete(&self) -> bool {
        self.received.len() as u64 == self.size
    }

    fn range(&self, k: u64) -> (u64, u64) {
        let start = k * self.chunk;
        let end = if k + 1 >= self.count { self.size } else { start + self.chunk };
        (start, end)
    }
}

pub struct Tt {
    pub valid_tokens: Vec<String>,
    pub audited: bool,
    pub profile_scope: bool,
    pub creator: Value,
    pub uploads: Vec<Upload>,
    /// Every chunk PUT that reached a live upload: (upload index, chunk index it claimed, answer).
    pub puts: Vec<(usize, u64, u16)>,
    pub status_fetches: u32,
    pub init_bodies: Vec<Value>,
    pub init_times: Vec<Instant>,
    /// TikTok: 6 init requests per minute per token.
    pub init_limit_per_minute: usize,
    pub daily_post_cap: u32,
    pub posted_today: u32,
    pub polls_before_complete: u32,
    pub fail_processing: Option<String>,
    /// The next upload to complete is flaky from then on (its final chunk lands, its answers don't).
    pub flaky_after_complete: bool,
    /// After this many accepted chunk PUTs, every upload URL expires.
    pub expire_after_puts: Option<usize>,
    pub failures: VecDeque<(Target, u16, Value)>,
    pub next_id: u64,
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

pub type S = Arc<Mutex<Tt>>;

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

pub fn server(state: Tt) -> (Server, S) {
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

//! The Pinterest API v5 contract server (user_account, boards, media, pins, board pins, pin
//! analytics, `{code, message}` errors) and the S3 bucket its pre-signed POST points at.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::Server;

pub const LEN: usize = 300_000;
pub const BOARD: &str = "1022106146619699000";

pub struct Media {
    /// The pre-signed form fields issued with it.
    fields: serde_json::Map<String, Value>,
    pub bytes: Option<Vec<u8>>,
    polls_left: u32,
    fail: bool,
}

pub struct Failure {
    pub path: String,
    pub status: u16,
    pub body: Value,
}

#[derive(Clone, Copy, PartialEq)]
pub enum AfterCreate {
    Answer,
    Status500,
    Drop,
}

pub struct Pin {
    base: String,
    pub valid_tokens: Vec<String>,
    pub media: HashMap<String, Media>,
    pub pins: Vec<Value>,
    pub failures: Vec<Failure>,
    /// S3 answers for the next uploads, in order: (status, XML code, message).
    pub s3_failures: Vec<(u16, &'static str, &'static str)>,
    pub after_create: AfterCreate,
    pub registrations: u32,
    pub s3_posts: u32,
    pub s3_stored: u32,
    pub media_polls: u32,
    pub board_pin_calls: u32,
    processing_polls: u32,
    pub fail_processing: bool,
    /// The last pin create request, as sent.
    pub last_create: Value,
    next_id: u64,
}

impl Default for Pin {
    fn default() -> Self {
        Self {
            base: String::new(),
            valid_tokens: vec!["tok-1".into()],
            media: HashMap::new(),
            pins: Vec::new(),
            failures: Vec::new(),
            s3_failures: Vec::new(),
            after_create: AfterCreate::Answer,
            registrations: 0,
            s3_posts: 0,
            s3_stored: 0,
            media_polls: 0,
            board_pin_calls: 0,
            processing_polls: 2,
            fail_processing: false,
            last_create: Value::Null,
            next_id: 5_629_499_534_213_120,
        }
    }
}

type S = Arc<Mutex<Pin>>;

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

fn gate(st: &mut Pin, headers: &HeaderMap, what: &str) -> Option<Response> {
    if let Some(i) = st.failures.iter().position(|f| what.contains(f.path.as_str())) {
        let f = st.failures.remove(i);
        return Some((StatusCode::from_u16(f.status).ok()?, Json(f.body)).into_response());
    }
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t)) {
        return Some(error(StatusCode::UNAUTHORIZED, 2, "Authentication failed."));
    }
    None
}

fn now_pinterest() -> String {
    // Pinterest writes UTC without an offset: 2020-01-01T20:10:40
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

async fn user_account(State(s): State<S>, headers: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v5/user_account") {
        return r;
    }
    Json(json!({"account_type": "BUSINESS", "id": "549755885175", "username": "creator", "business_name": "A Creator Studio",
                "profile_image": "https://i.pinimg.com/600x600_R/42/f5/36/42f5.jpg", "website_url": "https://creator.example",
                "board_count": 3, "pin_count": 0}))
    .into_response()
}

async fn boards(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v5/boards") {
        return r;
    }
    // Two pages, joined by a bookmark.
    match q.get("bookmark").map(String::as_str) {
        None => Json(json!({"items": [
            {"id": BOARD, "name": "Studio clips", "privacy": "PUBLIC", "owner": {"username": "creator"}},
            {"id": "1022106146619699001", "name": "Drafts", "privacy": "SECRET", "owner": {"username": "creator"}},
        ], "bookmark": "Pz9Nakl4TnpFeU9EazNNVFl3TURBd01EQTo="}))
        .into_response(),
        Some("Pz9Nakl4TnpFeU9EazNNVFl3TURBd01EQTo=") => Json(json!({"items": [
            {"id": "1022106146619699002", "name": "Recipes", "privacy": "PROTECTED", "owner": {"username": "creator"}},
        ], "bookmark": null}))
        .into_response(),
        Some(_) => error(StatusCode::BAD_REQUEST, 1, "Invalid bookmark."),
    }
}

async fn register_media(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "POST /v5/media") {
        return r;
    }
    if body["media_type"] != "video" {
        return error(StatusCode::BAD_REQUEST, 1, "Invalid request: media_type must be video");
    }
    st.registrations += 1;
    st.next_id += 1;
    let id = st.next_id.to_string();
    let fields = json!({
        "x-amz-date": "20261123T154617Z",
        "x-amz-signature": format!("sig-{id}"),
        "x-amz-security-token": "IQoJb3JpZ2luX2VjEJr",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "key": format!("uploads/12/34/{id}"),
        "policy": format!("eyJleHBpcmF0aW9uIjog{id}"),
        "x-amz-credential": "ASIA/20261123/us-east-1/s3/aws4_request",
        "Content-Type": "multipart/form-data",
    });
    let fields = fields.as_object().cloned().unwrap_or_default();
    let polls = st.processing_polls;
    let fail = st.fail_processing;
    st.media.insert(id.clone(), Media { fields: fields.clone(), bytes: None, polls_left: polls, fail });
    (
        StatusCode::CREATED,
        Json(json!({"media_id": id, "media_type": "video", "upload_url": format!("{}/pinterest-media-upload", st.base), "upload_parameters": fields})),
    )
        .into_response()
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let xml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>");
    (status, [("content-type", "application/xml")], xml).into_response()
}

/// The S3 bucket: a pre-signed POST form.
async fn s3(State(s): State<S>, headers: HeaderMap, mut form: Multipart) -> Response {
    {
        let mut st = s.lock().expect("lock");
        st.s3_posts += 1;
        if headers.contains_key("authorization") {
            return s3_error(StatusCode::BAD_REQUEST, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
        }
        if !headers.contains_key("content-length") {
            return s3_error(
                StatusCode::LENGTH_REQUIRED,
                "MissingContentLength",
                "You must provide the Content-Length HTTP header.",
            );
        }
    }
    let mut fields = serde_json::Map::new();
    let mut file = None;
    let mut after_file = false;
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            file = field.bytes().await.ok().map(|b| b.to_vec());
        } else {
            after_file |= file.is_some();
            fields.insert(name, json!(field.text().await.unwrap_or_default()));
        }
    }
    let mut st = s.lock().expect("lock");
    if !st.s3_failures.is_empty() {
        let (status, code, message) = st.s3_failures.remove(0);
        return s3_error(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), code, message);
    }
    let Some(file) = file.filter(|_| !after_file) else {
        return s3_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "POST requires exactly one file upload per request, as the last field.",
        );
    };
    let key = fields.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(media) = st.media.values_mut().find(|m| m.fields.get("key").and_then(Value::as_str) == Some(key.as_str()))
    else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\"]",
        );
    };
    if media.fields != fields {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Invalid according to Policy: Extra input fields or signature mismatch",
        );
    }
    media.bytes = Some(file);
    st.s3_stored += 1;
    StatusCode::NO_CONTENT.into_response()
}

async fn media_status(State(s): State<S>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v5/media/{id}") {
        return r;
    }
    st.media_polls += 1;
    let Some(m) = st.media.get_mut(&id) else { return error(StatusCode::NOT_FOUND, 3, "Media not found.") };
    let status = if m.bytes.is_none() {
        "registered"
    } else if m.polls_left > 0 {
        m.polls_left -= 1;
        "processing"
    } else if m.fail {
        "failed"
    } else {
        "succeeded"
    };
    Json(json!({"media_id": id, "media_type": "video", "status": status})).into_response()
}

async fn create_pin(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "POST /v5/pins") {
        return r;
    }
    st.last_create = body.clone();
    if body["board_id"] != BOARD {
        return error(StatusCode::NOT_FOUND, 4, "Board not found.");
    }
    let source = &body["media_source"];
    let media_id = source["media_id"].as_str().unwrap_or_default().to_string();
    let ready = st.media.get(&media_id).is_some_and(|m| m.bytes.is_some() && m.polls_left == 0 && !m.fail);
    if source["source_type"] != "video_id" || !ready {
        return error(StatusCode::BAD_REQUEST, 1, "Invalid request: media_source is not a processed video");
    }
    if source.get("cover_image_url").is_none() && source.get("cover_image_key_frame_time").is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            1,
            "Invalid request: a video pin needs cover_image_url or cover_image_key_frame_time",
        );
    }
    let (title, description) =
        (body["title"].as_str().unwrap_or_default(), body["description"].as_str().unwrap_or_default());
    if title.chars().count() > 100 || description.chars().count() > 800 {
        return error(StatusCode::BAD_REQUEST, 1, "Invalid request: title or description is too long");
    }
    st.next_id += 1;
    let pin = json!({
        "id": st.next_id.to_string(), "created_at": now_pinterest(), "board_id": BOARD,
        "title": body["title"], "description": body["description"], "link": body["link"],
        "media": {"media_type": "video", "cover_image_url": "https://i.pinimg.com/videos/thumbnails/originals/ab.jpg", "duration": 12000},
    });
    st.pins.push(pin.clone());
    match st.after_create {
        AfterCreate::Answer => {}
        AfterCreate::Status500 => {
            st.after_create = AfterCreate::Answer;
            return error(StatusCode::INTERNAL_SERVER_ERROR, 0, "Internal server error.");
        }
        AfterCreate::Drop => {
            st.after_create = AfterCreate::Answer;
            drop(st);
            std::panic::resume_unwind(Box::new("connection dropped"));
        }
    }
    (StatusCode::CREATED, Json(pin)).into_response()
}

async fn board_pins(
    State(s): State<S>,
    headers: HeaderMap,
    Path(board): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v5/boards/{id}/pins") {
        return r;
    }
    st.board_pin_calls += 1;
    let size: usize = q.get("page_size").and_then(|p| p.parse().ok()).unwrap_or(25);
    if !(1..=250).contains(&size) {
        return error(StatusCode::BAD_REQUEST, 1, "page_size must be between 1 and 250");
    }
    let start: usize = q.get("bookmark").and_then(|b| b.parse().ok()).unwrap_or(0);
    let all: Vec<Value> = st.pins.iter().rev().filter(|p| p["board_id"] == board.as_str()).cloned().collect();
    let items: Vec<Value> = all.iter().skip(start).take(size).cloned().collect();
    let bookmark = (start + size < all.len()).then(|| (start + size).to_string());
    Json(json!({"items": items, "bookmark": bookmark})).into_response()
}

async fn analytics(
    State(s): State<S>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v5/pins/{id}/analytics") {
        return r;
    }
    let date = |k: &str| q.get(k).and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let (Some(start), Some(end)) = (date("start_date"), date("end_date")) else {
        return error(StatusCode::BAD_REQUEST, 1, "start_date and end_date are required (YYYY-MM-DD)");
    };
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    if start > end || end > today || (today - start).get_days() > 90 {
        return error(StatusCode::BAD_REQUEST, 1, "Invalid date range: at most 90 days back");
    }
    if !st.pins.iter().any(|p| p["id"] == id.as_str()) {
        return error(StatusCode::NOT_FOUND, 3, "Pin not found.");
    }
    let types = q.get("metric_types").cloned().unwrap_or_default();
    let values = [("IMPRESSION", 120), ("SAVE", 7), ("PIN_CLICK", 9), ("VIDEO_MRC_VIEW", 44)];
    let summary: serde_json::Map<String, Value> = values
        .iter()
        .filter(|(k, _)| types.split(',').any(|t| t == *k))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    Json(json!({"all": {
        "daily_metrics": [{"data_status": "READY", "date": today.to_string(), "metrics": summary}],
        "summary_metrics": summary,
        "lifetime_metrics": {},
    }}))
    .into_response()
}

pub fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Pin::default()));
    let router = Router::new()
        .route("/v5/user_account", get(user_account))
        .route("/v5/boards", get(boards))
        .route("/v5/media", post(register_media))
        .route("/v5/media/{id}", get(media_status))
        .route("/pinterest-media-upload", post(s3))
        .route("/v5/pins", post(create_pin))
        .route("/v5/boards/{id}/pins", get(board_pins))
        .route("/v5/pins/{id}/analytics", get(analytics))
        .with_state(state.clone());
    let srv = Server::start(router);
    state.lock().expect("lock").base = srv.url.clone();
    (srv, state)
}

//! Pinterest connector against a local server that follows the Pinterest API v5 contract
//! (developers.pinterest.com/docs/api/v5: user_account, boards, media, pins, board pins, pin
//! analytics, `{code, message}` errors) and also plays the S3 bucket its pre-signed POST points
//! at (form fields checked against what was issued, file last, Content-Length required, no
//! Authorization header, XML errors).
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::pinterest::{Board, Pinterest};
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_reauth, session, video, Recorder, Server};

const LEN: usize = 300_000;
const BOARD: &str = "1022106146619699000";

struct Media {
    /// The pre-signed form fields issued with it.
    fields: serde_json::Map<String, Value>,
    bytes: Option<Vec<u8>>,
    polls_left: u32,
    fail: bool,
}

struct Failure {
    path: String,
    status: u16,
    body: Value,
}

#[derive(Clone, Copy, PartialEq)]
enum AfterCreate {
    Answer,
    Status500,
    Drop,
}

struct Pin {
    base: String,
    valid_tokens: Vec<String>,
    media: HashMap<String, Media>,
    pins: Vec<Value>,
    failures: Vec<Failure>,
    /// S3 answers for the next uploads, in order: (status, XML code, message).
    s3_failures: Vec<(u16, &'static str, &'static str)>,
    after_create: AfterCreate,
    registrations: u32,
    s3_posts: u32,
    s3_stored: u32,
    media_polls: u32,
    board_pin_calls: u32,
    processing_polls: u32,
    fail_processing: bool,
    /// The last pin create request, as sent.
    last_create: Value,
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

fn server() -> (Server, S) {
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

fn pin_session(url: &str, token: &str) -> studio_publish::Session {
    session(PlatformId::Pinterest, url, token, Some("549755885175"))
}

fn with_board() -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    o.insert("board_id".into(), json!(BOARD));
    o
}

fn draft<'a>(
    caption: &'a str,
    media: &'a studio_publish::media::MediaFile,
    o: &'a serde_json::Map<String, Value>,
) -> Draft<'a> {
    Draft { caption, title: Some("Studio clip"), media, options: o, idempotency_key: "k" }
}

#[test]
fn publishes_a_video_pin_through_the_presigned_upload_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let mut o = with_board();
    o.insert("link".into(), json!("https://creator.example/clip"));
    o.insert("cover_time_s".into(), json!("3"));
    let d = draft("Hello from the studio", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let account = Pinterest.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), ("549755885175", "creator"));
    let boards = Pinterest::boards(&s).expect("boards");
    assert_eq!(boards.len(), 3, "both pages");
    assert_eq!(boards[0], Board { id: BOARD.into(), name: "Studio clips".into(), privacy: Some("PUBLIC".into()) });

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Pinterest, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url, Some(format!("https://www.pinterest.com/pin/{}/", published.post_id)));
    {
        let server = state.lock().expect("lock");
        assert_eq!((server.registrations, server.s3_posts, server.s3_stored), (1, 1, 1));
        let stored = server.media.values().next().and_then(|m| m.bytes.clone()).expect("stored");
        assert_eq!(stored, std::fs::read(&media.path).expect("read"));
        assert!(server.media_polls >= 3, "polled through processing");
        assert_eq!(server.pins.len(), 1);
        let sent = &server.last_create;
        assert_eq!(sent["title"], "Studio clip");
        assert_eq!(sent["description"], "Hello from the studio");
        assert_eq!(sent["link"], "https://creator.example/clip");
        assert_eq!(sent["media_source"]["cover_image_key_frame_time"], 3);
    }
    let first_media = rec.checkpoints.iter().position(|c| c.media_id.is_some()).expect("media id saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_media < first_final);
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = Pinterest.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.saves, m.likes), (Some(44), Some(7), None));
    assert_eq!(m.raw["all"]["summary_metrics"]["PIN_CLICK"], 9);

    let again = publish(&Pinterest, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").pins.len(), 1);
}

#[test]
fn without_a_board_nothing_is_sent_and_the_error_says_where_to_get_one() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = serde_json::Map::new();
    let d = draft("no board", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("no board");
    assert!(
        matches!(err, PublishError::Invalid(ref m) if m.contains("board_id") && m.contains("GET /v5/boards")),
        "{err}"
    );
    assert_eq!(state.lock().expect("lock").registrations, 0);
}

#[test]
fn a_429_carries_a_retry_after_and_saves_nothing() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /v5/media".into(),
        status: 429,
        body: json!({"code": 8, "message": "You have exceeded your rate limit. Try again later."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("limited", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("exceeded your rate limit"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
}

#[test]
fn a_5xx_from_storage_resends_under_the_same_media_id_and_an_expired_policy_registers_anew() {
    let (srv, state) = server();
    state.lock().expect("lock").s3_failures.push((
        500,
        "InternalError",
        "We encountered an internal error. Please try again.",
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = with_board();
    let d = draft("resent", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("500");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    assert!(err.to_string().contains("internal error"), "{err}");
    let saved = first.last();
    assert!(saved.media_id.is_some() && saved.uploaded_bytes == 0);

    let mut st = saved.clone();
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("resent");
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.registrations, 1, "the same media id was used");
        assert_eq!((server.s3_posts, server.s3_stored), (2, 1));
        assert_eq!(st.media_id, saved.media_id);
        let stored = server.media.values().next().and_then(|m| m.bytes.clone()).expect("stored");
        assert_eq!(stored, std::fs::read(&media.path).expect("read"));
        assert_eq!(server.pins.len(), 1);
    }

    // The pre-signed policy expired: that registration is dropped and a new one is made.
    state.lock().expect("lock").s3_failures.push((403, "AccessDenied", "Invalid according to Policy: Policy expired."));
    let d = draft("expired", &media, &o);
    let mut rec = Recorder::default();
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut rec, &no_reauth).expect_err("403");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    assert!(err.to_string().contains("Policy expired"), "{err}");
    let mut st = rec.last();
    assert!(st.media_id.is_none(), "the expired registration was forgotten");
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("registered anew");
    let server = state.lock().expect("lock");
    assert_eq!(server.registrations, 3);
    assert_eq!(server.pins.len(), 2);
}

#[test]
fn an_expired_token_is_renewed_once_and_the_pin_made_once() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("renewed", &media, &o);
    let mut s = pin_session(&srv.url, "stale");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    assert_eq!(state.lock().expect("lock").pins.len(), 1);

    let mut s = pin_session(&srv.url, "stale");
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
    assert!(err.to_string().contains("Authentication failed."), "{err}");
}

#[test]
fn a_video_pinterest_cannot_process_is_rejected() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_processing = true;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("bad", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("could not process"), "{err}");
    assert!(!st.final_sent && state.lock().expect("lock").pins.is_empty());
}

#[test]
fn pinterests_error_body_surfaces_its_message_and_code() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /v5/pins".into(),
        status: 403,
        body: json!({"code": 29, "message": "You are not permitted to access that resource."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("forbidden", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("403");
    assert!(
        matches!(err, PublishError::Rejected { ref message, ref platform_code, .. }
            if message == "You are not permitted to access that resource." && platform_code.as_deref() == Some("29")),
        "{err:?}"
    );
    assert!(!st.final_sent && st.media_ready);
    // A board that is not the creator's: Pinterest's own words.
    let mut o = with_board();
    o.insert("board_id".into(), json!("999"));
    let d = draft("elsewhere", &media, &o);
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("404");
    assert!(err.to_string().contains("Board not found."), "{err}");
}

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("ambiguous", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.pins.len(), 1);
    assert_eq!(server.board_pin_calls, 1);
    assert_eq!(server.pins[0]["id"], published.post_id.as_str());
}

#[test]
fn a_500_after_the_pin_was_created_is_reconciled_not_repinned() {
    ambiguous(AfterCreate::Status500);
}

#[test]
fn a_dropped_connection_after_the_pin_was_created_is_reconciled_not_repinned() {
    ambiguous(AfterCreate::Drop);
}

fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let mut rec = Recorder::default();
    let mut s = pin_session(&srv.url, "tok-1");
    publish(&Pinterest, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
        .expect("published");
    rec.checkpoints.iter().position(|c| c.final_sent).expect("final_sent saved") + 1
}

#[test]
fn after_a_crash_right_after_final_sent_the_board_is_asked_first() {
    let crash_at = checkpoints_until_final_sent();
    let (srv, state) = server();
    // An older pin with the same text is on the board already: it must not be taken for ours.
    state.lock().expect("lock").pins.push(json!({
        "id": "1", "created_at": "2026-01-02T03:04:05", "board_id": BOARD, "title": "Studio clip",
        "description": "crash", "media": {"media_type": "video"},
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("crash", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    // Nothing new on the board: the restart pins exactly once.
    let mut st = saved.clone();
    let posted = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_ne!(posted.post_id, "1");
    assert_eq!(state.lock().expect("lock").pins.len(), 2);

    // Same crash, but the pin did land: the restart finds it and pins nothing.
    let mut st = saved;
    let found = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.pins.len(), 2);
    assert_eq!(server.registrations, 1);
}

#[test]
fn a_pin_with_no_text_cannot_be_reconciled_and_says_so() {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = Draft { caption: " ", title: None, media: &media, options: &o, idempotency_key: "k" };
    let s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState { media_id: Some("1".into()), ..Default::default() };
    st.extra.insert("pinterest_media_ready_at".into(), json!(0));
    let err = Pinterest.find_post(&s, &d, &st).expect_err("unsupported");
    assert!(matches!(err, PublishError::Unsupported(_)), "{err}");
}

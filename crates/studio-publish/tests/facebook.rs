//! Facebook Pages Reels connector against a local server that follows the Reels Publishing API
//! (developers.facebook.com/docs/video-api/guides/reels-publishing): `video_reels` start and
//! finish on the Graph host, the byte upload on the rupload host with `offset`/`file_size`
//! headers, `GET /{video-id}?fields=status` phases, Graph error bodies and usage headers.
mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::facebook::Facebook;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{file_bytes, no_options, no_reauth, session, video, Recorder, Server};

const PAGE: &str = "1001";
const CHUNK: u64 = 64 * 1024;

#[derive(Default)]
struct Video {
    bytes: Vec<u8>,
    file_size: Option<u64>,
    description: Option<String>,
    /// finish was called with video_state=PUBLISHED.
    finished: bool,
    /// Status polls after finish before publishing completes.
    publishing_polls: u32,
    failed: Option<String>,
}

/// A failure served once instead of the real answer: (route, HTTP status, body, headers).
type Injected = (&'static str, u16, Value, Vec<(&'static str, String)>);

#[derive(Default)]
struct Fb {
    valid_tokens: Vec<String>,
    videos: HashMap<String, Video>,
    /// Every upload request: (video id, offset header, body length).
    uploads: Vec<(String, u64, usize)>,
    starts: usize,
    finishes: usize,
    failures: VecDeque<Injected>,
    /// The n-th upload request keeps this many bytes of its body, then answers 500.
    break_upload: Option<(usize, usize)>,
    /// The next finish registers the reel, then answers 500 (`true`) or drops the connection.
    finish_then_fail: Option<bool>,
    /// The next finished video fails processing with this message.
    processing_error: Option<String>,
    /// Insights metrics this server knows (others are refused with code 100, as Graph does).
    metrics: Vec<&'static str>,
    next_id: u64,
}

type S = Arc<Mutex<Fb>>;

fn meta_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> Response {
    let mut e = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AXn3kT0bq9Q"});
    if let Some(sub) = subcode {
        e["error_subcode"] = json!(sub);
    }
    (StatusCode::from_u16(status).expect("status"), Json(json!({ "error": e }))).into_response()
}

fn expired() -> Response {
    meta_error(
        400,
        190,
        Some(463),
        "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT.",
    )
}

fn bearer_ok(st: &Fb, h: &HeaderMap) -> bool {
    let t = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    t.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t))
}

fn injected(st: &mut Fb, route: &str) -> Option<Response> {
    let idx = st.failures.iter().position(|(r, ..)| *r == route)?;
    let (_, code, body, headers) = st.failures.remove(idx)?;
    let mut resp = (StatusCode::from_u16(code).ok()?, Json(body)).into_response();
    for (k, v) in headers {
        resp.headers_mut().insert(k, v.parse().ok()?);
    }
    Some(resp)
}

fn status_of(id: &str, v: &Video) -> Value {
    let total = v.file_size.unwrap_or(0);
    let uploaded = v.file_size.is_some() && v.bytes.len() as u64 == total;
    let uploading = json!({
        "status": if uploaded { "complete" } else if v.bytes.is_empty() { "not_started" } else { "in_progress" },
        "bytes_transferred": v.bytes.len(),
    });
    let (video_status, processing, publishing) = match (&v.failed, v.finished, v.publishing_polls) {
        (Some(msg), ..) => (
            "error",
            json!({"status": "error", "errors": [{"code": 1363008, "message": msg}]}),
            json!({"status": "not_started"}),
        ),
        (None, false, _) => (
            if uploaded { "upload_complete" } else { "uploading" },
            json!({"status": "not_started"}),
            json!({"status": "not_started"}),
        ),
        (None, true, n) if n > 0 => ("processing", json!({"status": "in_progress"}), json!({"status": "in_progress"})),
        (None, true, _) => (
            "ready",
            json!({"status": "complete"}),
            json!({"status": "complete", "publish_status": "published", "publish_time": 1_751_364_000}),
        ),
    };
    json!({
        "id": id,
        "permalink_url": format!("/reel/{id}/"),
        "status": {"video_status": video_status, "uploading_phase": uploading, "processing_phase": processing, "publishing_phase": publishing},
    })
}

async fn node(
    State(s): State<S>,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, "status") {
        return r;
    }
    if !bearer_ok(&st, &h) {
        return expired();
    }
    if id == PAGE {
        return Json(json!({"id": PAGE, "name": "Studio Test Page", "username": "studiotestpage"})).into_response();
    }
    let fields = q.get("fields").cloned().unwrap_or_default();
    match st.videos.get_mut(&id) {
        None => {
            meta_error(400, 100, Some(33), &format!("Unsupported get request. Object with ID '{id}' does not exist"))
        }
        Some(v) => {
            let body = status_of(&id, v);
            if v.finished && v.publishing_polls > 0 && fields.contains("status") {
                v.publishing_polls -= 1;
            }
            Json(body).into_response()
        }
    }
}

async fn video_reels(
    State(s): State<S>,
    h: HeaderMap,
    Path(page): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let phase = f.get("upload_phase").cloned().unwrap_or_default();
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, if phase == "finish" { "finish" } else { "start" }) {
        return r;
    }
    if !bearer_ok(&st, &h) {
        return expired();
    }
    if page != PAGE {
        return meta_error(400, 100, None, "(#100) Invalid page id");
    }
    match phase.as_str() {
        "start" => {
            st.next_id += 1;
            st.starts += 1;
            let id = format!("{}", 880_000 + st.next_id);
            st.videos.insert(id.clone(), Video { publishing_polls: 2, ..Default::default() });
            Json(json!({"video_id": id, "upload_url": format!("https://rupload.facebook.com/video-upload/v21.0/{id}")}))
                .into_response()
        }
        "finish" => {
            st.finishes += 1;
            let id = f.get("video_id").cloned().unwrap_or_default();
            if f.get("video_state").map(String::as_str) != Some("PUBLISHED") {
                return meta_error(400, 100, None, "(#100) video_state must be one of DRAFT, PUBLISHED, SCHEDULED");
            }
            let processing_error = st.processing_error.take();
            let Some(v) = st.videos.get_mut(&id) else {
                return meta_error(400, 100, None, "(#100) Invalid video_id");
            };
            if v.file_size.is_none_or(|n| n != v.bytes.len() as u64) {
                return meta_error(
                    400,
                    6000,
                    Some(1363130),
                    "There was a problem uploading your video file. Please try again.",
                );
            }
            v.finished = true;
            v.description = f.get("description").cloned();
            v.failed = processing_error;
            match st.finish_then_fail.take() {
                Some(true) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"error": {"message": "An unexpected error has occurred. Please retry your request later.",
                        "type": "OAuthException", "is_transient": true, "code": 2, "fbtrace_id": "Bq1"}})),
                )
                    .into_response(),
                Some(false) => {
                    drop(st);
                    panic!("simulated connection drop after the reel was registered");
                }
                None => Json(json!({"success": true})).into_response(),
            }
        }
        other => meta_error(400, 100, None, &format!("(#100) upload_phase must be one of start, finish; got {other}")),
    }
}

async fn rupload(State(s): State<S>, h: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, "upload") {
        return r;
    }
    let token = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("OAuth "));
    if !token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t)) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"debug_info": {"retriable": false, "type": "OAuthException", "message": "Invalid OAuth access token."}})))
            .into_response();
    }
    let header = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let (Some(offset), Some(size)) = (header("offset"), header("file_size")) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"debug_info": {"retriable": false, "type": "ParameterValidationError",
            "message": "HeaderValuePredicate: Header Offset not convertable to unsigned long"}})),
        )
            .into_response();
    };
    st.uploads.push((id.clone(), offset, body.len()));
    let n = st.uploads.len();
    let broken = st.break_upload.filter(|(at, _)| *at == n).map(|(_, keep)| keep);
    let Some(v) = st.videos.get_mut(&id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"debug_info": {"retriable": false, "type": "NotFoundError", "message": "Video not found"}})),
        )
            .into_response();
    };
    if offset != v.bytes.len() as u64 || v.file_size.is_some_and(|f| f != size) || offset + body.len() as u64 > size {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"debug_info": {"retriable": false, "type": "ParameterValidationError",
            "message": format!("offset {offset} does not match the {} bytes received", v.bytes.len())}})),
        )
            .into_response();
    }
    v.file_size = Some(size);
    if let Some(keep) = broken {
        v.bytes.extend_from_slice(&body[..keep.min(body.len())]);
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"debug_info": {"retriable": true, "type": "ServerError", "message": "Upload interrupted"}})),
        )
            .into_response();
    }
    v.bytes.extend_from_slice(&body);
    Json(json!({"success": true})).into_response()
}

async fn video_insights(
    State(s): State<S>,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock().expect("lock");
    if !bearer_ok(&st, &h) {
        return expired();
    }
    if !st.videos.get(&id).is_some_and(|v| v.finished) {
        return meta_error(400, 100, None, "(#100) Object does not exist");
    }
    let asked: Vec<&str> = q.get("metric").map(|m| m.split(',').collect()).unwrap_or_default();
    if let Some(bad) = asked.iter().find(|m| !st.metrics.contains(m)) {
        return meta_error(400, 100, None, &format!("(#100) The value must be a valid insights metric: {bad}"));
    }
    let value = |m: &str| match m {
        "blue_reels_play_count" => json!(1520),
        "post_video_likes_by_reaction_type" => json!({"REACTION_LIKE": 40, "REACTION_LOVE": 7}),
        "post_video_social_actions" => json!({"COMMENT": 5, "SHARE": 3}),
        "post_video_view_time" => json!(912_500),
        _ => json!(0),
    };
    let data: Vec<Value> = asked
        .iter()
        .map(|m| json!({"name": m, "period": "lifetime", "values": [{"value": value(m)}], "title": m, "id": format!("{id}/video_insights/{m}/lifetime")}))
        .collect();
    Json(json!({ "data": data })).into_response()
}

fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    std::env::set_var("STUDIO_UPLOAD_CHUNK_BYTES", CHUNK.to_string());
    let state: S = Arc::new(Mutex::new(Fb {
        valid_tokens: vec!["page-tok".into()],
        metrics: vec![
            "blue_reels_play_count",
            "post_video_likes_by_reaction_type",
            "post_video_social_actions",
            "post_video_view_time",
        ],
        ..Default::default()
    }));
    let router = Router::new()
        .route("/v21.0/{id}", get(node))
        .route("/v21.0/{id}/video_reels", post(video_reels))
        .route("/v21.0/{id}/video_insights", get(video_insights))
        .route("/video-upload/v21.0/{id}", post(rupload))
        .with_state(state.clone());
    (Server::start(router), state)
}

fn reels(state: &S) -> Vec<(String, Option<String>)> {
    let st = state.lock().expect("lock");
    st.videos
        .iter()
        .filter(|(_, v)| v.finished && v.failed.is_none())
        .map(|(id, v)| (id.clone(), v.description.clone()))
        .collect()
}

#[test]
fn publishes_a_reel_in_chunks_and_reads_insights() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 300_000, 20.0);
    let opts = no_options();
    let draft = Draft {
        caption: "First reel from the studio",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "k1",
    };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    let account = Facebook.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), (PAGE, "@studiotestpage"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Facebook, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://www.facebook.com/reel/{}/", published.post_id).as_str())
    );
    {
        let fb = state.lock().expect("lock");
        let v = &fb.videos[&published.post_id];
        assert_eq!(v.bytes, file_bytes(&media), "every byte exactly once, in order");
        let offsets: Vec<u64> = fb.uploads.iter().map(|u| u.1).collect();
        assert_eq!(offsets, vec![0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
        assert_eq!(v.description.as_deref(), Some("First reel from the studio"));
    }
    // The video id was saved before the first byte and before the final call.
    assert_eq!(rec.checkpoints[0].media_id.as_deref(), Some(published.post_id.as_str()));
    assert!(rec.checkpoints[0].upload_session_url.as_deref().is_some_and(|u| u.starts_with(&srv.url)));
    let progress: Vec<u64> = rec.progress.iter().map(|p| p.0).collect();
    assert_eq!(progress, vec![CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK, 300_000]);
    assert_eq!(reels(&state).len(), 1);

    let m = Facebook.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares, m.saves), (Some(1520), Some(47), Some(5), Some(3), None));
    assert_eq!(m.watch_time_s, Some(912.5));

    // A metric the object does not offer is left out instead of failing the whole read.
    state.lock().expect("lock").metrics.retain(|m| *m != "post_video_view_time");
    let m = Facebook.metrics(&s, &published.post_id).expect("metrics without view time");
    assert_eq!((m.views, m.watch_time_s), (Some(1520), None));

    let again = publish(&Facebook, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(reels(&state).len(), 1);
}

#[test]
fn a_500_mid_upload_resumes_from_the_offset_meta_reports() {
    let (srv, state) = server();
    // The third request lands 10,000 of its bytes, then fails.
    state.lock().expect("lock").break_upload = Some((3, 10_000));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 300_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "resumed", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    let mut st = PublishState::default();
    let published =
        publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let fb = state.lock().expect("lock");
    assert_eq!(fb.videos[&published.post_id].bytes, file_bytes(&media));
    let offsets: Vec<u64> = fb.uploads.iter().map(|u| u.1).collect();
    let resumed = 2 * CHUNK + 10_000;
    assert_eq!(offsets, vec![0, CHUNK, 2 * CHUNK, resumed, resumed + CHUNK, resumed + 2 * CHUNK]);
    assert_eq!(fb.starts, 1, "the upload session was not restarted");
}

#[test]
fn a_crash_mid_upload_resumes_in_the_next_run_without_a_new_session() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 300_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "after a crash", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    // Checkpoints: 1 the video id, 2 and 3 the first two chunks: the process dies at the third.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Facebook, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert_eq!(saved.uploaded_bytes, 2 * CHUNK);

    let mut st = saved;
    let published =
        publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let fb = state.lock().expect("lock");
    assert_eq!(fb.starts, 1);
    assert_eq!(fb.videos[&published.post_id].bytes, file_bytes(&media));
    let offsets: Vec<u64> = fb.uploads.iter().map(|u| u.1).collect();
    assert_eq!(offsets, vec![0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
}

#[test]
fn throttling_waits_as_long_as_the_usage_header_says() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "start",
        400,
        json!({"error": {"message": "(#32) Page request limit reached", "type": "OAuthException", "code": 32, "fbtrace_id": "A1"}}),
        vec![(
            "x-business-use-case-usage",
            r#"{"1001":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":14,"estimated_time_to_regain_access":7}]}"#.into(),
        )],
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "x", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    let mut st = PublishState::default();
    let err = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 7 * 60 });
    assert!(err.to_string().contains("Page request limit reached"), "{err}");
    assert_eq!(st, PublishState::default());

    // The finish call refused for the Page's reel limit, without a usage header: an hour, and
    // the reel is not marked as sent, so the next try posts it once.
    state.lock().expect("lock").failures.push_back((
        "finish",
        400,
        json!({"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4, "is_transient": true, "fbtrace_id": "A2"}}),
        vec![],
    ));
    let err = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 3600 });
    assert!(st.media_ready && !st.final_sent);
    publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(reels(&state).len(), 1);
    assert_eq!(state.lock().expect("lock").starts, 1);
}

#[test]
fn an_expired_token_is_renewed_and_a_changed_password_asks_to_reconnect() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 100_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "stale", Some(PAGE));
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("page-tok-2".into());
        Ok(Sensitive::new("page-tok-2".to_string()))
    };
    publish(&Facebook, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "page-tok-2");
    assert_eq!(reels(&state).len(), 1);

    state.lock().expect("lock").failures.push_back((
        "start",
        400,
        json!({"error": {"message": "Error validating access token: The session has been invalidated because the user changed their password.",
            "type": "OAuthException", "code": 190, "error_subcode": 460, "fbtrace_id": "A3"}}),
        vec![],
    ));
    let err = publish(&Facebook, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("reconnect");
    assert_eq!(err.class(), ErrorClass::Reconnect);
    assert!(err.to_string().contains("changed their password"), "{err}");
}

#[test]
fn metas_own_rejection_and_a_failed_processing_are_reported() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "finish",
        400,
        json!({"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 1363023,
            "error_user_title": "Video too long", "error_user_msg": "Reels must be 90 seconds or shorter.", "fbtrace_id": "A4"}}),
        vec![],
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "rejected", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    let mut st = PublishState::default();
    let err = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Reels must be 90 seconds or shorter."), "{err}");
    assert!(matches!(err, PublishError::Rejected { platform_code: Some(ref c), .. } if c == "100/1363023"));
    assert!(!st.final_sent && st.media_ready);

    // Processing fails after the finish call: Meta's message, and the next try uploads anew.
    state.lock().expect("lock").processing_error = Some("Video Creation failed, please try again.".into());
    let mut st = PublishState::default();
    let err = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert!(err.to_string().contains("Video Creation failed"), "{err}");
    assert!(!st.final_sent && !st.media_ready && st.media_id.is_none());
    publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    // One session for the rejected finish, one spent by the failed processing, one that posted.
    assert_eq!(state.lock().expect("lock").starts, 3);
    assert_eq!(reels(&state).len(), 1);
}

#[test]
fn an_ambiguous_finish_is_reconciled_not_reposted() {
    for answer_500 in [true, false] {
        let (srv, state) = server();
        state.lock().expect("lock").finish_then_fail = Some(answer_500);
        let dir = tempfile::tempdir().expect("tmp");
        let media = video(dir.path(), "reel.mp4", 5000, 20.0);
        let opts = no_options();
        let draft = Draft { caption: "ambiguous", title: None, media: &media, options: &opts, idempotency_key: "k" };
        let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
        let mut st = PublishState::default();
        let published = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth)
            .unwrap_or_else(|e| panic!("found it (500: {answer_500}): {e}"));
        let posted = reels(&state);
        assert_eq!(posted.len(), 1);
        assert_eq!(posted[0].0, published.post_id);
        assert_eq!(st.post_id.as_deref(), Some(published.post_id.as_str()));
    }
}

#[test]
fn after_a_crash_during_the_final_call_meta_is_asked_first() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "crash", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Facebook, &srv.url, "page-tok", Some(PAGE));
    // Checkpoints: 1 video id, 2 the one chunk, 3 media ready, 4 final_sent.
    let mut crashing = Recorder { crash_at_checkpoint: Some(4), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Facebook, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(reels(&state).is_empty());

    // Nothing was posted: the restart finds nothing and posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(reels(&state).len(), 1);

    // Same crash, but the reel did land: the restart finds it and posts nothing.
    let mut st = saved;
    let found = publish(&Facebook, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    assert_eq!(reels(&state).len(), 1);
    let fb = state.lock().expect("lock");
    assert_eq!((fb.starts, fb.finishes), (1, 1), "the found reel was not finished again");
}

//! Threads connector against a local server that follows the Threads API publishing contract
//! (developers.facebook.com/docs/threads/posts, /troubleshooting, /overview#rate-limiting):
//! VIDEO containers made from a `video_url` the server really fetches (from the test relay),
//! `status`/`error_message` polling, `threads_publishing_limit`, `threads_publish`, Graph-style
//! error bodies.
mod common;
mod relay;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::threads::Threads;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive, Session};

use common::{no_options, no_reauth, session, video, Recorder, Server};
use relay::{fetch, meta_time, TestRelay};

const USER: &str = "25880000000000001";
const QUOTA: u64 = 250;

struct Container {
    text: String,
    fetched: Option<Result<Vec<u8>, String>>,
    polls_left: u32,
    published: bool,
}

struct Post {
    id: String,
    text: String,
    timestamp: String,
}

type Injected = (&'static str, u16, Value);

#[derive(Default)]
struct Th {
    valid_tokens: Vec<String>,
    requests: usize,
    containers: HashMap<String, Container>,
    /// Newest last.
    posts: Vec<Post>,
    quota_usage: u64,
    publish_calls: usize,
    failures: VecDeque<Injected>,
    publish_then_fail: Option<bool>,
    next_id: u64,
}

type S = Arc<Mutex<Th>>;

fn th_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> Response {
    let mut e = json!({"message": message, "type": "THApiException", "code": code, "fbtrace_id": "AhT9x0Qp2"});
    if let Some(sub) = subcode {
        e["error_subcode"] = json!(sub);
    }
    (StatusCode::from_u16(status).expect("status"), Json(json!({ "error": e }))).into_response()
}

fn enter(st: &mut Th, route: &str, h: &HeaderMap) -> Option<Response> {
    st.requests += 1;
    if let Some(idx) = st.failures.iter().position(|(r, ..)| *r == route) {
        let (_, code, body) = st.failures.remove(idx)?;
        return Some((StatusCode::from_u16(code).ok()?, Json(body)).into_response());
    }
    let t = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !t.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t)) {
        let mut r = th_error(401, 190, Some(463), "Error validating access token: Session has expired.");
        r.headers_mut().insert("www-authenticate", "OAuth \"Facebook Platform\" \"invalid_token\"".parse().ok()?);
        return Some(r);
    }
    None
}

fn container_state(c: &mut Container) -> (&'static str, Option<&'static str>) {
    if c.published {
        return ("PUBLISHED", None);
    }
    match &c.fetched {
        None => ("IN_PROGRESS", None),
        Some(Err(_)) => ("ERROR", Some("FAILED_DOWNLOADING_VIDEO")),
        Some(Ok(_)) if c.polls_left > 0 => {
            c.polls_left -= 1;
            ("IN_PROGRESS", None)
        }
        Some(Ok(_)) => ("FINISHED", None),
    }
}

async fn node(
    State(s): State<S>,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "node", &h) {
        return r;
    }
    if id == "me" {
        return Json(json!({"id": USER, "username": "studio.creator", "name": "Studio Creator"})).into_response();
    }
    if let Some(c) = st.containers.get_mut(&id) {
        let (status, error) = container_state(c);
        let mut v = json!({"status": status, "id": id});
        if let Some(e) = error {
            v["error_message"] = json!(e);
        }
        return Json(v).into_response();
    }
    if st.posts.iter().any(|p| p.id == id) && q.get("fields").map(String::as_str) == Some("permalink") {
        return Json(json!({"permalink": format!("https://www.threads.net/@studio.creator/post/T{id}"), "id": id}))
            .into_response();
    }
    th_error(400, 100, Some(33), &format!("Unsupported get request. Object with ID '{id}' does not exist"))
}

async fn create_container(
    State(s): State<S>,
    h: HeaderMap,
    Path(user): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (id, url) = {
        let mut st = s.lock().expect("lock");
        if let Some(r) = enter(&mut st, "create", &h) {
            return r;
        }
        if user != USER || f.get("media_type").map(String::as_str) != Some("VIDEO") {
            return th_error(400, 100, None, "Invalid parameter");
        }
        let Some(url) = f.get("video_url").cloned() else {
            return th_error(400, 100, None, "The parameter video_url is required.");
        };
        st.next_id += 1;
        let id = format!("1788900000000{:04}", st.next_id);
        let text = f.get("text").cloned().unwrap_or_default();
        st.containers.insert(id.clone(), Container { text, fetched: None, polls_left: 2, published: false });
        (id, url)
    };
    let state = s.clone();
    let container = id.clone();
    tokio::spawn(async move {
        let got = fetch(&url).await;
        if let Some(c) = state.lock().expect("lock").containers.get_mut(&container) {
            c.fetched = Some(got);
        }
    });
    Json(json!({ "id": id })).into_response()
}

async fn list_threads(State(s): State<S>, h: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "list", &h) {
        return r;
    }
    let limit = q.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(25);
    let data: Vec<Value> = st
        .posts
        .iter()
        .rev()
        .take(limit)
        .map(|p| json!({"id": p.id, "text": p.text, "timestamp": p.timestamp}))
        .collect();
    Json(json!({"data": data, "paging": {"cursors": {"before": "BEFORE", "after": "AFTER"}}})).into_response()
}

async fn threads_publish(State(s): State<S>, h: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "publish", &h) {
        return r;
    }
    st.publish_calls += 1;
    if st.quota_usage >= QUOTA {
        return th_error(400, 4, None, "Application request limit reached");
    }
    let id = f.get("creation_id").cloned().unwrap_or_default();
    let Some(c) = st.containers.get_mut(&id) else {
        return th_error(400, 24, Some(4279009), "The requested resource does not exist");
    };
    if c.published {
        return th_error(400, 100, None, "This container has already been published");
    }
    if container_state(c).0 != "FINISHED" {
        return th_error(400, 24, Some(4279009), "Media Not Found: the media is not ready to be published");
    }
    c.published = true;
    let text = c.text.clone();
    st.next_id += 1;
    let post_id = format!("1800100000000{:04}", st.next_id);
    st.posts.push(Post { id: post_id.clone(), text, timestamp: meta_time(0) });
    st.quota_usage += 1;
    match st.publish_then_fail.take() {
        Some(true) => (StatusCode::BAD_GATEWAY, "<html><body>502 Bad Gateway</body></html>").into_response(),
        Some(false) => {
            drop(st);
            panic!("simulated connection drop after the post was published");
        }
        None => Json(json!({ "id": post_id })).into_response(),
    }
}

async fn publishing_limit(State(s): State<S>, h: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "limit", &h) {
        return r;
    }
    Json(json!({"data": [{"quota_usage": st.quota_usage, "config": {"quota_total": QUOTA, "quota_duration": 86400}}]}))
        .into_response()
}

async fn insights(State(s): State<S>, h: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "insights", &h) {
        return r;
    }
    let data: Vec<Value> = q
        .get("metric")
        .map(|m| m.split(',').map(str::to_string).collect::<Vec<_>>())
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let v = match m.as_str() {
                "views" => 880,
                "likes" => 64,
                "replies" => 8,
                "reposts" => 5,
                "quotes" => 2,
                _ => 0,
            };
            json!({"name": m, "period": "lifetime", "values": [{"value": v}], "title": m, "id": format!("x/insights/{m}/lifetime")})
        })
        .collect();
    Json(json!({ "data": data })).into_response()
}

fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Th { valid_tokens: vec!["th-tok".into()], ..Default::default() }));
    let router = Router::new()
        .route("/v1.0/{id}", get(node))
        .route("/v1.0/{id}/threads", get(list_threads).post(create_container))
        .route("/v1.0/{id}/threads_publish", post(threads_publish))
        .route("/v1.0/{id}/threads_publishing_limit", get(publishing_limit))
        .route("/v1.0/{id}/insights", get(insights))
        .with_state(state.clone());
    (Server::start(router), state)
}

fn th_session(url: &str, token: &str, relay: &Arc<TestRelay>) -> Session {
    let mut s = session(PlatformId::Threads, url, token, Some(USER));
    s.relay = Some(relay.clone());
    s
}

fn posts(state: &S) -> usize {
    state.lock().expect("lock").posts.len()
}

#[test]
fn publishes_a_video_through_the_relay_and_reads_insights() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 20.0);
    let opts = no_options();
    let draft =
        Draft { caption: "A thread with a video", title: None, media: &media, options: &opts, idempotency_key: "k1" };
    let mut s = th_session(&srv.url, "th-tok", &relay);
    let account = Threads.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), (USER, "@studio.creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Threads, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://www.threads.net/@studio.creator/post/T{}", published.post_id).as_str())
    );
    {
        let th = state.lock().expect("lock");
        let c = th.containers.values().next().expect("container");
        let fetched = c.fetched.as_ref().expect("fetched").as_ref().expect("fetch ok");
        assert_eq!(fetched, &std::fs::read(&media.path).expect("read"), "Threads got the exact bytes from the relay");
        assert_eq!(c.text, "A thread with a video");
        assert_eq!((th.containers.len(), th.posts.len()), (1, 1));
    }
    assert!(rec.checkpoints[0].extra.contains_key("relay_url"));
    assert!(rec.checkpoints[1].container_id.is_some() && !rec.checkpoints[1].final_sent);
    assert_eq!(relay.live(), 0);
    assert_eq!(relay.hosted.lock().expect("lock").released.len(), 1);

    let m = Threads.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares, m.saves), (Some(880), Some(64), Some(8), Some(7), None));

    let again = publish(&Threads, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(posts(&state), 1);
}

#[test]
fn without_a_media_relay_nothing_is_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "no relay", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Threads, &srv.url, "th-tok", Some(USER));
    let err = publish(&Threads, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("no relay");
    assert!(matches!(err, PublishError::MediaRelayMissing { .. }), "{err}");
    assert_eq!(state.lock().expect("lock").requests, 0);
}

#[test]
fn the_250_post_quota_and_throttling_are_rate_limits() {
    let (srv, state) = server();
    state.lock().expect("lock").quota_usage = QUOTA;
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "quota", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = th_session(&srv.url, "th-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("quota");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 3600 });
    assert!(err.to_string().contains("250 API posts per 24 h"), "{err}");
    assert_eq!(state.lock().expect("lock").publish_calls, 0);
    assert!(st.media_ready && !st.final_sent);

    // Throttled on the quota check itself (code 613, no usage header): an hour, nothing posted.
    {
        let mut th = state.lock().expect("lock");
        th.quota_usage = 0;
        th.failures.push_back(("limit", 400, json!({"error": {"message": "Calls to this api have exceeded the rate limit.", "type": "THApiException", "code": 613, "fbtrace_id": "A7"}})));
    }
    let err = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("throttled");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 3600 });
    publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("third try");
    let th = state.lock().expect("lock");
    assert_eq!((th.containers.len(), th.posts.len(), th.publish_calls), (1, 1, 1));
}

#[test]
fn an_expired_token_is_renewed_once() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = th_session(&srv.url, "stale", &relay);
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("th-tok-2".into());
        Ok(Sensitive::new("th-tok-2".to_string()))
    };
    publish(&Threads, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "th-tok-2");
    assert_eq!(posts(&state), 1);
    assert_eq!(relay.hosted.lock().expect("lock").published.len(), 1);
}

#[test]
fn a_failed_download_shows_threads_error_message_and_releases_the_relay() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    relay.hosted.lock().expect("lock").broken = true;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "broken", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = th_session(&srv.url, "th-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("error");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("FAILED_DOWNLOADING_VIDEO"), "{err}");
    assert_eq!(relay.live(), 0);
    assert_eq!(posts(&state), 0);

    // The platform's own rejection of the container request is shown as it is.
    state.lock().expect("lock").failures.push_back((
        "create",
        400,
        json!({"error": {"message": "Invalid parameter", "type": "THApiException", "code": 100, "error_subcode": 4279001,
            "error_user_title": "Video too long", "error_user_msg": "The video must be at most 5 minutes long.", "fbtrace_id": "A8"}}),
    ));
    relay.hosted.lock().expect("lock").broken = false;
    let err = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("The video must be at most 5 minutes long."), "{err}");
    assert!(!st.final_sent);
}

#[test]
fn an_ambiguous_publish_is_matched_by_text_and_time() {
    for answer_502 in [true, false] {
        let (srv, state) = server();
        {
            let mut th = state.lock().expect("lock");
            th.posts.push(Post {
                id: "17000000000000001".into(),
                text: "same words".into(),
                timestamp: meta_time(7200),
            });
            th.publish_then_fail = Some(answer_502);
        }
        let relay = TestRelay::start();
        let dir = tempfile::tempdir().expect("tmp");
        let media = video(dir.path(), "clip.mp4", 5000, 20.0);
        let opts = no_options();
        let draft = Draft { caption: "same words", title: None, media: &media, options: &opts, idempotency_key: "k" };
        let mut s = th_session(&srv.url, "th-tok", &relay);
        let mut st = PublishState::default();
        let published = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth)
            .unwrap_or_else(|e| panic!("found it (502: {answer_502}): {e}"));
        let th = state.lock().expect("lock");
        assert_eq!(th.posts.len(), 2);
        assert_eq!(th.posts[1].id, published.post_id);
        assert_eq!(th.publish_calls, 1);
    }
}

#[test]
fn after_a_crash_during_the_final_call_threads_is_asked_first() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "crash", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = th_session(&srv.url, "th-tok", &relay);
    // Checkpoints: 1 relay URL, 2 container id, 3 media ready, 4 final_sent.
    let mut crashing = Recorder { crash_at_checkpoint: Some(4), ..Default::default() };
    publish(&Threads, &mut s, &draft, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    let mut st = saved.clone();
    let posted = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(posts(&state), 1);

    let mut st = saved;
    let found = publish(&Threads, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let th = state.lock().expect("lock");
    assert_eq!((th.posts.len(), th.publish_calls), (1, 1));
}

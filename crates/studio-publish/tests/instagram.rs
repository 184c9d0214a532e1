//! Instagram connector against a local server that follows the Instagram API with Instagram
//! Login content publishing contract (developers.facebook.com/docs/instagram-platform/
//! content-publishing): REELS containers made from a `video_url` the server really fetches (from
//! the test relay), `status_code` polling, `content_publishing_limit`, `media_publish`, Graph
//! error bodies and usage headers.
mod common;
mod relay;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::instagram::Instagram;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive, Session};

use common::{no_options, no_reauth, session, video, Recorder, Server};
use relay::{fetch, meta_time, TestRelay};

const USER: &str = "17841400000000001";

struct Container {
    video_url: String,
    caption: String,
    share_to_feed: Option<String>,
    /// What the fetch of `video_url` got; `None` while it runs.
    fetched: Option<Result<Vec<u8>, String>>,
    polls_left: u32,
    expired: bool,
    published: bool,
}

struct Media {
    id: String,
    caption: String,
    timestamp: String,
}

type Injected = (&'static str, u16, Value, Vec<(&'static str, String)>);

#[derive(Default)]
struct Ig {
    valid_tokens: Vec<String>,
    requests: usize,
    containers: HashMap<String, Container>,
    /// Newest last.
    media: Vec<Media>,
    quota_usage: u64,
    publish_calls: usize,
    failures: VecDeque<Injected>,
    /// The next publish creates the media, then answers 500 (`true`) or drops the connection.
    publish_then_fail: Option<bool>,
    /// The next container expires before it finishes.
    expire_next: bool,
    next_id: u64,
}

type S = Arc<Mutex<Ig>>;

fn meta_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> Response {
    let mut e = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AvX3h2kq1"});
    if let Some(sub) = subcode {
        e["error_subcode"] = json!(sub);
    }
    (StatusCode::from_u16(status).expect("status"), Json(json!({ "error": e }))).into_response()
}

/// Checks the failure queue and the Bearer token; counts the request.
fn enter(st: &mut Ig, route: &str, h: &HeaderMap) -> Option<Response> {
    st.requests += 1;
    if let Some(idx) = st.failures.iter().position(|(r, ..)| *r == route) {
        let (_, code, body, headers) = st.failures.remove(idx)?;
        let mut resp = (StatusCode::from_u16(code).ok()?, Json(body)).into_response();
        for (k, v) in headers {
            resp.headers_mut().insert(k, v.parse().ok()?);
        }
        return Some(resp);
    }
    let t = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !t.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t)) {
        return Some(meta_error(
            400,
            190,
            Some(463),
            "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT.",
        ));
    }
    None
}

fn container_state(c: &mut Container) -> (&'static str, &'static str) {
    if c.published {
        return ("PUBLISHED", "Published: Media has been successfully published.");
    }
    match &c.fetched {
        None => ("IN_PROGRESS", "In Progress: Media is still being processed."),
        Some(Err(_)) => ("ERROR", "Error: Media download has failed. The media URI doesn't meet our requirements."),
        Some(Ok(_)) if c.polls_left > 0 => {
            c.polls_left -= 1;
            ("IN_PROGRESS", "In Progress: Media is still being processed.")
        }
        Some(Ok(_)) if c.expired => ("EXPIRED", "Expired: Media was not published within 24 hours."),
        Some(Ok(_)) => ("FINISHED", "Finished: Media has been uploaded and it is ready to be published."),
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
        return Json(
            json!({"user_id": USER, "username": "studio.creator", "name": "Studio Creator", "id": "2710000000000001"}),
        )
        .into_response();
    }
    let fields = q.get("fields").cloned().unwrap_or_default();
    if let Some(c) = st.containers.get_mut(&id) {
        let (code, status) = container_state(c);
        return Json(json!({"status_code": code, "status": status, "id": id})).into_response();
    }
    if st.media.iter().any(|m| m.id == id) && fields == "permalink" {
        return Json(json!({"permalink": format!("https://www.instagram.com/reel/C{id}x/"), "id": id})).into_response();
    }
    meta_error(400, 100, Some(33), &format!("Unsupported get request. Object with ID '{id}' does not exist"))
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
        if user != USER {
            return meta_error(400, 100, None, "(#100) Invalid user id");
        }
        if f.get("media_type").map(String::as_str) != Some("REELS") {
            return meta_error(400, 100, None, "(#100) The parameter media_type must be REELS for a video");
        }
        let Some(url) = f.get("video_url").cloned() else {
            return meta_error(400, 100, None, "(#100) The parameter video_url is required");
        };
        st.next_id += 1;
        let id = format!("1790000000000{:04}", st.next_id);
        let expired = std::mem::take(&mut st.expire_next);
        st.containers.insert(
            id.clone(),
            Container {
                video_url: url.clone(),
                caption: f.get("caption").cloned().unwrap_or_default(),
                share_to_feed: f.get("share_to_feed").cloned(),
                fetched: None,
                polls_left: 2,
                expired,
                published: false,
            },
        );
        (id, url)
    };
    // Instagram fetches the video from the URL on its own servers, after answering.
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

async fn list_media(State(s): State<S>, h: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "list", &h) {
        return r;
    }
    let limit = q.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(25);
    let data: Vec<Value> = st
        .media
        .iter()
        .rev()
        .take(limit)
        .map(|m| json!({"id": m.id, "caption": m.caption, "timestamp": m.timestamp}))
        .collect();
    Json(json!({"data": data, "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}})).into_response()
}

async fn media_publish(State(s): State<S>, h: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "publish", &h) {
        return r;
    }
    st.publish_calls += 1;
    if st.quota_usage >= 100 {
        return meta_error(400, 9, Some(2207042), "Application request limit reached");
    }
    let id = f.get("creation_id").cloned().unwrap_or_default();
    let Some(c) = st.containers.get_mut(&id) else {
        return meta_error(400, 24, Some(2207006), "The media with id was not found");
    };
    if c.published {
        return meta_error(400, 100, None, "(#100) This media has already been published");
    }
    if container_state(c).0 != "FINISHED" {
        return meta_error(400, 9007, Some(2207027), "Media ID is not available");
    }
    c.published = true;
    let caption = c.caption.clone();
    st.next_id += 1;
    let media_id = format!("1800000000000{:04}", st.next_id);
    st.media.push(Media { id: media_id.clone(), caption, timestamp: meta_time(0) });
    st.quota_usage += 1;
    match st.publish_then_fail.take() {
        Some(true) => meta_error(500, 2, None, "An unexpected error has occurred. Please retry your request later."),
        Some(false) => {
            drop(st);
            panic!("simulated connection drop after the media was published");
        }
        None => Json(json!({ "id": media_id })).into_response(),
    }
}

async fn publishing_limit(State(s): State<S>, h: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = enter(&mut st, "limit", &h) {
        return r;
    }
    Json(json!({"data": [{"quota_usage": st.quota_usage, "config": {"quota_total": 100, "quota_duration": 86400}}]}))
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
                "views" => 2400,
                "likes" => 180,
                "comments" => 12,
                "shares" => 9,
                "saved" => 31,
                "ig_reels_video_view_total_time" => 4_815_000,
                _ => 0,
            };
            json!({"name": m, "period": "lifetime", "values": [{"value": v}], "title": m, "id": format!("x/insights/{m}/lifetime")})
        })
        .collect();
    Json(json!({ "data": data })).into_response()
}

fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Ig { valid_tokens: vec!["ig-tok".into()], ..Default::default() }));
    let router = Router::new()
        .route("/v21.0/{id}", get(node))
        .route("/v21.0/{id}/media", get(list_media).post(create_container))
        .route("/v21.0/{id}/media_publish", axum::routing::post(media_publish))
        .route("/v21.0/{id}/content_publishing_limit", get(publishing_limit))
        .route("/v21.0/{id}/insights", get(insights))
        .with_state(state.clone());
    (Server::start(router), state)
}

fn ig_session(url: &str, token: &str, relay: &Arc<TestRelay>) -> Session {
    let mut s = session(PlatformId::Instagram, url, token, Some(USER));
    s.relay = Some(relay.clone());
    s
}

fn posts(state: &S) -> usize {
    state.lock().expect("lock").media.len()
}

#[test]
fn publishes_a_reel_through_the_relay_and_reads_insights() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 300_000, 20.0);
    let opts = no_options();
    let draft =
        Draft { caption: "Golden hour #reels", title: None, media: &media, options: &opts, idempotency_key: "k1" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    let account = Instagram.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), (USER, "@studio.creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Instagram, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://www.instagram.com/reel/C{}x/", published.post_id).as_str())
    );
    {
        let ig = state.lock().expect("lock");
        assert_eq!(ig.containers.len(), 1);
        let c = ig.containers.values().next().expect("container");
        let fetched = c.fetched.as_ref().expect("fetched").as_ref().expect("fetch ok");
        assert_eq!(fetched, &std::fs::read(&media.path).expect("read"), "Instagram got the exact bytes from the relay");
        assert_eq!((c.caption.as_str(), c.share_to_feed.as_deref()), ("Golden hour #reels", Some("true")));
        assert!(c.video_url.starts_with("http://127.0.0.1:"));
        assert_eq!(ig.media.len(), 1);
        assert_eq!(ig.media[0].id, published.post_id);
    }
    // The relay URL, then the container id, were saved before the final call was marked.
    assert!(rec.checkpoints[0].extra.contains_key("relay_url") && rec.checkpoints[0].container_id.is_none());
    assert!(rec.checkpoints[1].container_id.is_some());
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_final > 1);
    // The relay hosted the file once, Instagram fetched it, and it was released after publishing.
    {
        let h = relay.hosted.lock().expect("lock");
        assert_eq!((h.published.len(), h.released.len(), h.served), (1, 1, 1));
    }
    assert_eq!(relay.live(), 0);
    assert_eq!(rec.progress.last(), Some(&(300_000, 300_000)));

    let m = Instagram.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares, m.saves), (Some(2400), Some(180), Some(12), Some(9), Some(31)));
    assert_eq!(m.watch_time_s, Some(4815.0));

    let again = publish(&Instagram, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(posts(&state), 1);
}

#[test]
fn without_a_media_relay_nothing_is_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "no relay", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Instagram, &srv.url, "ig-tok", Some(USER));
    let mut st = PublishState::default();
    let err = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("no relay");
    assert!(matches!(err, PublishError::MediaRelayMissing { .. }), "{err}");
    assert_eq!(err.code(), "media_relay_missing");
    assert_eq!(state.lock().expect("lock").requests, 0);
    assert_eq!(st, PublishState::default());
}

#[test]
fn a_full_daily_quota_stops_before_the_publish_call() {
    let (srv, state) = server();
    state.lock().expect("lock").quota_usage = 100;
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "quota", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("quota");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 3600 });
    assert!(err.to_string().contains("100 API posts per 24 h"), "{err}");
    assert_eq!(state.lock().expect("lock").publish_calls, 0);
    assert!(st.media_ready && !st.final_sent);

    // Room again: the same container is published, once.
    state.lock().expect("lock").quota_usage = 99;
    publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let ig = state.lock().expect("lock");
    assert_eq!((ig.containers.len(), ig.media.len(), ig.publish_calls), (1, 1, 1));
}

#[test]
fn throttling_waits_as_the_usage_header_says_and_the_relay_url_is_reused() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "create",
        400,
        json!({"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4, "is_transient": true, "fbtrace_id": "A1"}}),
        vec![(
            "x-business-use-case-usage",
            format!(r#"{{"{USER}":[{{"type":"instagram","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":12}}]}}"#),
        )],
    ));
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "throttled", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 12 * 60 });
    assert!(st.container_id.is_none() && st.extra.contains_key("relay_url"));
    publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(relay.hosted.lock().expect("lock").published.len(), 1);
    assert_eq!(posts(&state), 1);
}

#[test]
fn an_expired_token_is_renewed_once() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "stale", &relay);
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("ig-tok-2".into());
        Ok(Sensitive::new("ig-tok-2".to_string()))
    };
    publish(&Instagram, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "ig-tok-2");
    assert_eq!(posts(&state), 1);
    assert_eq!(relay.hosted.lock().expect("lock").published.len(), 1, "the relay URL survived the renewal");

    let mut s = ig_session(&srv.url, "stale", &relay);
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&Instagram, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
    assert!(err.to_string().contains("Session has expired"), "{err}");
}

#[test]
fn a_failed_container_shows_instagrams_status_and_releases_the_relay() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    relay.hosted.lock().expect("lock").broken = true;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "broken", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("error");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Media download has failed"), "{err}");
    assert!(st.container_id.is_none() && !st.media_ready);
    assert_eq!(relay.live(), 0);

    // The relay works again: a new URL, a new container, one post.
    relay.hosted.lock().expect("lock").broken = false;
    assert!(!st.extra.contains_key("relay_url"), "the released URL is not reused");
    publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(posts(&state), 1);
    assert_eq!(state.lock().expect("lock").containers.len(), 2);
}

#[test]
fn an_expired_container_is_made_again() {
    let (srv, state) = server();
    state.lock().expect("lock").expire_next = true;
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "expired once", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    publish(&Instagram, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("published");
    let ig = state.lock().expect("lock");
    assert_eq!((ig.containers.len(), ig.media.len()), (2, 1));
    assert_eq!(relay.hosted.lock().expect("lock").published.len(), 1);
}

#[test]
fn instagrams_own_rejection_is_shown_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "create",
        400,
        json!({"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2207026, "is_transient": false,
            "error_user_title": "Unsupported video format", "error_user_msg": "The video format is not supported. Please check spec for supported streams_format.",
            "fbtrace_id": "A5"}}),
        vec![],
    ));
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "rejected", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    let mut st = PublishState::default();
    let err = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("The video format is not supported."), "{err}");
    assert!(!st.final_sent && !st.media_ready);
    assert_eq!(posts(&state), 0);
}

#[test]
fn an_ambiguous_publish_is_matched_by_caption_and_time() {
    for answer_500 in [true, false] {
        let (srv, state) = server();
        {
            // The same caption was posted two hours ago: that post must not be taken for ours.
            let mut ig = state.lock().expect("lock");
            ig.media.push(Media {
                id: "17999999999990001".into(),
                caption: "same words".into(),
                timestamp: meta_time(7200),
            });
            ig.publish_then_fail = Some(answer_500);
        }
        let relay = TestRelay::start();
        let dir = tempfile::tempdir().expect("tmp");
        let media = video(dir.path(), "reel.mp4", 5000, 20.0);
        let opts = no_options();
        let draft = Draft { caption: "same words", title: None, media: &media, options: &opts, idempotency_key: "k" };
        let mut s = ig_session(&srv.url, "ig-tok", &relay);
        let mut st = PublishState::default();
        let published = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth)
            .unwrap_or_else(|e| panic!("found it (500: {answer_500}): {e}"));
        let ig = state.lock().expect("lock");
        assert_eq!(ig.media.len(), 2);
        assert_eq!(ig.media[1].id, published.post_id);
        assert_eq!(ig.publish_calls, 1);
        assert_eq!(relay.live(), 0);
    }
}

#[test]
fn after_a_crash_during_the_final_call_instagram_is_asked_first() {
    let (srv, state) = server();
    let relay = TestRelay::start();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "reel.mp4", 5000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "crash", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = ig_session(&srv.url, "ig-tok", &relay);
    // Checkpoints: 1 relay URL, 2 container id, 3 media ready, 4 final_sent.
    let mut crashing = Recorder { crash_at_checkpoint: Some(4), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Instagram, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    // Nothing was posted (the container is still FINISHED): the restart posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(posts(&state), 1);

    // Same crash, but the post did land (the container is PUBLISHED): found, nothing posted.
    let mut st = saved;
    let found = publish(&Instagram, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let ig = state.lock().expect("lock");
    assert_eq!((ig.media.len(), ig.publish_calls, ig.containers.len()), (1, 1, 1));
}

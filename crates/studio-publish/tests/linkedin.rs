//! LinkedIn connector against a local server that follows LinkedIn's versioned REST contract
//! (learn.microsoft.com/linkedin: OpenID userinfo, Videos API, Posts API, socialActions): the
//! required version headers, percent-encoded URNs in paths, upload URLs per byte range that
//! answer ETags, finalizeUpload checking the ETags, 201 + `x-restli-id` with no body, Rest.li
//! error bodies, and the "little text" commentary that LinkedIn silently cuts at the first
//! unescaped reserved character.
mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::linkedin::Linkedin;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_reauth, session, video, Recorder, Server};

/// LinkedIn cuts uploads into 4 MiB parts; the contract server uses 64 KiB so a small file has
/// several.
const PART: u64 = 64 * 1024;
const LEN: usize = 300_000;
const SUB: &str = "782bbtaQ";

struct Video {
    owner: String,
    size: u64,
    token: String,
    /// part index -> (bytes, etag)
    parts: BTreeMap<usize, (Vec<u8>, String)>,
    status: &'static str,
    polls_left: u32,
    fail_reason: Option<String>,
}

struct Failure {
    path: String,
    skip: u32,
    status: u16,
    body: Value,
}

#[derive(Clone, Copy, PartialEq)]
enum AfterCreate {
    Answer,
    Status504,
    Drop,
}

struct Li {
    base: String,
    valid_tokens: Vec<String>,
    videos: HashMap<String, Video>,
    posts: Vec<Value>,
    failures: Vec<Failure>,
    after_create: AfterCreate,
    /// Every part PUT that reached the server: (part index, accepted).
    puts: Vec<(usize, bool)>,
    inits: u32,
    video_polls: u32,
    finder_calls: u32,
    /// Without r_member_social the author finder answers 403.
    finder_forbidden: bool,
    processing_polls: u32,
    fail_reason: Option<String>,
    next_id: u64,
}

impl Default for Li {
    fn default() -> Self {
        Self {
            base: String::new(),
            valid_tokens: vec!["tok-1".into()],
            videos: HashMap::new(),
            posts: Vec::new(),
            failures: Vec::new(),
            after_create: AfterCreate::Answer,
            puts: Vec::new(),
            inits: 0,
            video_polls: 0,
            finder_calls: 0,
            finder_forbidden: false,
            processing_polls: 2,
            fail_reason: None,
            next_id: 7_100_000_000_000_000_000,
        }
    }
}

type S = Arc<Mutex<Li>>;

fn restli_error(status: StatusCode, code: &str, service: u32, message: &str) -> Response {
    (status, Json(json!({"status": status.as_u16(), "serviceErrorCode": service, "code": code, "message": message})))
        .into_response()
}

fn injected(st: &mut Li, what: &str) -> Option<Response> {
    let i = st.failures.iter().position(|f| what.contains(f.path.as_str()))?;
    if st.failures[i].skip > 0 {
        st.failures[i].skip -= 1;
        return None;
    }
    let f = st.failures.remove(i);
    Some((StatusCode::from_u16(f.status).ok()?, Json(f.body)).into_response())
}

/// Injected failures, then the token, then (for `/rest/`) the version headers.
fn gate(st: &mut Li, headers: &HeaderMap, what: &str, rest: bool) -> Option<Response> {
    if let Some(r) = injected(st, what) {
        return Some(r);
    }
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some("revoked") => {
            return Some(restli_error(
                StatusCode::UNAUTHORIZED,
                "REVOKED_ACCESS_TOKEN",
                65601,
                "The token used in the request has been revoked by the user",
            ))
        }
        Some(t) if st.valid_tokens.iter().any(|v| v == t) => {}
        _ => {
            return Some(restli_error(
                StatusCode::UNAUTHORIZED,
                "EXPIRED_ACCESS_TOKEN",
                65602,
                "The token used in the request has expired",
            ))
        }
    }
    if rest {
        let version = headers.get("linkedin-version").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if version.len() < 6 || !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Some(restli_error(
                StatusCode::BAD_REQUEST,
                "VERSION_MISSING",
                0,
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            ));
        }
        // Versions are supported for a year: anything from before December 2025 is gone.
        if version < "202512" {
            return Some(restli_error(
                StatusCode::UPGRADE_REQUIRED,
                "NONEXISTENT_VERSION",
                0,
                &format!("Requested version {version} is not active"),
            ));
        }
        if headers.get("x-restli-protocol-version").and_then(|v| v.to_str().ok()) != Some("2.0.0") {
            return Some(restli_error(
                StatusCode::BAD_REQUEST,
                "ILLEGAL_ARGUMENT",
                100,
                "X-Restli-Protocol-Version 2.0.0 is required",
            ));
        }
    }
    None
}

async fn userinfo(State(s): State<S>, headers: HeaderMap) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /v2/userinfo", false) {
        return r;
    }
    Json(json!({"sub": SUB, "name": "A Creator", "given_name": "A", "family_name": "Creator", "locale": {"country": "US", "language": "en"}}))
        .into_response()
}

async fn videos_action(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    let mut st = s.lock().expect("lock");
    let action = q.get("action").cloned().unwrap_or_default();
    if let Some(r) = gate(&mut st, &headers, &format!("POST /rest/videos?action={action}"), true) {
        return r;
    }
    match action.as_str() {
        "initializeUpload" => {
            let req = &body["initializeUploadRequest"];
            let (Some(owner), Some(size)) = (req["owner"].as_str(), req["fileSizeBytes"].as_u64()) else {
                return restli_error(
                    StatusCode::BAD_REQUEST,
                    "ILLEGAL_ARGUMENT",
                    100,
                    "owner and fileSizeBytes are required",
                );
            };
            if owner != format!("urn:li:person:{SUB}") {
                return restli_error(
                    StatusCode::FORBIDDEN,
                    "ACCESS_DENIED",
                    100,
                    "Not enough permissions to upload for this owner",
                );
            }
            st.inits += 1;
            st.next_id += 1;
            let urn = format!("urn:li:video:D5605AQ{}", st.next_id);
            let parts = size.div_ceil(PART);
            let instructions: Vec<Value> = (0..parts)
                .map(|i| {
                    json!({
                        "uploadUrl": format!("{}/dms-uploads/sp/v2/{}/part/{i}?ca=vector_feedshare&sig=abc", st.base, st.next_id),
                        "firstByte": i * PART,
                        "lastByte": ((i + 1) * PART).min(size) - 1,
                    })
                })
                .collect();
            let token = format!("token-{}", st.next_id);
            let v = Video {
                owner: owner.to_string(),
                size,
                token: token.clone(),
                parts: BTreeMap::new(),
                status: "WAITING_UPLOAD",
                polls_left: st.processing_polls,
                fail_reason: st.fail_reason.clone(),
            };
            st.videos.insert(urn.clone(), v);
            let expires = jiff::Timestamp::now().as_millisecond() + 3_600_000;
            Json(json!({"value": {"uploadUrlsExpireAt": expires, "video": urn, "uploadInstructions": instructions, "uploadToken": token}}))
                .into_response()
        }
        "finalizeUpload" => {
            let req = &body["finalizeUploadRequest"];
            let urn = req["video"].as_str().unwrap_or_default().to_string();
            let Some(v) = st.videos.get_mut(&urn) else {
                return restli_error(StatusCode::NOT_FOUND, "NOT_FOUND", 0, "Video not found");
            };
            if req["uploadToken"].as_str() != Some(v.token.as_str()) {
                return restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "Invalid upload token");
            }
            let expected: Vec<&str> = v.parts.values().map(|(_, e)| e.as_str()).collect();
            let sent: Vec<&str> =
                req["uploadedPartIds"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let complete = v.parts.len() as u64 == v.size.div_ceil(PART);
            if !complete || sent != expected {
                return restli_error(
                    StatusCode::BAD_REQUEST,
                    "ILLEGAL_ARGUMENT",
                    100,
                    "uploadedPartIds do not match the uploaded parts",
                );
            }
            v.status = "PROCESSING";
            StatusCode::OK.into_response()
        }
        _ => restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "unknown action"),
    }
}

async fn upload_part(State(s): State<S>, Path((id, index)): Path<(String, usize)>, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    // Upload URLs are signed: they need neither the token nor the version headers.
    if let Some(r) = injected(&mut st, &format!("PUT part {index}")) {
        st.puts.push((index, false));
        return r;
    }
    let urn = format!("urn:li:video:D5605AQ{id}");
    let Some(v) = st.videos.get_mut(&urn) else { return StatusCode::NOT_FOUND.into_response() };
    let first = index as u64 * PART;
    let want = (first + PART).min(v.size) - first;
    if body.len() as u64 != want {
        return (StatusCode::BAD_REQUEST, format!("part {index} must be {want} bytes")).into_response();
    }
    let etag = format!("/ambry-video/signedId/AQ{id}-{index}-{}", body.iter().map(|b| *b as u64).sum::<u64>());
    v.parts.insert(index, (body.to_vec(), etag.clone()));
    st.puts.push((index, true));
    let mut resp = StatusCode::CREATED.into_response();
    resp.headers_mut().insert("etag", etag.parse().expect("etag"));
    resp
}

async fn get_video(
    State(s): State<S>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(urn): Path<String>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /rest/videos/{urn}", true) {
        return r;
    }
    if !uri.path().contains("urn%3Ali%3Avideo%3A") {
        return restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "URNs in paths must be URL-encoded");
    }
    st.video_polls += 1;
    let Some(v) = st.videos.get_mut(&urn) else {
        return restli_error(StatusCode::NOT_FOUND, "NOT_FOUND", 0, "Video not found");
    };
    if v.status == "PROCESSING" {
        if v.polls_left > 0 {
            v.polls_left -= 1;
        } else if v.fail_reason.is_some() {
            v.status = "PROCESSING_FAILED";
        } else {
            v.status = "AVAILABLE";
        }
    }
    let mut reply = json!({"id": urn, "owner": v.owner, "status": v.status, "duration": 12000});
    if let Some(reason) = v.fail_reason.as_ref().filter(|_| v.status == "PROCESSING_FAILED") {
        reply["processingFailureReason"] = json!(reason);
    }
    Json(reply).into_response()
}

/// What LinkedIn shows for little text: escapes removed, and the text cut at the first
/// reserved character that is neither escaped nor a hashtag's `#`.
fn rendered(commentary: &str) -> String {
    let mut out = String::new();
    let mut chars = commentary.chars().peekable();
    let mut prev_word = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) => out.push(n),
                None => break,
            }
            prev_word = false;
            continue;
        }
        if c == '#' && !prev_word && chars.peek().is_some_and(|n| n.is_alphanumeric()) {
            out.push(c);
            continue;
        }
        if "|{}@[]()<>#*_~".contains(c) && !in_link(&out) {
            break;
        }
        out.push(c);
        prev_word = c.is_alphanumeric();
    }
    out
}

/// Whether the text so far ends inside a URL (links are recognised before little text).
fn in_link(so_far: &str) -> bool {
    so_far.split_whitespace().last().is_some_and(|w| w.contains("https://") || w.contains("http://"))
        && !so_far.ends_with(char::is_whitespace)
}

async fn create_post(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "POST /rest/posts", true) {
        return r;
    }
    if body["author"] != format!("urn:li:person:{SUB}").as_str() {
        return restli_error(
            StatusCode::FORBIDDEN,
            "ACCESS_DENIED",
            100,
            "Unpermitted fields present in REQUEST_BODY: Data Processing Exception while processing fields [/author]",
        );
    }
    let distribution_ok = body.pointer("/distribution/feedDistribution") == Some(&json!("MAIN_FEED"));
    if body["lifecycleState"] != "PUBLISHED" || !distribution_ok || body["visibility"].as_str().is_none() {
        return restli_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNPROCESSABLE_ENTITY",
            0,
            "ERROR :: /distribution :: field is required but not found and has no default value",
        );
    }
    let urn = body.pointer("/content/media/id").and_then(Value::as_str).unwrap_or_default().to_string();
    if st.videos.get(&urn).map(|v| v.status) != Some("AVAILABLE") {
        return restli_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNPROCESSABLE_ENTITY",
            0,
            &format!("ERROR :: /content/media/id :: {urn} is not ready"),
        );
    }
    let commentary = body["commentary"].as_str().unwrap_or_default().to_string();
    st.next_id += 1;
    let id = format!("urn:li:share:{}", st.next_id);
    st.posts.push(json!({
        "id": id, "author": body["author"], "commentary": commentary, "rendered": rendered(&commentary),
        "visibility": body["visibility"], "lifecycleState": "PUBLISHED",
        "content": body["content"], "createdAt": jiff::Timestamp::now().as_millisecond(),
    }));
    match st.after_create {
        AfterCreate::Answer => {}
        AfterCreate::Status504 => {
            st.after_create = AfterCreate::Answer;
            return (StatusCode::GATEWAY_TIMEOUT, "<html><body>504 Gateway Time-out</body></html>").into_response();
        }
        AfterCreate::Drop => {
            st.after_create = AfterCreate::Answer;
            drop(st);
            std::panic::resume_unwind(Box::new("connection dropped"));
        }
    }
    let mut resp = StatusCode::CREATED.into_response();
    resp.headers_mut().insert("x-restli-id", id.parse().expect("header"));
    resp
}

async fn find_posts(State(s): State<S>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /rest/posts?q=author", true) {
        return r;
    }
    st.finder_calls += 1;
    if st.finder_forbidden {
        return restli_error(
            StatusCode::FORBIDDEN,
            "ACCESS_DENIED",
            100,
            "Not enough permissions to access: partnerApiPostsExternal.FINDER-author.20260301",
        );
    }
    if q.get("q").map(String::as_str) != Some("author") {
        return restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "q must be author");
    }
    let author = q.get("author").cloned().unwrap_or_default();
    let count: usize = q.get("count").and_then(|c| c.parse().ok()).unwrap_or(10);
    let elements: Vec<Value> =
        st.posts.iter().rev().filter(|p| p["author"] == author.as_str()).take(count).cloned().collect();
    Json(json!({"elements": elements, "paging": {"start": 0, "count": count, "links": []}})).into_response()
}

async fn social_actions(
    State(s): State<S>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(urn): Path<String>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /rest/socialActions", true) {
        return r;
    }
    if !uri.path().contains("urn%3Ali%3Ashare%3A") || !st.posts.iter().any(|p| p["id"] == urn.as_str()) {
        return restli_error(StatusCode::NOT_FOUND, "NOT_FOUND", 0, "Not Found");
    }
    Json(json!({
        "target": urn,
        "likesSummary": {"totalLikes": 12, "aggregatedTotalLikes": 12, "likedByCurrentUser": false},
        "commentsSummary": {"totalFirstLevelComments": 3, "aggregatedTotalComments": 4},
    }))
    .into_response()
}

fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Li::default()));
    let router = Router::new()
        .route("/v2/userinfo", get(userinfo))
        .route("/rest/videos", post(videos_action))
        .route("/rest/videos/{urn}", get(get_video))
        .route("/dms-uploads/sp/v2/{id}/part/{index}", put(upload_part))
        .route("/rest/posts", post(create_post).get(find_posts))
        .route("/rest/socialActions/{urn}", get(social_actions))
        .with_state(state.clone());
    let srv = Server::start(router);
    state.lock().expect("lock").base = srv.url.clone();
    (srv, state)
}

fn li_session(url: &str, token: &str) -> studio_publish::Session {
    session(PlatformId::Linkedin, url, token, Some(SUB))
}

fn opts() -> serde_json::Map<String, Value> {
    serde_json::Map::new()
}

fn draft<'a>(
    caption: &'a str,
    media: &'a studio_publish::media::MediaFile,
    o: &'a serde_json::Map<String, Value>,
) -> Draft<'a> {
    Draft { caption, title: Some("Studio clip"), media, options: o, idempotency_key: "k" }
}

fn assembled(st: &Li) -> Vec<u8> {
    st.videos.values().next().expect("a video").parts.values().flat_map(|(b, _)| b.iter().copied()).collect()
}

fn attempted(st: &Li) -> Vec<usize> {
    st.puts.iter().map(|p| p.0).collect()
}

#[test]
fn publishes_a_video_in_parts_with_escaped_commentary_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let caption = "New clip (finally) — 50% off_today! [beta] {v2} <3 a|b ~x~ *bold* @studio C# #launch \\o/\nhttps://example.com/p?utm_source=li_feed";
    let d = draft(caption, &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let account = Linkedin.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.display_name.as_deref()), (SUB, Some("A Creator")));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert!(published.post_id.starts_with("urn:li:share:"));
    assert_eq!(published.url, Some(format!("https://www.linkedin.com/feed/update/{}", published.post_id)));
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        // 300,000 bytes in 64 KiB parts: 0..=4, each PUT once, in order, reassembled exactly.
        assert_eq!(attempted(&server), vec![0, 1, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.video_polls, 3, "polled through PROCESSING until AVAILABLE");
        assert_eq!(server.posts.len(), 1);
        // LinkedIn shows the whole caption: nothing was cut at a reserved character.
        assert_eq!(server.posts[0]["rendered"], caption);
        assert_eq!(server.posts[0]["content"]["media"]["title"], "Studio clip");
    }
    // ETags were saved part by part, before the final call.
    let etags: Vec<usize> = rec.checkpoints.iter().map(|c| c.parts.len()).collect();
    assert!(etags.windows(2).all(|w| w[0] <= w[1]) && etags.contains(&3));
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = Linkedin.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments), (None, Some(12), Some(4)));

    let again = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").posts.len(), 1);
}

#[test]
fn the_contract_server_cuts_unescaped_commentary_like_linkedin() {
    // Guards the check above: without escaping, LinkedIn keeps only what precedes the '('.
    assert_eq!(rendered("New clip (finally)"), "New clip ");
    assert_eq!(rendered("see https://e.com/a_b (x)"), "see https://e.com/a_b ");
}

#[test]
fn a_429_without_retry_after_waits_the_default_and_saves_nothing() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /rest/videos?action=initializeUpload".into(),
        skip: 0,
        status: 429,
        body: json!({"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("limited", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("throttle"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
}

#[test]
fn a_5xx_on_a_part_resumes_at_the_first_part_without_an_etag() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "PUT part 2".into(),
        skip: 0,
        status: 500,
        body: json!({"message": "Internal Server Error", "status": 500}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("resumed", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("500");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    let saved = first.last();
    assert_eq!(saved.parts.len(), 2);
    assert_eq!(saved.uploaded_bytes, 2 * PART);

    let mut st = saved;
    let mut second = Recorder::default();
    publish(&Linkedin, &mut s, &d, &mut st, &mut second, &no_reauth).expect("resumed");
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 1, "the upload was not registered again");
    assert_eq!(attempted(&server), vec![0, 1, 2, 2, 3, 4], "resumed at part 2, not 0");
    assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
    assert_eq!(second.progress.first(), Some(&(2 * PART, LEN as u64)));
    assert_eq!(server.posts.len(), 1);
}

#[test]
fn an_expired_token_is_renewed_and_a_revoked_one_asks_for_a_reconnect() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    // The token expires between the upload and the post.
    let mut s = li_session(&srv.url, "tok-1");
    let d = draft("renewed", &media, &o);
    let mut st = PublishState::default();
    Linkedin.upload(&s, &d, &mut st, &mut Recorder::default()).expect("uploaded");
    st.media_ready = true;
    state.lock().expect("lock").valid_tokens.clear();
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);

    let mut s = li_session(&srv.url, "revoked");
    let err = publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("revoked");
    assert_eq!(err.class(), ErrorClass::Reconnect);
    assert!(err.to_string().contains("revoked by the user"), "{err}");
}

#[test]
fn a_video_linkedin_cannot_process_is_rejected_with_its_reason() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_reason = Some("Video is too short".into());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("bad", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Video is too short"), "{err}");
    assert!(!st.final_sent && state.lock().expect("lock").posts.is_empty());
}

#[test]
fn linkedins_error_bodies_surface_their_message_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /rest/posts".into(),
        skip: 0,
        status: 422,
        body: json!({"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "ERROR :: /commentary :: Content is a duplicate of urn:li:share:7000000000000000001"}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("dup", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Content is a duplicate"), "{err}");
    assert!(!st.final_sent && st.media_ready);

    // A sunset LinkedIn-Version (426) says what to do about it.
    state.lock().expect("lock").failures.push(Failure {
        path: "GET /rest/socialActions".into(),
        skip: 0,
        status: 426,
        body: json!({"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20241101 is not active"}),
    });
    let err = Linkedin.metrics(&s, "urn:li:share:1").expect_err("426");
    assert!(err.to_string().contains("no longer accepts API version"), "{err}");
    assert!(err.to_string().contains("is not active"), "{err}");
}

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("ambiguous", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.finder_calls, 1);
    assert_eq!(server.posts[0]["id"], published.post_id.as_str());
}

#[test]
fn a_504_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Status504);
}

#[test]
fn a_dropped_connection_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Drop);
}

#[test]
fn without_the_author_finder_an_ambiguous_post_stays_unknown_and_is_never_reposted() {
    let (srv, state) = server();
    {
        let mut server = state.lock().expect("lock");
        server.after_create = AfterCreate::Status504;
        server.finder_forbidden = true;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = opts();
    let d = draft("unknowable", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect_err("unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown, "{err}");
    // Trying again asks first, cannot tell, and says so instead of posting a second time.
    let mut st = rec.last();
    assert!(st.final_sent);
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("still unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown, "{err}");
    assert!(err.to_string().contains("does not let this app list"), "{err}");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);
}

fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let mut rec = Recorder::default();
    let mut s = li_session(&srv.url, "tok-1");
    publish(&Linkedin, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
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
    let mut s = li_session(&srv.url, "tok-1");
    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    let mut st = saved.clone();
    let posted = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);

    let mut st = saved;
    let found = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.inits, 1);
}

#[test]
fn upload_urls_that_expired_before_the_resume_start_a_new_upload() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "PUT part 1".into(),
        skip: 0,
        status: 503,
        body: json!({"message": "Service Unavailable", "status": 503}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = opts();
    let d = draft("later", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("503");
    let mut st = first.last();
    let old_video = st.media_id.clone();
    // Resumed a day later: LinkedIn's upload URLs are no longer valid.
    st.extra["linkedin_upload"]["uploadUrlsExpireAt"] = json!(jiff::Timestamp::now().as_millisecond() - 1000);
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_ne!(st.media_id, old_video);
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 2);
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.posts[0]["content"]["media"]["id"], st.media_id.as_deref().unwrap_or_default());
}

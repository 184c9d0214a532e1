//! The LinkedIn REST contract server: OpenID userinfo, the Videos API with per-part upload URLs
//! and ETags, the Posts API and socialActions, Rest.li errors, version headers, and the "little
//! text" rendering that cuts commentary at an unescaped reserved character.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::Server;

mod videos;
use videos::{get_video, upload_part, videos_action};

/// LinkedIn cuts uploads into 4 MiB parts; the contract server uses 64 KiB so a small file has
/// several.
pub const PART: u64 = 64 * 1024;
pub const LEN: usize = 300_000;
pub const SUB: &str = "782bbtaQ";

pub struct Video {
    owner: String,
    size: u64,
    token: String,
    /// part index -> (bytes, etag)
    pub parts: BTreeMap<usize, (Vec<u8>, String)>,
    status: &'static str,
    polls_left: u32,
    fail_reason: Option<String>,
}

pub struct Failure {
    pub path: String,
    pub skip: u32,
    pub status: u16,
    pub body: Value,
}

#[derive(Clone, Copy, PartialEq)]
pub enum AfterCreate {
    Answer,
    Status504,
    Drop,
}

pub struct Li {
    base: String,
    pub valid_tokens: Vec<String>,
    pub videos: HashMap<String, Video>,
    pub posts: Vec<Value>,
    pub failures: Vec<Failure>,
    pub after_create: AfterCreate,
    /// Every part PUT that reached the server: (part index, accepted).
    pub puts: Vec<(usize, bool)>,
    pub inits: u32,
    pub video_polls: u32,
    pub finder_calls: u32,
    /// Without r_member_social the author finder answers 403.
    pub finder_forbidden: bool,
    processing_polls: u32,
    pub fail_reason: Option<String>,
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

/// What LinkedIn shows for little text: escapes removed, and the text cut at the first
/// reserved character that is neither escaped nor a hashtag's `#`.
pub fn rendered(commentary: &str) -> String {
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

pub fn server() -> (Server, S) {
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

//! A local server following the Mastodon REST contract (docs.joinmastodon.org: apps, OAuth,
//! media, statuses), stateful, with injectable failures. Shared by the connector tests and the
//! CLI's end-to-end account tests.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub struct Server {
    pub url: String,
    _rt: tokio::runtime::Runtime,
}

impl Server {
    pub fn start(router: Router) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url: format!("http://{addr}"), _rt: rt }
    }
}

#[derive(Default)]
pub struct Masto {
    pub valid_tokens: Vec<String>,
    pub media: HashMap<String, (u64, u32)>, // id -> (bytes, polls left before ready)
    pub statuses: Vec<Value>,
    pub idempotency: HashMap<String, Value>,
    /// Injected failures: (path prefix, status, body, retry-after); each used once.
    pub failures: VecDeque<(String, u16, Value, Option<u64>)>,
    /// The next status is created, then answered with a 500 (the ambiguous case).
    pub create_then_500: bool,
    pub next_id: u64,
    /// OAuth: registered apps (client_id -> redirect_uri), issued codes, revoked tokens.
    pub apps: HashMap<String, String>,
    pub codes: HashMap<String, (String, String)>, // code -> (code_challenge, redirect_uri)
    pub revoked: Vec<String>,
    /// Every token the server handed out, to check none leaks into files or output.
    pub issued: Vec<String>,
    /// Scheduler fault tests: forget Idempotency-Key (so only the client's own write-ahead
    /// bookkeeping prevents a double post), answer 503 to everything while down, and revoke
    /// every token once this many statuses exist.
    pub ignore_idempotency: bool,
    pub down: bool,
    pub revoke_after: Option<usize>,
    /// The next status with exactly this text is refused (422), once.
    pub refuse_once: Option<String>,
}

pub type S = Arc<Mutex<Masto>>;

fn authorized(st: &Masto, headers: &HeaderMap) -> bool {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    token.is_some_and(|t| st.valid_tokens.iter().any(|v| v == t))
}

fn injected(st: &mut Masto, path: &str) -> Option<Response> {
    let idx = st.failures.iter().position(|(p, ..)| path.starts_with(p.as_str()))?;
    let (_, code, body, retry) = st.failures.remove(idx)?;
    let mut resp = (StatusCode::from_u16(code).ok()?, Json(body)).into_response();
    if let Some(r) = retry {
        resp.headers_mut().insert("retry-after", r.to_string().parse().ok()?);
    }
    Some(resp)
}

/// Mastodon renders statuses as HTML: the text comes back escaped (links and paragraphs are
/// wrapped in tags too; plain words, as the tests use, come back as they went).
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn down() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "<html>Mastodon is down for maintenance</html>").into_response()
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({"error": "The access token is invalid"}))).into_response()
}

async fn verify(State(s): State<S>, headers: HeaderMap) -> Response {
    let st = s.lock().expect("lock");
    if st.down {
        return down();
    }
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    Json(json!({"id": "109", "acct": "creator", "display_name": "A Creator"})).into_response()
}

async fn upload(State(s): State<S>, headers: HeaderMap, mut form: Multipart) -> Response {
    // The body is read before answering, failures included: a server that answers mid-body and
    // closes the connection makes the client see a reset instead of the status, at random.
    let mut bytes = 0u64;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.map(|b| b.len() as u64).unwrap_or(0);
        }
    }
    {
        let mut st = s.lock().expect("lock");
        if let Some(r) = injected(&mut st, "/api/v2/media") {
            return r;
        }
        if st.down {
            return down();
        }
        if !authorized(&st, &headers) {
            return unauthorized();
        }
    }
    if bytes == 0 {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"error": "Validation failed: File can't be blank"})))
            .into_response();
    }
    let mut st = s.lock().expect("lock");
    st.next_id += 1;
    let id = format!("m{}", st.next_id);
    st.media.insert(id.clone(), (bytes, 2));
    (StatusCode::ACCEPTED, Json(json!({"id": id, "type": "video", "url": null}))).into_response()
}

async fn media(State(s): State<S>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let mut st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    match st.media.get_mut(&id) {
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "Record not found"}))).into_response(),
        Some((_, left)) if *left > 0 => {
            *left -= 1;
            (StatusCode::PARTIAL_CONTENT, Json(json!({"id": id, "url": null}))).into_response()
        }
        Some(_) => Json(json!({"id": id, "url": format!("https://files.example/{id}.mp4")})).into_response(),
    }
}

async fn create_status(State(s): State<S>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, "/api/v1/statuses") {
        return r;
    }
    if st.down {
        return down();
    }
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .filter(|_| !st.ignore_idempotency);
    if let Some(existing) = key.as_ref().and_then(|k| st.idempotency.get(k)) {
        return Json(existing.clone()).into_response();
    }
    let text = body["status"].as_str().unwrap_or_default();
    if st.refuse_once.as_deref() == Some(text) {
        st.refuse_once = None;
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"error": "Validation failed: Text is too spammy"})))
            .into_response();
    }
    if text.chars().count() > 500 {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "Validation failed: Text character limit of 500 exceeded"})),
        )
            .into_response();
    }
    let media_ids: Vec<String> =
        body["media_ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect();
    for m in &media_ids {
        if st.media.get(m).is_none_or(|(_, left)| *left > 0) {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": "Cannot attach files that have not finished processing. Try again in a moment!"})),
            )
                .into_response();
        }
    }
    let in_reply_to = body["in_reply_to_id"].as_str().map(str::to_string);
    if let Some(parent) = &in_reply_to {
        if !st.statuses.iter().any(|v| v["id"] == parent.as_str()) {
            return (StatusCode::NOT_FOUND, Json(json!({"error": "Record not found"}))).into_response();
        }
    }
    if text.trim().is_empty() && media_ids.is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"error": "Validation failed: Text can't be blank"})))
            .into_response();
    }
    st.next_id += 1;
    let id = format!("{}", 1000 + st.next_id);
    let status = json!({
        "id": id, "url": format!("https://masto.example/@creator/{id}"), "content": escaped(text),
        "visibility": body["visibility"], "favourites_count": 3, "reblogs_count": 2, "replies_count": 1,
        "media_attachments": media_ids.iter().map(|m| json!({"id": m})).collect::<Vec<_>>(),
        "in_reply_to_id": in_reply_to,
    });
    st.statuses.push(status.clone());
    if st.revoke_after.is_some_and(|n| st.statuses.len() >= n) {
        st.valid_tokens.clear();
    }
    if let Some(k) = key {
        st.idempotency.insert(k, status.clone());
    }
    if std::mem::take(&mut st.create_then_500) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "<html>We're sorry, but something went wrong</html>")
            .into_response();
    }
    Json(status).into_response()
}

async fn account_statuses(State(s): State<S>, headers: HeaderMap) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    let mut list = st.statuses.clone();
    list.reverse();
    Json(list).into_response()
}

async fn get_status(State(s): State<S>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let st = s.lock().expect("lock");
    if !authorized(&st, &headers) {
        return unauthorized();
    }
    match st.statuses.iter().find(|v| v["id"] == id.as_str()) {
        Some(v) => Json(v.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "Record not found"}))).into_response(),
    }
}

async fn register_app(State(s): State<S>, Json(body): Json<Value>) -> Response {
    let Some(redirect) = body["redirect_uris"].as_str().map(str::to_string) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "Validation failed: Redirect URI must be an absolute URI."})),
        )
            .into_response();
    };
    let mut st = s.lock().expect("lock");
    st.next_id += 1;
    let client_id = format!("client-{}", st.next_id);
    st.apps.insert(client_id.clone(), redirect);
    Json(json!({"id": st.next_id.to_string(), "name": body["client_name"], "client_id": client_id, "client_secret": format!("secret-{client_id}")})).into_response()
}

/// Stands in for the browser consent page: approves at once and redirects to the app.
async fn authorize(
    State(s): State<S>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    let client = q.get("client_id").cloned().unwrap_or_default();
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    if st.apps.get(&client) != Some(&redirect) {
        return (StatusCode::BAD_REQUEST, "The redirect uri included is not valid.").into_response();
    }
    if q.get("code_challenge_method").map(String::as_str) != Some("S256")
        || q.get("response_type").map(String::as_str) != Some("code")
    {
        return (StatusCode::BAD_REQUEST, "PKCE S256 is required").into_response();
    }
    st.next_id += 1;
    let code = format!("code-{}", st.next_id);
    st.codes.insert(code.clone(), (q.get("code_challenge").cloned().unwrap_or_default(), redirect.clone()));
    let state = q.get("state").cloned().unwrap_or_default();
    let to = format!("{redirect}?code={code}&state={state}");
    (StatusCode::FOUND, [("location", to)]).into_response()
}

async fn token(State(s): State<S>, axum::extract::Form(f): axum::extract::Form<HashMap<String, String>>) -> Response {
    use base64::Engine;
    use sha2::Digest;
    let mut st = s.lock().expect("lock");
    let invalid = |m: &str| {
        (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant", "error_description": m}))).into_response()
    };
    if f.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return invalid("unsupported grant");
    }
    let Some((challenge, redirect)) = f.get("code").and_then(|c| st.codes.remove(c)) else {
        return invalid("unknown or used code");
    };
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    if computed != challenge || f.get("redirect_uri") != Some(&redirect) {
        return invalid("PKCE verification failed");
    }
    if !f.get("client_secret").is_some_and(|s| s.starts_with("secret-client-")) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    st.next_id += 1;
    let at = format!("masto-at-{}-{}", st.next_id, std::process::id());
    st.valid_tokens.push(at.clone());
    st.issued.push(at.clone());
    Json(json!({"access_token": at, "token_type": "Bearer", "scope": "read write:media write:statuses profile", "created_at": 1})).into_response()
}

async fn revoke(State(s): State<S>, axum::extract::Form(f): axum::extract::Form<HashMap<String, String>>) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(t) = f.get("token") {
        st.valid_tokens.retain(|v| v != t);
        st.revoked.push(t.clone());
    }
    Json(json!({})).into_response()
}

pub fn server() -> (Server, S) {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Masto {
        valid_tokens: vec!["tok-1".into()],
        issued: vec!["tok-1".into()],
        ..Default::default()
    }));
    let router = Router::new()
        .route("/api/v1/accounts/verify_credentials", get(verify))
        .route("/api/v2/media", post(upload))
        .route("/api/v1/media/{id}", get(media))
        .route("/api/v1/statuses", post(create_status))
        .route("/api/v1/statuses/{id}", get(get_status))
        .route("/api/v1/accounts/{id}/statuses", get(account_statuses))
        .route("/api/v1/apps", post(register_app))
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .with_state(state.clone());
    (Server::start(router), state)
}

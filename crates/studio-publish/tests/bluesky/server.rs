//! Contract server: a PDS (com.atproto.server.*, com.atproto.repo.*, app.bsky.feed.getPosts via
//! its AppView) and Bluesky's video service, with failures on demand — what a test PDS cannot do
//! on demand (expired access tokens, 429s with `RateLimit-Reset`, 5xx mid-publish, video.bsky.app).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as AxPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use studio_publish::connector::Session;
use studio_publish::connectors::bluesky::{self};
use studio_publish::tokens::TokenSet;
use studio_publish::Sensitive;

use crate::common::{endpoints, Server};
use crate::support::{session_for, POST};

pub const DID: &str = "did:plc:contractcreator0000000000";
pub const HANDLE: &str = "creator.bsky.social";
const APP_PASSWORD: &str = "abcd-efgh-ijkl-mnop";
const PDS_DID: &str = "did:web:pds.contract.example";

#[derive(Default)]
pub struct Bsky {
    pds_url: String,
    video_url: String,
    pub access: Vec<String>,
    pub expired: Vec<String>,
    refresh: Vec<String>,
    minted: u64,
    blobs: HashMap<String, (String, usize)>,
    pub records: BTreeMap<String, Value>,
    /// Service tokens issued: token → (aud, lxm).
    service_tokens: HashMap<String, (String, String)>,
    /// Injected failures on an NSID: (status, body, extra headers); each used once.
    failures: VecDeque<Failure>,
    pub create_then_502: bool,
    /// Bytes of every uploadBlob / uploadVideo request, in order.
    pub blob_uploads: Vec<usize>,
    pub video_uploads: Vec<usize>,
    pub limits: Value,
    /// jobId → (polls before done, blob, failure message).
    jobs: HashMap<String, (u32, Value, Option<String>)>,
    pub job_polls: u32,
    /// The next job fails (`JOB_STATE_FAILED`) with this message.
    pub fail_next_job: Option<String>,
}

type S = Arc<Mutex<Bsky>>;

/// An injected answer for one NSID: status, body, extra headers.
pub type Failure = (String, u16, Value, Vec<(String, String)>);

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Tokens shaped like the PDS's (a JWT with scope, aud, sub, exp); the signature is not checked
/// by the connector, so it is a counter here.
fn mint(st: &mut Bsky, typ: &str, ttl: i64) -> String {
    st.minted += 1;
    let now = jiff::Timestamp::now().as_second();
    let claims = json!({"scope": "com.atproto.appPass", "aud": PDS_DID, "sub": DID, "iat": now, "exp": now + ttl, "jti": format!("t{}", st.minted)});
    format!("{}.{}.sig{}", b64(&json!({"typ": typ, "alg": "HS256"})), b64(&claims), st.minted)
}

fn xerr(status: u16, name: &str, message: &str) -> Response {
    (StatusCode::from_u16(status).expect("status"), Json(json!({"error": name, "message": message}))).into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers.get("authorization")?.to_str().ok()?.strip_prefix("Bearer ").map(str::to_string)
}

/// The PDS's auth verifier: unknown and expired tokens are 400s with their own error names.
fn check_access(st: &Bsky, headers: &HeaderMap) -> Option<Response> {
    match bearer(headers) {
        None => Some(xerr(401, "AuthMissing", "Authentication Required")),
        Some(t) if st.access.contains(&t) => None,
        Some(t) if st.expired.contains(&t) => Some(xerr(400, "ExpiredToken", "Token has expired")),
        Some(_) => Some(xerr(400, "InvalidToken", "Token could not be verified")),
    }
}

fn injected(st: &mut Bsky, nsid: &str) -> Option<Response> {
    let idx = st.failures.iter().position(|(n, ..)| n == nsid)?;
    let (_, code, body, headers) = st.failures.remove(idx)?;
    let mut resp = (StatusCode::from_u16(code).ok()?, Json(body)).into_response();
    for (k, v) in headers {
        resp.headers_mut().insert(axum::http::HeaderName::from_bytes(k.as_bytes()).ok()?, v.parse().ok()?);
    }
    Some(resp)
}

fn is_tid(k: &str) -> bool {
    const A: &str = "234567abcdefghijklmnopqrstuvwxyz";
    k.len() == 13 && k.starts_with(|c: char| "234567abcdefghij".contains(c)) && k.chars().all(|c| A.contains(c))
}

fn session_reply(st: &mut Bsky) -> Value {
    let access = mint(st, "at+jwt", 7200);
    let refresh = mint(st, "refresh+jwt", 90 * 86400);
    st.access.push(access.clone());
    st.refresh.push(refresh.clone());
    json!({
        "accessJwt": access, "refreshJwt": refresh, "handle": HANDLE, "did": DID, "active": true,
        "didDoc": {"id": DID, "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": st.pds_url}]},
    })
}

async fn pds_get(
    State(s): State<S>,
    AxPath(nsid): AxPath<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, &nsid) {
        return r;
    }
    let public = nsid == "com.atproto.repo.getRecord";
    if !public {
        if let Some(r) = check_access(&st, &headers) {
            return r;
        }
    }
    let arg = |k: &str| q.get(k).cloned().unwrap_or_default();
    match nsid.as_str() {
        "com.atproto.server.getSession" => {
            Json(json!({"did": DID, "handle": HANDLE, "email": "c@example.com", "active": true})).into_response()
        }
        "com.atproto.repo.getRecord" => {
            let uri = format!("at://{}/{}/{}", arg("repo"), arg("collection"), arg("rkey"));
            match st.records.get(&arg("rkey")).filter(|r| r["uri"] == uri.as_str()) {
                Some(r) => Json(r.clone()).into_response(),
                None => xerr(400, "RecordNotFound", &format!("Could not locate record: {uri}")),
            }
        }
        "app.bsky.feed.getPosts" => {
            let uri = arg("uris");
            let posts: Vec<Value> = st
                .records
                .values()
                .filter(|r| r["uri"] == uri.as_str())
                .map(|r| json!({"uri": r["uri"], "cid": r["cid"], "record": r["value"], "likeCount": 7, "repostCount": 2, "replyCount": 1, "quoteCount": 0}))
                .collect();
            Json(json!({"posts": posts})).into_response()
        }
        "com.atproto.server.getServiceAuth" => {
            st.minted += 1;
            let token = format!("svc-{}", st.minted);
            st.service_tokens.insert(token.clone(), (arg("aud"), arg("lxm")));
            Json(json!({"token": token})).into_response()
        }
        _ => xerr(501, "MethodNotImplemented", "Method Not Implemented"),
    }
}

async fn pds_post(State(s): State<S>, AxPath(nsid): AxPath<String>, headers: HeaderMap, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, &nsid) {
        return r;
    }
    match nsid.as_str() {
        "com.atproto.server.createSession" => {
            let b: Value = serde_json::from_slice(&body).unwrap_or_default();
            if b["identifier"] != HANDLE || b["password"] != APP_PASSWORD {
                return xerr(401, "AuthenticationRequired", "Invalid identifier or password");
            }
            return Json(session_reply(&mut st)).into_response();
        }
        "com.atproto.server.refreshSession" => {
            // Strict rotation (the real PDS allows a 2 h grace; see the real-PDS test).
            let Some(t) = bearer(&headers).filter(|t| st.refresh.contains(t)) else {
                return xerr(400, "ExpiredToken", "Token has been revoked");
            };
            st.refresh.retain(|r| *r != t);
            return Json(session_reply(&mut st)).into_response();
        }
        _ => {}
    }
    if let Some(r) = check_access(&st, &headers) {
        return r;
    }
    match nsid.as_str() {
        "com.atproto.repo.uploadBlob" => {
            let mime = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("*/*").to_string();
            st.blob_uploads.push(body.len());
            let cid = format!("bafkrei{:0>20}", st.blobs.len() + 1);
            st.blobs.insert(cid.clone(), (mime.clone(), body.len()));
            Json(json!({"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": body.len()}}))
                .into_response()
        }
        "com.atproto.repo.createRecord" => {
            let b: Value = serde_json::from_slice(&body).unwrap_or_default();
            let rkey = b["rkey"].as_str().unwrap_or_default().to_string();
            if b["repo"] != DID || b["collection"] != POST {
                return xerr(400, "InvalidRequest", "Invalid repo or collection");
            }
            if !is_tid(&rkey) {
                return xerr(
                    400,
                    "InvalidRequest",
                    &format!("Invalid record key for {POST}: Invalid TID string (got \"{rkey}\") at $"),
                );
            }
            let text = b["record"]["text"].as_str().unwrap_or_default();
            if unicode_count(text) > 300 {
                return xerr(
                    400,
                    "InvalidRequest",
                    &format!("Invalid {POST} record: Record/text must not be longer than 300 graphemes"),
                );
            }
            let embed = &b["record"]["embed"];
            let blob =
                if embed["$type"] == "app.bsky.embed.video" { &embed["video"] } else { &embed["images"][0]["image"] };
            let cid = blob["ref"]["$link"].as_str().unwrap_or_default();
            if !st.blobs.contains_key(cid) {
                return xerr(400, "InvalidRequest", &format!("Could not find blob: {cid}"));
            }
            if st.records.contains_key(&rkey) {
                // What @atproto/pds 0.4 answers for a key that exists (measured).
                return xerr(500, "InternalServerError", "Internal Server Error");
            }
            let uri = format!("at://{DID}/{POST}/{rkey}");
            let record = json!({"uri": uri, "cid": format!("bafyrei{rkey}"), "value": b["record"]});
            st.records.insert(rkey, record.clone());
            if std::mem::take(&mut st.create_then_502) {
                return (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response();
            }
            Json(json!({"uri": uri, "cid": record["cid"], "commit": {"cid": "bafyreicommit", "rev": "3l"}, "validationStatus": "valid"})).into_response()
        }
        _ => xerr(501, "MethodNotImplemented", "Method Not Implemented"),
    }
}

/// The lexicon counts graphemes; for this server's captions characters are the same.
fn unicode_count(s: &str) -> usize {
    s.chars().count()
}

fn did_web(url: &str) -> String {
    let u = url::Url::parse(url).expect("url");
    format!("did:web:{}%3A{}", u.host_str().expect("host"), u.port().expect("port"))
}

/// video.bsky.app: service tokens for its own DID (limits) or for the creator's PDS (upload).
async fn video_get(
    State(s): State<S>,
    AxPath(nsid): AxPath<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, &nsid) {
        return r;
    }
    match nsid.as_str() {
        "app.bsky.video.getUploadLimits" => {
            let token = bearer(&headers).and_then(|t| st.service_tokens.get(&t).cloned());
            if token != Some((did_web(&st.video_url), "app.bsky.video.getUploadLimits".into())) {
                return xerr(401, "AuthenticationRequired", "jwt audience does not match service did");
            }
            Json(st.limits.clone()).into_response()
        }
        "app.bsky.video.getJobStatus" => {
            let job = q.get("jobId").cloned().unwrap_or_default();
            st.job_polls += 1;
            let Some((left, blob, failure)) = st.jobs.get_mut(&job) else {
                return xerr(404, "NotFound", "job not found");
            };
            if *left > 0 {
                *left -= 1;
                return Json(
                    json!({"jobStatus": {"jobId": job, "did": DID, "state": "JOB_STATE_ENCODING", "progress": 40}}),
                )
                .into_response();
            }
            match failure {
                Some(m) => Json(json!({"jobStatus": {"jobId": job, "did": DID, "state": "JOB_STATE_FAILED", "error": "Video too long", "message": m}})).into_response(),
                None => Json(json!({"jobStatus": {"jobId": job, "did": DID, "state": "JOB_STATE_COMPLETED", "progress": 100, "blob": blob}})).into_response(),
            }
        }
        _ => xerr(501, "MethodNotImplemented", "Method Not Implemented"),
    }
}

async fn video_post(
    State(s): State<S>,
    AxPath(nsid): AxPath<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = injected(&mut st, &nsid) {
        return r;
    }
    if nsid != "app.bsky.video.uploadVideo" {
        return xerr(501, "MethodNotImplemented", "Method Not Implemented");
    }
    // The service stores the result on the creator's PDS with this token: its audience must be
    // that PDS's DID (the `aud` of the creator's own access token), its method uploadBlob.
    let token = bearer(&headers).and_then(|t| st.service_tokens.get(&t).cloned());
    if token != Some((PDS_DID.into(), "com.atproto.repo.uploadBlob".into())) {
        return xerr(401, "AuthenticationRequired", "bad service token");
    }
    if q.get("did").map(String::as_str) != Some(DID) || !q.get("name").is_some_and(|n| n.ends_with(".mp4")) {
        return xerr(400, "InvalidRequest", "did and name are required");
    }
    st.video_uploads.push(body.len());
    let cid = format!("bafkreivideo{:0>13}", st.video_uploads.len());
    st.blobs.insert(cid.clone(), ("video/mp4".into(), body.len()));
    let job = format!("job-{}", st.video_uploads.len());
    let blob = json!({"$type": "blob", "ref": {"$link": cid}, "mimeType": "video/mp4", "size": body.len()});
    let failure = st.fail_next_job.take();
    st.jobs.insert(job.clone(), (2, blob, failure));
    Json(json!({"jobStatus": {"jobId": job, "did": DID, "state": "JOB_STATE_CREATED"}})).into_response()
}

pub struct Contract {
    pub pds: Server,
    video: Server,
    pub state: S,
}

pub fn contract() -> Contract {
    std::env::set_var("STUDIO_POLL_MS", "10");
    let state: S = Arc::new(Mutex::new(Bsky {
        limits: json!({"canUpload": true, "remainingDailyVideos": 25, "remainingDailyBytes": 10_000_000_000u64}),
        ..Default::default()
    }));
    let pds = Server::start(Router::new().route("/xrpc/{nsid}", get(pds_get).post(pds_post)).with_state(state.clone()));
    let video =
        Server::start(Router::new().route("/xrpc/{nsid}", get(video_get).post(video_post)).with_state(state.clone()));
    {
        let mut st = state.lock().expect("lock");
        st.pds_url = pds.url.clone();
        st.video_url = video.url.clone();
    }
    Contract { pds, video, state }
}

impl Contract {
    pub fn sign_in(&self) -> (TokenSet, Session) {
        let t =
            bluesky::sign_in(&endpoints(&self.pds.url), HANDLE, &Sensitive::new(APP_PASSWORD.into())).expect("sign in");
        let mut s = session_for(&self.pds.url, &t);
        s.endpoints.upload = url::Url::parse(&self.video.url).expect("url");
        (t, s)
    }

    pub fn fail(&self, nsid: &str, status: u16, body: Value, headers: &[(&str, String)]) {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        self.state.lock().expect("lock").failures.push_back((nsid.into(), status, body, headers));
    }
}

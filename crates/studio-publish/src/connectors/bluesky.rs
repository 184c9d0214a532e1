//! Bluesky (AT Protocol): XRPC on the creator's PDS, docs.bsky.app.
//!
//! Sign-in is a handle and an app password: `com.atproto.server.createSession` gives an access
//! JWT (about 2 h) and a refresh JWT; `com.atproto.server.refreshSession`, called with the refresh
//! JWT, rotates both. Expired or unknown tokens come back as `400 {"error":"ExpiredToken"}` or
//! `{"error":"InvalidToken"}`, not as a 401, so this connector classifies them itself.
//!
//! Media is a blob: `com.atproto.repo.uploadBlob` takes the raw bytes (one request; there is no
//! resumable upload). Video goes to Bluesky's video service first when there is one
//! (docs.bsky.app/docs/tutorials/video): a service token from `com.atproto.server.getServiceAuth`,
//! `app.bsky.video.uploadVideo`, then `app.bsky.video.getJobStatus` until it hands back the blob
//! the service stored on the PDS. A PDS without a video service (a self-hosted one, a test PDS)
//! takes the MP4 through `uploadBlob` like an image — the "simple method" of the same tutorial.
//!
//! The post is a record: `com.atproto.repo.createRecord` of an `app.bsky.feed.post`. AT Protocol
//! lets the client choose the record key, so the key is derived from the draft's idempotency
//! key: a repeated create cannot make a second post, and reconciliation is an exact
//! `com.atproto.repo.getRecord` of that key — exactly once by construction.
use std::io::Read;
use std::time::Duration;

use base64::Engine;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::json::{s, u};
use crate::connector::{
    poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Reply, Session,
};
use crate::endpoints::{check_url, Endpoints};
use crate::error::ErrorClass;
use crate::http::{file_chunk, Classifier, Http, Step};
use crate::platform::PlatformId;
use crate::sensitive::Sensitive;
use crate::tokens::TokenSet;
use crate::{PublishError, Result};

pub struct Bluesky;

const NAME: &str = "Bluesky";
const POST: &str = "app.bsky.feed.post";
/// Bluesky's video service (docs.bsky.app/docs/tutorials/video).
pub const VIDEO_SERVICE: &str = "https://video.bsky.app";
/// How long a video-upload service token lives: the tutorial recommends 30 minutes.
const SERVICE_TOKEN_S: i64 = 30 * 60;
/// The scope of a session opened with the account password instead of an app password
/// (@atproto/pds auth-scope: `com.atproto.access` vs `com.atproto.appPass`).
const FULL_ACCESS_SCOPE: &str = "com.atproto.access";

fn xrpc(base: &Url, nsid: &str) -> String {
    format!("{}/xrpc/{nsid}", base.as_str().trim_end_matches('/'))
}

/// XRPC errors are `{"error": Name, "message": …}`. The token ones arrive as 400 (the PDS's
/// auth verifier throws InvalidRequestError for them), which the generic reading would take
/// for a rejected post.
pub fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    let name = json.get("error").and_then(Value::as_str)?;
    let message = s(json, "message").unwrap_or_else(|| name.to_string());
    let platform = NAME.to_string();
    match (status.as_u16(), name) {
        (400 | 401, "ExpiredToken" | "InvalidToken") => Some(PublishError::TokenExpired { platform, message }),
        (401 | 403, "AuthenticationRequired" | "AuthMissing" | "AccountTakedown" | "AccountDeactivated") => {
            Some(PublishError::Reconnect { platform, message })
        }
        _ => None,
    }
}

fn http() -> Result<Http> {
    Ok(Http::new(PlatformId::Bluesky)?.with_classifier(classify))
}

/// The claims of one of our own JWTs. Not verified: they are read only for the expiry (refresh
/// timing) and the audience (which PDS issued them).
fn jwt_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The `#atproto_pds` service of a DID document, if it is a URL we may talk to.
fn pds_of(did_doc: Option<&Value>) -> Option<String> {
    did_doc?
        .get("service")?
        .as_array()?
        .iter()
        .find(|svc| s(svc, "id").is_some_and(|id| id.ends_with("#atproto_pds")))
        .and_then(|svc| s(svc, "serviceEndpoint"))
        .and_then(|url| check_url(&url).ok())
        .map(|url| url.as_str().trim_end_matches('/').to_string())
}

/// A createSession / refreshSession reply as a token set: the DID as the user id, expiry from the
/// access JWT, and the PDS (from the DID document when the server sends one) remembered in
/// `extra` with the handle.
fn token_set(reply: &Value, server: &Url) -> Result<TokenSet> {
    let missing = |what: &str| PublishError::retry(NAME, format!("the session reply had no {what}"));
    let access = s(reply, "accessJwt").ok_or_else(|| missing("accessJwt"))?;
    let refresh = s(reply, "refreshJwt").ok_or_else(|| missing("refreshJwt"))?;
    let did = s(reply, "did").ok_or_else(|| missing("did"))?;
    let mut t = TokenSet::new(access);
    t.expires_at = jwt_claims(t.access.expose()).and_then(|c| c.get("exp").and_then(Value::as_i64));
    t.scope = jwt_claims(t.access.expose()).and_then(|c| s(&c, "scope"));
    t.refresh = Some(Sensitive::new(refresh));
    t.user_id = Some(did);
    let pds = pds_of(reply.get("didDoc")).unwrap_or_else(|| server.as_str().trim_end_matches('/').to_string());
    t.extra.insert("pds".into(), Value::String(pds));
    if let Some(handle) = s(reply, "handle") {
        t.extra.insert("handle".into(), Value::String(handle));
    }
    Ok(t)
}

/// Signs in with a handle (or email) and an app password (`com.atproto.server.createSession`
/// on `endpoints.api`, the creator's server, https://bsky.social by default).
///
/// The account password is refused: a session opened with it may change the password, the
/// email or delete the account, and Viral Studio only needs to post.
pub fn sign_in(endpoints: &Endpoints, identifier: &str, app_password: &Sensitive<String>) -> Result<TokenSet> {
    let http = http()?;
    let identifier = identifier.trim().trim_start_matches('@');
    let req = http
        .client()
        .post(xrpc(&endpoints.api, "com.atproto.server.createSession"))
        .json(&json!({ "identifier": identifier, "password": app_password.expose() }));
    let reply: Value = http.json(req, Step::Repeatable).map_err(|e| match e {
        PublishError::Reconnect { message, .. } | PublishError::TokenExpired { message, .. } => {
            PublishError::Auth(format!("{NAME} did not accept that handle and app password ({message})"))
        }
        other => other,
    })?;
    let tokens = token_set(&reply, &endpoints.api)?;
    if tokens.scope.as_deref() == Some(FULL_ACCESS_SCOPE) {
        // Best effort: the session we will not use should not linger on the server.
        let _ = sign_out(endpoints, &tokens);
        return Err(PublishError::Auth(format!(
            "that is your {NAME} account password; create an app password in Settings → Privacy and security → App passwords and use it instead"
        )));
    }
    Ok(tokens)
}

/// Renews the session (`com.atproto.server.refreshSession` with the refresh JWT as the bearer).
/// The PDS rotates the refresh JWT: store the returned one. A refused refresh JWT means the
/// sign-in is gone (revoked, expired, app password deleted): the creator must reconnect.
pub fn refresh(endpoints: &Endpoints, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
    let http = http()?;
    let req = http
        .client()
        .post(xrpc(&endpoints.api, "com.atproto.server.refreshSession"))
        .bearer_auth(refresh_token.expose());
    let reply: Value = http.json(req, Step::Repeatable).map_err(|e| match e {
        PublishError::TokenExpired { platform, message } => PublishError::Reconnect { platform, message },
        other => other,
    })?;
    token_set(&reply, &endpoints.api)
}

/// Ends the session on the server (`com.atproto.server.deleteSession` with the refresh JWT). The
/// app password itself stays until the creator deletes it in Bluesky's settings.
pub fn sign_out(endpoints: &Endpoints, tokens: &TokenSet) -> Result<bool> {
    let Some(rt) = tokens.refresh.as_ref().filter(|r| !r.is_empty()) else { return Ok(false) };
    let http = http()?;
    let req = http.client().post(xrpc(&endpoints.api, "com.atproto.server.deleteSession")).bearer_auth(rt.expose());
    match http.send(req, Step::Repeatable) {
        Ok(_) => Ok(true),
        // Already expired or revoked: nothing is left to end.
        Err(PublishError::TokenExpired { .. } | PublishError::Reconnect { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// `endpoints` with the API pointed at the account's own PDS (remembered at sign-in from the
/// DID document), where the entryway (bsky.social) is only the sign-in server. An explicit
/// upload (video service) override is kept.
pub fn pds_endpoints(endpoints: &Endpoints, tokens: &TokenSet) -> Result<Endpoints> {
    let Some(pds) = tokens.extra.get("pds").and_then(Value::as_str) else { return Ok(endpoints.clone()) };
    let pds = check_url(pds)?;
    let mut e = endpoints.clone();
    if e.upload == e.api {
        e.upload = pds.clone();
    }
    e.api = pds;
    Ok(e)
}

/// The record key of the post for one idempotency key: a TID (the key type `app.bsky.feed.post`
/// requires; the PDS refuses any other syntax) made from a hash of the key instead of the clock.
///
/// 64 bits: 0, 53 bits of microseconds, 10 bits of clock id, in base32-sortable. The
/// microseconds are 2023-01-01T00:00:00Z plus 43 hash bits (a window of about 102 days), so the
/// keys lie in the past and never meet the TIDs servers mint for new records today, while 53
/// bits of hash keep two keys of one account apart. Keys containing "gg" are skipped: the PDS
/// refuses record keys matching its slur list, and that is the only entry of it a 13-character
/// base32 word can match.
pub fn record_key(idempotency_key: &str) -> String {
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    const BASE_US: u64 = 1_672_531_200_000_000;
    let mut key = String::new();
    for n in 0u32..64 {
        let digest = Sha256::digest(format!("viral-studio/bluesky-rkey/{n}/{idempotency_key}").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let h = u64::from_be_bytes(first);
        let micros = BASE_US + ((h >> 21) & ((1 << 43) - 1));
        let tid = (micros << 10) | (h & 0x3ff);
        key = (0..13).map(|i| ALPHABET[((tid >> (5 * (12 - i))) & 31) as usize] as char).collect();
        if !key.contains("gg") {
            break;
        }
    }
    key
}

/// Links (http/https) and hashtags as `app.bsky.richtext.facet`s, indexed in UTF-8 bytes as the
/// lexicon requires. Mentions are not linked: that needs a handle resolution per name.
pub fn facets(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(st)) => {
                if let Some(f) = facet(&text[st..i], st) {
                    out.push(f);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn facet(word: &str, at: usize) -> Option<Value> {
    let index = |len: usize| json!({ "byteStart": at, "byteEnd": at + len });
    if word.starts_with("https://") || word.starts_with("http://") {
        let mut uri = word.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'']);
        if uri.ends_with(')') && !uri.contains('(') {
            uri = &uri[..uri.len() - 1];
        }
        let host = uri.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
        if host.is_empty() {
            return None;
        }
        return Some(json!({
            "index": index(uri.len()),
            "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": uri }],
        }));
    }
    let tag = word.strip_prefix('#')?.trim_end_matches(|c: char| c.is_ascii_punctuation());
    // The app's own rule: not only digits, at most 64 characters (facet `tag` maxGraphemes 64).
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) || tag.chars().count() > 64 {
        return None;
    }
    Some(json!({
        "index": index(1 + tag.len()),
        "features": [{ "$type": "app.bsky.richtext.facet#tag", "tag": tag }],
    }))
}

/// A `did:web` for a service URL (a port is written `%3A` in did:web).
fn did_web(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("did:web:{host}%3A{port}"),
        None => format!("did:web:{host}"),
    }
}

/// The video service to try: an explicit upload endpoint, or Bluesky's for an https PDS. A
/// loopback PDS has none: the service stores the result on the PDS over the network and could
/// not reach it.
fn video_service(e: &Endpoints) -> Option<Url> {
    if e.upload != e.api {
        return Some(e.upload.clone());
    }
    (e.api.scheme() == "https").then(|| Url::parse(VIDEO_SERVICE).ok()).flatten()
}

fn blob_cid(blob: &Value) -> Option<String> {
    blob.pointer("/ref/$link").and_then(Value::as_str).map(str::to_string)
}

fn parse_at_uri(uri: &str) -> Option<(&str, &str, &str)> {
    let mut parts = uri.strip_prefix("at://")?.splitn(3, '/');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

impl Bluesky {
    fn post_url(s_: &Session, did: &str, rkey: &str) -> String {
        let who = s_.handle.as_deref().map(|h| h.trim_start_matches('@')).filter(|h| !h.is_empty()).unwrap_or(did);
        format!("https://bsky.app/profile/{who}/post/{rkey}")
    }

    /// `com.atproto.repo.getRecord`; `None` when the PDS says the record is not there.
    fn get_record(s_: &Session, repo: &str, collection: &str, rkey: &str) -> Result<Option<Value>> {
        let req = s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "com.atproto.repo.getRecord")).query(&[
            ("repo", repo),
            ("collection", collection),
            ("rkey", rkey),
        ]));
        match s_.http.json::<Value>(req, Step::Repeatable) {
            Ok(v) => Ok(Some(v)),
            Err(PublishError::Rejected { platform_code: Some(code), .. }) if code == "RecordNotFound" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `{uri, cid}` of a post, as a reply names its root and parent.
    fn strong_ref(s_: &Session, uri: &str) -> Result<Value> {
        let (repo, collection, rkey) =
            parse_at_uri(uri).ok_or_else(|| PublishError::Invalid(format!("{uri} is not an at:// post URI")))?;
        let rec = Self::get_record(s_, repo, collection, rkey)?
            .ok_or_else(|| PublishError::Invalid(format!("the post being answered ({uri}) was deleted")))?;
        let cid = s(&rec, "cid").ok_or_else(|| PublishError::retry(NAME, "getRecord answered without a cid"))?;
        Ok(json!({ "uri": s(&rec, "uri").unwrap_or_else(|| uri.to_string()), "cid": cid }))
    }

    /// A service token for `aud` limited to one method (`com.atproto.server.getServiceAuth`).
    fn service_auth(s_: &Session, aud: &str, lxm: &str, exp: Option<i64>) -> Result<Sensitive<String>> {
        let mut query = vec![("aud", aud.to_string()), ("lxm", lxm.to_string())];
        if let Some(exp) = exp {
            query.push(("exp", exp.to_string()));
        }
        let req =
            s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "com.atproto.server.getServiceAuth")).query(&query));
        let v: Value = s_.http.json(req, Step::Repeatable)?;
        s(&v, "token").map(Sensitive::new).ok_or_else(|| PublishError::retry(NAME, "getServiceAuth returned no token"))
    }

    /// The DID of the PDS that issued our access token: the audience the video service must
    /// present when it stores the processed video there.
    fn pds_did(s_: &Session) -> String {
        jwt_claims(s_.access_token.expose())
            .and_then(|c| s(&c, "aud"))
            .filter(|aud| aud.starts_with("did:"))
            .unwrap_or_else(|| did_web(&s_.endpoints.api))
    }

    fn save_blob(st: &mut PublishState, p: &mut dyn Progress, blob: Value, total: u64) -> Result<()> {
        let cid = blob_cid(&blob).ok_or_else(|| PublishError::retry(NAME, "the blob reference has no CID"))?;
        st.media_id = Some(cid);
        st.extra.insert("blob".into(), blob);
        st.extra.remove("video_job");
        st.uploaded_bytes = total;
        p.checkpoint(st)?;
        p.uploaded(total, total);
        Ok(())
    }

    /// `com.atproto.repo.uploadBlob`: the raw file, streamed from disk.
    fn upload_blob(s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let total = d.media.size();
        let req = s_
            .bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.uploadBlob")))
            .header(CONTENT_TYPE, &d.media.mime)
            .body(file_chunk(&d.media.path, 0, total)?);
        let reply: Value = s_.http.json(req, Step::Repeatable)?;
        let blob =
            reply.get("blob").cloned().ok_or_else(|| PublishError::retry(NAME, "uploadBlob returned no blob"))?;
        Self::save_blob(st, p, blob, total)
    }

    /// Whether the video service takes this account's video now (`app.bsky.video.getUploadLimits`
    /// with a service token for the video service). `Ok(false)`: there is no video service here.
    fn video_service_ready(s_: &Session, svc: &Url) -> Result<bool> {
        // A PDS that will not mint the token (our own access token's errors still propagate).
        let token = match Self::service_auth(s_, &did_web(svc), "app.bsky.video.getUploadLimits", None) {
            Ok(t) => t,
            Err(e) if e.class() == ErrorClass::BadRequest => return Ok(false),
            Err(e) => return Err(e),
        };
        let req = s_.http.client().get(xrpc(svc, "app.bsky.video.getUploadLimits")).bearer_auth(token.expose());
        let limits: Value = match s_.http.json(req, Step::Repeatable) {
            Ok(v) => v,
            // No such method there (a PDS answers 400 "No service configured"), or it refuses the
            // service token: not a video service we can use. Its refusal says nothing about the
            // creator's sign-in, so it must not become a refresh or a reconnect.
            Err(e)
                if matches!(e.class(), ErrorClass::BadRequest | ErrorClass::RefreshToken | ErrorClass::Reconnect) =>
            {
                tracing::info!("no Bluesky video service ({e}); uploading the video as a blob");
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        if limits.get("canUpload").and_then(Value::as_bool) == Some(false) {
            let message = s(&limits, "message")
                .or_else(|| s(&limits, "error"))
                .unwrap_or_else(|| "this account cannot upload videos right now".into());
            return Err(PublishError::Rejected { platform: NAME.into(), message, platform_code: s(&limits, "error") });
        }
        Ok(true)
    }

    /// `app.bsky.video.uploadVideo`: the file in one request with a service token the video
    /// service uses to store the result on our PDS. Returns the job status.
    fn start_video_job(s_: &Session, d: &Draft<'_>, svc: &Url) -> Result<Value> {
        let total = d.media.size();
        let exp = jiff::Timestamp::now().as_second() + SERVICE_TOKEN_S;
        let token = Self::service_auth(s_, &Self::pds_did(s_), "com.atproto.repo.uploadBlob", Some(exp))?;
        // A neutral name: the creator's file name says nothing the service needs.
        let name = format!("{}.mp4", record_key(d.idempotency_key));
        let req = s_
            .http
            .client()
            .post(xrpc(svc, "app.bsky.video.uploadVideo"))
            .query(&[("did", s_.user_id()?), ("name", name.as_str())])
            .bearer_auth(token.expose())
            .header(CONTENT_TYPE, &d.media.mime)
            .body(file_chunk(&d.media.path, 0, total)?);
        let resp = req.send().map_err(|e| PublishError::retry(NAME, e.without_url().to_string()))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        let _ = resp.take(1024 * 1024).read_to_end(&mut body);
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        // The lexicon wraps the status in `jobStatus`; the tutorial reads it unwrapped. A video
        // the service already has answers with an error (`already_exists`) and still a job id
        // or the blob: that is a usable status too.
        let job = json.get("jobStatus").cloned().unwrap_or(json);
        if status.is_success() || s(&job, "jobId").is_some() || job.get("blob").is_some() {
            return Ok(job);
        }
        match s_.http.error_from(status, &headers, &body, Step::Repeatable) {
            // The service refused the service token, not the creator's sign-in: a new attempt
            // mints a new one.
            PublishError::TokenExpired { message, .. } | PublishError::Reconnect { message, .. } => {
                Err(PublishError::retry(NAME, format!("the video service refused the upload token ({message})")))
            }
            e => Err(e),
        }
    }

    /// One `app.bsky.video.getJobStatus`: the blob once there is one (whatever the state says,
    /// per the tutorial), an error if the job failed, `None` while it runs.
    fn job_blob(s_: &Session, svc: &Url, job: &str) -> Result<Option<Value>> {
        let req = s_.http.client().get(xrpc(svc, "app.bsky.video.getJobStatus")).query(&[("jobId", job)]);
        let v: Value = s_.http.json(req, Step::Repeatable)?;
        let status = v.get("jobStatus").unwrap_or(&v);
        Self::blob_or_failure(status)
    }

    fn blob_or_failure(status: &Value) -> Result<Option<Value>> {
        if let Some(blob) = status.get("blob").filter(|b| blob_cid(b).is_some()) {
            return Ok(Some(blob.clone()));
        }
        if s(status, "state").as_deref() == Some("JOB_STATE_FAILED") {
            return Err(PublishError::Rejected {
                platform: NAME.into(),
                message: s(status, "message")
                    .or_else(|| s(status, "error"))
                    .unwrap_or_else(|| "the video could not be processed".into()),
                platform_code: s(status, "error"),
            });
        }
        Ok(None)
    }

    /// The video-service path. `Ok(false)` when there is no video service to use.
    fn upload_video(
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        p: &mut dyn Progress,
        svc: &Url,
    ) -> Result<bool> {
        let total = d.media.size();
        let resumed = st.extra.get("video_job").and_then(Value::as_str).map(str::to_string);
        let job = match resumed {
            Some(job) => job,
            None => {
                if !Self::video_service_ready(s_, svc)? {
                    return Ok(false);
                }
                let status = Self::start_video_job(s_, d, svc)?;
                if let Some(blob) = Self::blob_or_failure(&status)? {
                    Self::save_blob(st, p, blob, total)?;
                    return Ok(true);
                }
                let job =
                    s(&status, "jobId").ok_or_else(|| PublishError::retry(NAME, "uploadVideo returned no job id"))?;
                st.extra.insert("video_job".into(), Value::String(job.clone()));
                st.uploaded_bytes = total;
                p.checkpoint(st)?;
                p.uploaded(total, total);
                job
            }
        };
        match poll(NAME, "processing the video", Duration::from_secs(900), p, || Self::job_blob(s_, svc, &job)) {
            Ok(blob) => Self::save_blob(st, p, blob, total).map(|()| true),
            Err(e) if e.class() == ErrorClass::BadRequest => {
                // A failed job, or one the service no longer knows: the next attempt uploads again.
                st.extra.remove("video_job");
                st.uploaded_bytes = 0;
                p.checkpoint(st)?;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    fn record(d: &Draft<'_>, blob: &Value) -> Value {
        let facts = &d.media.facts;
        let aspect = match (facts.width, facts.height) {
            (Some(w), Some(h)) if w > 0 && h > 0 => Some(json!({ "width": w, "height": h })),
            _ => None,
        };
        let alt = d.option("alt_text").unwrap_or_default();
        let embed = if d.media.is_video() {
            let mut e = json!({ "$type": "app.bsky.embed.video", "video": blob });
            if !alt.is_empty() {
                e["alt"] = json!(alt);
            }
            if let Some(a) = &aspect {
                e["aspectRatio"] = a.clone();
            }
            e
        } else {
            // `alt` is required for images (empty when the creator gave none).
            let mut image = json!({ "image": blob, "alt": alt });
            if let Some(a) = &aspect {
                image["aspectRatio"] = a.clone();
            }
            json!({ "$type": "app.bsky.embed.images", "images": [image] })
        };
        let now = jiff::Timestamp::now();
        let created = jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
        let mut record = json!({
            "$type": POST,
            "text": d.caption,
            "createdAt": created.to_string(),
            "embed": embed,
        });
        let facets = facets(d.caption);
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if let Some(lang) = d.option("lang").filter(|l| !l.is_empty()) {
            record["langs"] = json!([lang]);
        }
        record
    }
}

impl Connector for Bluesky {
    fn platform(&self) -> PlatformId {
        PlatformId::Bluesky
    }

    fn classifier(&self) -> Option<Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let req = s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "com.atproto.server.getSession")));
        let me: Value = s_.http.json(req, Step::Repeatable)?;
        let did = s(&me, "did").ok_or_else(|| PublishError::retry(NAME, "getSession had no did"))?;
        let handle = s(&me, "handle").unwrap_or_else(|| did.clone());
        // The display name lives in the profile record; an account without one has none.
        let display_name = Self::get_record(s_, &did, "app.bsky.actor.profile", "self")
            .ok()
            .flatten()
            .and_then(|r| r.pointer("/value/displayName").and_then(Value::as_str).map(str::to_string))
            .filter(|n| !n.is_empty());
        Ok(AccountInfo { user_id: did, handle: format!("@{handle}"), display_name })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        if st.extra.get("blob").is_some_and(|b| blob_cid(b).is_some()) {
            return Ok(());
        }
        if d.media.is_video() {
            if let Some(svc) = video_service(&s_.endpoints) {
                if Self::upload_video(s_, d, st, p, &svc)? {
                    return Ok(());
                }
            }
            // Without the video service the post embeds the blob as uploaded, and
            // app.bsky.embed.video accepts video/mp4 only.
            if d.media.mime != "video/mp4" {
                return Err(PublishError::Invalid(format!(
                    "this {NAME} server has no video service, so the video must be an MP4 (this one is {})",
                    d.media.mime
                )));
            }
        }
        Self::upload_blob(s_, d, st, p)
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        let did = s_.user_id()?;
        let rkey = record_key(d.idempotency_key);
        // Already there (an earlier attempt whose answer was lost): that is the post. The PDS
        // answers a create on an existing key with a 500, not a conflict, so ask first.
        if let Some(found) = self.find_post(s_, d, st)? {
            return Ok(found);
        }
        let blob = st
            .extra
            .get("blob")
            .cloned()
            .ok_or_else(|| PublishError::Invalid("the media was not uploaded before the post".into()))?;
        let body = json!({
            "repo": did,
            "collection": POST,
            "rkey": rkey,
            "record": Self::record(d, &blob),
        });
        let req =
            s_.bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.createRecord"))).json(&body);
        let created: Value = s_.http.json(req, Step::Final)?;
        let uri = s(&created, "uri").ok_or_else(|| PublishError::OutcomeUnknown {
            platform: NAME.into(),
            message: "createRecord answered without a uri".into(),
        })?;
        if let Some(cid) = s(&created, "cid") {
            st.extra.insert("cid".into(), Value::String(cid));
        }
        Ok(Published { post_id: uri, url: Some(Self::post_url(s_, did, &rkey)) })
    }

    fn find_post(&self, s_: &Session, d: &Draft<'_>, _st: &PublishState) -> Result<Option<Published>> {
        let did = s_.user_id()?;
        let rkey = record_key(d.idempotency_key);
        // getRecord reads the repository itself: "not found" there is proof.
        Ok(Self::get_record(s_, did, POST, &rkey)?.map(|r| Published {
            post_id: s(&r, "uri").unwrap_or_else(|| format!("at://{did}/{POST}/{rkey}")),
            url: Some(Self::post_url(s_, did, &rkey)),
        }))
    }

    fn supports_replies(&self) -> bool {
        true
    }

    fn reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Published> {
        if let Some(found) = self.find_reply(s_, r)? {
            return Ok(found);
        }
        let did = s_.user_id()?;
        let rkey = record_key(r.key);
        let now = jiff::Timestamp::now();
        let created = jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
        let mut record = json!({
            "$type": POST,
            "text": r.text,
            "createdAt": created.to_string(),
            "reply": { "root": Self::strong_ref(s_, &r.root.post_id)?, "parent": Self::strong_ref(s_, &r.parent.post_id)? },
        });
        let facets = facets(r.text);
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if let Some(lang) = r.option("lang").filter(|l| !l.is_empty()) {
            record["langs"] = json!([lang]);
        }
        let body = json!({ "repo": did, "collection": POST, "rkey": rkey, "record": record });
        let req =
            s_.bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.createRecord"))).json(&body);
        let created: Value = s_.http.json(req, Step::Final)?;
        let uri = s(&created, "uri").ok_or_else(|| PublishError::OutcomeUnknown {
            platform: NAME.into(),
            message: "createRecord answered the reply without a uri".into(),
        })?;
        Ok(Published { post_id: uri, url: Some(Self::post_url(s_, did, &rkey)) })
    }

    fn find_reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Option<Published>> {
        let did = s_.user_id()?;
        let rkey = record_key(r.key);
        Ok(Self::get_record(s_, did, POST, &rkey)?.map(|rec| Published {
            post_id: s(&rec, "uri").unwrap_or_else(|| format!("at://{did}/{POST}/{rkey}")),
            url: Some(Self::post_url(s_, did, &rkey)),
        }))
    }

    /// Counters come from the AppView (`app.bsky.feed.getPosts`, proxied by the PDS). A PDS
    /// without an AppView (self-hosted without one, or a test PDS) answers 400: then the record
    /// itself is read, proving the post exists, and every counter is unknown.
    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let (repo, collection, rkey) = parse_at_uri(post_id)
            .ok_or_else(|| PublishError::Invalid(format!("{post_id} is not an at:// post URI")))?;
        let req = s_.bearer(
            s_.http.client().get(xrpc(&s_.endpoints.api, "app.bsky.feed.getPosts")).query(&[("uris", post_id)]),
        );
        match s_.http.json::<Value>(req, Step::Repeatable) {
            Ok(v) => {
                if let Some(post) = v.get("posts").and_then(Value::as_array).and_then(|a| a.first()) {
                    return Ok(Metrics {
                        likes: u(post, "likeCount"),
                        comments: u(post, "replyCount"),
                        shares: u(post, "repostCount"),
                        raw: post.clone(),
                        ..Default::default()
                    });
                }
            }
            Err(e) if e.class() == ErrorClass::BadRequest => {
                tracing::debug!("no AppView behind this PDS ({e}); reading the record instead");
            }
            Err(e) => return Err(e),
        }
        match Self::get_record(s_, repo, collection, rkey)? {
            Some(record) => Ok(Metrics { raw: json!({ "record": record, "appview": false }), ..Default::default() }),
            None => Err(PublishError::rejected(NAME, format!("the post {post_id} no longer exists"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_are_valid_stable_tids() {
        let a = record_key("target-1");
        assert_eq!(a, record_key("target-1"));
        assert_ne!(a, record_key("target-2"));
        assert_eq!(a.len(), 13);
        assert!(a.starts_with(|c: char| "234567abcdefghij".contains(c)), "{a}");
        assert!(a.chars().all(|c| "234567abcdefghijklmnopqrstuvwxyz".contains(c)), "{a}");
        for i in 0..2000 {
            assert!(!record_key(&format!("k{i}")).contains("gg"));
        }
    }

    #[test]
    fn facets_use_utf8_byte_offsets() {
        let text = "Café ☕ #ViralStudio see https://example.com/a?b=1. #2024 (#no) #tag!";
        let f = facets(text);
        let spans: Vec<(String, &str)> = f
            .iter()
            .map(|v| {
                let a = v["index"]["byteStart"].as_u64().unwrap_or(0) as usize;
                let b = v["index"]["byteEnd"].as_u64().unwrap_or(0) as usize;
                (text[a..b].to_string(), v["features"][0]["$type"].as_str().unwrap_or(""))
            })
            .collect();
        assert_eq!(
            spans,
            vec![
                ("#ViralStudio".to_string(), "app.bsky.richtext.facet#tag"),
                ("https://example.com/a?b=1".to_string(), "app.bsky.richtext.facet#link"),
                ("#tag".to_string(), "app.bsky.richtext.facet#tag"),
            ]
        );
        assert_eq!(f[0]["features"][0]["tag"], "ViralStudio");
        assert_eq!(f[0]["index"]["byteStart"], 10);
    }

    #[test]
    fn token_errors_are_classified() {
        let e = classify(StatusCode::BAD_REQUEST, &json!({"error": "ExpiredToken", "message": "Token has expired"}));
        assert_eq!(e.map(|e| e.class()), Some(ErrorClass::RefreshToken));
        let e = classify(StatusCode::UNAUTHORIZED, &json!({"error": "AccountTakedown", "message": "taken down"}));
        assert_eq!(e.map(|e| e.class()), Some(ErrorClass::Reconnect));
        assert!(classify(StatusCode::BAD_REQUEST, &json!({"error": "InvalidRequest", "message": "x"})).is_none());
    }

    #[test]
    fn did_web_encodes_the_port() {
        assert_eq!(did_web(&Url::parse("https://video.bsky.app").expect("url")), "did:web:video.bsky.app");
        assert_eq!(did_web(&Url::parse("http://127.0.0.1:4000").expect("url")), "did:web:127.0.0.1%3A4000");
    }
}

//! Bluesky connector, two ways.
//!
//! Against a REAL PDS: `tests/peers/pds.mjs` runs @atproto/pds (the reference implementation
//! bsky.social runs) with an in-memory PLC directory on 127.0.0.1. Each test creates its own
//! account (createAccount, createAppPassword), signs in with the app password and publishes;
//! records and blobs are read back with getRecord / listRecords / sync.getBlob.
//!
//! Against a contract server for what a test PDS cannot do on demand: expired access tokens,
//! 429s with `RateLimit-Reset`, 5xx in the middle of a publish, and the video service
//! (video.bsky.app: getUploadLimits, uploadVideo, getJobStatus) the local PDS does not have.
mod common;
#[path = "common/peers.rs"]
mod peers;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path as AxPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState, Session};
use studio_publish::connectors::bluesky::{self, record_key, Bluesky};
use studio_publish::http::Http;
use studio_publish::media::MediaFile;
use studio_publish::publish::publish;
use studio_publish::rules::MediaFacts;
use studio_publish::tokens::TokenSet;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{endpoints, no_reauth, Recorder, Server};

const POST: &str = "app.bsky.feed.post";

fn http() -> Http {
    let c = Bluesky.classifier().expect("Bluesky classifies its errors");
    Http::new(PlatformId::Bluesky).expect("http").with_classifier(c)
}

/// A session as the app builds it: the classifier, the DID and the handle of the sign-in.
fn session_for(url: &str, t: &TokenSet) -> Session {
    let mut s = common::session(PlatformId::Bluesky, url, t.access.expose(), t.user_id.as_deref());
    s.http = http();
    s.handle = t.extra.get("handle").and_then(Value::as_str).map(|h| format!("@{h}"));
    s
}

fn image_media(dir: &Path, w: u32, h: u32) -> (MediaFile, Vec<u8>) {
    let bytes = png(w, h);
    let path = dir.join("still.png");
    std::fs::write(&path, &bytes).expect("write png");
    let facts = MediaFacts { is_video: false, width: Some(w), height: Some(h), ..Default::default() };
    (MediaFile::new(&path, facts).expect("media"), bytes)
}

// ---------------------------------------------------------------------------------------------
// A real PDS
// ---------------------------------------------------------------------------------------------

/// One PDS for the whole test binary (each test makes its own account on it). It ends with the
/// process: its stdin is this process's pipe.
fn peer() -> &'static Peer {
    static PEER: OnceLock<(peers::Peer, Peer)> = OnceLock::new();
    &PEER
        .get_or_init(|| {
            let p = peers::start("pds.mjs");
            let pds = p.info["pds"].as_str().expect("pds url").to_string();
            (p, Peer { pds })
        })
        .1
}

struct Peer {
    pds: String,
}

struct Account {
    did: String,
    handle: String,
    password: String,
    app_password: Sensitive<String>,
}

/// A fresh account with an app password, as a creator would set it up in Bluesky.
fn account(name: &str) -> Account {
    let pds = &peer().pds;
    let client = http();
    // A suffix keeps clear of the PDS's reserved handles ("image", "video", …).
    let handle = format!("{name}-vs.test");
    let password = format!("main-password-{name}");
    let resp = client
        .client()
        .post(format!("{pds}/xrpc/com.atproto.server.createAccount"))
        .json(&json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password }))
        .send()
        .expect("createAccount");
    let status = resp.status();
    let created: Value = resp.json().expect("createAccount reply");
    assert!(status.is_success(), "createAccount {handle}: {status} {created}");
    let access = created["accessJwt"].as_str().expect("accessJwt");
    let app: Value = client
        .client()
        .post(format!("{pds}/xrpc/com.atproto.server.createAppPassword"))
        .bearer_auth(access)
        .json(&json!({ "name": "Viral Studio" }))
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .expect("createAppPassword");
    Account {
        did: created["did"].as_str().expect("did").to_string(),
        handle,
        password,
        app_password: Sensitive::new(app["password"].as_str().expect("app password").to_string()),
    }
}

fn get_json(url: &str) -> Value {
    http().client().get(url).send().and_then(|r| r.error_for_status()).and_then(|r| r.json()).expect(url)
}

fn records(did: &str) -> Vec<Value> {
    let pds = &peer().pds;
    let v = get_json(&format!("{pds}/xrpc/com.atproto.repo.listRecords?repo={did}&collection={POST}&limit=100"));
    v["records"].as_array().cloned().unwrap_or_default()
}

fn get_record(did: &str, rkey: &str) -> Value {
    let pds = &peer().pds;
    get_json(&format!("{pds}/xrpc/com.atproto.repo.getRecord?repo={did}&collection={POST}&rkey={rkey}"))
}

fn get_blob(did: &str, cid: &str) -> Vec<u8> {
    let pds = &peer().pds;
    let resp = http()
        .client()
        .get(format!("{pds}/xrpc/com.atproto.sync.getBlob?did={did}&cid={cid}"))
        .send()
        .and_then(|r| r.error_for_status())
        .expect("getBlob");
    resp.bytes().expect("blob bytes").to_vec()
}

fn signed_in(a: &Account) -> (TokenSet, Session) {
    let pds = &peer().pds;
    let t = bluesky::sign_in(&endpoints(pds), &a.handle, &a.app_password).expect("sign in");
    let s = session_for(pds, &t);
    (t, s)
}

fn jti(token: &Sensitive<String>) -> String {
    let payload = token.expose().split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims["jti"].as_str().expect("jti").to_string()
}

#[test]
fn real_pds_signs_in_with_an_app_password_and_rotates_the_refresh_token() {
    let a = account("rotate");
    let pds = &peer().pds;
    let e = endpoints(pds);
    let t1 = bluesky::sign_in(&e, &format!("@{}", a.handle), &a.app_password).expect("sign in");
    assert_eq!(t1.user_id.as_deref(), Some(a.did.as_str()));
    assert_eq!(t1.extra["pds"], pds.as_str(), "the PDS comes from the DID document");
    assert_eq!(t1.extra["handle"], a.handle.as_str());
    assert_eq!(t1.scope.as_deref(), Some("com.atproto.appPass"));
    let now = jiff::Timestamp::now().as_second();
    let exp = t1.expires_at.expect("expiry from the JWT");
    assert!((now + 3600..=now + 7300).contains(&exp), "access JWTs live about 2 h: {exp} vs {now}");

    let s = session_for(pds, &t1);
    let me = Bluesky.account(&s).expect("getSession");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), (a.did.as_str(), format!("@{}", a.handle).as_str()));

    // refreshSession rotates both tokens; the new access token works.
    let rt1 = t1.refresh.clone().expect("refresh token");
    let t2 = bluesky::refresh(&e, &rt1).expect("refresh");
    let rt2 = t2.refresh.clone().expect("rotated refresh token");
    assert_ne!(rt2.expose(), rt1.expose());
    assert_ne!(jti(&rt2), jti(&rt1));
    assert_eq!(t2.user_id, t1.user_id);
    Bluesky.account(&session_for(pds, &t2)).expect("the renewed access token works");

    // The PDS keeps a spent refresh token usable for a 2 h grace period (REFRESH_GRACE_MS in
    // @atproto/pds account-manager.js), and a reuse yields the SAME next token id: it cannot
    // fork the session. So the old token does not fail at once; it can only reach rt2's id.
    let again = bluesky::refresh(&e, &rt1).expect("reuse inside the grace period");
    assert_eq!(jti(again.refresh.as_ref().expect("refresh")), jti(&rt2));

    // Signing out revokes the session: its refresh token is now refused, and the connector
    // asks the creator to reconnect instead of retrying.
    assert!(bluesky::sign_out(&e, &t2).expect("deleteSession"));
    let err = bluesky::refresh(&e, &rt2).expect_err("revoked");
    assert_eq!(err.class(), ErrorClass::Reconnect, "{err}");
    assert!(err.to_string().contains("Token has been revoked"), "{err}");
}

#[test]
fn real_pds_refuses_the_account_password_and_a_wrong_app_password() {
    let a = account("refuse");
    let e = endpoints(&peer().pds);
    let err = bluesky::sign_in(&e, &a.handle, &Sensitive::new(a.password.clone())).expect_err("main password");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("app password")), "{err}");
    let err = bluesky::sign_in(&e, &a.handle, &Sensitive::new("aaaa-bbbb-cccc-dddd".into())).expect_err("wrong");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("Invalid identifier or password")), "{err}");
}

#[test]
fn real_pds_publishes_an_image_post_with_facets_and_reads_it_back() {
    let a = account("image");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, png_bytes) = image_media(dir.path(), 24, 16);
    let mut opts = serde_json::Map::new();
    opts.insert("alt_text".into(), json!("A gradient"));
    opts.insert("lang".into(), json!("fr"));
    let caption = "Café ☕ #ViralStudio — https://example.com/a?b=1.";
    let draft = Draft { caption, title: None, media: &media, options: &opts, idempotency_key: "target-image-1" };

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    let rkey = record_key("target-image-1");
    assert_eq!(published.post_id, format!("at://{}/{POST}/{rkey}", a.did));
    assert_eq!(published.url.as_deref(), Some(format!("https://bsky.app/profile/{}/post/{rkey}", a.handle).as_str()));
    let first_blob = rec.checkpoints.iter().position(|c| c.extra.contains_key("blob")).expect("blob saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_blob < first_final, "the blob reference is saved before the final call");
    assert_eq!(rec.progress.last(), Some(&(png_bytes.len() as u64, png_bytes.len() as u64)));

    let got = get_record(&a.did, &rkey);
    let value = &got["value"];
    assert_eq!(value["text"], caption);
    assert_eq!(value["langs"], json!(["fr"]));
    assert_eq!(value["embed"]["$type"], "app.bsky.embed.images");
    let image = &value["embed"]["images"][0];
    assert_eq!(image["alt"], "A gradient");
    assert_eq!(image["aspectRatio"], json!({"width": 24, "height": 16}));
    let cid = image["image"]["ref"]["$link"].as_str().expect("blob cid");
    assert_eq!(Some(cid), st.media_id.as_deref());
    assert_eq!(image["image"]["mimeType"], "image/png");
    assert_eq!(get_blob(&a.did, cid), png_bytes, "the PDS serves back the same bytes");
    // Facets index UTF-8 bytes: each one covers exactly its text.
    let facets = value["facets"].as_array().expect("facets");
    let text = caption.as_bytes();
    let spans: Vec<&str> = facets
        .iter()
        .map(|f| {
            let (a, b) =
                (f["index"]["byteStart"].as_u64().expect("start"), f["index"]["byteEnd"].as_u64().expect("end"));
            std::str::from_utf8(&text[a as usize..b as usize]).expect("utf8 span")
        })
        .collect();
    assert_eq!(spans, vec!["#ViralStudio", "https://example.com/a?b=1"]);

    // No AppView behind this PDS: metrics prove the post exists and claim no counts.
    let m = Bluesky.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.likes, m.shares, m.comments, m.views), (None, None, None, None));
    assert_eq!(m.raw["appview"], false);

    // The same target again, even from a lost state: the record key is the same, so nothing new.
    let again = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("again");
    assert_eq!(again, published);
    let mut fresh = PublishState::default();
    let again = publish(&Bluesky, &mut s, &draft, &mut fresh, &mut Recorder::default(), &no_reauth).expect("again");
    assert_eq!(again.post_id, published.post_id);
    assert_eq!(records(&a.did).len(), 1, "exactly one post");
}

#[test]
fn real_pds_publishes_a_video_post_when_there_is_no_video_service() {
    let a = account("video");
    let (_, mut s) = signed_in(&a);
    // The same PDS under its IP stands in for a video service: it answers getUploadLimits with
    // 400 "No service configured", as every PDS without one does, and the MP4 goes as a blob.
    let pds_url = url::Url::parse(&peer().pds).expect("url");
    s.endpoints.upload = url::Url::parse(&format!("http://127.0.0.1:{}", pds_url.port().expect("port"))).expect("url");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("clip.mp4");
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x568:rate=30", "-t", "2"])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"])
        .arg(&path)
        .output()
        .expect("the video test needs the ffmpeg CLI");
    assert!(out.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&path).expect("mp4");
    let facts = MediaFacts {
        is_video: true,
        duration_s: Some(2.0),
        width: Some(320),
        height: Some(568),
        fps: Some(30.0),
        codec: Some("h264".into()),
        ..Default::default()
    };
    let media = MediaFile::new(&path, facts).expect("media");
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "A test card", title: None, media: &media, options: &opts, idempotency_key: "target-video-1" };
    let mut st = PublishState::default();
    let published =
        publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");

    let got = get_record(&a.did, &record_key("target-video-1"));
    assert_eq!(got["uri"], published.post_id.as_str());
    assert_eq!(got["value"]["text"], "A test card");
    let embed = &got["value"]["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.video");
    assert_eq!(embed["aspectRatio"], json!({"width": 320, "height": 568}));
    assert_eq!(embed["video"]["mimeType"], "video/mp4");
    assert_eq!(embed["video"]["size"], bytes.len());
    let cid = embed["video"]["ref"]["$link"].as_str().expect("cid");
    assert_eq!(Some(cid), st.media_id.as_deref());
    assert!(!st.extra.contains_key("video_job"), "no video job was started");
    assert_eq!(get_blob(&a.did, cid), bytes);
    assert_eq!(records(&a.did).len(), 1);
}

#[test]
fn real_pds_after_a_crash_once_final_sent_was_saved_posts_exactly_once() {
    let a = account("crash");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 8, 8);
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "crash test", title: None, media: &media, options: &opts, idempotency_key: "target-crash" };

    // Checkpoints: 1 blob, 2 media ready, 3 final_sent — the process dies right there.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Bluesky, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(records(&a.did).is_empty(), "the crash came before the create");

    // Restart: getRecord proves there is no post, so it posts, once.
    let mut st = saved.clone();
    let first = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(records(&a.did).len(), 1);

    // The same saved state again (as if that create had landed and the answer was lost): the
    // record is found by its key and nothing new is posted.
    let mut st = saved;
    let found = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, first.post_id);
    assert_eq!(records(&a.did).len(), 1);
}

#[test]
fn real_pds_a_refused_access_token_is_renewed_through_refresh_session() {
    let a = account("renew");
    let (t, _) = signed_in(&a);
    let pds = &peer().pds;
    // A token the PDS cannot verify: it answers 400 {"error":"InvalidToken"}, not a 401.
    let mut broken = t.clone();
    broken.access = Sensitive::new(format!("{}x", t.access.expose()));
    let mut s = session_for(pds, &broken);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "target-renew" };
    let rt = t.refresh.clone().expect("refresh");
    let renewed = Mutex::new(None::<TokenSet>);
    let reauth = || -> Result<Sensitive<String>, PublishError> {
        let fresh = bluesky::refresh(&endpoints(pds), &rt)?;
        let access = fresh.access.clone();
        *renewed.lock().expect("lock") = Some(fresh);
        Ok(access)
    };
    publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &reauth)
        .expect("published");
    let fresh = renewed.lock().expect("lock").clone().expect("refreshed once");
    assert_eq!(s.access_token.expose(), fresh.access.expose());
    assert_eq!(records(&a.did).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Contract server: a PDS (com.atproto.server.*, com.atproto.repo.*, app.bsky.feed.getPosts via
// its AppView) and Bluesky's video service, with failures on demand.
// ---------------------------------------------------------------------------------------------

const DID: &str = "did:plc:contractcreator0000000000";
const HANDLE: &str = "creator.bsky.social";
const APP_PASSWORD: &str = "abcd-efgh-ijkl-mnop";
const PDS_DID: &str = "did:web:pds.contract.example";

#[derive(Default)]
struct Bsky {
    pds_url: String,
    video_url: String,
    access: Vec<String>,
    expired: Vec<String>,
    refresh: Vec<String>,
    minted: u64,
    blobs: HashMap<String, (String, usize)>,
    records: BTreeMap<String, Value>,
    /// Service tokens issued: token → (aud, lxm).
    service_tokens: HashMap<String, (String, String)>,
    /// Injected failures on an NSID: (status, body, extra headers); each used once.
    failures: VecDeque<Failure>,
    create_then_502: bool,
    /// Bytes of every uploadBlob / uploadVideo request, in order.
    blob_uploads: Vec<usize>,
    video_uploads: Vec<usize>,
    limits: Value,
    /// jobId → (polls before done, blob, failure message).
    jobs: HashMap<String, (u32, Value, Option<String>)>,
    job_polls: u32,
    /// The next job fails (`JOB_STATE_FAILED`) with this message.
    fail_next_job: Option<String>,
}

type S = Arc<Mutex<Bsky>>;

/// An injected answer for one NSID: status, body, extra headers.
type Failure = (String, u16, Value, Vec<(String, String)>);

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

struct Contract {
    pds: Server,
    video: Server,
    state: S,
}

fn contract() -> Contract {
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
    fn sign_in(&self) -> (TokenSet, Session) {
        let t =
            bluesky::sign_in(&endpoints(&self.pds.url), HANDLE, &Sensitive::new(APP_PASSWORD.into())).expect("sign in");
        let mut s = session_for(&self.pds.url, &t);
        s.endpoints.upload = url::Url::parse(&self.video.url).expect("url");
        (t, s)
    }

    fn fail(&self, nsid: &str, status: u16, body: Value, headers: &[(&str, String)]) {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        self.state.lock().expect("lock").failures.push_back((nsid.into(), status, body, headers));
    }
}

fn options() -> serde_json::Map<String, Value> {
    serde_json::Map::new()
}

#[test]
fn contract_video_goes_through_the_video_service_and_metrics_come_from_the_appview() {
    let c = contract();
    let (t, mut s) = c.sign_in();
    assert_eq!(t.extra["pds"], c.pds.url.as_str());
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 200_000, 20.0);
    let opts = options();
    let draft = Draft {
        caption: "Via the video service #shorts",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "v-1",
    };
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    {
        let stt = c.state.lock().expect("lock");
        assert_eq!(stt.video_uploads, vec![200_000], "one upload, every byte, to the video service");
        assert!(stt.blob_uploads.is_empty(), "nothing went through uploadBlob");
        assert!(stt.job_polls >= 3, "the job was polled until done");
        let r = &stt.records[&record_key("v-1")];
        assert_eq!(r["value"]["embed"]["$type"], "app.bsky.embed.video");
        assert_eq!(r["value"]["embed"]["video"]["ref"]["$link"], "bafkreivideo0000000000001");
        assert_eq!(r["value"]["embed"]["aspectRatio"], json!({"width": 1080, "height": 1920}));
        assert_eq!(r["value"]["facets"][0]["features"][0]["tag"], "shorts");
    }
    // The job id was saved before the wait, the blob before the final call.
    let job_at = rec.checkpoints.iter().position(|c| c.extra.contains_key("video_job")).expect("job saved");
    let blob_at = rec.checkpoints.iter().position(|c| c.extra.contains_key("blob")).expect("blob saved");
    assert!(job_at < blob_at);
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://bsky.app/profile/{HANDLE}/post/{}", record_key("v-1")).as_str())
    );
    let m = Bluesky.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.likes, m.shares, m.comments, m.views), (Some(7), Some(2), Some(1), None));
}

#[test]
fn contract_a_crash_while_the_video_is_processing_resumes_the_job_not_the_upload() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 50_000, 20.0);
    let opts = options();
    let draft = Draft { caption: "resume", title: None, media: &media, options: &opts, idempotency_key: "v-crash" };
    let mut crashing = Recorder { crash_at_checkpoint: Some(1), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Bluesky, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert_eq!(saved.extra.get("video_job"), Some(&json!("job-1")));
    assert!(!saved.extra.contains_key("blob"));

    let mut st = saved;
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    let stt = c.state.lock().expect("lock");
    assert_eq!(stt.video_uploads.len(), 1, "the video was not uploaded again");
    assert_eq!(stt.records.len(), 1);
}

#[test]
fn contract_the_video_services_refusals_are_shown_in_its_words() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 10_000, 20.0);
    let opts = options();
    let draft = Draft { caption: "limits", title: None, media: &media, options: &opts, idempotency_key: "v-limits" };
    c.state.lock().expect("lock").limits = json!({"canUpload": false, "error": "daily_limit", "message": "You have exceeded the daily video upload limit"});
    let err = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("exceeded the daily video upload limit"), "{err}");
    assert!(c.state.lock().expect("lock").video_uploads.is_empty());

    {
        let mut stt = c.state.lock().expect("lock");
        stt.limits = json!({"canUpload": true});
        stt.fail_next_job = Some("Video is too long (max 3 minutes)".into());
    }
    let err = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("job failed");
    assert!(err.to_string().contains("Video is too long"), "{err}");
    assert!(c.state.lock().expect("lock").records.is_empty());
}

#[test]
fn contract_an_expired_access_token_is_renewed_and_the_spent_refresh_token_is_dead() {
    let c = contract();
    let (t, mut s) = c.sign_in();
    {
        let mut stt = c.state.lock().expect("lock");
        let old = t.access.expose().clone();
        stt.access.retain(|a| *a != old);
        stt.expired.push(old);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 5_000, 20.0);
    let opts = options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k-renew" };
    let rt = t.refresh.clone().expect("refresh token");
    let e = endpoints(&c.pds.url);
    let reauth = || -> Result<Sensitive<String>, PublishError> { Ok(bluesky::refresh(&e, &rt)?.access) };
    publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &reauth)
        .expect("published");
    assert_ne!(s.access_token.expose(), t.access.expose());
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);

    // That refresh spent `rt`: a second use means the sign-in is gone, not "try again".
    let err = bluesky::refresh(&e, &rt).expect_err("spent");
    assert_eq!(err.class(), ErrorClass::Reconnect);
    assert!(err.to_string().contains("Token has been revoked"), "{err}");
    // Without a refresh, an expired token is a refresh request, never a rejected post.
    let expired = c.state.lock().expect("lock").expired[0].clone();
    let mut stale = s.clone();
    stale.access_token = Sensitive::new(expired);
    let err = Bluesky.account(&stale).expect_err("expired");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn contract_a_429_reports_the_wait_from_ratelimit_reset() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let reset = jiff::Timestamp::now().as_second() + 42;
    c.fail(
        "com.atproto.repo.uploadBlob",
        429,
        json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
        &[
            ("RateLimit-Limit", "1000".into()),
            ("RateLimit-Remaining", "0".into()),
            ("RateLimit-Reset", reset.to_string()),
        ],
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = options();
    let draft = Draft { caption: "slow down", title: None, media: &media, options: &opts, idempotency_key: "k-429" };
    let mut st = PublishState::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    match err.class() {
        ErrorClass::RateLimited { retry_after_s } => assert!((40..=43).contains(&retry_after_s), "{retry_after_s}"),
        other => panic!("expected a rate limit, got {other:?}: {err}"),
    }
    assert!(err.to_string().contains("Rate Limit Exceeded"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);
}

#[test]
fn contract_a_5xx_on_upload_blob_saves_nothing_and_the_retry_sends_the_whole_blob_once() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let (media, bytes) = image_media(dir.path(), 64, 64);
    let opts = options();
    let draft = Draft { caption: "5xx", title: None, media: &media, options: &opts, idempotency_key: "k-5xx" };
    c.fail("com.atproto.repo.uploadBlob", 502, json!({"error": "UpstreamFailure", "message": "Upstream Failure"}), &[]);
    let mut st = PublishState::default();
    let mut rec = Recorder::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect_err("5xx");
    assert_eq!(err.class(), ErrorClass::Retry);
    assert!(rec.checkpoints.is_empty() && st == PublishState::default(), "no blob reference was saved");
    // uploadBlob is one request (AT Protocol has no resumable blob upload): the retry sends the
    // file once, whole, and the post goes out once.
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("retried");
    let stt = c.state.lock().expect("lock");
    assert_eq!(stt.blob_uploads, vec![bytes.len()]);
    assert_eq!(stt.records.len(), 1);
}

#[test]
fn contract_an_ambiguous_create_is_found_by_its_record_key() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    c.state.lock().expect("lock").create_then_502 = true;
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = options();
    let draft = Draft { caption: "ambiguous", title: None, media: &media, options: &opts, idempotency_key: "k-amb" };
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(published.post_id, format!("at://{DID}/{POST}/{}", record_key("k-amb")));
    assert_eq!(st.post_id.as_deref(), Some(published.post_id.as_str()));
    // Even a blind repeat of the create with the same key cannot make a second post.
    let again = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("again");
    assert_eq!(again.post_id, published.post_id);
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);
}

#[test]
fn contract_the_pds_rejection_is_shown_and_nothing_is_marked_sent() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    c.fail(
        "com.atproto.repo.createRecord",
        400,
        json!({"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"}),
        &[],
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = options();
    let draft = Draft { caption: "fine here", title: None, media: &media, options: &opts, idempotency_key: "k-400" };
    let mut st = PublishState::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("must not be longer than 300 graphemes"), "{err}");
    assert!(!st.final_sent && st.media_ready);
    assert!(c.state.lock().expect("lock").records.is_empty());
}

#[test]
fn contract_a_wrong_app_password_is_a_sign_in_error() {
    let c = contract();
    let err = bluesky::sign_in(&endpoints(&c.pds.url), HANDLE, &Sensitive::new("wrong".into())).expect_err("refused");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("Invalid identifier or password")), "{err}");
}

// ---------------------------------------------------------------------------------------------
// A small valid PNG, encoded by hand (stored deflate blocks): no image crate needed.
// ---------------------------------------------------------------------------------------------

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend(len.to_le_bytes());
        z.extend((!len).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend(&data);
        out.extend(&crc_input);
        out.extend(crc32(&crc_input).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn real_pds_posts_a_thread_and_a_first_comment_as_replies_exactly_once() {
    use studio_publish::publish::{publish_replies, FollowUp};
    let a = account("thread");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 8, 8);
    let opts = serde_json::Map::new();
    let draft = Draft {
        caption: "1/3 a thread 🧵",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "target-thread",
    };
    let mut st = PublishState::default();
    let root = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let parts = vec![
        FollowUp { text: "2/3 more on #ViralStudio".into(), comment: false },
        FollowUp { text: "3/3 the end".into(), comment: false },
        FollowUp { text: "Link: https://example.com/x".into(), comment: true },
    ];
    // The process dies right after part 3 is marked sent (checkpoints: part 2 sent, part 2 id,
    // part 3 sent).
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish_replies(&Bluesky, &mut s, &root, &parts, &opts, "target-thread", &mut st, &mut crashing, &no_reauth)
        .expect_err("crashed");
    let mut st = crashing.last();
    assert!(st.replies[1].sent && st.replies[1].post_id.is_none());
    assert_eq!(records(&a.did).len(), 2, "post and part 2");

    let done = publish_replies(
        &Bluesky,
        &mut s,
        &root,
        &parts,
        &opts,
        "target-thread",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("finished");
    assert_eq!(records(&a.did).len(), 4, "every part exactly once");
    let value = |uri: &str| get_record(&a.did, uri.rsplit('/').next().expect("rkey"))["value"].clone();
    let two = value(&done[0].post_id);
    let three = value(&done[1].post_id);
    let comment = value(&done[2].post_id);
    assert_eq!(two["reply"]["root"]["uri"], root.post_id.as_str());
    assert_eq!(two["reply"]["parent"]["uri"], root.post_id.as_str());
    assert_eq!(three["reply"]["root"]["uri"], root.post_id.as_str());
    assert_eq!(three["reply"]["parent"]["uri"], done[0].post_id.as_str());
    assert_eq!(comment["reply"]["parent"]["uri"], root.post_id.as_str());
    assert!(three["reply"]["parent"]["cid"].as_str().is_some_and(|c| c.starts_with("bafy")));
    assert_eq!(two["facets"][0]["features"][0]["tag"], "ViralStudio");

    // Everything again from a lost state: the record keys are the same, so nothing new.
    let mut fresh = PublishState::default();
    let again = publish_replies(
        &Bluesky,
        &mut s,
        &root,
        &parts,
        &opts,
        "target-thread",
        &mut fresh,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("again");
    assert_eq!(again, done);
    assert_eq!(records(&a.did).len(), 4);
}

//! The real PDS peer (`tests/peers/pds.mjs`, @atproto/pds with an in-memory PLC directory):
//! one per test binary, a fresh account with an app password per test, and the read-back
//! helpers (listRecords, getRecord, sync.getBlob) the tests check records and blobs with.

use std::sync::OnceLock;

use base64::Engine;
use serde_json::{json, Value};
use studio_publish::connector::Session;
use studio_publish::connectors::bluesky::{self};
use studio_publish::tokens::TokenSet;
use studio_publish::Sensitive;

use crate::common::endpoints;
use crate::peers;
use crate::support::{http, session_for, POST};

/// One PDS for the whole test binary (each test makes its own account on it). It ends with the
/// process: its stdin is this process's pipe.
pub fn peer() -> &'static Peer {
    static PEER: OnceLock<(peers::Peer, Peer)> = OnceLock::new();
    &PEER
        .get_or_init(|| {
            let p = peers::start("pds.mjs");
            let pds = p.info["pds"].as_str().expect("pds url").to_string();
            (p, Peer { pds })
        })
        .1
}

pub struct Peer {
    pub pds: String,
}

pub struct Account {
    pub did: String,
    pub handle: String,
    pub password: String,
    pub app_password: Sensitive<String>,
}

/// A fresh account with an app password, as a creator would set it up in Bluesky.
pub fn account(name: &str) -> Account {
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

pub fn records(did: &str) -> Vec<Value> {
    let pds = &peer().pds;
    let v = get_json(&format!("{pds}/xrpc/com.atproto.repo.listRecords?repo={did}&collection={POST}&limit=100"));
    v["records"].as_array().cloned().unwrap_or_default()
}

pub fn get_record(did: &str, rkey: &str) -> Value {
    let pds = &peer().pds;
    get_json(&format!("{pds}/xrpc/com.atproto.repo.getRecord?repo={did}&collection={POST}&rkey={rkey}"))
}

pub fn get_blob(did: &str, cid: &str) -> Vec<u8> {
    let pds = &peer().pds;
    let resp = http()
        .client()
        .get(format!("{pds}/xrpc/com.atproto.sync.getBlob?did={did}&cid={cid}"))
        .send()
        .and_then(|r| r.error_for_status())
        .expect("getBlob");
    resp.bytes().expect("blob bytes").to_vec()
}

pub fn signed_in(a: &Account) -> (TokenSet, Session) {
    let pds = &peer().pds;
    let t = bluesky::sign_in(&endpoints(pds), &a.handle, &a.app_password).expect("sign in");
    let s = session_for(pds, &t);
    (t, s)
}

pub fn jti(token: &Sensitive<String>) -> String {
    let payload = token.expose().split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims["jti"].as_str().expect("jti").to_string()
}

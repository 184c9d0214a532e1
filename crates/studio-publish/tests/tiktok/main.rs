//! TikTok connector against a local server that follows the Content Posting API v2 contract:
//! user/info, creator_info/query, Direct Post video/init with FILE_UPLOAD, the upload URL's
//! chunk protocol (developers.tiktok.com/doc/content-posting-api-media-transfer-guide),
//! status/fetch and video/query, with TikTok's `{data, error: {code, message, log_id}}` bodies
//! and HTTP statuses, failures included.
//!
//! The server enforces the chunk rules of init (scaled down: its "5 MB" minimum is 64 KiB, the
//! size the connector's test override uses), takes chunks only in order and exactly where the
//! upload stands (416 with its own Content-Range otherwise), and publishes only a complete
//! upload. So a resent, skipped or reordered chunk, or a second init, shows in these tests.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod publish;
mod recovery;
mod server;

use serde_json::{json, Value};
use studio_publish::connector::Draft;
use studio_publish::connectors::tiktok::TikTok;
use studio_publish::media::MediaFile;
use studio_publish::PlatformId;

use crate::common::session;
use crate::server::{Upload, CHUNK, S};

fn tt() -> TikTok {
    TikTok::with_test_chunk_bytes(CHUNK)
}

fn draft<'a>(media: &'a MediaFile, opts: &'a serde_json::Map<String, Value>) -> Draft<'a> {
    Draft { caption: "made in the studio #fyp", title: None, media, options: opts, idempotency_key: "k" }
}

fn public() -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    o.insert("privacy".into(), json!("PUBLIC_TO_EVERYONE"));
    o
}

/// The bytes of the one upload that completed, and how many completed.
fn completed(state: &S) -> (Vec<u8>, usize) {
    let st = state.lock().expect("lock");
    let done: Vec<&Upload> = st.uploads.iter().filter(|u| u.complete()).collect();
    (done.first().map(|u| u.received.clone()).unwrap_or_default(), done.len())
}

fn tt_session(url: &str, token: &str) -> studio_publish::Session {
    let mut s = session(PlatformId::Tiktok, url, token, Some("open-123"));
    s.handle = Some("@creator".into());
    s
}

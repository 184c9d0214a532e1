//! YouTube connector against a local server that follows the YouTube Data API v3 contract:
//! channels.list, videos.list, and videos.insert through the resumable upload protocol
//! (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol), failures included.
//!
//! The server is strict where Google is: chunks other than the last must be multiples of 256 KiB,
//! each must start exactly where the session stands, and the video exists only once the last
//! byte has arrived. So a client that resent, skipped or reordered a byte fails these tests.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod publish;
mod recovery;
mod server;

use serde_json::Value;
use studio_publish::connector::Draft;
use studio_publish::connectors::youtube::YouTube;
use studio_publish::media::MediaFile;

use crate::server::{KIB256, S};

fn yt() -> YouTube {
    YouTube::with_chunk_bytes(KIB256)
}

fn draft<'a>(media: &'a MediaFile, opts: &'a serde_json::Map<String, Value>) -> Draft<'a> {
    Draft {
        caption: "Made in the studio #shorts",
        title: Some("Studio clip"),
        media,
        options: opts,
        idempotency_key: "k",
    }
}

/// The bytes of the session that created the one video on the server.
fn uploaded(state: &S) -> Vec<u8> {
    let st = state.lock().expect("lock");
    assert_eq!(st.videos.len(), 1, "exactly one video");
    let id = st.videos[0]["id"].as_str().expect("id").to_string();
    st.sessions.values().find(|s| s.video.as_deref() == Some(id.as_str())).expect("session").bytes.clone()
}

fn starts(state: &S) -> Vec<u64> {
    state.lock().expect("lock").puts.iter().map(|p| p.1).collect()
}

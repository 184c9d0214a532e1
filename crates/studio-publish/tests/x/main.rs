//! X connector against a local server that follows the X API v2 contract (docs.x.com/x-api):
//! `/2/users/me`, the v2 chunked media endpoints (initialize, append, finalize, STATUS),
//! `POST /2/tweets`, the user timeline and tweet lookup, with X's problem-JSON errors and its
//! `x-rate-limit-reset` header.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod publish;
mod recovery;
mod server;

use serde_json::Value;
use studio_publish::connector::Draft;
use studio_publish::PlatformId;

use crate::common::session;
use crate::server::XServer;

fn x_session(url: &str, token: &str) -> studio_publish::Session {
    let mut s = session(PlatformId::X, url, token, Some("2244994945"));
    s.handle = Some("@creator".into());
    s
}

fn draft<'a>(
    caption: &'a str,
    media: &'a studio_publish::media::MediaFile,
    o: &'a serde_json::Map<String, Value>,
) -> Draft<'a> {
    Draft { caption, title: None, media, options: o, idempotency_key: "k" }
}

/// The uploaded file as the server put it together.
fn assembled(st: &XServer) -> Vec<u8> {
    let upload = st.uploads.values().next().expect("one upload");
    upload.segments.values().flatten().copied().collect()
}

fn accepted_indexes(st: &XServer) -> Vec<u64> {
    st.appends.iter().filter(|a| a.2).map(|a| a.1).collect()
}

fn attempted_indexes(st: &XServer) -> Vec<u64> {
    st.appends.iter().map(|a| a.1).collect()
}

//! LinkedIn connector against a local server that follows LinkedIn's versioned REST contract
//! (learn.microsoft.com/linkedin: OpenID userinfo, Videos API, Posts API, socialActions): the
//! required version headers, percent-encoded URNs in paths, upload URLs per byte range that
//! answer ETags, finalizeUpload checking the ETags, 201 + `x-restli-id` with no body, Rest.li
//! error bodies, and the "little text" commentary that LinkedIn silently cuts at the first
//! unescaped reserved character.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod publish;
mod recovery;
mod server;

use studio_publish::PlatformId;

use crate::common::session;
use crate::server::{Li, SUB};

fn li_session(url: &str, token: &str) -> studio_publish::Session {
    session(PlatformId::Linkedin, url, token, Some(SUB))
}

fn assembled(st: &Li) -> Vec<u8> {
    st.videos.values().next().expect("a video").parts.values().flat_map(|(b, _)| b.iter().copied()).collect()
}

fn attempted(st: &Li) -> Vec<usize> {
    st.puts.iter().map(|p| p.0).collect()
}

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
//!
//! The connector is split by responsibility: `xrpc` (shared plumbing), `auth` (sessions),
//! `blob` (media upload) and `post` (the record and what reads it back).
mod auth;
mod blob;
mod post;
mod xrpc;

pub use auth::{pds_endpoints, refresh, sign_in, sign_out};
pub use blob::VIDEO_SERVICE;
pub use post::{facets, record_key};
pub use xrpc::classify;

use crate::connector::{AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Reply, Session};
use crate::http::Classifier;
use crate::platform::PlatformId;
use crate::Result;

pub struct Bluesky;

impl Connector for Bluesky {
    fn platform(&self) -> PlatformId {
        PlatformId::Bluesky
    }

    fn classifier(&self) -> Option<Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        auth::account(s_)
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        blob::upload(s_, d, st, p)
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        post::create_post(s_, d, st)
    }

    fn find_post(&self, s_: &Session, d: &Draft<'_>, _st: &PublishState) -> Result<Option<Published>> {
        post::find_post(s_, d)
    }

    fn supports_replies(&self) -> bool {
        true
    }

    fn reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Published> {
        post::reply(s_, r)
    }

    fn find_reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Option<Published>> {
        post::find_reply(s_, r)
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        post::metrics(s_, post_id)
    }
}

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

#[path = "../common/mod.rs"]
mod common;
mod contract;
mod pds;
#[path = "../common/peers.rs"]
mod peers;
mod real_pds;
mod server;
mod support;

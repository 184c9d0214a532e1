//! Pinterest connector against a local server that follows the Pinterest API v5 contract
//! (developers.pinterest.com/docs/api/v5: user_account, boards, media, pins, board pins, pin
//! analytics, `{code, message}` errors) and also plays the S3 bucket its pre-signed POST points
//! at (form fields checked against what was issued, file last, Content-Length required, no
//! Authorization header, XML errors).

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod publish;
mod recovery;
mod server;

use serde_json::{json, Value};
use studio_publish::PlatformId;

use crate::common::session;
use crate::server::BOARD;

fn pin_session(url: &str, token: &str) -> studio_publish::Session {
    session(PlatformId::Pinterest, url, token, Some("549755885175"))
}

fn with_board() -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    o.insert("board_id".into(), json!(BOARD));
    o
}

//! The XRPC plumbing every part of the Bluesky connector shares: method URLs, the error
//! reading (token errors arrive as 400s), the HTTP client and reading a record.
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::connector::Session;
use crate::connectors::json::s;
use crate::http::{Http, Step};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub(super) const NAME: &str = "Bluesky";

pub(super) const POST: &str = "app.bsky.feed.post";

pub(super) fn xrpc(base: &Url, nsid: &str) -> String {
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

pub(super) fn http() -> Result<Http> {
    Ok(Http::new(PlatformId::Bluesky)?.with_classifier(classify))
}

/// The claims of one of our own JWTs. Not verified: they are read only for the expiry (refresh
/// timing) and the audience (which PDS issued them).
pub(super) fn jwt_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(super) fn parse_at_uri(uri: &str) -> Option<(&str, &str, &str)> {
    let mut parts = uri.strip_prefix("at://")?.splitn(3, '/');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

/// `com.atproto.repo.getRecord`; `None` when the PDS says the record is not there.
pub(super) fn get_record(s_: &Session, repo: &str, collection: &str, rkey: &str) -> Result<Option<Value>> {
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

pub(super) fn post_url(s_: &Session, did: &str, rkey: &str) -> String {
    let who = s_.handle.as_deref().map(|h| h.trim_start_matches('@')).filter(|h| !h.is_empty()).unwrap_or(did);
    format!("https://bsky.app/profile/{who}/post/{rkey}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorClass;

    #[test]
    fn token_errors_are_classified() {
        let e = classify(StatusCode::BAD_REQUEST, &json!({"error": "ExpiredToken", "message": "Token has expired"}));
        assert_eq!(e.map(|e| e.class()), Some(ErrorClass::RefreshToken));
        let e = classify(StatusCode::UNAUTHORIZED, &json!({"error": "AccountTakedown", "message": "taken down"}));
        assert_eq!(e.map(|e| e.class()), Some(ErrorClass::Reconnect));
        assert!(classify(StatusCode::BAD_REQUEST, &json!({"error": "InvalidRequest", "message": "x"})).is_none());
    }
}

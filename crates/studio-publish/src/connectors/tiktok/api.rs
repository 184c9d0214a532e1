//! TikTok's API calls and the reading of its errors: every reply carries `error.code`, with
//! HTTP statuses that can mislead.
use std::time::Duration;

use reqwest::blocking::RequestBuilder;
use reqwest::StatusCode;
use serde_json::Value;

use crate::connector::Session;
use crate::http::{Http, Step};
use crate::{PublishError, Result};

pub(super) const NAME: &str = "TikTok";

/// TikTok's error codes (`error.code`) where the HTTP status alone misleads: `scope_not_authorized`
/// comes as a 401 but no new token fixes it, and errors may come with a 200.
fn api_error(status: StatusCode, json: &Value) -> Option<PublishError> {
    let code = json.pointer("/error/code").and_then(Value::as_str)?;
    if code == "ok" {
        return None;
    }
    let message = json
        .pointer("/error/message")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| code.replace('_', " "));
    let platform = NAME.to_string();
    match code {
        "access_token_invalid" => Some(PublishError::TokenExpired { platform, message }),
        // A 429 goes to the generic reading, which honours a Retry-After header; TikTok's limits
        // are per minute (6 inits, 30 status fetches per token), so a minute otherwise.
        "rate_limit_exceeded" if status == StatusCode::TOO_MANY_REQUESTS => None,
        "rate_limit_exceeded" => {
            Some(PublishError::RateLimited { platform, retry_after: Duration::from_secs(60), message })
        }
        _ if status.is_server_error() => None,
        _ => Some(PublishError::Rejected { platform, message, platform_code: Some(code.to_string()) }),
    }
}

pub(super) fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    api_error(status, json)
}

pub(super) fn http(s_: &Session) -> Http {
    s_.http.clone().with_classifier(classify)
}

/// A JSON API call: `data` when `error.code` is "ok", the mapped error otherwise.
pub(super) fn call(s_: &Session, req: RequestBuilder) -> Result<Value> {
    let body: Value = http(s_).json(s_.bearer(req), Step::Repeatable)?;
    if let Some(e) = api_error(StatusCode::OK, &body) {
        return Err(e);
    }
    Ok(body.get("data").cloned().unwrap_or(Value::Null))
}

pub(super) fn str_of(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorClass;

    #[test]
    fn error_codes_become_the_right_class() {
        let body = |code: &str| json!({"data": {}, "error": {"code": code, "message": "m", "log_id": "l"}});
        assert!(api_error(StatusCode::OK, &body("ok")).is_none());
        assert_eq!(
            api_error(StatusCode::UNAUTHORIZED, &body("access_token_invalid")).map(|e| e.class()),
            Some(ErrorClass::RefreshToken)
        );
        assert_eq!(
            api_error(StatusCode::UNAUTHORIZED, &body("scope_not_authorized")).map(|e| e.class()),
            Some(ErrorClass::BadRequest)
        );
        assert_eq!(
            api_error(StatusCode::OK, &body("rate_limit_exceeded")).map(|e| e.class()),
            Some(ErrorClass::RateLimited { retry_after_s: 60 })
        );
        assert!(api_error(StatusCode::TOO_MANY_REQUESTS, &body("rate_limit_exceeded")).is_none());
        assert!(api_error(StatusCode::INTERNAL_SERVER_ERROR, &body("internal_error")).is_none());
        let e = api_error(StatusCode::FORBIDDEN, &body("spam_risk_too_many_posts")).expect("mapped");
        assert!(
            matches!(e, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("spam_risk_too_many_posts"))
        );
    }
}

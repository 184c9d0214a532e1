//! Requests to Meta's Graph API and the reading of its errors: the error body's codes, the
//! usage headers that say how long a throttle lasts, and the upload host's own error shape.
use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

use crate::connector::Session;
use crate::connectors::json::s as str_field;
use crate::http::Step;
use crate::platform::PlatformId;
use crate::rules::rules;
use crate::{PublishError, Result};

/// How long to wait when Meta throttles without saying for how long.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(3600);

pub(super) fn name(platform: PlatformId) -> String {
    rules(platform).name.clone()
}

/// Sends a request and classifies a failure the Meta way (see [`classify`]), falling back to the
/// generic reading of [`crate::http::Http::error_from`].
pub fn send(s: &Session, req: RequestBuilder, step: Step) -> Result<Response> {
    let resp = req.send().map_err(|e| transport(s.platform, e, step))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    // Error bodies are small; a hostile one is cut at 64 KiB.
    let mut body = Vec::new();
    let _ = resp.take(64 * 1024).read_to_end(&mut body);
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Err(classify(s.platform, status, &headers, &json, step)
        .unwrap_or_else(|| s.http.error_from(status, &headers, &body, step)))
}

/// Sends and decodes a JSON object. A 200 that carries an `error` object is read as an error.
pub fn json(s: &Session, req: RequestBuilder, step: Step) -> Result<Value> {
    let resp = send(s, req, step)?;
    let headers = resp.headers().clone();
    let bytes = resp.bytes().map_err(|e| transport(s.platform, e, step))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| unexpected(s.platform, step, format!("{e}")))?;
    if v.get("error").is_some_and(Value::is_object) {
        return Err(classify(s.platform, StatusCode::BAD_REQUEST, &headers, &v, step)
            .unwrap_or_else(|| s.http.error_from(StatusCode::BAD_REQUEST, &headers, &bytes, step)));
    }
    Ok(v)
}

/// A reply that cannot be read: unknown outcome on the final call, safe to retry elsewhere.
pub fn unexpected(platform: PlatformId, step: Step, what: impl std::fmt::Display) -> PublishError {
    let message = format!("unexpected reply: {what}");
    match step {
        Step::Final => PublishError::OutcomeUnknown { platform: name(platform), message },
        Step::Repeatable => PublishError::retry(&name(platform), message),
    }
}

fn transport(platform: PlatformId, e: reqwest::Error, step: Step) -> PublishError {
    let builder = e.is_builder();
    let never_sent = e.is_connect() || builder;
    let message = e.without_url().to_string();
    match step {
        Step::Final if !never_sent => PublishError::OutcomeUnknown { platform: name(platform), message },
        _ if builder => PublishError::Unsupported(message),
        _ => PublishError::retry(&name(platform), message),
    }
}

/// Meta's error codes as the publisher's classes; `None` leaves the reply to the generic reading
/// (a 5xx without a Meta body, a 429 from a proxy).
pub fn classify(
    platform: PlatformId,
    status: StatusCode,
    headers: &HeaderMap,
    json: &Value,
    step: Step,
) -> Option<PublishError> {
    let platform_name = name(platform);
    let transient = |message: String| match step {
        Step::Final => PublishError::OutcomeUnknown { platform: platform_name.clone(), message },
        Step::Repeatable => PublishError::Retry { platform: platform_name.clone(), message },
    };
    if let Some(info) = json.get("debug_info").filter(|d| d.is_object()) {
        // rupload.facebook.com: `retriable` is its own verdict on repeating the same bytes.
        let message =
            str_field(info, "message").or_else(|| str_field(info, "type")).unwrap_or_else(|| format!("HTTP {status}"));
        let retriable = info.get("retriable").and_then(Value::as_bool).unwrap_or(false);
        return Some(match status.as_u16() {
            401 => PublishError::TokenExpired { platform: platform_name, message },
            429 => PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message },
            500..=599 => transient(message),
            _ if retriable => transient(message),
            _ => PublishError::Rejected { platform: platform_name, message, platform_code: str_field(info, "type") },
        });
    }
    let err = json.get("error").filter(|e| e.is_object())?;
    let code = err.get("code").and_then(Value::as_i64)?;
    let subcode = err.get("error_subcode").and_then(Value::as_i64);
    let message = describe(err);
    if let Some(trace) = str_field(err, "fbtrace_id") {
        tracing::info!(platform = %platform, code, subcode, fbtrace_id = %trace, "Meta error: {message}");
    }
    let lower = message.to_ascii_lowercase();
    let platform_code = Some(match subcode {
        Some(sub) => format!("{code}/{sub}"),
        None => code.to_string(),
    });
    let e = match (code, subcode) {
        // 463: the token expired (a refresh may fix it). 458 app removed, 459 checkpointed,
        // 460 password changed, 464 unconfirmed user, 467 invalidated, 492 session invalid:
        // only the creator signing in again fixes those.
        (190, Some(458 | 459 | 460 | 464 | 467 | 492)) => PublishError::Reconnect { platform: platform_name, message },
        (190 | 102, _) => PublishError::TokenExpired { platform: platform_name, message },
        // A permission was not granted or was removed: reconnecting grants it again.
        (10 | 200..=299, _) => PublishError::Reconnect { platform: platform_name, message },
        // 4 app, 17 user, 32 page, 613 custom, 80001–80014 business use case throttling; 9 and
        // 341 "limit reached" (Instagram's daily publishing limit is 9 / 2207042).
        (4 | 9 | 17 | 32 | 341 | 613 | 80001..=80014, _) => {
            PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message }
        }
        // "Media ID is not available": the container is not ready yet; nothing was published.
        (9007, Some(2207027)) => PublishError::Retry { platform: platform_name, message },
        // 1 unknown, 2 service unavailable; -1/-2 Instagram server error or download timeout.
        (1 | 2 | -1 | -2, _) => transient(message),
        // Reels' 30-per-24-h cap has no documented code of its own: read the words ("Page
        // request limit reached"), not any "limit" (a caption over its limit is a rejection).
        _ if lower.contains("limit reached") || lower.contains("rate limit") || lower.contains("too many") => {
            PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message }
        }
        _ if err.get("is_transient").and_then(Value::as_bool) == Some(true) => transient(message),
        _ if status.is_server_error() => return None,
        _ => PublishError::Rejected { platform: platform_name, message, platform_code },
    };
    Some(e)
}

/// [`classify`] in the shape of [`crate::http::Classifier`] (no headers, so throttling waits the
/// default hour; every step read as repeatable), for code that reads Meta replies through
/// [`crate::http::Http`] directly. Returns `None` exactly where [`classify`] does, so the
/// fallback in [`send`] reads the same way.
pub fn classify_facebook(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Facebook, status, &HeaderMap::new(), json, Step::Repeatable)
}

pub fn classify_instagram(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Instagram, status, &HeaderMap::new(), json, Step::Repeatable)
}

pub fn classify_threads(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Threads, status, &HeaderMap::new(), json, Step::Repeatable)
}

/// The platform's words: the technical message, and the one meant for people when there is one.
fn describe(err: &Value) -> String {
    let message = str_field(err, "message").unwrap_or_else(|| "unknown error".into());
    match str_field(err, "error_user_msg") {
        Some(user) if user != message => format!("{message}: {user}"),
        _ => message,
    }
}

/// How long until Meta lets the app back in: the largest `estimated_time_to_regain_access`
/// (minutes) in the usage headers, a `Retry-After` if a proxy sent one, else an hour.
pub fn wait(headers: &HeaderMap) -> Duration {
    if headers.contains_key("retry-after") {
        return crate::http::retry_after(headers);
    }
    let minutes = ["x-business-use-case-usage", "x-app-usage", "x-page-usage", "x-ad-account-usage"]
        .iter()
        .filter_map(|h| headers.get(*h)?.to_str().ok())
        .filter_map(|raw| serde_json::from_str::<Value>(raw).ok())
        .filter_map(|v| regain_minutes(&v))
        .max()
        .filter(|m| *m > 0);
    minutes.map(|m| Duration::from_secs(m * 60)).unwrap_or(DEFAULT_WAIT)
}

fn regain_minutes(v: &Value) -> Option<u64> {
    match v {
        Value::Object(map) => {
            let here = map.get("estimated_time_to_regain_access").and_then(Value::as_u64);
            map.values().filter_map(regain_minutes).chain(here).max()
        }
        Value::Array(items) => items.iter().filter_map(regain_minutes).max(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: Value) -> Value {
        serde_json::json!({ "error": body })
    }

    fn class(status: u16, headers: &HeaderMap, body: Value, step: Step) -> crate::ErrorClass {
        let status = StatusCode::from_u16(status).expect("status");
        classify(PlatformId::Facebook, status, headers, &body, step).expect("a Meta error").class()
    }

    #[test]
    fn meta_codes_become_the_right_class() {
        use crate::ErrorClass::*;
        let none = HeaderMap::new();
        let token = |sub: Option<i64>| {
            err(
                serde_json::json!({"message": "Error validating access token", "type": "OAuthException", "code": 190, "error_subcode": sub, "fbtrace_id": "A1"}),
            )
        };
        assert_eq!(class(400, &none, token(Some(463)), Step::Repeatable), RefreshToken);
        assert_eq!(class(401, &none, token(None), Step::Final), RefreshToken);
        for sub in [458, 460, 467] {
            assert_eq!(class(400, &none, token(Some(sub)), Step::Repeatable), Reconnect, "{sub}");
        }
        let limited =
            |code: i64| err(serde_json::json!({"message": "Application request limit reached", "code": code}));
        for code in [4, 17, 32, 613, 80001, 80014] {
            assert_eq!(class(400, &none, limited(code), Step::Final), RateLimited { retry_after_s: 3600 }, "{code}");
        }
        let daily = err(
            serde_json::json!({"message": "The user has reached the maximum of posts", "code": 9, "error_subcode": 2207042}),
        );
        assert_eq!(class(400, &none, daily, Step::Final), RateLimited { retry_after_s: 3600 });
        let not_ready =
            err(serde_json::json!({"message": "Media ID is not available", "code": 9007, "error_subcode": 2207027}));
        assert_eq!(class(400, &none, not_ready, Step::Final), Retry);
        let unknown = err(serde_json::json!({"message": "An unknown error has occurred.", "code": 1}));
        assert_eq!(class(500, &none, unknown.clone(), Step::Repeatable), Retry);
        assert_eq!(class(500, &none, unknown, Step::Final), OutcomeUnknown);
        let bad = err(serde_json::json!({"message": "Invalid parameter", "code": 100, "error_subcode": 2207026,
            "error_user_msg": "The video format is not supported."}));
        let e = classify(PlatformId::Instagram, StatusCode::BAD_REQUEST, &none, &bad, Step::Repeatable).expect("meta");
        assert_eq!(e.class(), BadRequest);
        assert!(e.to_string().contains("Invalid parameter: The video format is not supported."), "{e}");
        assert!(matches!(e, PublishError::Rejected { platform_code: Some(ref c), .. } if c == "100/2207026"));
        let perm = err(serde_json::json!({"message": "(#200) Permissions error", "code": 200}));
        assert_eq!(class(403, &none, perm, Step::Repeatable), Reconnect);
        let rupload = serde_json::json!({"debug_info": {"retriable": false, "type": "ParameterValidationError", "message": "Header Offset not convertable"}});
        assert_eq!(class(400, &none, rupload, Step::Repeatable), BadRequest);
        let rupload =
            serde_json::json!({"debug_info": {"retriable": true, "type": "TransientError", "message": "try again"}});
        assert_eq!(class(400, &none, rupload, Step::Repeatable), Retry);
        // A body that is not Meta's shape is left to the generic reading.
        assert!(classify(PlatformId::Threads, StatusCode::BAD_GATEWAY, &none, &Value::Null, Step::Final).is_none());
    }

    #[test]
    fn the_wait_comes_from_the_usage_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-business-use-case-usage",
            r#"{"1234":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":7}]}"#
                .parse()
                .expect("header"),
        );
        h.insert("x-app-usage", r#"{"call_count":100,"total_time":5,"total_cputime":5}"#.parse().expect("header"));
        assert_eq!(wait(&h), Duration::from_secs(7 * 60));
        let mut h = HeaderMap::new();
        h.insert("x-app-usage", r#"{"call_count":100,"estimated_time_to_regain_access":0}"#.parse().expect("header"));
        assert_eq!(wait(&h), DEFAULT_WAIT);
        assert_eq!(wait(&HeaderMap::new()), DEFAULT_WAIT);
    }
}

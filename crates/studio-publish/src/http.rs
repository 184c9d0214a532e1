//! One HTTP client for every connector, and one reading of the platforms' failures.
//!
//! A response is turned into a [`PublishError`] by status and body: 429 carries its retry-after,
//! 401 asks for a token refresh, `invalid_grant` asks the creator to reconnect, 5xx is retried on
//! repeatable steps but is an unknown outcome on the final create-post step. reqwest errors are
//! stripped of their URL before they become messages, since some APIs put tokens in query strings.
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::blocking::{Body, Client, RequestBuilder, Response};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::platform::PlatformId;
use crate::{PublishError, Result};

/// Whether a request may be sent again without risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reads, uploads of a byte range, status polls: repeating them changes nothing.
    Repeatable,
    /// The call that creates the post. If it may have reached the platform, the outcome is
    /// unknown and it must not be repeated blindly.
    Final,
}

/// Maps a platform-specific failure before the generic reading; `None` falls through.
pub type Classifier = fn(StatusCode, &Value) -> Option<PublishError>;

#[derive(Clone)]
pub struct Http {
    client: Client,
    platform: PlatformId,
    classify: Option<Classifier>,
}

/// How long a default Retry-After is when a platform sends a 429 without saying.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

impl Http {
    /// Every `Http` shares one client: a blocking reqwest client owns a runtime thread and a
    /// connection pool, so building one per call would cost a thread and a TLS set-up each time.
    pub fn new(platform: PlatformId) -> Result<Self> {
        static CLIENT: OnceLock<std::result::Result<Client, String>> = OnceLock::new();
        let client = CLIENT.get_or_init(|| {
            // Another part of the process may have installed a provider already; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
            Client::builder()
                .user_agent(concat!("ViralStudio/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(15))
                .timeout(Duration::from_secs(300))
                // YouTube's resumable upload answers 308 without a Location: never follow on our own.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| e.without_url().to_string())
        });
        match client {
            Ok(client) => Ok(Self { client: client.clone(), platform, classify: None }),
            Err(e) => Err(PublishError::Unsupported(format!("cannot start the HTTP client: {e}"))),
        }
    }

    pub fn with_classifier(mut self, classify: Classifier) -> Self {
        self.classify = Some(classify);
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn platform(&self) -> PlatformId {
        self.platform
    }

    /// Sends and returns a 2xx or 3xx response; anything else becomes a classified error.
    pub fn send(&self, req: RequestBuilder, step: Step) -> Result<Response> {
        let spare = if step == Step::Repeatable { req.try_clone() } else { None };
        let resp = match (req.send(), spare) {
            // A pooled keep-alive connection the server had just closed: one fresh attempt.
            (Err(e), Some(again)) if !e.is_timeout() => {
                tracing::debug!(error = %e.without_url(), "retrying once on a new connection");
                again.send()
            }
            (other, _) => other,
        }
        .map_err(|e| self.transport_error(e, step))?;
        let status = resp.status();
        if status.is_success() || status.is_redirection() {
            return Ok(resp);
        }
        let headers = resp.headers().clone();
        // Error bodies are small; a hostile one is cut at 64 KiB.
        let mut body = Vec::new();
        let _ = resp.take(64 * 1024).read_to_end(&mut body);
        Err(self.error_from(status, &headers, &body, step))
    }

    /// Sends and decodes a JSON reply.
    pub fn json<T: DeserializeOwned>(&self, req: RequestBuilder, step: Step) -> Result<T> {
        let resp = self.send(req, step)?;
        let bytes = resp.bytes().map_err(|e| self.transport_error(e, step))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            let message = format!("unexpected reply: {e}");
            match step {
                Step::Final => PublishError::OutcomeUnknown { platform: self.name(), message },
                Step::Repeatable => PublishError::retry(&self.name(), message),
            }
        })
    }

    fn name(&self) -> String {
        crate::rules::rules(self.platform).name.clone()
    }

    fn transport_error(&self, e: reqwest::Error, step: Step) -> PublishError {
        let builder = e.is_builder();
        let never_sent = e.is_connect() || builder;
        let message = e.without_url().to_string();
        match step {
            Step::Final if !never_sent => PublishError::OutcomeUnknown { platform: self.name(), message },
            _ if builder => PublishError::Unsupported(message),
            _ => PublishError::retry(&self.name(), message),
        }
    }

    pub fn error_from(&self, status: StatusCode, headers: &HeaderMap, body: &[u8], step: Step) -> PublishError {
        let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        if let Some(custom) = self.classify.and_then(|f| f(status, &json)) {
            return custom;
        }
        let platform = self.name();
        let (message, code) = describe(status, &json, body);
        if is_grant_gone(&json) {
            return PublishError::Reconnect { platform, message };
        }
        match status.as_u16() {
            429 => PublishError::RateLimited { platform, retry_after: retry_after(headers), message },
            401 => PublishError::TokenExpired { platform, message },
            408 | 500..=599 if step == Step::Final => PublishError::OutcomeUnknown { platform, message },
            408 | 500..=599 => PublishError::Retry { platform, message },
            _ => PublishError::Rejected { platform, message, platform_code: code },
        }
    }
}

/// The refresh token or app authorisation is gone for good.
fn is_grant_gone(json: &Value) -> bool {
    let err = json.get("error").and_then(Value::as_str).unwrap_or_default();
    matches!(err, "invalid_grant" | "unauthorized_client" | "access_denied")
}

/// The platform's own words: the fields the ten platforms (and OAuth) put them in.
pub fn describe(status: StatusCode, json: &Value, body: &[u8]) -> (String, Option<String>) {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string).filter(|s| !s.is_empty());
    let err = json.get("error");
    let message = s(err.and_then(|e| e.get("message")))
        .or_else(|| s(json.get("error_description")))
        .or_else(|| s(json.get("message")))
        .or_else(|| s(json.get("detail")))
        .or_else(|| s(json.pointer("/errors/0/message")))
        .or_else(|| s(json.get("title")))
        .or_else(|| s(err))
        .or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            (!text.is_empty() && !text.starts_with('<')).then(|| text.chars().take(300).collect())
        })
        .unwrap_or_else(|| format!("HTTP {status}"));
    let code = s(err.and_then(|e| e.get("code")))
        .or_else(|| err.and_then(|e| e.get("code")).and_then(Value::as_i64).map(|c| c.to_string()))
        .or_else(|| s(err))
        .or_else(|| s(json.get("code")));
    (message, code)
}

/// `Retry-After` in seconds or as an HTTP date, X's `x-rate-limit-reset` (epoch seconds), or a
/// minute when the platform does not say.
pub fn retry_after(headers: &HeaderMap) -> Duration {
    let now = jiff::Timestamp::now().as_second();
    if let Some(v) = headers.get("retry-after").and_then(|v| v.to_str().ok()) {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Duration::from_secs(secs);
        }
        if let Ok(at) = jiff::fmt::rfc2822::parse(v.trim()) {
            return Duration::from_secs(at.timestamp().as_second().saturating_sub(now).max(0) as u64);
        }
    }
    if let Some(reset) = headers.get("x-rate-limit-reset").and_then(|v| v.to_str().ok()?.trim().parse::<i64>().ok()) {
        return Duration::from_secs(reset.saturating_sub(now).max(1) as u64);
    }
    // Bluesky's XRPC servers send `RateLimit-Reset` as epoch seconds (@atproto/xrpc-server
    // rate-limiter.js); the IETF draft header of the same name is delta seconds. A value that
    // can only be an epoch is read as one.
    if let Some(reset) = headers.get("ratelimit-reset").and_then(|v| v.to_str().ok()?.trim().parse::<i64>().ok()) {
        let secs = if reset >= 1_000_000_000 { reset.saturating_sub(now) } else { reset };
        return Duration::from_secs(secs.max(1) as u64);
    }
    DEFAULT_RETRY_AFTER
}

/// `len` bytes of a file from `offset`, streamed: memory stays bounded whatever the file size.
pub fn file_chunk(path: &Path, offset: u64, len: u64) -> Result<Body> {
    let io = |source| PublishError::Io { path: path.display().to_string(), source };
    let mut file = std::fs::File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    Ok(Body::sized(file.take(len), len))
}

/// The size of a file about to be uploaded.
pub fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| PublishError::Io { path: path.display().to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http() -> Http {
        Http::new(PlatformId::Mastodon).expect("client")
    }

    #[test]
    fn statuses_become_the_right_class() {
        let h = http();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "17".parse().expect("header"));
        let e = h.error_from(StatusCode::TOO_MANY_REQUESTS, &headers, b"{}", Step::Repeatable);
        assert_eq!(e.class(), crate::ErrorClass::RateLimited { retry_after_s: 17 });
        let e = h.error_from(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"", Step::Repeatable);
        assert_eq!(e.class(), crate::ErrorClass::Retry);
        let e = h.error_from(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"", Step::Final);
        assert_eq!(e.class(), crate::ErrorClass::OutcomeUnknown);
        let e = h.error_from(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            br#"{"error":"invalid_grant","error_description":"grant revoked"}"#,
            Step::Repeatable,
        );
        assert_eq!(e.class(), crate::ErrorClass::Reconnect);
        let e = h.error_from(
            StatusCode::UNPROCESSABLE_ENTITY,
            &HeaderMap::new(),
            br#"{"error":"Validation failed: Text character limit of 500 exceeded"}"#,
            Step::Final,
        );
        assert_eq!(e.class(), crate::ErrorClass::BadRequest);
        assert!(e.to_string().contains("character limit of 500"), "{e}");
        let e = h.error_from(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            br#"{"error":"The access token is invalid"}"#,
            Step::Final,
        );
        assert_eq!(e.class(), crate::ErrorClass::RefreshToken);
    }

    #[test]
    fn retry_after_as_a_date_and_as_x_reset() {
        let mut headers = HeaderMap::new();
        let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&at).expect("date");
        headers.insert("retry-after", date.parse().expect("header"));
        let d = retry_after(&headers).as_secs();
        assert!((118..=121).contains(&d), "{d}");
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-reset", (jiff::Timestamp::now().as_second() + 30).to_string().parse().expect("h"));
        let d = retry_after(&headers).as_secs();
        assert!((28..=31).contains(&d), "{d}");
        assert_eq!(retry_after(&HeaderMap::new()), DEFAULT_RETRY_AFTER);
    }
}

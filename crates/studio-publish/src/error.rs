//! One error type for every platform, and the one question the publisher asks of it: what now?
use std::time::Duration;

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A transient failure (5xx, a dropped connection) on a step that is safe to repeat.
    #[error("{platform} did not answer properly ({message}); it is safe to try again")]
    Retry { platform: String, message: String },
    #[error("{platform} asks us to slow down; try again in {} s ({message})", retry_after.as_secs())]
    RateLimited { platform: String, retry_after: Duration, message: String },
    /// The access token was refused; refreshing it may fix this.
    #[error("{platform} refused the access token ({message})")]
    TokenExpired { platform: String, message: String },
    /// The platform rejected the request as it is; the message is the platform's own.
    #[error("{platform} rejected the request: {message}")]
    Rejected { platform: String, message: String, platform_code: Option<String> },
    /// The grant is gone (revoked, `invalid_grant`, password changed): only the creator can fix it.
    #[error("{platform} needs you to reconnect the account: {message}")]
    Reconnect { platform: String, message: String },
    /// The final create-post call may or may not have happened (timeout, crash, 5xx after sending).
    #[error("{platform} did not confirm the post ({message}); it may or may not be live")]
    OutcomeUnknown { platform: String, message: String },
    /// Our own checks, before anything is sent (caption too long, video too short).
    #[error("{0}")]
    Invalid(String),
    #[error("{0} is not https: only loopback addresses may use plain http")]
    InsecureUrl(String),
    #[error("{platform} fetches the video from a public URL, and no media relay is configured. Connect a team server (Settings → Team) to publish there")]
    MediaRelayMissing { platform: String },
    #[error("the OS keychain is not available: {0}")]
    Keychain(String),
    #[error("sign-in did not finish: {0}")]
    Auth(String),
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Unsupported(String),
}

/// What the caller should do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorClass {
    Retry,
    RateLimited {
        retry_after_s: u64,
    },
    RefreshToken,
    BadRequest,
    Reconnect,
    OutcomeUnknown,
    /// Nothing to retry: fix the input or the setup.
    Fatal,
}

impl PublishError {
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Retry { .. } => ErrorClass::Retry,
            Self::RateLimited { retry_after, .. } => ErrorClass::RateLimited { retry_after_s: retry_after.as_secs() },
            Self::TokenExpired { .. } => ErrorClass::RefreshToken,
            Self::Rejected { .. } | Self::Invalid(_) => ErrorClass::BadRequest,
            Self::Reconnect { .. } => ErrorClass::Reconnect,
            Self::OutcomeUnknown { .. } => ErrorClass::OutcomeUnknown,
            Self::InsecureUrl(_)
            | Self::MediaRelayMissing { .. }
            | Self::Keychain(_)
            | Self::Auth(_)
            | Self::Io { .. }
            | Self::Cancelled
            | Self::Unsupported(_) => ErrorClass::Fatal,
        }
    }

    /// Stable code for the API edge and the `post_targets.failure_code` column.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Retry { .. } => "platform_unavailable",
            Self::RateLimited { .. } => "rate_limited",
            Self::TokenExpired { .. } => "token_expired",
            Self::Rejected { .. } => "platform_rejected",
            Self::Reconnect { .. } => "needs_reconnect",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::Invalid(_) => "invalid_post",
            Self::InsecureUrl(_) => "insecure_url",
            Self::MediaRelayMissing { .. } => "media_relay_missing",
            Self::Keychain(_) => "keychain_unavailable",
            Self::Auth(_) => "auth_failed",
            Self::Io { .. } => "io",
            Self::Cancelled => "cancelled",
            Self::Unsupported(_) => "unsupported",
        }
    }

    pub fn rejected(platform: &str, message: impl Into<String>) -> Self {
        Self::Rejected { platform: platform.to_string(), message: message.into(), platform_code: None }
    }

    pub fn retry(platform: &str, message: impl Into<String>) -> Self {
        Self::Retry { platform: platform.to_string(), message: message.into() }
    }
}

//! The one error shape every front door shows: `{code, message}`.
//!
//! `code` is stable and generated into TypeScript, so the UI and scripts branch on it; `message`
//! is for people and may be reworded at any time.
use serde::{Deserialize, Serialize};
use studio_core::{StoreError, ValidationError};
use studio_media::MediaError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidName,
    InvalidTimezone,
    InvalidDate,
    InvalidDateRange,
    InvalidBudget,
    InvalidCurrency,
    InvalidInput,
    NotFound,
    Conflict,
    InvalidMedia,
    RenderFailed,
    Cancelled,
    NeedsReconnect,
    RateLimited,
    PlatformRejected,
    PlatformUnavailable,
    OutcomeUnknown,
    KeychainUnavailable,
    AuthFailed,
    MediaRelayMissing,
    InsecureUrl,
    Unsupported,
    ComplianceFailed,
    InvalidTime,
    InvalidAmount,
    InvalidKind,
    InvalidMapping,
    InvalidCsv,
    DatabaseNewer,
    DatabaseCorrupt,
    DatabaseBusy,
    Storage,
    Io,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 34] = [
        Self::InvalidName,
        Self::InvalidTimezone,
        Self::InvalidDate,
        Self::InvalidDateRange,
        Self::InvalidBudget,
        Self::InvalidCurrency,
        Self::InvalidInput,
        Self::NotFound,
        Self::Conflict,
        Self::InvalidMedia,
        Self::RenderFailed,
        Self::Cancelled,
        Self::NeedsReconnect,
        Self::RateLimited,
        Self::PlatformRejected,
        Self::PlatformUnavailable,
        Self::OutcomeUnknown,
        Self::KeychainUnavailable,
        Self::AuthFailed,
        Self::MediaRelayMissing,
        Self::InsecureUrl,
        Self::Unsupported,
        Self::ComplianceFailed,
        Self::InvalidTime,
        Self::InvalidAmount,
        Self::InvalidKind,
        Self::InvalidMapping,
        Self::InvalidCsv,
        Self::DatabaseNewer,
        Self::DatabaseCorrupt,
        Self::DatabaseBusy,
        Self::Storage,
        Self::Io,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidName => "invalid_name",
            Self::InvalidTimezone => "invalid_timezone",
            Self::InvalidDate => "invalid_date",
            Self::InvalidDateRange => "invalid_date_range",
            Self::InvalidBudget => "invalid_budget",
            Self::InvalidCurrency => "invalid_currency",
            Self::InvalidInput => "invalid_input",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::InvalidMedia => "invalid_media",
            Self::RenderFailed => "render_failed",
            Self::Cancelled => "cancelled",
            Self::NeedsReconnect => "needs_reconnect",
            Self::RateLimited => "rate_limited",
            Self::PlatformRejected => "platform_rejected",
            Self::PlatformUnavailable => "platform_unavailable",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::AuthFailed => "auth_failed",
            Self::MediaRelayMissing => "media_relay_missing",
            Self::InsecureUrl => "insecure_url",
            Self::Unsupported => "unsupported",
            Self::ComplianceFailed => "compliance_failed",
            Self::InvalidTime => "invalid_time",
            Self::InvalidAmount => "invalid_amount",
            Self::InvalidKind => "invalid_kind",
            Self::InvalidMapping => "invalid_mapping",
            Self::InvalidCsv => "invalid_csv",
            Self::DatabaseNewer => "database_newer",
            Self::DatabaseCorrupt => "database_corrupt",
            Self::DatabaseBusy => "database_busy",
            Self::Storage => "storage",
            Self::Io => "io",
            Self::Internal => "internal",
        }
    }

    /// Input problems the user fixes by changing what they typed (CLI exit 1, no log noise).
    pub fn is_user_input(self) -> bool {
        matches!(
            self,
            Self::InvalidName
                | Self::InvalidTimezone
                | Self::InvalidDate
                | Self::InvalidDateRange
                | Self::InvalidBudget
                | Self::InvalidCurrency
                | Self::InvalidInput
                | Self::NotFound
                | Self::Conflict
                | Self::InvalidMedia
                | Self::Cancelled
                | Self::NeedsReconnect
                | Self::RateLimited
                | Self::PlatformRejected
                | Self::OutcomeUnknown
                | Self::AuthFailed
                | Self::MediaRelayMissing
                | Self::InsecureUrl
                | Self::Unsupported
                | Self::ComplianceFailed
                | Self::InvalidTime
                | Self::InvalidAmount
                | Self::InvalidKind
                | Self::InvalidMapping
                | Self::InvalidCsv
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

fn validation_code(v: &ValidationError) -> ErrorCode {
    use ValidationError as V;
    match v {
        V::EmptyName => ErrorCode::InvalidName,
        V::TooLong { field: "name", .. } => ErrorCode::InvalidName,
        V::TooLong { .. } => ErrorCode::InvalidInput,
        V::UnknownTimezone(_) => ErrorCode::InvalidTimezone,
        V::BadDate { .. } => ErrorCode::InvalidDate,
        V::EndsBeforeStarts { .. } => ErrorCode::InvalidDateRange,
        V::BadAmount(_) | V::NegativeAmount | V::TooManyDecimals { .. } | V::AmountTooLarge => ErrorCode::InvalidBudget,
        V::CurrencyWithoutBudget => ErrorCode::InvalidBudget,
        V::UnknownCurrency(_) | V::BudgetWithoutCurrency => ErrorCode::InvalidCurrency,
        V::BadTime(_) => ErrorCode::InvalidTime,
        V::BadRecurrence(_) => ErrorCode::InvalidInput,
        V::UnknownRevenueKind(_) => ErrorCode::InvalidKind,
        V::InvalidAmount { .. } => ErrorCode::InvalidAmount,
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Invalid(v) => validation_code(v),
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Conflict { .. }
            | StoreError::InUse(_)
            | StoreError::IllegalTransition { .. }
            | StoreError::LeaseMoved => ErrorCode::Conflict,
            StoreError::NewerSchema { .. } => ErrorCode::DatabaseNewer,
            StoreError::Corrupt { .. } => ErrorCode::DatabaseCorrupt,
            StoreError::Busy => ErrorCode::DatabaseBusy,
            StoreError::Io { .. } => ErrorCode::Io,
            StoreError::Sqlite(_) | StoreError::Migration { .. } | StoreError::Decode(_) => ErrorCode::Storage,
        };
        if !code.is_user_input() {
            tracing::error!(code = code.as_str(), error = %e, "operation failed");
        }
        ApiError::new(code, e.to_string())
    }
}

/// One mapping of media failures for every operation (renders, score, captions).
impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        let code = match &e {
            MediaError::UnknownPreset { .. }
            | MediaError::InvalidPreset { .. }
            | MediaError::InvalidSettings(_)
            | MediaError::BadCaptions { .. } => ErrorCode::InvalidInput,
            MediaError::Cancelled => ErrorCode::Cancelled,
            MediaError::Write { .. } | MediaError::Unreadable(_) => ErrorCode::Io,
            MediaError::Empty
            | MediaError::UnsupportedFormat { .. }
            | MediaError::Corrupt { .. }
            | MediaError::ImageTooLarge { .. } => ErrorCode::InvalidMedia,
            MediaError::NoEncoder(_) | MediaError::RenderFailed(_) | MediaError::EncoderFailed { .. } => {
                ErrorCode::RenderFailed
            }
        };
        ApiError::new(code, e.to_string())
    }
}

/// One mapping of platform failures; the message is the platform's own words where it gave some.
impl From<studio_publish::PublishError> for ApiError {
    fn from(e: studio_publish::PublishError) -> Self {
        use studio_publish::PublishError as P;
        let code = match &e {
            P::Retry { .. } => ErrorCode::PlatformUnavailable,
            P::RateLimited { .. } => ErrorCode::RateLimited,
            P::TokenExpired { .. } | P::Reconnect { .. } => ErrorCode::NeedsReconnect,
            P::Rejected { .. } => ErrorCode::PlatformRejected,
            P::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            P::Invalid(_) => ErrorCode::InvalidInput,
            P::InsecureUrl(_) => ErrorCode::InsecureUrl,
            P::MediaRelayMissing { .. } => ErrorCode::MediaRelayMissing,
            P::Keychain(_) => ErrorCode::KeychainUnavailable,
            P::Auth(_) => ErrorCode::AuthFailed,
            P::Io { .. } => ErrorCode::Io,
            P::Cancelled => ErrorCode::Cancelled,
            P::Unsupported(_) => ErrorCode::Unsupported,
        };
        if !code.is_user_input() {
            tracing::warn!(code = code.as_str(), error = %e, "platform operation failed");
        }
        ApiError::new(code, e.to_string())
    }
}

impl From<ValidationError> for ApiError {
    fn from(v: ValidationError) -> Self {
        StoreError::Invalid(v).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serializes");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}

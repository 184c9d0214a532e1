//! Typed errors of the store. Front doors map these to stable codes; nothing here is compared by
//! its message text.
use std::path::PathBuf;

use crate::targets::TargetState;

/// A user-supplied value broke a domain rule. Each variant names the field so the UI can place
/// the message next to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("The name cannot be empty.")]
    EmptyName,
    #[error("The {field} is too long ({len} characters; at most {max}).")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("\"{0}\" is not a known time zone. Use an IANA name such as Europe/Berlin or America/New_York.")]
    UnknownTimezone(String),
    #[error("\"{value}\" is not a valid {field} date. Use YYYY-MM-DD, e.g. 2026-03-31.")]
    BadDate { field: &'static str, value: String },
    #[error("The end date {ends} is before the start date {starts}.")]
    EndsBeforeStarts { starts: String, ends: String },
    #[error("\"{0}\" is not a valid amount. Use digits with an optional decimal point, e.g. 1500 or 1500.50.")]
    BadAmount(String),
    #[error("An amount cannot be negative (record money spent as a cost entry).")]
    NegativeAmount,
    #[error("{currency} amounts have {}.", decimal_places(*max))]
    TooManyDecimals { currency: String, max: u32 },
    #[error("The amount is too large.")]
    AmountTooLarge,
    #[error("\"{0}\" is not an ISO 4217 currency code (e.g. USD, EUR, JPY).")]
    UnknownCurrency(String),
    #[error("A budget needs a currency (e.g. USD).")]
    BudgetWithoutCurrency,
    #[error("A currency was given without a budget amount.")]
    CurrencyWithoutBudget,
    #[error(
        "\"{0}\" is not a time. Use RFC 3339, e.g. 2026-03-29T18:00:00+02:00, or 2026-03-29T18:00 in the chosen zone."
    )]
    BadTime(String),
    #[error("The repeat rule is not valid: {0}.")]
    BadRecurrence(String),
    #[error("\"{0}\" is not a kind of revenue entry. Use sponsorship, affiliate, payout, other or cost.")]
    UnknownRevenueKind(String),
    /// An amount that is not money in its currency (the budget has its own variants above).
    #[error("{detail}")]
    InvalidAmount { value: String, detail: String },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("No {entity} with id {id}.")]
    NotFound { entity: &'static str, id: String },
    #[error("This {entity} was changed elsewhere (now version {current}, you edited version {expected}). Reload and try again.")]
    Conflict { entity: &'static str, expected: i64, current: i64 },
    #[error("{0}")]
    InUse(String),
    /// A target move the state diagram (`targets`) does not have, e.g. cancelling a published post.
    #[error("This post target is {from}; it cannot become {to}.")]
    IllegalTransition { target: String, from: TargetState, to: TargetState },
    /// A write-ahead mark was refused: another process took the job over.
    #[error("The publisher lease moved to another process.")]
    LeaseMoved,
    #[error("The database at {path} was written by a newer version of Viral Studio (schema {found}, this build knows up to {supported}). Update the app, or point it at another data folder.")]
    NewerSchema { path: PathBuf, found: u32, supported: u32 },
    #[error("The database at {path} is damaged or is not a Viral Studio database ({detail}). Restore it from a backup or move it aside to start fresh.")]
    Corrupt { path: PathBuf, detail: String },
    #[error("The database is busy (another Viral Studio process holds it too long). Try again.")]
    Busy,
    #[error("Cannot use the data folder {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("Database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("Migration {version:04} ({name}) failed; the database was left unchanged: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("Stored data could not be read: {0}")]
    Decode(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        // A file cut short (copied half-way, disk full during a copy) reads as a short read.
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHORT_READ {
                return StoreError::Corrupt {
                    path: PathBuf::new(),
                    detail: "the file is shorter than its contents claim".into(),
                };
            }
        }
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
            // Callers that know the path re-wrap this into `Corrupt { path }`.
            Some(C::NotADatabase | C::DatabaseCorrupt) => {
                StoreError::Corrupt { path: PathBuf::new(), detail: e.to_string() }
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// "no decimal places" (JPY), "at most 1 decimal place", "at most 2 decimal places".
fn decimal_places(max: u32) -> String {
    match max {
        0 => "no decimal places".into(),
        1 => "at most 1 decimal place".into(),
        n => format!("at most {n} decimal places"),
    }
}

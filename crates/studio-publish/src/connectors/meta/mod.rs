//! What Facebook Pages, Instagram and Threads share: Meta's Graph API error body and usage
//! headers, insights replies, and the "container" publishing flow of Instagram and Threads.
//!
//! Errors come as `{"error": {"message", "type", "code", "error_subcode", "error_user_msg",
//! "fbtrace_id"}}`, mostly with HTTP 400 whatever the cause, so the status alone says little:
//! the code does (developers.facebook.com/docs/graph-api/guides/error-handling). Throttling comes
//! without `Retry-After`; the usage headers (`X-Business-Use-Case-Usage`, `X-App-Usage`) say how
//! many minutes until access returns (developers.facebook.com/docs/graph-api/overview/rate-limiting).
//! The upload host (rupload) answers `{"debug_info": {"retriable", "type", "message"}}` instead.
//!
//! Split by responsibility: `graph` (requests and errors), `insights` (counters), `containers`
//! (the Instagram/Threads publishing flow) and `auth` (long-lived tokens).
mod auth;
mod containers;
mod graph;
mod insights;

pub use auth::long_lived;
pub use containers::Containers;
pub use graph::{
    classify, classify_facebook, classify_instagram, classify_threads, json, send, unexpected, wait, DEFAULT_WAIT,
};
pub use insights::{count, insight, insights, parse_time};

/// A string or number field as a string (Meta sends ids as strings, counts as numbers).
pub use super::json::s as str_field;

//! Every user-facing Viral Studio operation, written once.
//!
//! The desktop app, the `studio` CLI and (later) the team server are thin front doors onto these
//! plain functions over a [`Context`]. Inputs and outputs derive serde + specta so the UI gets
//! generated TypeScript types; failures are one [`ApiError`] shape with a stable code.

pub mod accounts;
pub mod analytics;
pub mod app;
pub mod assets;
pub mod campaigns;
pub mod context;
pub mod error;
pub mod export;
pub mod learning;
pub mod media_features;
pub mod post_results;
pub mod posts;
pub mod progress;
pub mod publish;
pub mod publisher;
pub mod render_helper;
pub mod renders;
pub mod report;
pub mod revenue;
pub mod revenue_import;
pub mod schedule;
pub mod score;
pub mod settings;
pub mod status;
pub mod validate;

pub use context::Context;
pub use error::{ApiError, ErrorCode};

pub type ApiResult<T> = Result<T, ApiError>;

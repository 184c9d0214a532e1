//! Viral Studio's platform connectors.
//!
//! One module per platform behind one [`Connector`] trait, plus what they all share: OAuth 2.0
//! with PKCE on a loopback redirect, secrets in the OS keychain (never SQLite, logs or the UI),
//! one HTTP client that streams files from disk, and one error classification the publisher
//! (retry, wait, refresh, reconnect, or "outcome unknown") acts on. Platform limits are data in
//! `assets/platforms/`.
//!
//! Everything here is blocking: the API layer is synchronous and the app runs it on blocking
//! threads, so a connector reads top to bottom like the platform's documentation.

pub mod connector;
pub mod connectors;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod keychain;
pub mod media;
pub mod oauth;
pub mod platform;
pub mod provider;
pub mod publish;
pub mod relay;
pub mod rules;
pub mod sensitive;
pub mod tokens;

pub use connector::{AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
pub use error::{ErrorClass, PublishError};
pub use keychain::Keychain;
pub use platform::{AuthMode, PlatformId};
pub use sensitive::Sensitive;

pub type Result<T, E = PublishError> = std::result::Result<T, E>;

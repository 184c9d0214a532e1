//! Viral Studio's domain and local store.
//!
//! This crate knows campaigns, posts, jobs and how they live in SQLite; it knows nothing about
//! windows, codecs or HTTP, so every front door (app, CLI, daemon, team server) can share it and
//! its tests run fast on real database files.

pub mod accounts;
pub mod analytics;
pub mod assets;
pub mod audit;
pub mod campaigns;
pub mod civil;
pub mod clock;
pub mod db;
pub mod error;
pub mod export;
pub mod ids;
pub mod jobs;
pub mod leases;
pub mod migrate;
pub mod money;
pub mod notifications;
pub mod paths;
pub mod post_results;
pub mod posts;
pub mod progress;
pub mod queue;
pub mod renders;
pub mod revenue;
pub mod scores;
pub mod settings;
pub mod status;
pub mod targets;
pub mod watch;
pub mod when;

pub use db::Db;
pub use error::{StoreError, ValidationError};
pub use paths::StudioPaths;

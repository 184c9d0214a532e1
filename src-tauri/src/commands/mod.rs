//! One file per domain; each command is a one-line wrapper over a studio-api function.
pub mod accounts;
pub mod analytics;
pub mod app;
pub mod assets;
pub mod campaigns;
pub mod posts;
pub mod renders;
pub mod scheduler;
pub mod score;

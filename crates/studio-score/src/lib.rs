//! Viral Studio's explainable viral-potential score.
//!
//! Features measured in a video (by studio-media, see [`MediaFeatures`]), the caption and title,
//! and the planned posting time go in; a 0–100 score comes out with every factor that made it:
//! the measured value, a sub-score against the platform's targets, the weight, the points it
//! contributed, and concrete numeric advice ("first cut at 4.2 s — cut within 1.5 s").
//!
//! The score ranks a creator's own options. It does not predict views: follower count dominates
//! those. The weights start as per-platform priors kept as data (`data/*.toml`, evidence in
//! `EVIDENCE.md`) and are replaced per account by per-account learning once the account's own published
//! posts show, on posts held out in time, that learned weights rank engagement better.
//!
//! Pure Rust: no ffmpeg, no database, no UI, so it is fast to test and cheap to call on every
//! keystroke.
//!

pub mod curve;
pub mod error;
pub mod factor;
pub mod features;
pub mod platform;
pub mod text;

pub use error::ScoreError;
pub use factor::{Factor, FactorGroup, FactorId};
pub use features::{
    FormatFeatures, HookFeatures, MediaFeatures, PacingFeatures, PictureFeatures, SoundFeatures, FEATURES_VERSION,
};
pub use platform::{Platform, PlatformProfile};
pub use text::{CountUnit, TextFeatures};

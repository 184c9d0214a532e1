//! Viral Studio's explainable viral-potential score.
//!
//! Features measured in a video (by studio-media, see [`MediaFeatures`]), the caption and title,
//! and the planned posting time go in; a 0–100 score comes out with every factor that made it:
//! the measured value, a sub-score against the platform's targets, the weight, the points it
//! contributed, and concrete numeric advice ("first cut at 4.2 s — cut within 1.5 s").
//!
//! The score ranks a creator's own options. It does not predict views: follower count dominates
//! those. The weights start as per-platform priors kept as data (`data/*.toml`, evidence in
//! `EVIDENCE.md`) and are replaced per account by [`learn`] once the account's own published
//! posts show, on posts held out in time, that learned weights rank engagement better.
//!
//! Pure Rust: no ffmpeg, no database, no UI, so it is fast to test and cheap to call on every
//! keystroke.
//!
//! # Defined results for odd inputs
//! - No media features: media factors are unknown; text and schedule still score.
//! - Audio-only file (`format.has_video == Some(false)`): the aspect factor scores 0 and blocks
//!   ("no video stream"), picture and pacing factors are unknown.
//! - Silent video (`format.has_audio == Some(false)`): loudness scores 0 ("no audio track"),
//!   other sound factors are unknown.
//! - One-frame file: whatever was measured scores; its duration is below every platform's
//!   minimum, so the duration factor scores 0 and blocks.
//! - Impossible values (NaN, negative seconds, ratios above 1) are ignored and listed in
//!   [`ScoreReport::warnings`].
//! - Nothing known at all: `score` is `None`, `coverage` 0.
//!
//! # Example
//! ```
//! use studio_score::{score, MediaFeatures, Platform, ScoreInput};
//!
//! let mut media = MediaFeatures::default();
//! media.hook.first_cut_s = Some(4.2);
//! let input = ScoreInput { media: Some(media), caption: Some("3 edits you can do today?".into()), ..Default::default() };
//! let report = score(Platform::Tiktok, &input).expect("built-in data");
//! let cut = report.factor(studio_score::FactorId::HookCut).expect("TikTok weighs the first cut");
//! assert_eq!(cut.advice.as_deref(), Some("first cut at 4.2 s — cut within 1.5 s"));
//! ```

mod assess;
pub mod best_time;
pub mod curve;
pub mod error;
pub mod factor;
pub mod features;
pub mod learn;
pub mod metrics;
pub mod model;
pub mod platform;
pub mod rank;
mod stats;
pub mod text;
mod wording;

pub use best_time::{best_times, BestTimeConfig, BestTimes, Slot, TimedOutcome};
pub use error::ScoreError;
pub use factor::{Factor, FactorGroup, FactorId};
pub use features::{
    FormatFeatures, HookFeatures, MediaFeatures, PacingFeatures, PictureFeatures, SoundFeatures, FEATURES_VERSION,
};
pub use learn::{learn, LearnConfig, LearnReport, LearnedModel, PostMetrics, PublishedPost};
pub use model::{score, ModelInfo, ModelKind, ScoreInput, ScoreReport, Scorer};
pub use platform::{Platform, PlatformProfile};
pub use rank::{rank, Difference, RankedVariant, Variant};
pub use text::{CountUnit, TextFeatures};

//! What studio-media measures in a video, as this crate expects it. Every field is optional so
//! that a file without a video stream, an audio-only file, a one-frame file or a measurement that
//! was skipped can be described honestly: `None` means "not measured", and the score reports the
//! matching factor as unknown instead of guessing.
//!
//! The units and methods are written down here because they are the contract with the
//! extractor: the targets in the platform data are only meaningful if both sides agree on them.
use serde::{Deserialize, Serialize};

/// Bump when a field's meaning or method changes, so cached features (kept per asset content
/// hash) are recomputed instead of being read with the wrong units.
pub const FEATURES_VERSION: u32 = 1;

/// All measured features of one video (or audio) file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaFeatures {
    pub hook: HookFeatures,
    pub pacing: PacingFeatures,
    pub picture: PictureFeatures,
    pub sound: SoundFeatures,
    pub format: FormatFeatures,
}

/// The opening seconds, where most viewers decide to stay or scroll.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HookFeatures {
    /// Seconds from the start to the first frame with clear motion (mean absolute luma
    /// difference between sampled frames above the extractor's motion threshold).
    pub first_motion_s: Option<f64>,
    /// Seconds from the start to the first scene cut. `None` with `pacing.cuts_per_minute ==
    /// Some(0.0)` means "measured: there is no cut at all".
    pub first_cut_s: Option<f64>,
    /// Momentary-to-short-term loudness of the first 3 s, in LUFS (EBU R128 gating).
    pub hook_loudness_lufs: Option<f64>,
    /// Seconds from the start to the first speech-like audio.
    pub speech_onset_s: Option<f64>,
    /// Whether text (a title, a caption, a hook line) is on screen within the first 3 s.
    pub text_on_screen_early: Option<bool>,
}

/// How often the picture changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PacingFeatures {
    /// Scene cuts per minute of duration.
    pub cuts_per_minute: Option<f64>,
    /// Longest stretch, in seconds, with neither a cut nor clear motion.
    pub longest_static_s: Option<f64>,
}

/// Picture quality, averaged over sampled frames.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PictureFeatures {
    /// Mean luma, 0 (black) to 1 (white).
    pub brightness: Option<f64>,
    /// RMS contrast: standard deviation of luma, 0 to 1 (on the same 0–1 scale as brightness).
    pub contrast: Option<f64>,
    /// Hasler–Süsstrunk colourfulness M on 8-bit RGB (about 0 for grey, 33 "moderately", 59
    /// "highly", 82+ "extremely" colourful).
    pub colourfulness: Option<f64>,
    /// Variance of the Laplacian of 8-bit luma, measured on frames scaled to 360 px on the short
    /// side (below ~50 reads as blurred, above ~150 as sharp).
    pub sharpness: Option<f64>,
    /// Share of the duration, 0 to 1, that is black frames.
    pub black_ratio: Option<f64>,
    /// Share of the duration, 0 to 1, that is frozen (identical) frames.
    pub frozen_ratio: Option<f64>,
}

/// The sound track.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SoundFeatures {
    /// Integrated loudness, LUFS (EBU R128).
    pub integrated_lufs: Option<f64>,
    /// Loudness range, LU (EBU R128 LRA).
    pub loudness_range_lu: Option<f64>,
    /// Share of the duration, 0 to 1, below the silence threshold.
    pub silence_ratio: Option<f64>,
    /// Share of the duration, 0 to 1, with speech-like energy.
    pub speech_ratio: Option<f64>,
    /// Share of the duration, 0 to 1, with music (or the extractor's confidence that music plays).
    pub music_presence: Option<f64>,
}

/// Container-level facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormatFeatures {
    /// Duration in seconds.
    pub duration_s: Option<f64>,
    /// Displayed width in pixels, after rotation metadata is applied.
    pub width: Option<u32>,
    /// Displayed height in pixels, after rotation metadata is applied.
    pub height: Option<u32>,
    /// Average frame rate, frames per second.
    pub fps: Option<f64>,
    /// Burned-in or attached captions present.
    pub has_captions: Option<bool>,
    /// Whether the file has a video stream (`Some(false)` for audio-only files).
    pub has_video: Option<bool>,
    /// Whether the file has an audio stream (`Some(false)` for silent video).
    pub has_audio: Option<bool>,
}

impl MediaFeatures {
    /// The features with impossible values (NaN, infinities, negative durations, ratios outside
    /// 0..1, zero sizes) turned into "not measured", plus the names of the fields that were
    /// dropped. A buggy extractor must not be able to produce a confident score.
    pub fn sanitized(&self) -> (MediaFeatures, Vec<&'static str>) {
        let mut f = self.clone();
        let mut dropped = Vec::new();
        let mut keep = |name: &'static str, v: &mut Option<f64>, lo: f64, hi: f64| {
            if let Some(x) = *v {
                if !x.is_finite() || x < lo || x > hi {
                    *v = None;
                    dropped.push(name);
                }
            }
        };
        const ANY_TIME: f64 = 1.0e7; // about 115 days; anything longer is a unit mistake
        keep("hook.first_motion_s", &mut f.hook.first_motion_s, 0.0, ANY_TIME);
        keep("hook.first_cut_s", &mut f.hook.first_cut_s, 0.0, ANY_TIME);
        keep("hook.hook_loudness_lufs", &mut f.hook.hook_loudness_lufs, -200.0, 10.0);
        keep("hook.speech_onset_s", &mut f.hook.speech_onset_s, 0.0, ANY_TIME);
        keep("pacing.cuts_per_minute", &mut f.pacing.cuts_per_minute, 0.0, 10_000.0);
        keep("pacing.longest_static_s", &mut f.pacing.longest_static_s, 0.0, ANY_TIME);
        keep("picture.brightness", &mut f.picture.brightness, 0.0, 1.0);
        keep("picture.contrast", &mut f.picture.contrast, 0.0, 1.0);
        keep("picture.colourfulness", &mut f.picture.colourfulness, 0.0, 1_000.0);
        keep("picture.sharpness", &mut f.picture.sharpness, 0.0, 1.0e9);
        keep("picture.black_ratio", &mut f.picture.black_ratio, 0.0, 1.0);
        keep("picture.frozen_ratio", &mut f.picture.frozen_ratio, 0.0, 1.0);
        keep("sound.integrated_lufs", &mut f.sound.integrated_lufs, -200.0, 10.0);
        keep("sound.loudness_range_lu", &mut f.sound.loudness_range_lu, 0.0, 200.0);
        keep("sound.silence_ratio", &mut f.sound.silence_ratio, 0.0, 1.0);
        keep("sound.speech_ratio", &mut f.sound.speech_ratio, 0.0, 1.0);
        keep("sound.music_presence", &mut f.sound.music_presence, 0.0, 1.0);
        keep("format.duration_s", &mut f.format.duration_s, 0.0, ANY_TIME);
        keep("format.fps", &mut f.format.fps, 0.0, 10_000.0);
        if f.format.width == Some(0) {
            f.format.width = None;
            dropped.push("format.width");
        }
        if f.format.height == Some(0) {
            f.format.height = None;
            dropped.push("format.height");
        }
        (f, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_json_is_all_unknown() {
        let f: MediaFeatures = serde_json::from_str("{}").expect("parses");
        assert_eq!(f, MediaFeatures::default());
    }

    #[test]
    fn impossible_values_become_unknown() {
        let mut f = MediaFeatures::default();
        f.sound.integrated_lufs = Some(f64::NAN);
        f.picture.black_ratio = Some(1.5);
        f.format.duration_s = Some(-3.0);
        f.format.width = Some(0);
        f.picture.brightness = Some(0.5);
        let (clean, dropped) = f.sanitized();
        assert_eq!(clean.sound.integrated_lufs, None);
        assert_eq!(clean.picture.black_ratio, None);
        assert_eq!(clean.format.duration_s, None);
        assert_eq!(clean.format.width, None);
        assert_eq!(clean.picture.brightness, Some(0.5));
        assert_eq!(dropped.len(), 4);
    }
}

//! Shared fixtures: a well-made short video's features, and a seeded generator so generated
//! histories are the same on every run and machine.
#![allow(dead_code)]

use studio_score::{FormatFeatures, HookFeatures, MediaFeatures, PacingFeatures, PictureFeatures, SoundFeatures};

/// A 30 s vertical video that hits every TikTok target.
pub fn good_video() -> MediaFeatures {
    MediaFeatures {
        hook: HookFeatures {
            first_motion_s: Some(0.3),
            first_cut_s: Some(1.0),
            hook_loudness_lufs: Some(-15.0),
            speech_onset_s: Some(0.5),
            text_on_screen_early: Some(true),
        },
        pacing: PacingFeatures { cuts_per_minute: Some(20.0), longest_static_s: Some(2.0) },
        picture: PictureFeatures {
            brightness: Some(0.5),
            contrast: Some(0.22),
            colourfulness: Some(45.0),
            sharpness: Some(220.0),
            black_ratio: Some(0.0),
            frozen_ratio: Some(0.0),
        },
        sound: SoundFeatures {
            integrated_lufs: Some(-14.0),
            loudness_range_lu: Some(6.0),
            silence_ratio: Some(0.05),
            speech_ratio: Some(0.7),
            music_presence: Some(0.6),
        },
        format: FormatFeatures {
            duration_s: Some(30.0),
            width: Some(1080),
            height: Some(1920),
            fps: Some(30.0),
            has_captions: Some(true),
            has_video: Some(true),
            has_audio: Some(true),
        },
    }
}

/// SplitMix64: tiny, well-mixed, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

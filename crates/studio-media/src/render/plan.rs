//! What a render is asked to do, what the passes before the transcode decide, and what came
//! out. These types sit apart from the code that computes them so the render's files can share
//! them without importing each other: loudness, smart reframe, graph descriptions and the
//! transcode loop all read them, and only `mod.rs` runs the passes in order.
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::preset::{Preset, Reframe};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EncoderChoice {
    /// A hardware encoder when one works here (falls back to libx264 on any failure).
    Auto,
    /// libx264.
    Cpu,
    /// A named libav encoder (e.g. h264_nvenc); an error if it does not open.
    Named(String),
}

#[derive(Debug, Clone)]
pub struct RenderSpec {
    pub input: PathBuf,
    pub output: PathBuf,
    pub preset: Preset,
    /// Overrides the preset's reframe.
    pub reframe: Option<Reframe>,
    /// Seconds, start < end, within the source.
    pub trim: Option<(f64, f64)>,
    pub crf: Option<u8>,
    pub x264_preset: Option<String>,
    pub encoder: EncoderChoice,
    /// .srt (styled and highlighted word by word) or .ass (burned as authored).
    pub captions: Option<PathBuf>,
    /// Large text at the top for the first `hook_seconds`.
    pub hook: Option<String>,
    pub hook_seconds: f64,
    /// Background music under the source audio (ducked while it speaks), looped to length.
    pub music: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderOutcome {
    pub output: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub duration_s: f64,
    pub encoder: String,
    /// Why `auto` ended up on libx264 after a hardware encoder failed mid-render.
    pub encoder_fallback: Option<String>,
    pub preset: String,
    /// Integrated loudness of the source (LUFS), when it had sound.
    pub source_loudness_lufs: Option<f64>,
    /// Gain applied to reach the target, in dB.
    pub gain_db: f64,
    pub video_frames: u64,
    /// The libavfilter graphs that ran, exactly (for logs, support and the benchmark).
    pub video_graph: String,
    pub audio_graph: String,
    /// The loudness measurement graph (before any correction round), when there was sound.
    pub measure_graph: Option<String>,
    /// Decode passes spent measuring loudness (1, or more when the limiter needed correcting).
    pub loudness_passes: u32,
}

/// The loudness pass's decision: one gain for the whole clip, and a limiter when that gain
/// would push true peaks over the ceiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub measured_lufs: Option<f64>,
    pub measured_true_peak_db: Option<f64>,
    pub gain_db: f64,
    pub limiter_linear: Option<f64>,
    pub passes: u32,
}

impl Plan {
    pub fn silent() -> Self {
        Self { measured_lufs: None, measured_true_peak_db: None, gain_db: 0.0, limiter_linear: None, passes: 0 }
    }
}

/// Which way the crop window can slide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// The source is wider than the target: the window slides left and right.
    Horizontal,
    /// The source is taller than the target: the window slides up and down.
    Vertical,
}

/// Where the crop window's centre is over time, as a fraction of the source along `axis`.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub axis: Axis,
    /// Crop size as a fraction of the source along `axis`.
    pub span: f64,
    /// (seconds from the window's start, centre) keyframes; linear in between.
    pub keys: Vec<(f64, f64)>,
}

impl Track {
    /// The crop filter (after a cover scale to `w`x`h`) that follows this track.
    pub fn crop_filter(&self, w: u32, h: u32) -> String {
        let mut p = format!("{:.5}", self.keys.first().map_or(0.5, |k| k.1));
        for pair in self.keys.windows(2) {
            let ((t0, c0), (t1, c1)) = (pair[0], pair[1]);
            let dc = c1 - c0;
            if dc.abs() < 1e-5 || t1 <= t0 {
                continue;
            }
            p.push_str(&format!("{dc:+.5}*clip((t-{t0:.3})/{:.3}\\,0\\,1)", t1 - t0));
        }
        // Inside single quotes only the commas of clip() need escaping for the graph parser.
        match self.axis {
            Axis::Horizontal => {
                format!("crop={w}:{h}:x='clip(({p})*iw-ow/2\\,0\\,iw-ow)':y=(ih-oh)/2")
            }
            Axis::Vertical => format!("crop={w}:{h}:x=(iw-ow)/2:y='clip(({p})*ih-oh/2\\,0\\,ih-oh)'"),
        }
    }
}

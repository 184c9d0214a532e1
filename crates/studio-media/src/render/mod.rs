//! Platform-ready renders, in-process through libav: demux → decode → filter graph → encode →
//! mux, never the ffmpeg CLI. Output is always H.264 High yuv420p at a constant frame rate, AAC
//! 48 kHz stereo (silence when the source has none), MP4 with the index at the front, loudness
//! normalised to the preset's target (measured in a first pass, then applied).
//!
//! The output is written beside its final name and renamed into place only when complete, so a
//! failed or cancelled render leaves nothing behind.
mod encode;
mod graph;
mod loudness;
mod pipeline;
pub mod preset;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, ProgressSink};

pub use encode::available_h264;
pub use preset::{Preset, Reframe};

use crate::probe::{self, MediaKind};
use crate::MediaError;

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderOutcome {
    pub output: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub duration_s: f64,
    pub encoder: String,
    pub preset: String,
    /// Integrated loudness of the source (LUFS), when it had sound.
    pub source_loudness_lufs: Option<f64>,
    /// Gain applied to reach the target, in dB.
    pub gain_db: f64,
    pub video_frames: u64,
}

pub fn render(
    spec: &RenderSpec,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<RenderOutcome, MediaError> {
    crate::init();
    spec.preset.validate()?;
    if let Some(c) = spec.crf.filter(|c| *c > 51) {
        return Err(MediaError::InvalidSettings(format!("crf {c} is above 51")));
    }
    if let Some(p) = spec.x264_preset.as_deref().filter(|p| !Preset::is_valid_x264_preset(p)) {
        return Err(MediaError::InvalidSettings(format!("\"{p}\" is not an x264 preset")));
    }
    let info = probe::probe(&spec.input)?;
    if info.kind != MediaKind::Video {
        return Err(MediaError::InvalidSettings(
            format!("renders need a video source; this is {:?}", info.kind).to_lowercase(),
        ));
    }
    let source_len =
        info.duration_s.filter(|d| *d > 0.0).ok_or_else(|| MediaError::corrupt("a video", "no known duration"))?;
    let window = match spec.trim {
        None => (0.0, source_len),
        Some((s, e)) => {
            if !(s.is_finite() && e.is_finite()) || s < 0.0 || e <= s {
                return Err(MediaError::InvalidSettings(format!("trim {s}-{e}: the start must be before the end")));
            }
            if s >= source_len {
                return Err(MediaError::InvalidSettings(format!(
                    "trim starts at {s} s but the video is {source_len:.2} s long"
                )));
            }
            (s, e.min(source_len))
        }
    };
    if spec.output.extension().is_none_or(|e| !e.eq_ignore_ascii_case("mp4")) {
        return Err(MediaError::InvalidSettings("the output must be an .mp4 file".into()));
    }
    let gain = match info.audio {
        Some(_) => loudness::plan(&spec.input, window, &spec.preset, cancel)?,
        None => loudness::Plan::silent(),
    };
    pipeline::run(spec, &info, window, &gain, progress, cancel)
}

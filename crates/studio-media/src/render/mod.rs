//! Platform-ready renders, in-process through libav: demux → decode → filter graph → encode →
//! mux, never the ffmpeg CLI. Output is always H.264 High yuv420p at a constant frame rate, AAC
//! 48 kHz stereo (silence when the source has none), MP4 with the index at the front, loudness
//! normalised to the preset's target (measured in a first pass, then applied).
//!
//! The output is written beside its final name and renamed into place only when complete, so a
//! failed or cancelled render leaves nothing behind.
pub mod captions;
mod encode;
pub(crate) mod graph;
mod loudness;
mod pipeline;
mod plan;
pub mod preset;
pub mod smart;

use studio_core::progress::{CancelToken, ProgressSink};

pub use encode::available_h264;
pub use plan::{EncoderChoice, RenderOutcome, RenderSpec};
pub use preset::{Preset, Reframe};

use crate::probe::{self, MediaKind};
use crate::MediaError;

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
    let overlay = overlay(spec, window)?;
    // Music is read inside the filter graph (amovie), through the same safe file: URL as inputs.
    let music_path = match &spec.music {
        Some(m) => {
            let mp = probe::probe(m)?;
            if mp.audio.is_none() {
                return Err(MediaError::InvalidSettings("the music file has no sound".into()));
            }
            Some(crate::avpath::AvPath::new(m)?)
        }
        None => None,
    };
    let escaped = music_path.as_ref().map(|a| captions::filter_escape(&a.url().display().to_string()));
    let music = escaped.as_deref().map(|e| graph::Music { escaped_path: e });
    let sound = loudness::Sound { input: &spec.input, has_source: info.audio.is_some(), music };
    let gain = if sound.has_source || sound.music.is_some() {
        loudness::plan(&sound, window, &spec.preset, progress, cancel)?
    } else {
        plan::Plan::silent()
    };
    let burn = overlay.as_ref().map_or_else(String::new, captions::Overlay::filters);
    let measure_graph = (sound.has_source || sound.music.is_some())
        .then(|| graph::measure(window, sound.music.as_ref(), sound.has_source, ""));
    let track = match spec.reframe.unwrap_or(spec.preset.reframe) {
        Reframe::Smart => smart::analyse(
            &spec.input,
            window,
            info.video.as_ref().map_or(0, |v| v.rotation),
            (info.width.unwrap_or(1), info.height.unwrap_or(1)),
            (spec.preset.width, spec.preset.height),
            progress,
            cancel,
        )?,
        _ => None,
    };
    let decided = pipeline::Decided {
        window,
        loudness: &gain,
        burn: &burn,
        music: sound.music.as_ref(),
        measure_graph,
        track: track.as_ref(),
    };
    with_cpu_fallback(&spec.encoder, |choice| {
        let spec = RenderSpec { encoder: choice.clone(), ..spec.clone() };
        pipeline::run(&spec, &info, &decided, progress, cancel)
    })
}

/// `auto` promises a render even when the hardware encoder that opened fails part-way (driver
/// resets, sessions exhausted): the render starts over on libx264 and says so.
fn with_cpu_fallback(
    choice: &EncoderChoice,
    mut run: impl FnMut(&EncoderChoice) -> Result<RenderOutcome, MediaError>,
) -> Result<RenderOutcome, MediaError> {
    match run(choice) {
        Err(MediaError::EncoderFailed { encoder, detail })
            if *choice == EncoderChoice::Auto && encoder != "libx264" =>
        {
            tracing::warn!(%encoder, %detail, "hardware encoder failed; rendering again with libx264");
            let mut o = run(&EncoderChoice::Cpu)?;
            o.encoder_fallback = Some(format!("{encoder} failed mid-render ({detail}); rendered with libx264"));
            Ok(o)
        }
        other => other,
    }
}

/// The styled ASS a render would burn for these captions (for editing in Aegisub and friends).
pub fn captions_to_ass(
    srt: &std::path::Path,
    hook: Option<&str>,
    hook_seconds: f64,
    preset: &Preset,
) -> Result<String, MediaError> {
    let cues = captions::read_srt(srt)?;
    let hook = hook.map(captions::validate_hook).transpose()?;
    Ok(captions::to_ass(&cues, hook.as_deref().map(|h| (h, hook_seconds)), preset))
}

/// Captions and hook text as ASS files in a private folder (kept alive for the render).
fn overlay(spec: &RenderSpec, window: (f64, f64)) -> Result<Option<captions::Overlay>, MediaError> {
    let hook = spec.hook.as_deref().map(captions::validate_hook).transpose()?;
    if spec.captions.is_none() && hook.is_none() {
        return Ok(None);
    }
    if !(0.5..=30.0).contains(&spec.hook_seconds) {
        return Err(MediaError::InvalidSettings(format!("hook duration {} s outside 0.5..30", spec.hook_seconds)));
    }
    let hook = hook.as_deref().map(|h| (h, spec.hook_seconds.min(window.1 - window.0)));
    let mut o = captions::Overlay::new()?;
    match &spec.captions {
        None => o.add("hook.ass", &captions::to_ass(&[], hook, &spec.preset))?,
        Some(path) => match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("srt") => {
                let cues = captions::shift(captions::read_srt(path)?, window);
                o.add("captions.ass", &captions::to_ass(&cues, hook, &spec.preset))?;
            }
            Some("ass" | "ssa") => {
                o.add_file("authored.ass", path)?;
                if hook.is_some() {
                    o.add("hook.ass", &captions::to_ass(&[], hook, &spec.preset))?;
                }
            }
            _ => return Err(MediaError::InvalidSettings("captions must be an .srt or .ass file".into())),
        },
    }
    Ok(Some(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(encoder: &str) -> RenderOutcome {
        RenderOutcome {
            output: "out.mp4".into(),
            width: 1080,
            height: 1920,
            fps: 30,
            duration_s: 1.0,
            encoder: encoder.into(),
            encoder_fallback: None,
            preset: "tiktok".into(),
            source_loudness_lufs: None,
            gain_db: 0.0,
            video_frames: 30,
            video_graph: String::new(),
            audio_graph: String::new(),
            measure_graph: None,
            loudness_passes: 0,
        }
    }

    fn nvenc_dies(choice: &EncoderChoice) -> Result<RenderOutcome, MediaError> {
        match choice {
            EncoderChoice::Cpu => Ok(outcome("libx264")),
            _ => Err(MediaError::EncoderFailed { encoder: "h264_nvenc".into(), detail: "device lost".into() }),
        }
    }

    #[test]
    fn auto_starts_over_on_libx264_when_the_hardware_encoder_dies() {
        let mut tried = Vec::new();
        let o = with_cpu_fallback(&EncoderChoice::Auto, |c| {
            tried.push(c.clone());
            nvenc_dies(c)
        })
        .expect("falls back");
        assert_eq!(tried, vec![EncoderChoice::Auto, EncoderChoice::Cpu]);
        assert_eq!(o.encoder, "libx264");
        assert!(o.encoder_fallback.as_deref().is_some_and(|w| w.contains("h264_nvenc") && w.contains("device lost")));
    }

    #[test]
    fn a_named_encoder_or_any_other_failure_is_not_retried() {
        let named = EncoderChoice::Named("h264_nvenc".into());
        assert!(matches!(with_cpu_fallback(&named, nvenc_dies), Err(MediaError::EncoderFailed { .. })));
        let mut calls = 0;
        let r = with_cpu_fallback(&EncoderChoice::Auto, |_| {
            calls += 1;
            Err(MediaError::Cancelled)
        });
        assert!(matches!(r, Err(MediaError::Cancelled)));
        let r = with_cpu_fallback(&EncoderChoice::Auto, |_| {
            calls += 1;
            Err(MediaError::EncoderFailed { encoder: "libx264".into(), detail: "out of memory".into() })
        });
        assert!(matches!(r, Err(MediaError::EncoderFailed { .. })));
        assert_eq!(calls, 2, "libx264 itself failing is not retried on libx264");
    }
}

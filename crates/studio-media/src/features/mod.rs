//! What the viral score needs to know about a video, measured faster than decoding the file:
//! non-reference pictures are never decoded (after the opening, no B pictures at all when that
//! still leaves 5 a second), the loop filter is skipped, pictures are read on a small grid (or
//! shrunk inside libavfilter) before any arithmetic, 10 pictures a second are looked at in the
//! opening 3 s and 5 after that, and long clips are split at keyframes into spans decoded on
//! their own threads ([`segments`]).
//!
//! The units and methods are studio-score's contract ([`studio_score::MediaFeatures`]). What is
//! not measured stays `None` (text on screen needs OCR, music needs a classifier: neither is here
//! yet), so the score reports those factors as unknown instead of guessing.
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use ffmpeg_next as ff;
use studio_core::progress::{CancelToken, Progress, ProgressSink};
use studio_score::MediaFeatures;

use crate::avpath::AvPath;
use crate::probe::{self, main_audio_stream, main_video_stream, MediaKind};
use crate::MediaError;

mod audio;
mod segments;
mod video;

pub use segments::Split;

use audio::AudioPass;
use segments::{Segment, Shared};
use video::{Span, VideoPass, VideoStats};

/// Measures `path`. Image files and unreadable media are typed errors; audio-only files get
/// sound and format features with `has_video: Some(false)`.
pub fn extract(path: &Path, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<MediaFeatures, MediaError> {
    extract_with(path, progress, cancel, Split::Auto)
}

/// [`extract`] with the video split between threads as `split` says.
pub fn extract_with(
    path: &Path,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
    split: Split,
) -> Result<MediaFeatures, MediaError> {
    crate::init();
    let started = std::time::Instant::now();
    let info = probe::probe(path)?;
    if info.kind == MediaKind::Image {
        return Err(MediaError::InvalidSettings("scores need a video or audio file; this is an image".into()));
    }
    let duration = info.duration_s.filter(|d| *d > 0.0);
    let av = AvPath::new(path)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("a video", e))?;
    let vidx = info.video.as_ref().and_then(|_| main_video_stream(&ictx));
    let aidx = info.audio.as_ref().and_then(|_| main_audio_stream(&ictx));
    let later = match (vidx, duration) {
        (Some(v), Some(d)) => segments::plan(&av, v, d, split),
        _ => Vec::new(),
    };
    // One span per core keeps the cores busy; frame threads inside a span would only wait.
    let threads = if later.is_empty() { 0 } else { segments::cores().div_ceil(later.len() + 1) };
    let first_end = later.first().map(|s| (s.start_pts, s.start_s));
    let mut video = match vidx {
        Some(i) => {
            let span = Span { start: f64::NEG_INFINITY, end: first_end.map_or(f64::INFINITY, |e| e.1) };
            Some(VideoPass::open(&ictx, i, span, threads)?)
        }
        None => None,
    };
    let mut audio = match aidx {
        Some(i) => Some(AudioPass::open(&ictx, i)?),
        None => None,
    };

    let stop = AtomicBool::new(false);
    let done_ms: Vec<AtomicU64> = (0..=later.len()).map(|_| AtomicU64::new(0)).collect();
    let report = |fraction: f64| {
        progress.report(Progress {
            item: String::new(),
            stage: "analyzing",
            done: 0,
            total: 1,
            fraction: Some(fraction.clamp(0.0, 1.0)),
        })
    };
    let covered = |d: f64| done_ms.iter().map(|m| m.load(Ordering::Relaxed)).sum::<u64>() as f64 / (d * 1000.0);
    let (main, spans) = std::thread::scope(|scope| {
        let ends: Vec<Option<(i64, f64)>> =
            later.iter().skip(1).map(|s| Some((s.start_pts, s.start_s))).chain([None]).collect();
        let handles: Vec<_> = later
            .into_iter()
            .zip(ends)
            .zip(done_ms.iter().skip(1))
            .map(|((seg, end), done_ms): ((Segment, _), _)| {
                let stop = &stop;
                scope.spawn(move || seg.run(end, threads, &Shared { cancel, stop, done_ms }))
            })
            .collect();
        let shared = Shared { cancel, stop: &stop, done_ms: &done_ms[0] };
        let main = read_first_span(&mut ictx, video.as_mut(), first_end, audio.as_mut(), &shared, duration, &|| {
            if let Some(d) = duration {
                report(covered(d));
            }
        });
        if main.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        while handles.iter().any(|h| !h.is_finished()) {
            if let Some(d) = duration {
                report(covered(d));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let spans: Vec<Result<VideoStats, MediaError>> = handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Err(MediaError::render_failed("analysis", "a decoding thread stopped")))
            })
            .collect();
        (main, spans)
    });
    // A pass that failed stops the others with `Cancelled`: report the failure, not the stop.
    let mut failure: Option<MediaError> = main.err();
    let mut parts = Vec::new();
    for r in spans {
        match r {
            Ok(s) => parts.push(s),
            Err(e) if failure.as_ref().is_none_or(|f| matches!(f, MediaError::Cancelled)) => failure = Some(e),
            Err(_) => {}
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    tracing::debug!(elapsed = ?started.elapsed(), spans = parts.len() + 1, "features: decoded");

    let mut f = MediaFeatures::default();
    f.format.duration_s = duration;
    f.format.width = info.width;
    f.format.height = info.height;
    f.format.fps = info.video.as_ref().and_then(|v| v.fps);
    f.format.has_video = Some(video.is_some());
    f.format.has_audio = Some(audio.is_some());
    if let Some(v) = video {
        VideoStats::merge(std::iter::once(v.into_stats()).chain(parts)).fill(&mut f, duration);
    }
    if let Some(a) = audio.as_ref() {
        a.fill(&mut f);
    }
    Ok(f)
}

/// Reads every packet: the sound to the end, the picture up to the first later span's keyframe.
fn read_first_span(
    ictx: &mut ff::format::context::Input,
    mut video: Option<&mut VideoPass>,
    end: Option<(i64, f64)>,
    mut audio: Option<&mut AudioPass>,
    shared: &Shared<'_>,
    duration: Option<f64>,
    tick: &dyn Fn(),
) -> Result<(), MediaError> {
    let mut video_open = video.is_some();
    for (n, (stream, packet)) in ictx.packets().enumerate() {
        if n % 64 == 0 {
            if shared.cancel.is_cancelled() || shared.stop.load(Ordering::Relaxed) {
                return Err(MediaError::Cancelled);
            }
            if let (Some(t), Some(d)) = (packet.pts(), duration) {
                let at = (t as f64 * f64::from(stream.time_base())).min(end.map_or(d, |e| e.1));
                if video_open || video.is_none() {
                    shared.done_ms.store((at.max(0.0) * 1000.0) as u64, Ordering::Relaxed);
                }
                tick();
            }
        }
        let idx = stream.index();
        if let Some(v) = video.as_deref_mut().filter(|v| v.index == idx) {
            if !video_open {
                continue;
            }
            if segments::reaches(&packet, end.map(|e| e.0)) {
                video_open = false;
                v.finish()?;
                continue;
            }
            v.packet(&packet)?;
        } else if let Some(a) = audio.as_deref_mut().filter(|a| a.index == idx) {
            a.packet(&packet)?;
        }
    }
    if let Some(v) = video.filter(|_| video_open) {
        v.finish()?;
    }
    if let Some(a) = audio {
        a.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

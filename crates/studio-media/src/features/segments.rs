//! Splitting the video between threads. Once B pictures are skipped, each P picture waits for
//! the one before it, so libavcodec's frame threads mostly wait too (measured here: 1.3 cores of
//! 2 busy). Spans that start at a keyframe share nothing, so one decoder per span keeps every
//! core busy. Each later span opens the file again and seeks to a keyframe; the first span is
//! decoded by the pass that also reads the sound.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use ffmpeg_next as ff;
use studio_core::progress::CancelToken;

use super::video::{Span, VideoPass, VideoStats, HOOK_S};
use crate::avpath::AvPath;
use crate::MediaError;

/// No span is shorter than this: opening and probing a span costs about a second of decoding.
const MIN_SPAN_S: f64 = 4.0;
/// Automatic splitting gives each span at least this much video.
const AUTO_SPAN_S: f64 = 10.0;
const MAX_SPANS: usize = 4;

/// How the video is split between threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One span per core (at most 4) when the clip gives each at least 10 s.
    Auto,
    /// This many spans where keyframes allow (1: a single pass). For tests and benchmarks.
    Spans(usize),
}

/// Cores this process may use (1 when the system will not say).
pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Split {
    fn count(self, duration: f64) -> usize {
        match self {
            Split::Auto => cores().min(MAX_SPANS).min((duration / AUTO_SPAN_S) as usize).max(1),
            Split::Spans(n) => n.max(1),
        }
    }
}

/// A later span, positioned at its keyframe.
pub(super) struct Segment {
    input: ff::format::context::Input,
    index: usize,
    first: ff::Packet,
    /// The keyframe's timestamp in the stream's time base, and in seconds.
    pub(super) start_pts: i64,
    pub(super) start_s: f64,
}

/// The later spans for `split`, in time order. Each starts at a keyframe after the opening and
/// leaves at least `MIN_SPAN_S` on both sides; a split point without such a keyframe is dropped
/// (a file with one keyframe is decoded in one pass).
pub(super) fn plan(av: &AvPath, index: usize, duration: f64, split: Split) -> Vec<Segment> {
    let count = split.count(duration);
    let mut out: Vec<Segment> = Vec::new();
    for i in 1..count {
        let target = duration * i as f64 / count as f64;
        match open_at(av, index, target) {
            Ok(Some(seg)) => {
                let prev = out.last().map_or(0.0, |s| s.start_s);
                if seg.start_s >= HOOK_S.max(prev + MIN_SPAN_S) && duration - seg.start_s >= MIN_SPAN_S {
                    out.push(seg);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(%e, target, "features: no span at this point"),
        }
    }
    tracing::debug!(spans = out.len() + 1, "features: video split");
    out
}

/// The file opened again at the keyframe at or before `target` seconds.
fn open_at(av: &AvPath, index: usize, target: f64) -> Result<Option<Segment>, ff::Error> {
    let mut input = ff::format::input(av.url())?;
    let tb = input.stream(index).map(|s| s.time_base()).ok_or(ff::Error::StreamNotFound)?;
    let ts = (target * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
    input.seek(ts, ..ts)?;
    let mut first = None;
    for (stream, packet) in input.packets() {
        if stream.index() == index {
            first = Some(packet);
            break;
        }
    }
    // Some demuxers land between keyframes; such a span would start with broken pictures.
    let Some(first) = first.filter(|p| p.is_key()) else { return Ok(None) };
    let Some(pts) = first.pts().or(first.dts()) else { return Ok(None) };
    Ok(Some(Segment { input, index, first, start_pts: pts, start_s: pts as f64 * f64::from(tb) }))
}

/// Whether `p` is the keyframe where the next span starts (a pass stops there).
pub(super) fn reaches(p: &ff::Packet, end_pts: Option<i64>) -> bool {
    matches!((end_pts, p.pts().or(p.dts())), (Some(end), Some(pts)) if p.is_key() && pts >= end)
}

/// What a span's thread shares with the others.
pub(super) struct Shared<'a> {
    pub cancel: &'a CancelToken,
    /// Set by whichever pass fails, so the others stop early.
    pub stop: &'a AtomicBool,
    /// Milliseconds of video this span has decoded, for the progress bar.
    pub done_ms: &'a AtomicU64,
}

impl Segment {
    /// Decodes from this keyframe up to the next span's (`end`: its pts and seconds).
    pub(super) fn run(
        self,
        end: Option<(i64, f64)>,
        threads: usize,
        shared: &Shared<'_>,
    ) -> Result<VideoStats, MediaError> {
        let result = self.decode(end, threads, shared);
        if result.is_err() {
            shared.stop.store(true, Ordering::Relaxed);
        }
        result
    }

    fn decode(
        mut self,
        end: Option<(i64, f64)>,
        threads: usize,
        shared: &Shared<'_>,
    ) -> Result<VideoStats, MediaError> {
        let span = Span { start: self.start_s, end: end.map_or(f64::INFINITY, |e| e.1) };
        let mut pass = VideoPass::open(&self.input, self.index, span, threads)?;
        pass.packet(&self.first)?;
        let tb = f64::from(self.input.stream(self.index).map_or(ff::Rational(1, 1), |s| s.time_base()));
        for (n, (stream, packet)) in self.input.packets().enumerate() {
            if n % 32 == 0 {
                if shared.cancel.is_cancelled() || shared.stop.load(Ordering::Relaxed) {
                    return Err(MediaError::Cancelled);
                }
                if let Some(pts) = packet.pts() {
                    let ms = ((pts as f64 * tb - self.start_s).max(0.0) * 1000.0) as u64;
                    shared.done_ms.store(ms, Ordering::Relaxed);
                }
            }
            if stream.index() != self.index {
                continue;
            }
            if reaches(&packet, end.map(|e| e.0)) {
                break;
            }
            pass.packet(&packet)?;
        }
        pass.finish()?;
        Ok(pass.into_stats())
    }
}

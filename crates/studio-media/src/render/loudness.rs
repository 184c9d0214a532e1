//! Two-pass loudness: measure the integrated loudness (EBU R128) and true peak of exactly the
//! audio that will be encoded, then plan one gain for the whole clip. A single constant gain keeps
//! the mix's dynamics; only when that gain would push true peaks over the ceiling does a limiter
//! shave them.
use std::path::Path;

use ffmpeg_next as ff;
use studio_core::progress::{CancelToken, Progress, ProgressSink};

use super::graph;
use super::plan::Plan;
use super::preset::Preset;
use crate::avpath::AvPath;
use crate::probe::main_audio_stream;
use crate::MediaError;

/// Rounds of "apply, measure, correct" when the limiter takes loudness away.
const MAX_CORRECTIONS: usize = 6;
/// Close enough to the target (LU).
const TOLERANCE_LU: f64 = 0.3;

/// Loudness below this is silence: no gain is applied (it would only amplify noise).
const SILENCE_LUFS: f64 = -70.0;
/// The limiter aims this far under the true-peak ceiling: its sample-peak detection can miss
/// inter-sample peaks by a fraction of a dB.
const LIMITER_MARGIN_DB: f64 = 0.7;

/// What is heard in the output: the source's audio, music, or both.
pub struct Sound<'a> {
    pub input: &'a Path,
    pub has_source: bool,
    pub music: Option<graph::Music<'a>>,
}

pub fn plan(
    sound: &Sound<'_>,
    window: (f64, f64),
    preset: &Preset,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<Plan, MediaError> {
    let (lufs, tp) = measure(sound, window, "", progress, cancel)?;
    if !lufs.is_finite() || lufs <= SILENCE_LUFS {
        return Ok(Plan {
            measured_lufs: Some(lufs).filter(|l| l.is_finite()),
            measured_true_peak_db: Some(tp),
            gain_db: 0.0,
            limiter_linear: None,
            passes: 1,
        });
    }
    let gain_db = preset.loudness_lufs - lufs;
    let ceiling = preset.true_peak_dbtp - LIMITER_MARGIN_DB;
    let limiter_linear = (tp + gain_db > ceiling).then(|| 10f64.powf(ceiling / 20.0).clamp(0.0625, 1.0));
    let mut plan =
        Plan { measured_lufs: Some(lufs), measured_true_peak_db: Some(tp), gain_db, limiter_linear, passes: 1 };
    // A limiter shaving loud peaks also lowers the integrated loudness, most when the peaks carry
    // much of it (claps, drums): measure the processed sound and raise the gain by the shortfall.
    // Each added dB yields less than a dB once the limiter works, so step along the measured
    // slope (secant), not by the raw shortfall.
    if plan.limiter_linear.is_some() {
        let mut prev: Option<(f64, f64)> = None;
        for _ in 0..MAX_CORRECTIONS {
            let (after, _) = measure(sound, window, &graph::processing(&plan), progress, cancel)?;
            plan.passes += 1;
            let short = preset.loudness_lufs - after;
            if !after.is_finite() || short.abs() <= TOLERANCE_LU {
                break;
            }
            let slope = prev
                .map(|(g, a)| (after - a) / (plan.gain_db - g))
                .filter(|s| s.is_finite() && *s > 0.05)
                .unwrap_or(1.0)
                .min(1.0);
            prev = Some((plan.gain_db, after));
            plan.gain_db += (short / slope).clamp(-12.0, 12.0);
        }
    }
    Ok(plan)
}

fn read_meter(g: &mut ff::filter::Graph, out: &mut ff::frame::Audio, lufs: &mut f64, peak: &mut f64) {
    if let Some(mut sink) = g.get("out") {
        while sink.sink().frame(out).is_ok() {
            let md = out.metadata();
            if let Some(i) = md.get("lavfi.r128.I").and_then(|v| v.parse::<f64>().ok()) {
                *lufs = i;
            }
            for (k, v) in md.iter() {
                // The per-channel true peaks in frame metadata are linear amplitudes, not dB.
                if k.starts_with("lavfi.r128.true_peaks_ch") {
                    if let Ok(linear) = v.parse::<f64>() {
                        *peak = peak.max(20.0 * linear.max(1e-10).log10());
                    }
                }
            }
        }
    }
}

/// Integrated loudness (LUFS) and maximum true peak (dBTP) of what will be heard in `window`,
/// after `processing`.
pub fn measure(
    sound: &Sound<'_>,
    window: (f64, f64),
    processing: &str,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<(f64, f64), MediaError> {
    let spec = graph::measure(window, sound.music.as_ref(), sound.has_source, processing);
    let (mut lufs, mut peak) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut out = ff::frame::Audio::empty();
    if !sound.has_source {
        let mut g = graph::sourceless_graph(&spec, None)?;
        read_meter(&mut g, &mut out, &mut lufs, &mut peak);
        return Ok((lufs, peak));
    }
    let av = AvPath::new(sound.input)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("audio", e))?;
    let idx = main_audio_stream(&ictx).ok_or_else(|| MediaError::corrupt("audio", "no audio stream"))?;
    let (params, tb) = {
        let s = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("audio", "stream vanished"))?;
        (s.parameters(), s.time_base())
    };
    let ctx = ff::codec::context::Context::from_parameters(params).map_err(|e| MediaError::corrupt("audio", e))?;
    let mut decoder = ctx.decoder().audio().map_err(|e| MediaError::corrupt("audio", e))?;
    let mut g: Option<ff::filter::Graph> = None;
    let mut frame = ff::frame::Audio::empty();
    let feed = |g: &mut ff::filter::Graph, frame: &mut ff::frame::Audio| {
        let ts = frame.timestamp();
        frame.set_pts(ts);
        if let Some(mut src) = g.get("in") {
            let _ = src.source().add(frame);
        }
    };
    for (n, (stream, packet)) in ictx.packets().enumerate() {
        if stream.index() != idx {
            continue;
        }
        if n % 128 == 0 {
            if cancel.is_cancelled() {
                return Err(MediaError::Cancelled);
            }
            if let Some(t) = packet.pts() {
                let at = t as f64 * f64::from(tb) - window.0;
                progress.report(Progress {
                    item: String::new(),
                    stage: "measuring",
                    done: 0,
                    total: 1,
                    fraction: Some((at / (window.1 - window.0)).clamp(0.0, 1.0)),
                });
            }
        }
        if decoder.send_packet(&packet).is_err() {
            continue;
        }
        while decoder.receive_frame(&mut frame).is_ok() {
            let graph = match g.as_mut() {
                Some(g) => g,
                None => g.insert(graph::audio_graph(&frame, tb, &spec, None)?),
            };
            feed(graph, &mut frame);
            read_meter(graph, &mut out, &mut lufs, &mut peak);
        }
    }
    let _ = decoder.send_eof();
    if let Some(graph) = g.as_mut() {
        while decoder.receive_frame(&mut frame).is_ok() {
            feed(graph, &mut frame);
        }
        if let Some(mut src) = graph.get("in") {
            let _ = src.source().flush();
        }
        read_meter(graph, &mut out, &mut lufs, &mut peak);
    }
    Ok((lufs, peak))
}

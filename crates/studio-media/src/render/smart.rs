//! Smart reframe: a crop window that follows what moves and stands out, without jitter, computed
//! on this machine (no cloud model).
//!
//! 1. Analysis: the window is decoded at 5 frames a second, turned upright and shrunk to a small
//!    grey picture. Each picture's saliency is motion against the previous picture plus edge
//!    contrast; it is summed along the axis the crop can move on.
//! 2. Per sample, the crop position capturing the most saliency wins (ties go to staying put), so
//!    two people talking keep both in frame when they fit and the busier one when not.
//! 3. Smoothing, in order: a median of 5 samples (one-off flashes), a Gaussian of 0.6 s, a dead
//!    zone (the camera holds still until the subject leaves the middle 8% of the crop), a speed
//!    limit, and a final 0.3 s Gaussian so every move eases in and out.
//! 4. The path is simplified (Ramer–Douglas–Peucker) into keyframes and written as a crop
//!    expression of `t`: a sum of clipped linear ramps, evaluated by libavfilter per frame.
use ff::Rational;
use ffmpeg_next as ff;
use studio_core::progress::{CancelToken, Progress, ProgressSink};

pub use super::plan::{Axis, Track};
use crate::avpath::AvPath;
use crate::probe::main_video_stream;
use crate::MediaError;

/// Samples per second of the analysis.
const RATE: f64 = 5.0;
/// Width of the analysis picture along its longer side.
const ANALYSIS_LONG_SIDE: u32 = 192;
/// Pixel differences at or below this are compression noise, not motion.
const MOTION_FLOOR: i16 = 12;
/// How much of the saliency comes from motion when there is some (the rest from edges).
const MOTION_WEIGHT: f64 = 0.7;
/// The camera holds still while the ideal centre stays within this fraction of the source.
const DEAD_ZONE: f64 = 0.04;
/// Fastest pan, in source widths (or heights) per second.
const MAX_SPEED: f64 = 0.35;
/// Keyframe tolerance (fraction of the source) and the most keyframes an expression may hold.
const TOLERANCE: f64 = 0.0015;
const MAX_KEYFRAMES: usize = 240;

/// How the target aspect fits the displayed source: None when they match (nothing to follow).
pub fn axis_and_span(src_w: u32, src_h: u32, dst_w: u32, dst_h: u32) -> Option<(Axis, f64)> {
    let src = f64::from(src_w) / f64::from(src_h.max(1));
    let dst = f64::from(dst_w) / f64::from(dst_h.max(1));
    if (src / dst - 1.0).abs() < 0.01 {
        None
    } else if src > dst {
        Some((Axis::Horizontal, dst / src))
    } else {
        Some((Axis::Vertical, src / dst))
    }
}

/// Analyses `window` of the video and returns the crop track, or None when the aspect already
/// matches.
#[allow(clippy::too_many_arguments)]
pub fn analyse(
    input: &std::path::Path,
    window: (f64, f64),
    rotation: u32,
    displayed: (u32, u32),
    target: (u32, u32),
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<Option<Track>, MediaError> {
    let Some((axis, span)) = axis_and_span(displayed.0, displayed.1, target.0, target.1) else {
        return Ok(None);
    };
    let (aw, ah) = analysis_size(displayed);
    let spec = format!(
        "trim=start={:.6}:end={:.6},setpts=PTS-STARTPTS,fps={RATE},{}scale={aw}:{ah}:flags=area,format=gray",
        window.0,
        window.1,
        super::graph::rotate(rotation)
    );
    let mut profiles = Profiles::new(axis, aw as usize, ah as usize);
    let av = AvPath::new(input)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("a video", e))?;
    let vidx = main_video_stream(&ictx).ok_or_else(|| MediaError::corrupt("a video", "no video stream"))?;
    let (params, tb) = {
        let s = ictx.stream(vidx).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        (s.parameters(), s.time_base())
    };
    let mut dec = ff::codec::context::Context::from_parameters(params)
        .and_then(|c| c.decoder().video())
        .map_err(|e| MediaError::corrupt("a video", e))?;
    let mut graph: Option<ff::filter::Graph> = None;
    let mut frame = ff::frame::Video::empty();
    let end = window.1 + 1.0;
    let report = |at: f64| {
        progress.report(Progress {
            item: String::new(),
            stage: "analyzing",
            done: 0,
            total: 1,
            fraction: Some(((at - window.0) / (window.1 - window.0)).clamp(0.0, 1.0)),
        })
    };
    for (n, (stream, packet)) in ictx.packets().enumerate() {
        if stream.index() != vidx {
            continue;
        }
        if n % 32 == 0 && cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let at = packet.pts().map(|t| t as f64 * f64::from(tb));
        if at.is_some_and(|t| t > end) {
            continue;
        }
        if dec.send_packet(&packet).is_err() {
            continue;
        }
        while dec.receive_frame(&mut frame).is_ok() {
            feed(&mut graph, &mut frame, tb, &spec, &mut profiles)?;
        }
        if n % 64 == 0 {
            if let Some(t) = at {
                report(t);
            }
        }
    }
    let _ = dec.send_eof();
    while dec.receive_frame(&mut frame).is_ok() {
        feed(&mut graph, &mut frame, tb, &spec, &mut profiles)?;
    }
    if let Some(g) = graph.as_mut() {
        if let Some(mut src) = g.get("in") {
            let _ = src.source().flush();
        }
        profiles.pull(g);
    }
    report(window.1);
    let centres = best_positions(&profiles.list, span);
    if centres.is_empty() {
        return Err(MediaError::corrupt("a video", "no frame could be decoded for smart reframe"));
    }
    let path = smooth(&centres, span);
    Ok(Some(Track { axis, span, keys: keyframes(&path) }))
}

fn analysis_size(displayed: (u32, u32)) -> (u32, u32) {
    let (w, h) = (f64::from(displayed.0.max(1)), f64::from(displayed.1.max(1)));
    let long = f64::from(ANALYSIS_LONG_SIDE);
    let (aw, ah) = if w >= h { (long, long * h / w) } else { (long * w / h, long) };
    // Even sizes keep every scaler happy; at least 16 so the edge kernel has room.
    let even = |v: f64| ((v.round() as u32).max(16) + 1) & !1;
    (even(aw), even(ah))
}

fn feed(
    graph: &mut Option<ff::filter::Graph>,
    frame: &mut ff::frame::Video,
    tb: Rational,
    spec: &str,
    profiles: &mut Profiles,
) -> Result<(), MediaError> {
    let g = match graph.as_mut() {
        Some(g) => g,
        None => graph.insert(super::graph::video_graph(frame, tb, spec)?),
    };
    let ts = frame.timestamp();
    frame.set_pts(ts);
    if let Some(mut src) = g.get("in") {
        src.source().add(frame).map_err(|e| MediaError::RenderFailed(format!("smart reframe: {e}")))?;
    }
    profiles.pull(g);
    Ok(())
}

/// Saliency profiles along the crop axis, one per analysis sample.
struct Profiles {
    axis: Axis,
    w: usize,
    h: usize,
    prev: Option<Vec<u8>>,
    list: Vec<Vec<f64>>,
}

impl Profiles {
    fn new(axis: Axis, w: usize, h: usize) -> Self {
        Self { axis, w, h, prev: None, list: Vec::new() }
    }

    fn pull(&mut self, g: &mut ff::filter::Graph) {
        let mut out = ff::frame::Video::empty();
        let Some(mut sink) = g.get("out") else { return };
        while sink.sink().frame(&mut out).is_ok() {
            if out.width() as usize != self.w || out.height() as usize != self.h {
                continue;
            }
            let stride = out.stride(0);
            let data = out.data(0);
            let mut gray = Vec::with_capacity(self.w * self.h);
            for y in 0..self.h {
                gray.extend_from_slice(&data[y * stride..y * stride + self.w]);
            }
            let profile = saliency_profile(&gray, self.prev.as_deref(), self.w, self.h, self.axis);
            self.list.push(profile);
            self.prev = Some(gray);
        }
    }
}

/// Motion (against the previous picture) and edge contrast, each normalised to a total of 1,
/// summed along the axis the crop moves on.
pub fn saliency_profile(gray: &[u8], prev: Option<&[u8]>, w: usize, h: usize, axis: Axis) -> Vec<f64> {
    let len = if axis == Axis::Horizontal { w } else { h };
    let mut motion = vec![0.0; len];
    let mut edges = vec![0.0; len];
    let at = |x: usize, y: usize| i16::from(gray[y * w + x]);
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let k = if axis == Axis::Horizontal { x } else { y };
            let e = (at(x + 1, y) - at(x - 1, y)).abs() + (at(x, y + 1) - at(x, y - 1)).abs();
            edges[k] += f64::from(e);
            if let Some(p) = prev {
                let d = (at(x, y) - i16::from(p[y * w + x])).abs();
                if d > MOTION_FLOOR {
                    motion[k] += f64::from(d);
                }
            }
        }
    }
    let (ms, es): (f64, f64) = (motion.iter().sum(), edges.iter().sum());
    // A shot with motion is about what moves; a still one about what stands out.
    let mw = if ms > 0.0 { MOTION_WEIGHT } else { 0.0 };
    (0..len)
        .map(|k| {
            let m = if ms > 0.0 { motion[k] / ms } else { 0.0 };
            let e = if es > 0.0 { edges[k] / es } else { 0.0 };
            mw * m + (1.0 - mw) * e
        })
        .collect()
}

/// Per sample, the centre of the crop window that captures the most saliency. Ties (within 2%)
/// go to the position nearest the previous one; a blank picture keeps the previous position.
pub fn best_positions(profiles: &[Vec<f64>], span: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(profiles.len());
    let mut prev = 0.5;
    for p in profiles {
        let n = p.len();
        let win = ((span * n as f64).round() as usize).clamp(1, n.max(1));
        let total: f64 = p.iter().sum();
        if n == 0 || total <= 0.0 || win >= n {
            out.push(prev);
            continue;
        }
        let mut sums = Vec::with_capacity(n - win + 1);
        let mut s: f64 = p[..win].iter().sum();
        sums.push(s);
        for i in win..n {
            s += p[i] - p[i - win];
            sums.push(s);
        }
        let best = sums.iter().copied().fold(f64::MIN, f64::max);
        let start = sums
            .iter()
            .enumerate()
            .filter(|(_, s)| **s >= best * 0.98)
            .map(|(i, _)| i)
            .min_by(|a, b| {
                let d = |i: usize| ((i as f64 + win as f64 / 2.0) / n as f64 - prev).abs();
                d(*a).total_cmp(&d(*b))
            })
            .unwrap_or(0);
        // Centre on what the window captured, not on the window: a small subject sits in the
        // middle of the frame rather than at whichever edge first fits it.
        let mass: f64 = p[start..start + win].iter().sum();
        let pick = if mass > 0.0 {
            p[start..start + win].iter().enumerate().map(|(k, v)| (start + k) as f64 * v).sum::<f64>() / mass / n as f64
                + 0.5 / n as f64
        } else {
            prev
        };
        out.push(pick);
        prev = pick;
    }
    out
}

fn median5(v: &[f64]) -> Vec<f64> {
    (0..v.len())
        .map(|i| {
            let lo = i.saturating_sub(2);
            let hi = (i + 3).min(v.len());
            let mut w: Vec<f64> = v[lo..hi].to_vec();
            w.sort_by(f64::total_cmp);
            w[w.len() / 2]
        })
        .collect()
}

fn gaussian(v: &[f64], sigma_samples: f64) -> Vec<f64> {
    let r = (sigma_samples * 3.0).ceil() as isize;
    let weights: Vec<f64> = (-r..=r).map(|k| (-(k * k) as f64 / (2.0 * sigma_samples * sigma_samples)).exp()).collect();
    let n = v.len() as isize;
    (0..n)
        .map(|i| {
            let (mut acc, mut wsum) = (0.0, 0.0);
            for (j, w) in (-r..=r).zip(&weights) {
                // Edges repeat the first and last sample, so the path does not sag towards zero.
                let idx = (i + j).clamp(0, n - 1) as usize;
                acc += v[idx] * w;
                wsum += w;
            }
            acc / wsum
        })
        .collect()
}

/// The centre path from per-sample ideals: steady while the subject stays near the middle,
/// gliding (never jumping) when it leaves, and always keeping the window inside the picture.
pub fn smooth(ideal: &[f64], span: f64) -> Vec<f64> {
    if ideal.is_empty() {
        return Vec::new();
    }
    let soft = gaussian(&median5(ideal), 0.6 * RATE);
    let mut held = Vec::with_capacity(soft.len());
    let mut cam = soft[0];
    let max_step = MAX_SPEED / RATE;
    for &target in &soft {
        let off = target - cam;
        if off.abs() > DEAD_ZONE {
            let want = off - DEAD_ZONE * off.signum();
            cam += want.clamp(-max_step, max_step);
        }
        held.push(cam);
    }
    let (lo, hi) = (span / 2.0, 1.0 - span / 2.0);
    gaussian(&held, 0.3 * RATE).into_iter().map(|c| c.clamp(lo, hi)).collect()
}

/// Ramer–Douglas–Peucker over (time, centre), loosening the tolerance until the expression is
/// small enough.
pub fn keyframes(path: &[f64]) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = path.iter().enumerate().map(|(i, c)| (i as f64 / RATE, *c)).collect();
    if pts.len() <= 2 {
        return pts;
    }
    let mut tol = TOLERANCE;
    loop {
        let mut keep = vec![false; pts.len()];
        keep[0] = true;
        keep[pts.len() - 1] = true;
        rdp(&pts, 0, pts.len() - 1, tol, &mut keep);
        let keys: Vec<(f64, f64)> = pts.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| *p).collect();
        if keys.len() <= MAX_KEYFRAMES {
            return keys;
        }
        tol *= 2.0;
    }
}

fn rdp(pts: &[(f64, f64)], a: usize, b: usize, tol: f64, keep: &mut [bool]) {
    if b <= a + 1 {
        return;
    }
    let ((t0, c0), (t1, c1)) = (pts[a], pts[b]);
    let (mut worst, mut at) = (0.0, a);
    for (i, &(t, c)) in pts.iter().enumerate().take(b).skip(a + 1) {
        let line = c0 + (c1 - c0) * (t - t0) / (t1 - t0);
        let d = (c - line).abs();
        if d > worst {
            worst = d;
            at = i;
        }
    }
    if worst > tol {
        keep[at] = true;
        rdp(pts, a, at, tol, keep);
        rdp(pts, at, b, tol, keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile with one bright subject of width 8 at `centre` (fraction), plus faint noise.
    fn subject_at(centre: f64, n: usize, noise_seed: u64) -> Vec<f64> {
        let mut seed = noise_seed;
        (0..n)
            .map(|i| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let noise = (seed >> 33) as f64 / f64::from(u32::MAX) * 0.002;
                let x = i as f64 / n as f64;
                noise + if (x - centre).abs() < 4.0 / n as f64 { 1.0 } else { 0.0 }
            })
            .collect()
    }

    #[test]
    fn the_window_follows_a_subject_across_the_frame() {
        // 10 s, the subject walking from 15% to 85% of the width; a 9:16 crop of 16:9 (span 0.32).
        let profiles: Vec<Vec<f64>> =
            (0..50).map(|i| subject_at(0.15 + 0.7 * f64::from(i) / 49.0, 192, u64::from(i as u32))).collect();
        let span = 0.316;
        let path = smooth(&best_positions(&profiles, span), span);
        for (i, c) in path.iter().enumerate() {
            let subject = 0.15 + 0.7 * i as f64 / 49.0;
            assert!((c - subject).abs() < span / 2.0, "sample {i}: window at {c:.3} loses the subject at {subject:.3}");
        }
        assert!(path[0] < 0.3 && path[49] > 0.7, "{:.3} → {:.3}", path[0], path[49]);
    }

    #[test]
    fn a_still_subject_in_noise_gives_a_still_camera() {
        let profiles: Vec<Vec<f64>> =
            (0..50u64).map(|i| subject_at(0.3 + 0.01 * ((i % 3) as f64 - 1.0), 192, i)).collect();
        let path = smooth(&best_positions(&profiles, 0.316), 0.316);
        let (lo, hi) = path.iter().fold((f64::MAX, f64::MIN), |(l, h), c| (l.min(*c), h.max(*c)));
        assert!(hi - lo < 0.002, "the camera wandered {:.4} of the width", hi - lo);
        assert!((path[25] - 0.3).abs() < 0.05);
        assert_eq!(keyframes(&path).len(), 2, "a still camera is two keyframes");
    }

    #[test]
    fn a_one_frame_flash_elsewhere_does_not_yank_the_camera() {
        let mut profiles: Vec<Vec<f64>> = (0..30u64).map(|i| subject_at(0.25, 192, i)).collect();
        profiles[15] = subject_at(0.85, 192, 99);
        let path = smooth(&best_positions(&profiles, 0.316), 0.316);
        assert!(path.iter().all(|c| (c - 0.25).abs() < 0.02), "{path:?}");
    }

    #[test]
    fn pans_respect_the_speed_limit_and_stay_inside_the_picture() {
        // A subject that teleports from the left edge to the right edge.
        let profiles: Vec<Vec<f64>> = (0..40).map(|i| subject_at(if i < 20 { 0.02 } else { 0.98 }, 192, i)).collect();
        let span = 0.316;
        let path = smooth(&best_positions(&profiles, span), span);
        for pair in path.windows(2) {
            assert!((pair[1] - pair[0]).abs() <= MAX_SPEED / RATE + 1e-9, "jump {:.4}", pair[1] - pair[0]);
        }
        assert!(path.iter().all(|c| *c >= span / 2.0 - 1e-9 && *c <= 1.0 - span / 2.0 + 1e-9));
    }

    #[test]
    fn the_crop_expression_reproduces_the_keyframes() {
        let t = Track { axis: Axis::Horizontal, span: 0.3, keys: vec![(0.0, 0.2), (2.0, 0.2), (4.0, 0.6)] };
        let f = t.crop_filter(1080, 1920);
        assert_eq!(
            f,
            "crop=1080:1920:x='clip((0.20000+0.40000*clip((t-2.000)/2.000\\,0\\,1))*iw-ow/2\\,0\\,iw-ow)':y=(ih-oh)/2"
        );
        assert_eq!(axis_and_span(1920, 1080, 1080, 1920).map(|(a, _)| a), Some(Axis::Horizontal));
        assert_eq!(axis_and_span(1080, 1920, 1920, 1080).map(|(a, _)| a), Some(Axis::Vertical));
        assert_eq!(axis_and_span(1080, 1080, 1080, 1080), None);
    }
}

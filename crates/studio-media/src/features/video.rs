//! The picture half of the measuring pass. A `VideoPass` decodes one span of the video (the
//! whole file, or one segment of it) and keeps a small statistics sample per looked-at picture;
//! `VideoStats::merge` joins the spans in time order and `fill` turns them into features.
use ff::Rational;
use ffmpeg_next as ff;
use studio_score::MediaFeatures;

use crate::render::graph::video_graph;
use crate::MediaError;

/// The opening seconds, where viewers decide.
pub(super) const HOOK_S: f64 = 3.0;
/// Pictures per second looked at in the opening `HOOK_S` seconds (cuts show as a jump between
/// consecutive samples), where viewers decide and timings matter to a tenth of a second.
const SAMPLE_RATE: f64 = 10.0;
/// Pictures per second looked at after the opening.
const SPARSE_RATE: f64 = 5.0;
/// How long a span that starts after the opening decodes every reference picture before it
/// decides whether I and P pictures alone are frequent enough.
const PROBE_S: f64 = 1.0;
/// Width of the analysis picture.
const SMALL_W: u32 = 160;
/// Motion between samples: the whole picture changing a little (a pan, a zoom) or a small part
/// changing a lot (someone moving in a still shot). Per-pixel changes under `CHANGED_LEVEL` are
/// sensor and compression noise.
const MOTION: f64 = 2.5;
const CHANGED_LEVEL: u8 = 30;
const CHANGED_SHARE: f64 = 0.002;
/// A cut: a large luma change that also reshapes the histogram (a pan changes pixels, not the
/// histogram).
const CUT_DIFF: f64 = 25.0;
const CUT_HIST: f64 = 0.35;
/// Below this difference a picture is frozen.
const FROZEN: f64 = 0.3;

/// One sampled picture's statistics.
#[derive(Debug, Clone, Copy)]
struct Sample {
    t: f64,
    brightness: f64,
    contrast: f64,
    colourfulness: f64,
    /// Mean absolute luma difference to the previous sample (0–255).
    diff: f64,
    /// Share of pixels that changed by more than `CHANGED_LEVEL`.
    changed: f64,
    cut: bool,
}

/// A sample's small luma picture and 16-bin histogram, what the next sample is compared with.
type Look = (Vec<u8>, [f64; 16]);

/// The seconds a pass keeps pictures for: `[start, end)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub start: f64,
    pub end: f64,
}

pub(super) struct VideoPass {
    pub(super) index: usize,
    tb: Rational,
    dec: ff::decoder::Video,
    span: Span,
    small: Option<ff::filter::Graph>,
    sharp: Option<ff::filter::Graph>,
    next_sample: f64,
    next_sharp: f64,
    /// I and P pictures seen while probing, to decide whether skipping every B picture after
    /// them still leaves enough samples.
    anchors: u32,
    probe_until: f64,
    probe_len: f64,
    probed: bool,
    stats: VideoStats,
    frame: ff::frame::Video,
}

impl VideoPass {
    /// `threads` 0 lets libavcodec pick (every core, as the ffmpeg CLI does).
    pub(super) fn open(
        ictx: &ff::format::context::Input,
        index: usize,
        span: Span,
        threads: usize,
    ) -> Result<Self, MediaError> {
        let s = ictx.stream(index).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        let mut ctx = ff::codec::context::Context::from_parameters(s.parameters())
            .map_err(|e| MediaError::corrupt("a video", e))?;
        ctx.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: threads,
            ..Default::default()
        });
        let mut dec = ctx.decoder().video().map_err(|e| MediaError::corrupt("a video", e))?;
        // Nothing references a non-reference frame, so skipping them loses only samples we would
        // have thinned out anyway; it is most of the speed-up over a full decode.
        dec.skip_frame(ff::Discard::NonReference);
        dec.skip_loop_filter(ff::Discard::All);
        // The opening is judged on dense samples, so a span holding it probes until its end.
        let (probe_until, probe_len) =
            if span.start < HOOK_S { (HOOK_S, HOOK_S) } else { (span.start + PROBE_S, PROBE_S) };
        Ok(Self {
            index,
            tb: s.time_base(),
            dec,
            span,
            small: None,
            sharp: None,
            next_sample: span.start,
            next_sharp: span.start,
            anchors: 0,
            probe_until,
            probe_len,
            probed: false,
            stats: VideoStats::default(),
            frame: ff::frame::Video::empty(),
        })
    }

    pub(super) fn packet(&mut self, p: &ff::Packet) -> Result<(), MediaError> {
        if self.dec.send_packet(p).is_err() {
            return Ok(());
        }
        self.drain()
    }

    pub(super) fn finish(&mut self) -> Result<(), MediaError> {
        let _ = self.dec.send_eof();
        self.drain()
    }

    pub(super) fn into_stats(self) -> VideoStats {
        self.stats
    }

    fn drain(&mut self) -> Result<(), MediaError> {
        while self.dec.receive_frame(&mut self.frame).is_ok() {
            let Some(ts) = self.frame.timestamp() else { continue };
            let t = ts as f64 * f64::from(self.tb);
            self.adapt_skipping(t);
            // Pictures outside the span belong to a neighbouring segment (or lead into this one
            // from before its keyframe).
            if t + 1e-6 < self.next_sample || t + 1e-6 < self.span.start || t >= self.span.end {
                continue;
            }
            self.next_sample = t + 1.0 / if t < HOOK_S { SAMPLE_RATE } else { SPARSE_RATE };
            self.frame.set_pts(Some(ts));
            if self.small.is_none() && direct_rgb_format(&self.frame).is_none() {
                self.small = Some(video_graph(
                    &self.frame,
                    self.tb,
                    &format!("scale={SMALL_W}:-2:flags=fast_bilinear,format=rgb24"),
                )?);
            }
            if t + 1e-6 >= self.next_sharp {
                self.next_sharp = t + 1.0;
                let g = match self.sharp.as_mut() {
                    Some(g) => g,
                    None => self.sharp.insert(video_graph(
                        &self.frame,
                        self.tb,
                        "scale=w=-2:h=360:flags=bilinear,format=gray",
                    )?),
                };
                // Adding a frame to a graph hands its buffers over; the small graph still needs it.
                if let Some(gray) = push_pull(g, &self.frame.clone())? {
                    self.stats.sharpness.push(laplacian_variance(&gray));
                }
            }
            if let Some(rgb) = direct_rgb(&self.frame) {
                self.stats.sample(t, &rgb);
                continue;
            }
            let g = self.small.as_mut().ok_or_else(|| MediaError::render_failed("analysis", "no analysis graph"))?;
            if let Some(rgb) = push_pull(g, &self.frame)? {
                self.stats.sample(t, &rgb);
            }
        }
        Ok(())
    }

    /// While probing every reference picture is decoded. After it, when I and P pictures alone
    /// come at least `SPARSE_RATE` a second, B pictures are not decoded at all: in common encodes
    /// nothing but other B pictures refers to them, and they are half the decoding work.
    fn adapt_skipping(&mut self, t: f64) {
        if self.probed {
            return;
        }
        if t < self.probe_until {
            if self.frame.kind() != ff::picture::Type::B {
                self.anchors += 1;
            }
        } else {
            self.probed = true;
            if f64::from(self.anchors) / self.probe_len >= SPARSE_RATE {
                self.dec.skip_frame(ff::Discard::Bidirectional);
            }
        }
    }
}

/// What one or more passes saw, in time order.
#[derive(Default)]
pub(super) struct VideoStats {
    samples: Vec<Sample>,
    sharpness: Vec<f64>,
    /// The first sample's picture, compared with the previous span's last when spans are joined.
    first: Option<Look>,
    last: Option<Look>,
}

impl VideoStats {
    /// Joins spans given in time order. Each span's first sample had nothing to compare with;
    /// here it is compared with the previous span's last, so a cut on a boundary still counts.
    pub(super) fn merge(parts: impl IntoIterator<Item = VideoStats>) -> VideoStats {
        let mut all = VideoStats::default();
        for mut part in parts {
            if let (Some(prev), Some(first), Some(s)) = (&all.last, &part.first, part.samples.first_mut()) {
                (s.diff, s.changed, s.cut) = compare(prev, &first.0, &first.1);
            }
            if all.first.is_none() {
                all.first = part.first.take();
            }
            if part.last.is_some() {
                all.last = part.last.take();
            }
            all.samples.append(&mut part.samples);
            all.sharpness.append(&mut part.sharpness);
        }
        all
    }

    fn sample(&mut self, t: f64, rgb: &Plane) {
        let n = (rgb.w * rgb.h) as f64;
        let mut luma = Vec::with_capacity(rgb.w * rgb.h);
        // Integer sums: the statistics only need whole levels, and this loop runs on every
        // sampled pixel.
        let (mut sum, mut sq) = (0u64, 0u64);
        let (mut rg_s, mut rg_q, mut yb_s, mut yb_q) = (0i64, 0i64, 0i64, 0i64);
        let mut counts = [0u32; 16];
        for y in 0..rgb.h {
            let row = &rgb.data[y * rgb.stride..y * rgb.stride + rgb.w * 3];
            for px in row.chunks_exact(3) {
                let (r, g, b) = (u32::from(px[0]), u32::from(px[1]), u32::from(px[2]));
                // BT.601 luma weights in 1/256ths (77 + 150 + 29 = 256), rounded.
                let l = (77 * r + 150 * g + 29 * b + 128) >> 8;
                luma.push(l.min(255) as u8);
                sum += u64::from(l);
                sq += u64::from(l * l);
                counts[(l as usize / 16).min(15)] += 1;
                let (r, g, b) = (i64::from(r), i64::from(g), i64::from(b));
                // Opponent channels; yellow-blue doubled to stay whole.
                let (rg, yb2) = (r - g, r + g - 2 * b);
                rg_s += rg;
                rg_q += rg * rg;
                yb_s += yb2;
                yb_q += yb2 * yb2;
            }
        }
        let mean = sum as f64 / n;
        let std = (sq as f64 / n - mean * mean).max(0.0).sqrt();
        let (rg_m, yb_m) = (rg_s as f64 / n, yb_s as f64 / (2.0 * n));
        let rg_v = (rg_q as f64 / n - rg_m * rg_m).max(0.0);
        let yb_v = (yb_q as f64 / (4.0 * n) - yb_m * yb_m).max(0.0);
        // Hasler & Süsstrunk (2003).
        let colourfulness = (rg_v + yb_v).sqrt() + 0.3 * (rg_m * rg_m + yb_m * yb_m).sqrt();
        let hist = counts.map(|c| f64::from(c) / n);
        let (diff, changed, cut) = match &self.last {
            Some(prev) => compare(prev, &luma, &hist),
            None => (0.0, 0.0, false),
        };
        let (brightness, contrast) = (mean / 255.0, std / 255.0);
        self.samples.push(Sample { t, brightness, contrast, colourfulness, diff, changed, cut });
        if self.first.is_none() {
            self.first = Some((luma.clone(), hist));
        }
        self.last = Some((luma, hist));
    }

    pub(super) fn fill(&self, f: &mut MediaFeatures, duration: Option<f64>) {
        let s = &self.samples;
        if s.is_empty() {
            return;
        }
        let n = s.len() as f64;
        let mean = |g: fn(&Sample) -> f64| s.iter().map(g).sum::<f64>() / n;
        f.picture.brightness = Some(mean(|x| x.brightness));
        f.picture.contrast = Some(mean(|x| x.contrast));
        f.picture.colourfulness = Some(mean(|x| x.colourfulness));
        f.picture.sharpness =
            (!self.sharpness.is_empty()).then(|| self.sharpness.iter().sum::<f64>() / self.sharpness.len() as f64);
        f.picture.black_ratio = Some(s.iter().filter(|x| x.brightness < 0.07 && x.contrast < 0.04).count() as f64 / n);
        // The first sample has nothing to be frozen against.
        let compared = (s.len() - 1).max(1) as f64;
        f.picture.frozen_ratio =
            Some(s.iter().skip(1).filter(|x| x.diff < FROZEN && x.changed == 0.0).count() as f64 / compared);

        let cuts: Vec<f64> = s.iter().filter(|x| x.cut).map(|x| x.t).collect();
        let moving = |x: &Sample| x.cut || x.diff > MOTION || x.changed > CHANGED_SHARE;
        f.hook.first_cut_s = cuts.first().copied();
        let length = duration.unwrap_or_else(|| s.last().map_or(0.0, |x| x.t));
        // A picture that never moves has its first motion "at the end": measured, not unknown.
        f.hook.first_motion_s = s.iter().skip(1).find(|x| moving(x)).map(|x| x.t).or((s.len() > 1).then_some(length));
        if s.len() > 1 && length > 0.0 {
            f.pacing.cuts_per_minute = Some(cuts.len() as f64 * 60.0 / length);
            // Longest run between moments of motion (or cuts), including the ends.
            let mut last = 0.0;
            let mut longest: f64 = 0.0;
            for x in s.iter().skip(1).filter(|x| moving(x)) {
                longest = longest.max(x.t - last);
                last = x.t;
            }
            f.pacing.longest_static_s = Some(longest.max(length - last));
        }
    }
}

/// (mean absolute luma difference, share of changed pixels, is it a cut) between two samples.
fn compare((p, ph): &Look, luma: &[u8], hist: &[f64; 16]) -> (f64, f64, bool) {
    if p.len() != luma.len() || luma.is_empty() {
        return (0.0, 0.0, false);
    }
    let n = luma.len() as f64;
    let (mut d, mut c) = (0u64, 0u64);
    for (a, b) in luma.iter().zip(p) {
        let x = a.abs_diff(*b);
        d += u64::from(x);
        c += u64::from(x > CHANGED_LEVEL);
    }
    let h: f64 = hist.iter().zip(ph).map(|(a, b)| (a - b).abs()).sum::<f64>() / 2.0;
    let (d, c) = (d as f64 / n, c as f64 / n);
    (d, c, d > CUT_DIFF && h > CUT_HIST)
}

/// A picture plane copied out of libav.
struct Plane {
    w: usize,
    h: usize,
    stride: usize,
    data: Vec<u8>,
}

fn push_pull(g: &mut ff::filter::Graph, frame: &ff::frame::Video) -> Result<Option<Plane>, MediaError> {
    if let Some(mut src) = g.get("in") {
        src.source().add(frame).map_err(|e| MediaError::render_failed("analysis", e))?;
    }
    let mut out = ff::frame::Video::empty();
    let mut got = None;
    if let Some(mut sink) = g.get("out") {
        while sink.sink().frame(&mut out).is_ok() {
            got = Some(Plane {
                w: out.width() as usize,
                h: out.height() as usize,
                stride: out.stride(0),
                data: out.data(0).to_vec(),
            });
        }
    }
    Ok(got)
}

/// 8-bit 4:2:0 planar YUV (almost every H.264 and HEVC file): (full range?).
fn direct_rgb_format(frame: &ff::frame::Video) -> Option<bool> {
    use ff::format::Pixel;
    match frame.format() {
        Pixel::YUV420P => Some(false),
        Pixel::YUVJ420P => Some(true),
        _ => None,
    }
}

/// A small RGB picture read straight from the decoded planes on a grid, without scaling the
/// whole picture first (which costs more than the statistics themselves). Other pixel formats go
/// through a libavfilter graph instead.
fn direct_rgb(frame: &ff::frame::Video) -> Option<Plane> {
    let full_range = direct_rgb_format(frame)?;
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let step = (fw / SMALL_W as usize).max(1);
    let (w, h) = (fw / step, fh / step);
    if w < 3 || h < 3 {
        return None;
    }
    let (ys, us, vs) = (frame.stride(0), frame.stride(1), frame.stride(2));
    let (yp, up, vp) = (frame.data(0), frame.data(1), frame.data(2));
    let mut data = Vec::with_capacity(w * h * 3);
    for gy in 0..h {
        let y = gy * step;
        for gx in 0..w {
            let x = gx * step;
            let luma = i32::from(*yp.get(y * ys + x)?);
            let u = i32::from(*up.get((y / 2) * us + x / 2)?) - 128;
            let v = i32::from(*vp.get((y / 2) * vs + x / 2)?) - 128;
            // BT.601 (as swscale assumes for untagged video) in 1/256ths, rounded.
            let (l, kr, kgu, kgv, kb) =
                if full_range { (256 * luma, 359, 88, 183, 454) } else { (298 * (luma - 16), 409, 100, 208, 516) };
            let r = (l + kr * v + 128) >> 8;
            let g = (l - kgu * u - kgv * v + 128) >> 8;
            let b = (l + kb * u + 128) >> 8;
            data.extend([r, g, b].map(|c| c.clamp(0, 255) as u8));
        }
    }
    Some(Plane { w, h, stride: w * 3, data })
}

/// Variance of the 4-neighbour Laplacian: high for crisp edges, low for blur.
fn laplacian_variance(gray: &Plane) -> f64 {
    let (w, h) = (gray.w, gray.h);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let at = |x: usize, y: usize| i64::from(gray.data[y * gray.stride + x]);
    let (mut sum, mut sq) = (0i64, 0i64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * at(x, y);
            sum += l;
            sq += l * l;
        }
    }
    let n = ((w - 2) * (h - 2)) as f64;
    let mean = sum as f64 / n;
    sq as f64 / n - mean * mean
}

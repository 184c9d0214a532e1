//! What the viral score needs to know about a video, measured in one demux pass, faster than
//! decoding the file: non-reference pictures are never decoded (after the opening, no B pictures
//! at all when that still leaves 5 a second), the loop filter is skipped, decoding is threaded,
//! pictures are shrunk inside libavfilter before any arithmetic, and 10 pictures a second are
//! looked at in the opening 3 s, 5 after that.
//!
//! The units and methods are studio-score's contract ([`studio_score::MediaFeatures`]). What is
//! not measured stays `None` (text on screen needs OCR, music needs a classifier: neither is here
//! yet), so the score reports those factors as unknown instead of guessing.
use std::path::Path;

use ff::Rational;
use ffmpeg_next as ff;
use studio_core::progress::{CancelToken, Progress, ProgressSink};
use studio_score::MediaFeatures;

use crate::avpath::AvPath;
use crate::probe::{self, main_audio_stream, main_video_stream, MediaKind};
use crate::render::pipeline::{audio_graph, video_graph};
use crate::MediaError;

/// Pictures per second looked at in the opening `HOOK_S` seconds (cuts show as a jump between
/// consecutive samples), where viewers decide and timings matter to a tenth of a second.
const SAMPLE_RATE: f64 = 10.0;
const HOOK_S: f64 = 3.0;
/// Pictures per second looked at after the opening.
const SPARSE_RATE: f64 = 5.0;
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
/// Audio analysis windows.
const WINDOW_S: f64 = 0.1;
/// RMS below this (dBFS) is silence.
const SILENCE_DBFS: f64 = -50.0;
/// A window whose energy is mostly in the voice band counts as speech-like (voice, or melodic
/// sound in the same range: telling them apart needs a classifier this crate does not have).
const VOICE_SHARE: f64 = 0.4;

/// Measures `path`. Image files and unreadable media are typed errors; audio-only files get
/// sound and format features with `has_video: Some(false)`.
pub fn extract(path: &Path, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<MediaFeatures, MediaError> {
    crate::init();
    let started = std::time::Instant::now();
    let info = probe::probe(path)?;
    tracing::debug!(elapsed = ?started.elapsed(), "features: probed");
    if info.kind == MediaKind::Image {
        return Err(MediaError::InvalidSettings("scores need a video or audio file; this is an image".into()));
    }
    let duration = info.duration_s.filter(|d| *d > 0.0);
    let av = AvPath::new(path)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("a video", e))?;
    let vidx = info.video.as_ref().and_then(|_| main_video_stream(&ictx));
    let aidx = info.audio.as_ref().and_then(|_| main_audio_stream(&ictx));

    let mut video = match vidx {
        Some(i) => Some(VideoPass::open(&ictx, i)?),
        None => None,
    };
    let mut audio = match aidx {
        Some(i) => Some(AudioPass::open(&ictx, i)?),
        None => None,
    };
    for (n, (stream, packet)) in ictx.packets().enumerate() {
        if n % 64 == 0 {
            if cancel.is_cancelled() {
                return Err(MediaError::Cancelled);
            }
            if let (Some(t), Some(d)) = (packet.pts(), duration) {
                let at = t as f64 * f64::from(stream.time_base());
                progress.report(Progress {
                    item: String::new(),
                    stage: "analyzing",
                    done: 0,
                    total: 1,
                    fraction: Some((at / d).clamp(0.0, 1.0)),
                });
            }
        }
        let idx = stream.index();
        if let Some(v) = video.as_mut().filter(|v| v.index == idx) {
            v.packet(&packet)?;
        } else if let Some(a) = audio.as_mut().filter(|a| a.index == idx) {
            a.packet(&packet)?;
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "features: decoded");
    let mut f = MediaFeatures::default();
    f.format.duration_s = duration;
    f.format.width = info.width;
    f.format.height = info.height;
    f.format.fps = info.video.as_ref().and_then(|v| v.fps);
    f.format.has_video = Some(video.is_some());
    f.format.has_audio = Some(audio.is_some());
    if let Some(v) = video.as_mut() {
        v.finish()?;
        v.fill(&mut f, duration);
    }
    if let Some(a) = audio.as_mut() {
        a.finish()?;
        a.fill(&mut f);
    }
    Ok(f)
}

fn analysis_failed(e: impl std::fmt::Display) -> MediaError {
    MediaError::RenderFailed(format!("analysis: {e}"))
}

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

struct VideoPass {
    index: usize,
    tb: Rational,
    dec: ff::decoder::Video,
    small: Option<ff::filter::Graph>,
    sharp: Option<ff::filter::Graph>,
    next_sample: f64,
    next_sharp: f64,
    /// I and P pictures seen in the opening seconds, to decide whether skipping every B picture
    /// after them still leaves enough samples.
    anchors_in_hook: u32,
    bframes_skipped: bool,
    prev: Option<(Vec<u8>, [f64; 16])>,
    samples: Vec<Sample>,
    sharpness: Vec<f64>,
    frame: ff::frame::Video,
}

impl VideoPass {
    fn open(ictx: &ff::format::context::Input, index: usize) -> Result<Self, MediaError> {
        let s = ictx.stream(index).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        let mut ctx = ff::codec::context::Context::from_parameters(s.parameters())
            .map_err(|e| MediaError::corrupt("a video", e))?;
        // Frame threads use every core, as the ffmpeg CLI does by default.
        ctx.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: 0,
            ..Default::default()
        });
        let mut dec = ctx.decoder().video().map_err(|e| MediaError::corrupt("a video", e))?;
        // Nothing references a non-reference frame, so skipping them loses only samples we would
        // have thinned out anyway; it is most of the speed-up over a full decode.
        dec.skip_frame(ff::Discard::NonReference);
        dec.skip_loop_filter(ff::Discard::All);
        Ok(Self {
            index,
            tb: s.time_base(),
            dec,
            small: None,
            sharp: None,
            next_sample: 0.0,
            next_sharp: 0.0,
            anchors_in_hook: 0,
            bframes_skipped: false,
            prev: None,
            samples: Vec::new(),
            sharpness: Vec::new(),
            frame: ff::frame::Video::empty(),
        })
    }

    fn packet(&mut self, p: &ff::Packet) -> Result<(), MediaError> {
        if self.dec.send_packet(p).is_err() {
            return Ok(());
        }
        self.drain()
    }

    fn finish(&mut self) -> Result<(), MediaError> {
        let _ = self.dec.send_eof();
        self.drain()
    }

    fn drain(&mut self) -> Result<(), MediaError> {
        while self.dec.receive_frame(&mut self.frame).is_ok() {
            let Some(ts) = self.frame.timestamp() else { continue };
            let t = ts as f64 * f64::from(self.tb);
            self.adapt_skipping(t);
            if t + 1e-6 < self.next_sample {
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
                    self.sharpness.push(laplacian_variance(&gray));
                }
            }
            if let Some(rgb) = direct_rgb(&self.frame) {
                self.sample(t, &rgb);
                continue;
            }
            let g = self.small.as_mut().ok_or_else(|| analysis_failed("no analysis graph"))?;
            if let Some(rgb) = push_pull(g, &self.frame)? {
                self.sample(t, &rgb);
            }
        }
        Ok(())
    }

    /// The opening seconds are sampled densely (the hook is judged there). After them, when I and
    /// P pictures alone come at least `SPARSE_RATE` a second, B pictures are not decoded at all:
    /// in common encodes nothing but other B pictures refers to them, and they are half the
    /// decoding work.
    fn adapt_skipping(&mut self, t: f64) {
        if self.bframes_skipped {
            return;
        }
        if t < HOOK_S {
            if self.frame.kind() != ff::picture::Type::B {
                self.anchors_in_hook += 1;
            }
        } else {
            self.bframes_skipped = true;
            if f64::from(self.anchors_in_hook) / HOOK_S >= SPARSE_RATE {
                self.dec.skip_frame(ff::Discard::Bidirectional);
            }
        }
    }

    fn sample(&mut self, t: f64, rgb: &Plane) {
        let n = (rgb.w * rgb.h) as f64;
        let mut luma = Vec::with_capacity(rgb.w * rgb.h);
        let (mut sum, mut sq) = (0.0, 0.0);
        let (mut rg_s, mut rg_q, mut yb_s, mut yb_q) = (0.0, 0.0, 0.0, 0.0);
        let mut hist = [0.0; 16];
        for y in 0..rgb.h {
            let row = &rgb.data[y * rgb.stride..y * rgb.stride + rgb.w * 3];
            for px in row.chunks_exact(3) {
                let (r, g, b) = (f64::from(px[0]), f64::from(px[1]), f64::from(px[2]));
                let l = 0.299 * r + 0.587 * g + 0.114 * b;
                luma.push(l.round().clamp(0.0, 255.0) as u8);
                sum += l;
                sq += l * l;
                hist[(l as usize / 16).min(15)] += 1.0 / n;
                let (rg, yb) = (r - g, 0.5 * (r + g) - b);
                rg_s += rg;
                rg_q += rg * rg;
                yb_s += yb;
                yb_q += yb * yb;
            }
        }
        let mean = sum / n;
        let std = (sq / n - mean * mean).max(0.0).sqrt();
        let (rg_m, yb_m) = (rg_s / n, yb_s / n);
        let (rg_v, yb_v) = ((rg_q / n - rg_m * rg_m).max(0.0), (yb_q / n - yb_m * yb_m).max(0.0));
        // Hasler & Süsstrunk (2003).
        let colourfulness = (rg_v + yb_v).sqrt() + 0.3 * (rg_m * rg_m + yb_m * yb_m).sqrt();
        let (diff, changed, cut) = match &self.prev {
            Some((p, ph)) if p.len() == luma.len() => {
                let (mut d, mut c) = (0.0, 0.0);
                for (a, b) in luma.iter().zip(p) {
                    let x = a.abs_diff(*b);
                    d += f64::from(x);
                    c += f64::from(u8::from(x > CHANGED_LEVEL));
                }
                let h: f64 = hist.iter().zip(ph).map(|(a, b)| (a - b).abs()).sum::<f64>() / 2.0;
                (d / n, c / n, d / n > CUT_DIFF && h > CUT_HIST)
            }
            _ => (0.0, 0.0, false),
        };
        let (brightness, contrast) = (mean / 255.0, std / 255.0);
        self.samples.push(Sample { t, brightness, contrast, colourfulness, diff, changed, cut });
        self.prev = Some((luma, hist));
    }

    fn fill(&self, f: &mut MediaFeatures, duration: Option<f64>) {
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

/// A picture plane copied out of libav.
struct Plane {
    w: usize,
    h: usize,
    stride: usize,
    data: Vec<u8>,
}

fn push_pull(g: &mut ff::filter::Graph, frame: &ff::frame::Video) -> Result<Option<Plane>, MediaError> {
    if let Some(mut src) = g.get("in") {
        src.source().add(frame).map_err(analysis_failed)?;
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
            let luma = f64::from(*yp.get(y * ys + x)?);
            let u = f64::from(*up.get((y / 2) * us + x / 2)?) - 128.0;
            let v = f64::from(*vp.get((y / 2) * vs + x / 2)?) - 128.0;
            // BT.601, as swscale assumes for untagged video.
            let (l, k) = if full_range { (luma, 1.0) } else { (1.164 * (luma - 16.0), 1.138) };
            let r = l + k * 1.402 * v;
            let g = l - k * (0.344 * u + 0.714 * v);
            let b = l + k * 1.772 * u;
            data.extend([r, g, b].map(|c| c.round().clamp(0.0, 255.0) as u8));
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
    let at = |x: usize, y: usize| f64::from(gray.data[y * gray.stride + x]);
    let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y);
            sum += l;
            sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sq / n - mean * mean
}

struct AudioPass {
    index: usize,
    tb: Rational,
    dec: ff::decoder::Audio,
    graph: Option<ff::filter::Graph>,
    frame: ff::frame::Audio,
    integrated: Option<f64>,
    range: Option<f64>,
    /// Short-term loudness (last 3 s) when 3 s had been heard: the hook's loudness.
    hook: Option<f64>,
    samples_seen: u64,
    /// Per window: (RMS dBFS, share of energy in the voice band).
    windows: Vec<(f64, f64)>,
    acc: Window,
}

/// Running sums for one analysis window, with a 250–4000 Hz voice band-pass (two biquads).
#[derive(Default)]
struct Window {
    n: usize,
    energy: f64,
    band: f64,
    hp: Biquad,
    lp: Biquad,
}

#[derive(Default, Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    /// RBJ cookbook filters at 48 kHz, Q = 0.707.
    fn new(high_pass: bool, hz: f64) -> Self {
        let w = 2.0 * std::f64::consts::PI * hz / 48_000.0;
        let (c, alpha) = (w.cos(), w.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2));
        let a0 = 1.0 + alpha;
        let b = if high_pass {
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0]
        } else {
            [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0]
        };
        Self { b: b.map(|v| v / a0), a: [-2.0 * c / a0, (1.0 - alpha) / a0], x: [0.0; 2], y: [0.0; 2] }
    }

    fn run(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

impl AudioPass {
    fn open(ictx: &ff::format::context::Input, index: usize) -> Result<Self, MediaError> {
        let s = ictx.stream(index).ok_or_else(|| MediaError::corrupt("audio", "stream vanished"))?;
        let dec = ff::codec::context::Context::from_parameters(s.parameters())
            .and_then(|c| c.decoder().audio())
            .map_err(|e| MediaError::corrupt("audio", e))?;
        Ok(Self {
            index,
            tb: s.time_base(),
            dec,
            graph: None,
            frame: ff::frame::Audio::empty(),
            integrated: None,
            range: None,
            hook: None,
            samples_seen: 0,
            windows: Vec::new(),
            acc: Window { hp: Biquad::new(true, 250.0), lp: Biquad::new(false, 4000.0), ..Default::default() },
        })
    }

    fn packet(&mut self, p: &ff::Packet) -> Result<(), MediaError> {
        if self.dec.send_packet(p).is_err() {
            return Ok(());
        }
        self.drain()
    }

    fn finish(&mut self) -> Result<(), MediaError> {
        let _ = self.dec.send_eof();
        self.drain()?;
        if let Some(g) = self.graph.as_mut() {
            if let Some(mut src) = g.get("in") {
                let _ = src.source().flush();
            }
        }
        self.pull();
        Ok(())
    }

    fn drain(&mut self) -> Result<(), MediaError> {
        while self.dec.receive_frame(&mut self.frame).is_ok() {
            let g = match self.graph.as_mut() {
                Some(g) => g,
                None => self.graph.insert(audio_graph(
                    &self.frame,
                    self.tb,
                    "aresample=48000,aformat=sample_fmts=flt:channel_layouts=mono,ebur128=metadata=1",
                    None,
                )?),
            };
            let ts = self.frame.timestamp();
            self.frame.set_pts(ts);
            if let Some(mut src) = g.get("in") {
                src.source().add(&self.frame).map_err(analysis_failed)?;
            }
            self.pull();
        }
        Ok(())
    }

    fn pull(&mut self) {
        let Some(g) = self.graph.as_mut() else { return };
        let Some(mut sink) = g.get("out") else { return };
        let mut out = ff::frame::Audio::empty();
        let per_window = (48_000.0 * WINDOW_S) as usize;
        while sink.sink().frame(&mut out).is_ok() {
            let md = out.metadata();
            let num = |k: &str| md.get(k).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite());
            if let Some(i) = num("lavfi.r128.I") {
                self.integrated = Some(i);
            }
            if let Some(r) = num("lavfi.r128.LRA") {
                self.range = Some(r);
            }
            if self.hook.is_none() && self.samples_seen >= 3 * 48_000 {
                self.hook = num("lavfi.r128.S");
            }
            let n = out.samples();
            self.samples_seen += n as u64;
            let data = out.data(0);
            // ebur128 works in doubles, so that is usually what comes out; accept floats too.
            let wide = out.format() == ff::format::Sample::F64(ff::format::sample::Type::Packed);
            let width = if wide { 8 } else { 4 };
            for chunk in data.chunks_exact(width).take(n) {
                let x = match chunk {
                    [a, b, c, d, e, f, g, h] => f64::from_ne_bytes([*a, *b, *c, *d, *e, *f, *g, *h]),
                    [a, b, c, d] => f64::from(f32::from_ne_bytes([*a, *b, *c, *d])),
                    _ => 0.0,
                };
                let w = &mut self.acc;
                let banded = w.lp.run(w.hp.run(x));
                w.energy += x * x;
                w.band += banded * banded;
                w.n += 1;
                if w.n == per_window {
                    let rms = (w.energy / w.n as f64).sqrt();
                    let db = 20.0 * rms.max(1e-10).log10();
                    let share = if w.energy > 0.0 { w.band / w.energy } else { 0.0 };
                    self.windows.push((db, share));
                    w.n = 0;
                    w.energy = 0.0;
                    w.band = 0.0;
                }
            }
        }
    }

    fn fill(&self, f: &mut MediaFeatures) {
        f.sound.integrated_lufs = self.integrated.map(|v| v.max(-70.0));
        f.sound.loudness_range_lu = self.range;
        f.hook.hook_loudness_lufs = self.hook.or(self.integrated).map(|v| v.max(-70.0));
        if self.windows.is_empty() {
            return;
        }
        let n = self.windows.len() as f64;
        let speechy = |(db, share): &(f64, f64)| *db > SILENCE_DBFS && *share > VOICE_SHARE;
        f.sound.silence_ratio = Some(self.windows.iter().filter(|(db, _)| *db <= SILENCE_DBFS).count() as f64 / n);
        f.sound.speech_ratio = Some(self.windows.iter().filter(|w| speechy(w)).count() as f64 / n);
        f.hook.speech_onset_s = self.windows.iter().position(speechy).map(|i| i as f64 * WINDOW_S);
    }
}

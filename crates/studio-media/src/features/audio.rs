//! The sound half of the measuring pass: EBU R128 loudness through libavfilter's `ebur128`, and
//! 100 ms windows of level and voice-band energy for silence, speech and the speech onset.
use ff::Rational;
use ffmpeg_next as ff;
use studio_score::MediaFeatures;

use crate::render::graph::audio_graph;
use crate::MediaError;

/// Audio analysis windows.
const WINDOW_S: f64 = 0.1;
/// RMS below this (dBFS) is silence.
const SILENCE_DBFS: f64 = -50.0;
/// A window whose energy is mostly in the voice band counts as speech-like (voice, or melodic
/// sound in the same range: telling them apart needs a classifier this crate does not have).
const VOICE_SHARE: f64 = 0.4;

pub(super) struct AudioPass {
    pub(super) index: usize,
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
    pub(super) fn open(ictx: &ff::format::context::Input, index: usize) -> Result<Self, MediaError> {
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

    pub(super) fn packet(&mut self, p: &ff::Packet) -> Result<(), MediaError> {
        if self.dec.send_packet(p).is_err() {
            return Ok(());
        }
        self.drain()
    }

    pub(super) fn finish(&mut self) -> Result<(), MediaError> {
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
                src.source().add(&self.frame).map_err(|e| MediaError::render_failed("analysis", e))?;
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

    pub(super) fn fill(&self, f: &mut MediaFeatures) {
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

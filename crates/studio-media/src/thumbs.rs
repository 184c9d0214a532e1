//! Pictures of an asset for the library grid: a poster frame, a filmstrip, and a waveform for
//! anything with sound. Written to a staging folder and moved into place whole.
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use image::{DynamicImage, GenericImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use serde::Serialize;
use studio_core::progress::CancelToken;

use crate::avpath::AvPath;
use crate::probe::{main_audio_stream, MediaKind, Probe};
use crate::{frames, MediaError};

pub const POSTER_WIDTH: u32 = 480;
pub const FILMSTRIP_FRAMES: usize = 8;
pub const FILMSTRIP_FRAME_WIDTH: u32 = 160;
pub const WAVEFORM_SIZE: (u32, u32) = (800, 120);
/// Peak resolution while decoding: one value per 10 ms keeps memory small for hours of audio.
const PEAKS_PER_SECOND: u32 = 100;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Thumbnails {
    pub poster: Option<PathBuf>,
    pub filmstrip: Option<PathBuf>,
    pub waveform: Option<PathBuf>,
}

impl Thumbnails {
    /// The same files under another folder (after the staging folder is moved into place).
    pub fn rebased(&self, from: &Path, to: &Path) -> Self {
        let re = |p: &Option<PathBuf>| {
            p.as_ref().map(|p| p.strip_prefix(from).map_or_else(|_| p.clone(), |rel| to.join(rel)))
        };
        Self { poster: re(&self.poster), filmstrip: re(&self.filmstrip), waveform: re(&self.waveform) }
    }
}

fn save(img: &DynamicImage, path: &Path, format: ImageFormat) -> Result<PathBuf, MediaError> {
    img.save_with_format(path, format)
        .map_err(|e| MediaError::Write { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
    Ok(path.to_path_buf())
}

/// Writes the thumbnails for `probe` into `dir` (which must exist).
pub fn make(
    path: &Path,
    probe: &Probe,
    decoded_image: Option<&DynamicImage>,
    dir: &Path,
    cancel: &CancelToken,
) -> Result<Thumbnails, MediaError> {
    let mut t = Thumbnails::default();
    match probe.kind {
        MediaKind::Image => {
            if let Some(img) = decoded_image {
                let thumb = img.thumbnail(POSTER_WIDTH, POSTER_WIDTH * 4);
                t.poster =
                    Some(save(&DynamicImage::ImageRgb8(thumb.to_rgb8()), &dir.join("poster.jpg"), ImageFormat::Jpeg)?);
            }
        }
        MediaKind::Video => {
            let d = probe.duration_s.unwrap_or(0.0).max(0.0);
            let poster_at = if d > 0.0 { (d * 0.1).min(3.0) } else { 0.0 };
            let poster = frames::grab(path, &[poster_at], POSTER_WIDTH, cancel)?;
            if let Some(p) = poster.into_iter().next() {
                t.poster = Some(save(&DynamicImage::ImageRgb8(p), &dir.join("poster.jpg"), ImageFormat::Jpeg)?);
            }
            let times: Vec<f64> =
                (0..FILMSTRIP_FRAMES).map(|i| d * (i as f64 + 0.5) / FILMSTRIP_FRAMES as f64).collect();
            let strip = frames::grab(path, &times, FILMSTRIP_FRAME_WIDTH, cancel)?;
            t.filmstrip = Some(save(
                &DynamicImage::ImageRgb8(filmstrip(&strip)?),
                &dir.join("filmstrip.jpg"),
                ImageFormat::Jpeg,
            )?);
        }
        MediaKind::Audio => {}
    }
    if probe.audio.is_some() {
        let peaks = audio_peaks(path, cancel)?;
        let img = draw_waveform(&peaks, WAVEFORM_SIZE.0, WAVEFORM_SIZE.1);
        t.waveform = Some(save(&DynamicImage::ImageRgba8(img), &dir.join("waveform.png"), ImageFormat::Png)?);
    }
    Ok(t)
}

fn filmstrip(frames: &[RgbImage]) -> Result<RgbImage, MediaError> {
    let h = frames.iter().map(RgbImage::height).max().unwrap_or(2);
    let w: u32 = frames.iter().map(RgbImage::width).sum::<u32>().max(2);
    let mut strip = RgbImage::from_pixel(w, h, Rgb([0, 0, 0]));
    let mut x = 0;
    for f in frames {
        strip.copy_from(f, x, (h - f.height()) / 2).map_err(|e| MediaError::corrupt("a video", e))?;
        x += f.width();
    }
    Ok(strip)
}

/// Running peak level over fixed-size windows of samples.
struct PeakMeter {
    window: usize,
    current: f32,
    count: usize,
    peaks: Vec<f32>,
}

impl PeakMeter {
    fn push(&mut self, samples: &[f32]) {
        for s in samples {
            self.current = self.current.max(s.abs());
            self.count += 1;
            if self.count == self.window {
                self.peaks.push(self.current.min(1.0));
                self.current = 0.0;
                self.count = 0;
            }
        }
    }

    fn finish(mut self) -> Vec<f32> {
        if self.count > 0 {
            self.peaks.push(self.current.min(1.0));
        }
        self.peaks
    }
}

/// Mono f32 at a low rate: plenty for a picture of loudness, cheap to resample.
const PEAK_RATE: u32 = 8_000;

/// Peak absolute sample level per 10 ms of the main audio stream, all channels mixed.
pub fn audio_peaks(path: &Path, cancel: &CancelToken) -> Result<Vec<f32>, MediaError> {
    crate::init();
    let av = AvPath::new(path)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("audio", e))?;
    let idx = main_audio_stream(&ictx).ok_or_else(|| MediaError::corrupt("audio", "no audio stream"))?;
    let params = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("audio", "stream vanished"))?.parameters();
    let ctx = ff::codec::context::Context::from_parameters(params).map_err(|e| MediaError::corrupt("audio", e))?;
    let mut decoder = ctx.decoder().audio().map_err(|e| MediaError::corrupt("audio", e))?;

    let mut meter =
        PeakMeter { window: (PEAK_RATE / PEAKS_PER_SECOND) as usize, current: 0.0, count: 0, peaks: Vec::new() };
    let mut resampler: Option<ff::software::resampling::Context> = None;
    let mut frame = ff::frame::Audio::empty();
    let mut mono = ff::frame::Audio::empty();
    let mut drain = |decoder: &mut ff::decoder::Audio, meter: &mut PeakMeter| -> Result<(), MediaError> {
        while decoder.receive_frame(&mut frame).is_ok() {
            if resampler.is_none() {
                let layout = if frame.channel_layout().is_empty() {
                    ff::ChannelLayout::default(i32::from(frame.channels().max(1)))
                } else {
                    frame.channel_layout()
                };
                resampler = Some(
                    ff::software::resampling::Context::get(
                        frame.format(),
                        layout,
                        frame.rate(),
                        ff::format::Sample::F32(ff::format::sample::Type::Packed),
                        ff::ChannelLayout::MONO,
                        PEAK_RATE,
                    )
                    .map_err(|e| MediaError::corrupt("audio", e))?,
                );
            }
            if let Some(r) = resampler.as_mut() {
                if r.run(&frame, &mut mono).is_ok() {
                    meter.push(mono.plane::<f32>(0));
                }
            }
        }
        Ok(())
    };
    for (n, (stream, packet)) in ictx.packets().enumerate() {
        if stream.index() != idx {
            continue;
        }
        if n % 256 == 0 && cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        if decoder.send_packet(&packet).is_ok() {
            drain(&mut decoder, &mut meter)?;
        }
    }
    let _ = decoder.send_eof();
    drain(&mut decoder, &mut meter)?;
    Ok(meter.finish())
}

/// A mirrored bar waveform: louder is taller, silence is a thin line.
pub fn draw_waveform(peaks: &[f32], width: u32, height: u32) -> RgbaImage {
    let mut img = RgbaImage::from_pixel(width, height, Rgba([0, 0, 0, 0]));
    let mid = height as f32 / 2.0;
    let colour = Rgba([124, 92, 255, 255]);
    for x in 0..width {
        let (a, b) = (x as usize * peaks.len() / width as usize, (x as usize + 1) * peaks.len() / width as usize);
        let peak = peaks.get(a..b.max(a + 1).min(peaks.len())).map_or(0.0, |s| s.iter().copied().fold(0.0, f32::max));
        let half = (peak * mid).max(0.5);
        let (top, bottom) = ((mid - half).floor().max(0.0) as u32, ((mid + half).ceil() as u32).min(height));
        for y in top..bottom {
            img.put_pixel(x, y, colour);
        }
    }
    img
}

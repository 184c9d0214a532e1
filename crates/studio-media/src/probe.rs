//! What a file really is, judged by its bytes (never by its extension): kind, container, streams,
//! codecs, displayed size (rotation and pixel aspect applied), frame rate and whether it varies.
//!
//! A probe also decodes a first frame (and a frame near the end of long videos), so a file that
//! only pretends to be media, or was cut short, is refused here rather than failing later.
use std::path::Path;

use ff::format::stream::Disposition;
use ff::media::Type as Medium;
use ffmpeg_next as ff;
use image::{ImageDecoder, ImageReader};
use serde::{Deserialize, Serialize};

use crate::avpath::AvPath;
use crate::MediaError;

/// Largest image side accepted; beyond it a header is a decompression bomb or useless for video.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
/// Memory an image decode may allocate.
const MAX_IMAGE_ALLOC: u64 = 512 * 1024 * 1024;
/// Video packets read to judge whether the frame rate varies.
const VFR_SAMPLE_PACKETS: usize = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Video,
    Image,
    Audio,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    pub codec: String,
    pub pixel_format: String,
    pub coded_width: u32,
    pub coded_height: u32,
    /// Average frames per second.
    pub fps: Option<f64>,
    pub variable_frame_rate: bool,
    /// Clockwise degrees the picture is turned for display (0, 90, 180, 270).
    pub rotation: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    pub codec: String,
    pub channels: u16,
    pub sample_rate: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamInfo {
    pub index: usize,
    pub kind: String,
    pub codec: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub kind: MediaKind,
    /// Container or image format as detected from the bytes ("mp4", "matroska", "png").
    pub container: String,
    /// Suggested file extension for the detected format.
    pub extension: String,
    pub duration_s: Option<f64>,
    pub bit_rate: Option<u64>,
    /// As displayed: rotation and non-square pixels applied.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
    pub streams: Vec<StreamInfo>,
    /// EXIF orientation was applied to an image's width/height.
    pub exif_oriented: bool,
}

pub fn probe(path: &Path) -> Result<Probe, MediaError> {
    check_readable(path)?;
    if let Some((p, _)) = open_image(path)? {
        return Ok(p);
    }
    probe_av(path)
}

/// A regular, readable, non-empty file (never opens FIFOs or devices); returns its length.
pub fn check_readable(path: &Path) -> Result<u64, MediaError> {
    let meta = std::fs::metadata(path).map_err(MediaError::Unreadable)?;
    if !meta.is_file() {
        return Err(MediaError::UnsupportedFormat { detail: Some("not a regular file".into()) });
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty);
    }
    // Opening proves read permission (metadata alone does not); safe now that it is a file.
    std::fs::File::open(path).map_err(MediaError::Unreadable)?;
    Ok(meta.len())
}

/// Decodes a still image if the bytes are one, with size limits and EXIF orientation applied.
/// `Ok(None)`: not an image format at all.
pub(crate) fn open_image(path: &Path) -> Result<Option<(Probe, image::DynamicImage)>, MediaError> {
    // Magic bytes only: `image` would otherwise trust the extension, and an HTML page named
    // .jpg is not a damaged JPEG.
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut std::fs::File::open(path).map_err(MediaError::Unreadable)?, &mut head)
        .map_err(MediaError::Unreadable)?;
    let Ok(format) = image::guess_format(&head[..n]) else { return Ok(None) };
    let mut reader = ImageReader::open(path).map_err(MediaError::Unreadable)?;
    reader.set_format(format);
    let (w, h) = reader.into_dimensions().map_err(|e| MediaError::corrupt("an image", e))?;
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(MediaError::ImageTooLarge { width: w, height: h, max: MAX_IMAGE_SIDE });
    }
    if w == 0 || h == 0 {
        return Err(MediaError::corrupt("an image", "zero width or height"));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    let mut reader = ImageReader::open(path).map_err(MediaError::Unreadable)?;
    reader.set_format(format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| MediaError::corrupt("an image", e))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| MediaError::corrupt("an image", e))?;
    img.apply_orientation(orientation);
    let probe = Probe {
        kind: MediaKind::Image,
        container: format!("{format:?}").to_lowercase(),
        extension: format.extensions_str().first().copied().unwrap_or("img").to_string(),
        duration_s: None,
        bit_rate: None,
        width: Some(img.width()),
        height: Some(img.height()),
        video: None,
        audio: None,
        streams: Vec::new(),
        exif_oriented: orientation != image::metadata::Orientation::NoTransforms,
    };
    Ok(Some((probe, img)))
}

fn unsupported(detail: impl Into<String>) -> MediaError {
    MediaError::UnsupportedFormat { detail: Some(detail.into()) }
}

/// Demuxers that accept almost anything by extension (text as ANSI art, any bytes as an image
/// sequence); a real image was already tried through `image`.
fn is_catch_all_demuxer(name: &str) -> bool {
    name == "tty" || name.starts_with("image2") || name.ends_with("_pipe") || name == "lavfi" || name == "data"
}

fn extension_for(container: &str, kind: MediaKind) -> String {
    let first = container.split(',').next().unwrap_or(container);
    match (first, kind) {
        ("mov", MediaKind::Video) => "mp4",
        ("mov", _) => "m4a",
        ("matroska", MediaKind::Video) => "mkv",
        ("matroska", _) => "mka",
        ("mpegts", _) => "ts",
        ("mpeg", _) => "mpg",
        (other, _) => other,
    }
    .to_string()
}

/// The main video stream: the largest one that is not cover art.
pub(crate) fn main_video_stream(ictx: &ff::format::context::Input) -> Option<usize> {
    ictx.streams()
        .filter(|s| s.parameters().medium() == Medium::Video && !s.disposition().contains(Disposition::ATTACHED_PIC))
        .max_by_key(|s| {
            // SAFETY: codecpar is always set on a stream of an opened input.
            let p = unsafe { &*s.parameters().as_ptr() };
            i64::from(p.width) * i64::from(p.height)
        })
        .map(|s| s.index())
}

pub(crate) fn main_audio_stream(ictx: &ff::format::context::Input) -> Option<usize> {
    ictx.streams().best(Medium::Audio).map(|s| s.index())
}

/// Clockwise display rotation from the stream's display matrix, snapped to 90°.
pub(crate) fn rotation_of(stream: &ff::format::stream::Stream<'_>) -> u32 {
    for sd in stream.side_data() {
        if sd.kind() == ff::codec::packet::side_data::Type::DisplayMatrix && sd.data().len() >= 36 {
            // SAFETY: a display matrix is nine i32s; length checked above.
            let ccw = unsafe { ff::ffi::av_display_rotation_get(sd.data().as_ptr().cast()) };
            if ccw.is_finite() {
                let cw = (-ccw).rem_euclid(360.0);
                return ((cw / 90.0).round() as u32 % 4) * 90;
            }
        }
    }
    0
}

fn rational(r: ff::Rational) -> Option<f64> {
    (r.numerator() > 0 && r.denominator() > 0).then(|| f64::from(r.numerator()) / f64::from(r.denominator()))
}

/// Displayed size: non-square pixels stretched, then rotation applied; kept even.
pub(crate) fn display_size(w: u32, h: u32, sar: ff::Rational, rotation: u32) -> (u32, u32) {
    let mut dw = w;
    if let Some(r) = rational(sar) {
        if (r - 1.0).abs() > 1e-3 {
            dw = ((f64::from(w) * r / 2.0).round() as u32 * 2).max(2);
        }
    }
    if rotation % 180 == 90 {
        (h, dw)
    } else {
        (dw, h)
    }
}

fn probe_av(path: &Path) -> Result<Probe, MediaError> {
    crate::init();
    let av = AvPath::new(path)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| match e {
        ff::Error::InvalidData => unsupported("the bytes match no known format"),
        other => MediaError::corrupt("a media file", format!("libav could not read it ({other})")),
    })?;
    let container = ictx.format().name().to_string();
    if is_catch_all_demuxer(&container) {
        return Err(unsupported(format!("only recognised by its name, as {container}")));
    }

    let streams: Vec<StreamInfo> = ictx
        .streams()
        .map(|s| StreamInfo {
            index: s.index(),
            kind: format!("{:?}", s.parameters().medium()).to_lowercase(),
            codec: s.parameters().id().name().to_string(),
        })
        .collect();
    let video_idx = main_video_stream(&ictx);
    let audio_idx = main_audio_stream(&ictx);
    if video_idx.is_none() && audio_idx.is_none() {
        return Err(unsupported("no video or audio stream"));
    }

    let duration_s = {
        let d = ictx.duration();
        (d > 0).then(|| d as f64 / f64::from(ff::ffi::AV_TIME_BASE))
    };
    let bit_rate = u64::try_from(ictx.bit_rate()).ok().filter(|b| *b > 0);

    let video = match video_idx {
        Some(idx) => Some(video_info(&mut ictx, idx, duration_s)?),
        None => None,
    };
    let audio = match audio_idx {
        Some(idx) => Some(audio_info(&mut ictx, idx, video.is_none())?),
        None => None,
    };
    let (kind, width, height) = match (&video, video_idx) {
        (Some(v), Some(idx)) => {
            let stream = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
            let sar = stream.parameters_sar();
            let (w, h) = display_size(v.coded_width, v.coded_height, sar, v.rotation);
            (MediaKind::Video, Some(w), Some(h))
        }
        _ => (MediaKind::Audio, None, None),
    };
    Ok(Probe {
        extension: extension_for(&container, kind),
        kind,
        container,
        duration_s,
        bit_rate,
        width,
        height,
        video,
        audio,
        streams,
        exif_oriented: false,
    })
}

/// Stream accessors ffmpeg-next does not expose.
trait StreamExt {
    fn parameters_sar(&self) -> ff::Rational;
}

impl StreamExt for ff::format::stream::Stream<'_> {
    fn parameters_sar(&self) -> ff::Rational {
        // SAFETY: codecpar is always set on a stream of an opened input.
        unsafe { ff::Rational::from((*self.parameters().as_ptr()).sample_aspect_ratio) }
    }
}

fn video_info(
    ictx: &mut ff::format::context::Input,
    idx: usize,
    duration_s: Option<f64>,
) -> Result<VideoInfo, MediaError> {
    let (params, rotation, fps) = {
        let s = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        (s.parameters(), rotation_of(&s), rational(s.avg_frame_rate()))
    };
    let codec = params.id().name().to_string();
    let ctx = ff::codec::context::Context::from_parameters(params).map_err(|e| MediaError::corrupt("a video", e))?;
    let mut decoder =
        ctx.decoder().video().map_err(|_| unsupported(format!("video codec {codec} cannot be decoded here")))?;

    // Read the start: packet timestamps tell whether frame spacing varies, and the first frame
    // must decode.
    let mut pts = Vec::with_capacity(VFR_SAMPLE_PACKETS);
    let mut frame = ff::frame::Video::empty();
    let mut decoded = false;
    for (stream, packet) in ictx.packets() {
        if stream.index() != idx {
            continue;
        }
        if let Some(p) = packet.pts() {
            pts.push(p);
        }
        if !decoded && decoder.send_packet(&packet).is_ok() && decoder.receive_frame(&mut frame).is_ok() {
            decoded = true;
        }
        if decoded && pts.len() >= VFR_SAMPLE_PACKETS {
            break;
        }
    }
    if !decoded {
        let _ = decoder.send_eof();
        decoded = decoder.receive_frame(&mut frame).is_ok();
    }
    if !decoded {
        return Err(MediaError::corrupt("a video", "no frame could be decoded"));
    }
    let (w, h, pix) = (decoder.width(), decoder.height(), decoder.format());
    if w == 0 || h == 0 {
        return Err(MediaError::corrupt("a video", "zero picture size"));
    }
    if let Some(d) = duration_s.filter(|d| *d > 4.0) {
        check_tail(ictx, idx, d)?;
    }
    Ok(VideoInfo {
        codec,
        pixel_format: format!("{pix:?}").to_lowercase(),
        coded_width: w,
        coded_height: h,
        fps,
        variable_frame_rate: varies(&mut pts),
        rotation,
    })
}

/// Frame spacing that differs by more than a third between packets means variable frame rate
/// (phone screen recordings, some camera apps). B-frames reorder timestamps, so sort first.
fn varies(pts: &mut [i64]) -> bool {
    pts.sort_unstable();
    let deltas: Vec<i64> = pts.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0).collect();
    if deltas.len() < 8 {
        return false;
    }
    let mut sorted = deltas.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2] as f64;
    let off = deltas.iter().filter(|d| ((**d as f64) - median).abs() > median / 3.0).count();
    off * 10 > deltas.len()
}

/// A file cut short still has a header promising the full length. Seeking lands on the keyframe
/// before the target (with long GOPs, possibly the very first), so read forward until the
/// stream reaches 90% of its length; running out of packets first means the data is missing.
fn check_tail(ictx: &mut ff::format::context::Input, idx: usize, duration_s: f64) -> Result<(), MediaError> {
    let (tb, stream_len_s) = {
        let s = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        let tb = s.time_base();
        let len = (s.duration() > 0).then(|| s.duration() as f64 * rational(tb).unwrap_or(0.0));
        (tb, len)
    };
    let end_s = stream_len_s.filter(|l| *l > 0.0).unwrap_or(duration_s);
    let target_s = end_s * 0.9;
    let target_us = (target_s * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
    let truncated =
        || MediaError::corrupt("a video", format!("it stops before its stated length of {end_s:.1} s (cut short?)"));
    ictx.seek(target_us, ..target_us).map_err(|_| truncated())?;
    let tb_s = rational(tb).unwrap_or(0.0);
    let reached = ictx
        .packets()
        .filter(|(s, p)| s.index() == idx && p.size() > 0 && !p.is_corrupt())
        .any(|(_, p)| p.pts().or(p.dts()).is_some_and(|t| t as f64 * tb_s >= target_s));
    if reached {
        Ok(())
    } else {
        Err(truncated())
    }
}

fn audio_info(ictx: &mut ff::format::context::Input, idx: usize, must_decode: bool) -> Result<AudioInfo, MediaError> {
    let params = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("audio", "stream vanished"))?.parameters();
    let codec = params.id().name().to_string();
    let ctx = ff::codec::context::Context::from_parameters(params).map_err(|e| MediaError::corrupt("audio", e))?;
    let mut decoder =
        ctx.decoder().audio().map_err(|_| unsupported(format!("audio codec {codec} cannot be decoded here")))?;
    if must_decode {
        // An audio-only file is only useful if it decodes; with video, a bad audio track is
        // reported by the render, not here.
        let _ = ictx.seek(0, ..);
        let mut frame = ff::frame::Audio::empty();
        let mut ok = 0;
        for (stream, packet) in ictx.packets().take(2000) {
            if stream.index() != idx {
                continue;
            }
            if decoder.send_packet(&packet).is_ok() {
                while decoder.receive_frame(&mut frame).is_ok() {
                    ok += 1;
                }
            }
            if ok >= 3 {
                break;
            }
        }
        if ok == 0 {
            return Err(MediaError::corrupt("audio", "no sound could be decoded"));
        }
    }
    if decoder.rate() == 0 || decoder.channels() == 0 {
        return Err(MediaError::corrupt("audio", "no sample rate or channels"));
    }
    Ok(AudioInfo { codec, channels: decoder.channels(), sample_rate: decoder.rate() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_spacing_detection() {
        let mut cfr: Vec<i64> = (0..100).map(|i| i * 512).collect();
        assert!(!varies(&mut cfr));
        let mut vfr: Vec<i64> = (0..100).map(|i| i * 512 + if i % 2 == 0 { 0 } else { 300 }).collect();
        assert!(varies(&mut vfr));
    }

    #[test]
    fn display_size_applies_sar_and_rotation() {
        assert_eq!(display_size(1920, 1080, ff::Rational::new(1, 1), 90), (1080, 1920));
        assert_eq!(display_size(1440, 1080, ff::Rational::new(4, 3), 0), (1920, 1080));
        assert_eq!(display_size(640, 480, ff::Rational::new(0, 1), 180), (640, 480));
    }
}

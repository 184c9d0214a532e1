//! Decoded video frames as RGB pictures, the way a viewer sees them (rotation and pixel aspect
//! applied): for posters, filmstrips and, later, feature extraction.
use std::path::Path;

use ffmpeg_next as ff;
use image::RgbImage;
use studio_core::progress::CancelToken;

use crate::avpath::AvPath;
use crate::probe::{display_size, main_video_stream, rotation_of};
use crate::MediaError;

/// Frames decoded past a seek point before giving up on reaching the exact time.
const MAX_FRAMES_AFTER_SEEK: usize = 240;

/// One picture per requested time (seconds), each `width` pixels wide (height keeps the
/// displayed aspect). Times past the end give the last decodable frame.
pub fn grab(path: &Path, times_s: &[f64], width: u32, cancel: &CancelToken) -> Result<Vec<RgbImage>, MediaError> {
    crate::init();
    let av = AvPath::new(path)?;
    let mut ictx = ff::format::input(av.url()).map_err(|e| MediaError::corrupt("a video", e))?;
    let idx = main_video_stream(&ictx).ok_or_else(|| MediaError::corrupt("a video", "no video stream"))?;
    let (params, rotation, tb) = {
        let s = ictx.stream(idx).ok_or_else(|| MediaError::corrupt("a video", "stream vanished"))?;
        (s.parameters(), rotation_of(&s), s.time_base())
    };
    let ctx = ff::codec::context::Context::from_parameters(params).map_err(|e| MediaError::corrupt("a video", e))?;
    let mut decoder = ctx.decoder().video().map_err(|e| MediaError::corrupt("a video", e))?;

    let mut out = Vec::with_capacity(times_s.len());
    for &t in times_s {
        if cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let target_us = (t.max(0.0) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
        let target_pts = seconds_to_pts(t.max(0.0), tb);
        if ictx.seek(target_us, ..target_us).is_ok() {
            decoder.flush();
        }
        let frame = decode_until(&mut ictx, &mut decoder, idx, target_pts)?;
        out.push(to_rgb(&frame, width, rotation)?);
    }
    Ok(out)
}

fn seconds_to_pts(t: f64, tb: ff::Rational) -> i64 {
    if tb.numerator() <= 0 {
        return 0;
    }
    (t * f64::from(tb.denominator()) / f64::from(tb.numerator())) as i64
}

fn decode_until(
    ictx: &mut ff::format::context::Input,
    decoder: &mut ff::decoder::Video,
    idx: usize,
    target_pts: i64,
) -> Result<ff::frame::Video, MediaError> {
    let mut frame = ff::frame::Video::empty();
    let mut last: Option<ff::frame::Video> = None;
    let mut seen = 0usize;
    for (stream, packet) in ictx.packets() {
        if stream.index() != idx || decoder.send_packet(&packet).is_err() {
            continue;
        }
        while decoder.receive_frame(&mut frame).is_ok() {
            seen += 1;
            let pts = frame.timestamp().unwrap_or(i64::MIN);
            if pts >= target_pts || seen >= MAX_FRAMES_AFTER_SEEK {
                return Ok(frame);
            }
            last = Some(frame.clone());
        }
    }
    let _ = decoder.send_eof();
    if decoder.receive_frame(&mut frame).is_ok() {
        return Ok(frame);
    }
    last.ok_or_else(|| MediaError::corrupt("a video", "no frame could be decoded"))
}

fn to_rgb(frame: &ff::frame::Video, width: u32, rotation: u32) -> Result<RgbImage, MediaError> {
    let (dw, dh) = display_size(frame.width(), frame.height(), frame.aspect_ratio(), 0);
    // Scale before rotating: the target width is of the displayed (rotated) picture.
    let out_w_displayed = width.max(2);
    let (sw, sh) = if rotation % 180 == 90 {
        let sh = out_w_displayed;
        let sw = ((f64::from(dw) * f64::from(sh) / f64::from(dh.max(1))).round() as u32).max(2);
        (sw, sh)
    } else {
        let sw = out_w_displayed;
        let sh = ((f64::from(dh) * f64::from(sw) / f64::from(dw.max(1))).round() as u32).max(2);
        (sw, sh)
    };
    let mut scaler = ff::software::scaling::Context::get(
        frame.format(),
        frame.width(),
        frame.height(),
        ff::format::Pixel::RGB24,
        sw,
        sh,
        ff::software::scaling::Flags::BILINEAR,
    )
    .map_err(|e| MediaError::corrupt("a video", e))?;
    let mut rgb = ff::frame::Video::empty();
    scaler.run(frame, &mut rgb).map_err(|e| MediaError::corrupt("a video", e))?;
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let row = sw as usize * 3;
    let mut buf = Vec::with_capacity(row * sh as usize);
    for y in 0..sh as usize {
        buf.extend_from_slice(&data[y * stride..y * stride + row]);
    }
    let img = RgbImage::from_raw(sw, sh, buf).ok_or_else(|| MediaError::corrupt("a video", "frame buffer size"))?;
    Ok(match rotation {
        90 => image::imageops::rotate90(&img),
        180 => image::imageops::rotate180(&img),
        270 => image::imageops::rotate270(&img),
        _ => img,
    })
}

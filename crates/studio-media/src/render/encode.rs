//! Opening the H.264 and AAC encoders the output always uses.
use ff::codec::encoder::{audio::Encoder as AudioEncoder, video::Encoder as VideoEncoder};
use ff::{Dictionary, Rational};
use ffmpeg_next as ff;

use super::plan::EncoderChoice;
use crate::MediaError;

/// Hardware H.264 encoders tried by `auto`, in order. VA-API is left out: it needs frames
/// uploaded to the GPU, which this pipeline does not do yet.
const HARDWARE: [&str; 5] = ["h264_nvenc", "h264_qsv", "h264_videotoolbox", "h264_amf", "h264_mf"];

pub struct VideoSettings {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub crf: u8,
    pub x264_preset: String,
    pub global_header: bool,
}

fn set_global_header<T: std::ops::DerefMut<Target = ff::codec::Context>>(ctx: &mut T) {
    // SAFETY: the context is allocated and not yet opened.
    unsafe { (*ctx.as_mut_ptr()).flags |= ff::ffi::AV_CODEC_FLAG_GLOBAL_HEADER as i32 };
}

fn open_video_codec(name: &str, s: &VideoSettings) -> Result<VideoEncoder, String> {
    let codec = ff::encoder::find_by_name(name).ok_or_else(|| format!("{name} is not built into this FFmpeg"))?;
    let mut enc = ff::codec::context::Context::new_with_codec(codec).encoder().video().map_err(|e| e.to_string())?;
    enc.set_width(s.width);
    enc.set_height(s.height);
    enc.set_format(ff::format::Pixel::YUV420P);
    enc.set_time_base(Rational::new(1, s.fps as i32));
    enc.set_frame_rate(Some(Rational::new(s.fps as i32, 1)));
    enc.set_gop(s.fps * 2);
    if s.global_header {
        set_global_header(&mut *enc);
    }
    let mut opts = Dictionary::new();
    if name == "libx264" {
        opts.set("preset", &s.x264_preset);
        opts.set("crf", &s.crf.to_string());
        opts.set("profile", "high");
        // The fastest x264 presets drop every High-only tool and signal Constrained Baseline;
        // 8x8 transforms are cheap and keep the stream High, as promised.
        opts.set("x264-params", "8x8dct=1");
    } else {
        opts.set("profile", "high");
    }
    enc.open_with(opts).map_err(|e| format!("{name}: {e}"))
}

/// Opens the requested encoder; returns it with the name that actually runs.
pub fn open_video(choice: &EncoderChoice, s: &VideoSettings) -> Result<(VideoEncoder, String), MediaError> {
    match choice {
        EncoderChoice::Cpu => {
            open_video_codec("libx264", s).map(|e| (e, "libx264".into())).map_err(MediaError::NoEncoder)
        }
        EncoderChoice::Named(n) => open_video_codec(n, s).map(|e| (e, n.clone())).map_err(MediaError::NoEncoder),
        EncoderChoice::Auto => {
            for name in HARDWARE {
                match open_video_codec(name, s) {
                    Ok(e) => return Ok((e, name.to_string())),
                    Err(why) => tracing::debug!(%why, "hardware encoder unavailable"),
                }
            }
            open_video_codec("libx264", s).map(|e| (e, "libx264".into())).map_err(MediaError::NoEncoder)
        }
    }
}

/// H.264 encoders that open on this machine with a small test configuration.
pub fn available_h264() -> Vec<String> {
    crate::init();
    let probe = VideoSettings {
        width: 256,
        height: 256,
        fps: 30,
        crf: 23,
        x264_preset: "ultrafast".into(),
        global_header: false,
    };
    std::iter::once("libx264")
        .chain(HARDWARE)
        .filter(|n| open_video_codec(n, &probe).is_ok())
        .map(str::to_string)
        .collect()
}

pub fn open_audio(bit_rate: u32, global_header: bool) -> Result<AudioEncoder, MediaError> {
    let codec = ff::encoder::find(ff::codec::Id::AAC).ok_or_else(|| MediaError::NoEncoder("no AAC encoder".into()))?;
    let mut enc = ff::codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(|e| MediaError::NoEncoder(e.to_string()))?;
    enc.set_rate(48_000);
    enc.set_format(ff::format::Sample::F32(ff::format::sample::Type::Planar));
    enc.set_channel_layout(ff::ChannelLayout::STEREO);
    // SAFETY: the context is allocated and not yet opened; FFmpeg >= 5.1 reads ch_layout.
    unsafe { ff::ffi::av_channel_layout_default(&mut (*enc.as_mut_ptr()).ch_layout, 2) };
    enc.set_bit_rate(bit_rate as usize);
    enc.set_time_base(Rational::new(1, 48_000));
    if global_header {
        set_global_header(&mut *enc);
    }
    enc.open_with(Dictionary::new()).map_err(|e| MediaError::NoEncoder(format!("aac: {e}")))
}

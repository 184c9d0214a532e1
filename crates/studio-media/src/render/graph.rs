//! libavfilter graph descriptions: the whole picture and sound transformation as one string each,
//! readable in logs and identical to what an ffmpeg CLI user would write (the benchmark runs the
//! same strings through the CLI), and the libavfilter graphs built from them. Every pass (loudness
//! measurement, smart reframe analysis, the transcode, media features) builds its graphs here.
use ff::Rational;
use ffmpeg_next as ff;

use super::plan::{Plan, Track};
use super::preset::Reframe;
use crate::MediaError;

/// Turns the picture upright (a filter chain fragment ending in a comma, or nothing).
pub fn rotate(rotation: u32) -> &'static str {
    match rotation {
        90 => "transpose=clock,",
        180 => "hflip,vflip,",
        270 => "transpose=cclock,",
        _ => "",
    }
}

/// Video: cut to the window, constant frame rate, rotation applied, reframed to the target
/// aspect, 4:2:0.
/// `burn` is appended after reframing (libass filters for captions and hook text). `track` is
/// the smart reframe's crop (None falls back to a centre crop).
#[allow(clippy::too_many_arguments)]
pub fn video(
    window: (f64, f64),
    rotation: u32,
    reframe: Reframe,
    track: Option<&Track>,
    w: u32,
    h: u32,
    fps: u32,
    burn: &str,
) -> String {
    let rotate = rotate(rotation);
    let cover = format!("scale={w}:{h}:force_original_aspect_ratio=increase:flags=bicubic");
    let fit = match (reframe, track) {
        (Reframe::Smart, Some(t)) => format!("{cover},{}", t.crop_filter(w, h)),
        (Reframe::Center | Reframe::Smart, _) => format!("{cover},crop={w}:{h}"),
        // The blurred background is made at 1/8 size: blurring full-size 1080x1920 frames costs
        // more than encoding them.
        (Reframe::Blur, _) => {
            let (sw, sh) = ((w / 8).max(2) & !1, (h / 8).max(2) & !1);
            format!(
                "split=2[bgsrc][fgsrc];\
                 [bgsrc]scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},boxblur=6:2,\
                 scale={w}:{h}:flags=bilinear,eq=brightness=-0.08[bg];\
                 [fgsrc]scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=bicubic[fg];\
                 [bg][fg]overlay=(W-w)/2:(H-h)/2:format=auto"
            )
        }
    };
    format!(
        "trim=start={s:.6}:end={e:.6},setpts=PTS-STARTPTS,fps={fps},{rotate}{fit},setsar=1{burn},format=yuv420p",
        s = window.0,
        e = window.1
    )
}

/// Music under the voice: looped to length, 12 dB down, and ducked further whenever the source
/// audio speaks (sidechain compression keyed by the voice).
pub struct Music<'a> {
    /// Already escaped for a filter graph.
    pub escaped_path: &'a str,
}

fn bed(m: &Music<'_>) -> String {
    format!(
        // Each loop restarts amovie's timestamps at zero; renumber them so trims and mixing see
        // one continuous track (otherwise an end trim is never reached).
        "amovie=filename={}:loop=0,asetpts=N/SR/TB,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,volume=-12dB",
        m.escaped_path
    )
}

/// The source's audio (and music), cut to the window, 48 kHz stereo float: everything before
/// gain. With music the chain has labels: the source is `[in]`, the result `[mixed]`.
fn premix(window: (f64, f64), music: Option<&Music<'_>>, has_source: bool, sample_fmt: &str) -> String {
    let dur = window.1 - window.0;
    let cut = format!(
        "atrim=start={:.6}:end={:.6},asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts={sample_fmt}:channel_layouts=stereo",
        window.0, window.1
    );
    match (music, has_source) {
        (None, _) => cut,
        (Some(m), true) => format!(
            "[in]{cut},asplit=2[voice][key];{bed},aformat=sample_fmts={sample_fmt}[bed];\
             [bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked];\
             [voice][ducked]amix=inputs=2:duration=first:normalize=0",
            bed = bed(m)
        ),
        (Some(m), false) => format!("{},aformat=sample_fmts={sample_fmt},atrim=end={dur:.6}", bed(m)),
    }
}

/// Audio as encoded: premix, gain (and a true-peak-safe limiter when the gain would push peaks
/// over the ceiling), padded or cut to exactly the video's length.
pub fn audio(window: (f64, f64), plan: &Plan, music: Option<&Music<'_>>, has_source: bool) -> String {
    let dur = window.1 - window.0;
    let mut s = premix(window, music, has_source, "fltp");
    s.push_str(&processing(plan));
    s.push_str(&format!(",apad,atrim=end={dur:.6},aformat=sample_fmts=fltp:channel_layouts=stereo"));
    s
}

/// A silent track of the video's length, for sources without sound (platforms reject or
/// mishandle video-only files).
pub fn silence(duration: f64) -> String {
    format!("anullsrc=r=48000:cl=stereo,atrim=end={duration:.6},aformat=sample_fmts=fltp:channel_layouts=stereo")
}

/// The loudness measurement pass; `processing` (gain, limiter) is applied before the meter so
/// the result can be checked, not just predicted.
pub fn measure(window: (f64, f64), music: Option<&Music<'_>>, has_source: bool, processing: &str) -> String {
    format!("{}{processing},ebur128=peak=true:metadata=1", premix(window, music, has_source, "flt"))
}

/// The gain and limiter of a plan as a filter chain fragment (",volume=...,alimiter=...").
pub fn processing(plan: &Plan) -> String {
    let mut s = String::new();
    if plan.gain_db.abs() > 0.01 {
        s.push_str(&format!(",volume={:.3}dB", plan.gain_db));
    }
    if let Some(limit) = plan.limiter_linear {
        s.push_str(&format!(",alimiter=limit={limit:.5}:attack=5:release=50:level=false"));
    }
    s
}

fn failed(what: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::render_failed(what, e)
}

/// A graph from a buffer source named "in" (shaped like `frame`) through `spec` to a sink "out".
pub(crate) fn audio_graph(
    frame: &ff::frame::Audio,
    tb: Rational,
    spec: &str,
    frame_size: Option<u32>,
) -> Result<ff::filter::Graph, MediaError> {
    let layout = if frame.channel_layout().is_empty() {
        ff::ChannelLayout::default(i32::from(frame.channels().max(1)))
    } else {
        frame.channel_layout()
    };
    let args = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        tb.numerator(),
        tb.denominator().max(1),
        frame.rate(),
        frame.format().name(),
        layout.bits()
    );
    let mut g = ff::filter::Graph::new();
    let abuffer = ff::filter::find("abuffer").ok_or_else(|| failed("filters", "abuffer missing"))?;
    let sink = ff::filter::find("abuffersink").ok_or_else(|| failed("filters", "abuffersink missing"))?;
    g.add(&abuffer, "in", &args).map_err(|e| failed("audio source", e))?;
    g.add(&sink, "out", "").map_err(|e| failed("audio sink", e))?;
    g.output("in", 0)
        .and_then(|p| p.input("out", 0))
        .and_then(|p| p.parse(spec))
        .map_err(|e| failed("audio filters", e))?;
    g.validate().map_err(|e| failed("audio filters", e))?;
    if let (Some(n), Some(mut out)) = (frame_size, g.get("out")) {
        out.sink().set_frame_size(n);
    }
    Ok(g)
}

pub(crate) fn video_graph(frame: &ff::frame::Video, tb: Rational, spec: &str) -> Result<ff::filter::Graph, MediaError> {
    let sar = frame.aspect_ratio();
    let (sn, sd) =
        if sar.numerator() > 0 && sar.denominator() > 0 { (sar.numerator(), sar.denominator()) } else { (1, 1) };
    let pix: ff::ffi::AVPixelFormat = frame.format().into();
    let args = format!(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={sn}/{sd}",
        frame.width(),
        frame.height(),
        pix as i32,
        tb.numerator(),
        tb.denominator().max(1)
    );
    let mut g = ff::filter::Graph::new();
    let buffer = ff::filter::find("buffer").ok_or_else(|| failed("filters", "buffer missing"))?;
    let sink = ff::filter::find("buffersink").ok_or_else(|| failed("filters", "buffersink missing"))?;
    g.add(&buffer, "in", &args).map_err(|e| failed("video source", format!("{e} ({args})")))?;
    g.add(&sink, "out", "").map_err(|e| failed("video sink", e))?;
    g.output("in", 0)
        .and_then(|p| p.input("out", 0))
        .and_then(|p| p.parse(spec))
        .map_err(|e| failed("video filters", e))?;
    g.validate().map_err(|e| failed("video filters", e))?;
    Ok(g)
}

/// A graph with no buffer source (generated silence, or music read by `amovie`) into a sink
/// named "out".
pub(crate) fn sourceless_graph(spec: &str, frame_size: Option<u32>) -> Result<ff::filter::Graph, MediaError> {
    let mut g = ff::filter::Graph::new();
    let sink = ff::filter::find("abuffersink").ok_or_else(|| failed("filters", "abuffersink missing"))?;
    g.add(&sink, "out", "").map_err(|e| failed("audio sink", e))?;
    g.input("out", 0).and_then(|p| p.parse(spec)).map_err(|e| failed("audio filters", e))?;
    g.validate().map_err(|e| failed("audio filters", e))?;
    if let (Some(n), Some(mut out)) = (frame_size, g.get("out")) {
        out.sink().set_frame_size(n);
    }
    Ok(g)
}

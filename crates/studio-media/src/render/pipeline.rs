//! The transcode loop: one pass over the source, both streams through their graphs and encoders,
//! packets interleaved into the MP4.
use ff::Rational;
use ffmpeg_next as ff;
use studio_core::progress::{CancelToken, Progress, ProgressSink};

use super::encode::{self, VideoSettings};
use super::graph::{self, audio_graph, sourceless_graph, video_graph};
use super::plan::{Plan, RenderOutcome, RenderSpec, Track};
use crate::avpath::AvPath;
use crate::probe::{main_audio_stream, main_video_stream, rotation_of, Probe};
use crate::MediaError;

const AAC_FRAME: u32 = 1024;

fn failed(what: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::render_failed(what, e)
}

/// Encoded streams and the file they go into.
struct Mux {
    octx: ff::format::context::Output,
    video: ff::codec::encoder::video::Encoder,
    /// The video encoder's name, so its failures can be told apart (`auto` retries on libx264).
    video_name: String,
    audio: ff::codec::encoder::audio::Encoder,
    video_tb: Rational,
    audio_tb: Rational,
    video_frames: u64,
    /// The contract: exactly this many frames (duration × fps), whatever the filters round.
    target_frames: u64,
    last_frame: Option<ff::frame::Video>,
    audio_samples: i64,
}

impl Mux {
    fn write(
        octx: &mut ff::format::context::Output,
        pkt: &mut ff::Packet,
        stream: usize,
        from: Rational,
    ) -> Result<(), MediaError> {
        let to = octx.stream(stream).map(|s| s.time_base()).ok_or_else(|| failed("mux", "stream vanished"))?;
        pkt.set_stream(stream);
        pkt.rescale_ts(from, to);
        pkt.write_interleaved(octx).map_err(|e| failed("writing the file", e))
    }

    fn encoder_failed(&self, e: ff::Error) -> MediaError {
        MediaError::EncoderFailed { encoder: self.video_name.clone(), detail: e.to_string() }
    }

    fn video_frame(&mut self, f: Option<&mut ff::frame::Video>) -> Result<(), MediaError> {
        match f {
            Some(f) => {
                if self.video_frames >= self.target_frames {
                    return Ok(());
                }
                f.set_pts(Some(self.video_frames as i64));
                f.set_kind(ff::picture::Type::None);
                self.video.send_frame(f).map_err(|e| self.encoder_failed(e))?;
                self.video_frames += 1;
                self.last_frame = Some(f.clone());
            }
            None => {
                // The fps filter ends at the last frame's start, not its end, and can come up one
                // short: hold the last picture for the missing frames.
                if let Some(mut last) = self.last_frame.take() {
                    while self.video_frames < self.target_frames {
                        last.set_pts(Some(self.video_frames as i64));
                        self.video.send_frame(&last).map_err(|e| self.encoder_failed(e))?;
                        self.video_frames += 1;
                        self.receive_video()?;
                    }
                }
                self.video.send_eof().map_err(|e| self.encoder_failed(e))?;
            }
        }
        self.receive_video()
    }

    fn receive_video(&mut self) -> Result<(), MediaError> {
        let mut pkt = ff::Packet::empty();
        while self.video.receive_packet(&mut pkt).is_ok() {
            if pkt.duration() == 0 {
                // One frame; without it the MP4 under-states the stream's length.
                pkt.set_duration(1);
            }
            Self::write(&mut self.octx, &mut pkt, 0, self.video_tb)?;
        }
        Ok(())
    }

    fn audio_frame(&mut self, f: Option<&mut ff::frame::Audio>) -> Result<(), MediaError> {
        match f {
            Some(f) => {
                f.set_pts(Some(self.audio_samples));
                self.audio_samples += f.samples() as i64;
                self.audio.send_frame(f).map_err(|e| failed("audio encoder", e))?;
            }
            None => self.audio.send_eof().map_err(|e| failed("audio encoder", e))?,
        }
        let mut pkt = ff::Packet::empty();
        while self.audio.receive_packet(&mut pkt).is_ok() {
            Self::write(&mut self.octx, &mut pkt, 1, self.audio_tb)?;
        }
        Ok(())
    }
}

fn drain_video(g: &mut ff::filter::Graph, mux: &mut Mux) -> Result<(), MediaError> {
    let mut out = ff::frame::Video::empty();
    if let Some(mut sink) = g.get("out") {
        while sink.sink().frame(&mut out).is_ok() {
            mux.video_frame(Some(&mut out))?;
        }
    }
    Ok(())
}

/// Pulls filtered audio; with `until_samples`, stops once the output has caught up with the
/// video (keeps a generated silent track interleaved instead of buffering it all at the end).
fn drain_audio(g: &mut ff::filter::Graph, mux: &mut Mux, until_samples: Option<i64>) -> Result<(), MediaError> {
    let mut out = ff::frame::Audio::empty();
    if let Some(mut sink) = g.get("out") {
        while until_samples.is_none_or(|u| mux.audio_samples < u) && sink.sink().frame(&mut out).is_ok() {
            mux.audio_frame(Some(&mut out))?;
        }
    }
    Ok(())
}

/// A render killed outright (SIGKILL, power loss) cannot delete its partial file. A live render
/// writes its file continuously, so one untouched this long is dead.
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

fn sweep_partials(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with(".render-") && n.ends_with(".mp4"));
        if ours && e.metadata().is_ok_and(|m| m.is_file() && crate::older_than(&m, STALE_PARTIAL)) {
            match std::fs::remove_file(e.path()) {
                Ok(()) => tracing::info!(path = %e.path().display(), "removed a dead render's partial file"),
                Err(err) => tracing::warn!(error = %err, path = %e.path().display(), "partial file not removed"),
            }
        }
    }
}

/// What the passes before the transcode decided.
pub struct Decided<'a> {
    pub window: (f64, f64),
    pub loudness: &'a Plan,
    /// libass filters for captions and hook text.
    pub burn: &'a str,
    pub music: Option<&'a graph::Music<'a>>,
    pub measure_graph: Option<String>,
    /// The smart reframe's crop path.
    pub track: Option<&'a Track>,
}

pub fn run(
    spec: &RenderSpec,
    info: &Probe,
    d: &Decided<'_>,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<RenderOutcome, MediaError> {
    let (window, plan, burn, music) = (d.window, d.loudness, d.burn, d.music);
    let p = &spec.preset;
    let duration = window.1 - window.0;
    let parent = spec.output.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(parent).map_err(|source| MediaError::Write { path: parent.to_path_buf(), source })?;
    sweep_partials(parent);
    // Written under a temporary name beside the target; renamed only when complete.
    let partial = tempfile::Builder::new()
        .prefix(".render-")
        .suffix(".mp4")
        .tempfile_in(parent)
        .map_err(|source| MediaError::Write { path: parent.to_path_buf(), source })?;
    crate::make_shareable(partial.as_file());
    let partial = partial.into_temp_path();

    let av_in = AvPath::new(&spec.input)?;
    let mut ictx = ff::format::input(av_in.url()).map_err(|e| MediaError::corrupt("a video", e))?;
    let vidx = main_video_stream(&ictx).ok_or_else(|| MediaError::corrupt("a video", "no video stream"))?;
    let aidx = info.audio.as_ref().and_then(|_| main_audio_stream(&ictx));
    let (vparams, vtb, rotation) = {
        let s = ictx.stream(vidx).ok_or_else(|| failed("input", "video stream vanished"))?;
        (s.parameters(), s.time_base(), rotation_of(&s))
    };
    let mut vdec = ff::codec::context::Context::from_parameters(vparams)
        .and_then(|c| c.decoder().video())
        .map_err(|e| MediaError::corrupt("a video", e))?;
    let mut adec = match aidx {
        Some(i) => {
            let s = ictx.stream(i).ok_or_else(|| failed("input", "audio stream vanished"))?;
            let tb = s.time_base();
            let d = ff::codec::context::Context::from_parameters(s.parameters())
                .and_then(|c| c.decoder().audio())
                .map_err(|e| MediaError::corrupt("audio", e))?;
            Some((i, tb, d))
        }
        None => None,
    };

    let av_out = AvPath::new(&partial)?;
    let mut octx = ff::format::output_as(av_out.url(), "mp4").map_err(|e| failed("creating the output", e))?;
    let global = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);
    let settings = VideoSettings {
        width: p.width,
        height: p.height,
        fps: p.fps,
        crf: spec.crf.unwrap_or(p.crf),
        x264_preset: spec.x264_preset.clone().unwrap_or_else(|| p.x264_preset.clone()),
        global_header: global,
    };
    let (venc, encoder_name) = encode::open_video(&spec.encoder, &settings)?;
    let aenc = encode::open_audio(p.audio_bitrate, global)?;
    {
        let mut s = octx.add_stream(ff::encoder::find(ff::codec::Id::H264)).map_err(|e| failed("output stream", e))?;
        s.set_parameters(&venc);
        s.set_time_base(Rational::new(1, p.fps as i32));
    }
    {
        let mut s = octx.add_stream(ff::encoder::find(ff::codec::Id::AAC)).map_err(|e| failed("output stream", e))?;
        s.set_parameters(&aenc);
        s.set_time_base(Rational::new(1, 48_000));
    }
    let mut opts = ff::Dictionary::new();
    opts.set("movflags", "+faststart");
    octx.write_header_with(opts).map_err(|e| failed("writing the header", e))?;

    let expected_frames = (duration * f64::from(p.fps)).round().max(1.0) as u64;
    let mut mux = Mux {
        octx,
        target_frames: expected_frames,
        last_frame: None,
        video: venc,
        video_name: encoder_name.clone(),
        audio: aenc,
        video_tb: Rational::new(1, p.fps as i32),
        audio_tb: Rational::new(1, 48_000),
        video_frames: 0,
        audio_samples: 0,
    };
    let vspec =
        graph::video(window, rotation, spec.reframe.unwrap_or(p.reframe), d.track, p.width, p.height, p.fps, burn);
    let aspec = graph::audio(window, plan, music, true);
    let sourceless_spec = match music {
        Some(_) => graph::audio(window, plan, music, false),
        None => graph::silence(duration),
    };
    tracing::debug!(%vspec, %aspec, "render graphs");
    let mut vgraph: Option<ff::filter::Graph> = None;
    let mut agraph: Option<ff::filter::Graph> = match adec {
        Some(_) => None,
        None => Some(sourceless_graph(&sourceless_spec, Some(AAC_FRAME))?),
    };
    let generated_audio = adec.is_none();
    let report = |done: u64| {
        progress.report(Progress {
            item: spec.output.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            stage: "rendering",
            done: 0,
            total: 1,
            fraction: Some((done as f64 / expected_frames as f64).min(1.0)),
        })
    };

    // Packets past the window's end are not needed.
    let end_ts = window.1 + 1.0;
    let mut vframe = ff::frame::Video::empty();
    let mut aframe = ff::frame::Audio::empty();
    for (stream, packet) in ictx.packets() {
        if cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let idx = stream.index();
        let ts_s = packet.pts().map(|t| t as f64 * f64::from(stream.time_base()));
        if ts_s.is_some_and(|t| t > end_ts) {
            continue;
        }
        if idx == vidx {
            if vdec.send_packet(&packet).is_err() {
                continue;
            }
            while vdec.receive_frame(&mut vframe).is_ok() {
                let g = match vgraph.as_mut() {
                    Some(g) => g,
                    None => vgraph.insert(video_graph(&vframe, vtb, &vspec)?),
                };
                let ts = vframe.timestamp();
                vframe.set_pts(ts);
                if let Some(mut src) = g.get("in") {
                    src.source().add(&vframe).map_err(|e| failed("video filters", e))?;
                }
                drain_video(g, &mut mux)?;
                report(mux.video_frames);
            }
            if generated_audio {
                if let Some(g) = agraph.as_mut() {
                    let until = (mux.video_frames as i64 * 48_000) / i64::from(p.fps);
                    drain_audio(g, &mut mux, Some(until))?;
                }
            }
        } else if let Some((ai, atb, dec)) = adec.as_mut().filter(|(ai, _, _)| *ai == idx) {
            let _ = ai;
            if dec.send_packet(&packet).is_err() {
                continue;
            }
            while dec.receive_frame(&mut aframe).is_ok() {
                let g = match agraph.as_mut() {
                    Some(g) => g,
                    None => agraph.insert(audio_graph(&aframe, *atb, &aspec, Some(AAC_FRAME))?),
                };
                let ts = aframe.timestamp();
                aframe.set_pts(ts);
                if let Some(mut src) = g.get("in") {
                    src.source().add(&aframe).map_err(|e| failed("audio filters", e))?;
                }
                drain_audio(g, &mut mux, None)?;
            }
        }
    }

    // End of input: flush decoders → graphs → encoders.
    let _ = vdec.send_eof();
    if let Some(g) = vgraph.as_mut() {
        while vdec.receive_frame(&mut vframe).is_ok() {
            let ts = vframe.timestamp();
            vframe.set_pts(ts);
            if let Some(mut src) = g.get("in") {
                let _ = src.source().add(&vframe);
            }
            drain_video(g, &mut mux)?;
        }
        if let Some(mut src) = g.get("in") {
            let _ = src.source().flush();
        }
        drain_video(g, &mut mux)?;
    } else {
        return Err(MediaError::corrupt("a video", "no frame could be decoded"));
    }
    if let Some((_, _, dec)) = adec.as_mut() {
        let _ = dec.send_eof();
        if let Some(g) = agraph.as_mut() {
            while dec.receive_frame(&mut aframe).is_ok() {
                let ts = aframe.timestamp();
                aframe.set_pts(ts);
                if let Some(mut src) = g.get("in") {
                    let _ = src.source().add(&aframe);
                }
                drain_audio(g, &mut mux, None)?;
            }
        }
    }
    match agraph.as_mut() {
        Some(g) => {
            if !generated_audio {
                if let Some(mut src) = g.get("in") {
                    let _ = src.source().flush();
                }
            }
            drain_audio(g, &mut mux, None)?;
        }
        // The source's audio stream produced no frame at all: fill with silence.
        None => drain_audio(&mut sourceless_graph(&graph::silence(duration), Some(AAC_FRAME))?, &mut mux, None)?,
    }
    mux.video_frame(None)?;
    mux.audio_frame(None)?;
    mux.octx.write_trailer().map_err(|e| failed("finishing the file", e))?;
    drop(mux.octx);
    report(expected_frames);

    if cancel.is_cancelled() {
        return Err(MediaError::Cancelled);
    }
    partial.persist(&spec.output).map_err(|e| MediaError::Write { path: spec.output.clone(), source: e.error })?;
    Ok(RenderOutcome {
        output: spec.output.clone(),
        width: p.width,
        height: p.height,
        fps: p.fps,
        duration_s: mux.video_frames as f64 / f64::from(p.fps),
        encoder: encoder_name,
        encoder_fallback: None,
        preset: p.name.clone(),
        source_loudness_lufs: plan.measured_lufs,
        gain_db: plan.gain_db,
        video_frames: mux.video_frames,
        video_graph: vspec,
        audio_graph: if generated_audio { sourceless_spec } else { aspec },
        measure_graph: d.measure_graph.clone(),
        loudness_passes: plan.passes,
    })
}

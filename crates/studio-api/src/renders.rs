//! Rendering platform-ready cuts of an asset or any video file.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use studio_core::clock::rfc3339;
use studio_core::progress::{CancelToken, Progress, ProgressSink};
use studio_core::renders as store;
use studio_media::render::{self, EncoderChoice, Reframe};

use crate::{ApiError, ApiResult, Context, ErrorCode};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RenderRequest {
    /// An asset id, or a path to a video file.
    pub input: String,
    pub preset: String,
    /// Default: the renders folder, named after the input and preset.
    pub output: Option<String>,
    /// "START-END" in seconds, e.g. "12.5-40".
    pub trim: Option<String>,
    /// "blur", "center" or "smart" (default: the preset's). A string, not a `Reframe`: an
    /// unknown value answers `invalid_input` with the choices, as the CLI and the app show it.
    pub reframe: Option<String>,
    /// "auto", "cpu" or an encoder name (open: whatever libav on this machine has).
    pub encoder: Option<String>,
    /// An x264 preset name; checked by the render, which names the choices when it is unknown.
    pub x264_preset: Option<String>,
    pub crf: Option<u8>,
    /// An .srt (styled, word-by-word highlight) or .ass file.
    pub captions: Option<String>,
    /// Big text at the top for the first seconds.
    pub hook_text: Option<String>,
    /// How long the hook shows (default 3 s).
    pub hook_seconds: Option<f64>,
    /// Background music mixed under the source audio, ducked while it speaks.
    pub music: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenderResult {
    /// Set when the input was an asset (the render is in its history).
    pub render_id: Option<String>,
    pub output: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub duration_s: f64,
    pub encoder: String,
    /// Set when `auto` fell back to libx264 after a hardware encoder failed mid-render.
    pub encoder_fallback: Option<String>,
    pub preset: String,
    pub source_loudness_lufs: Option<f64>,
    pub gain_db: f64,
    /// The libavfilter graphs that ran, exactly.
    pub video_graph: String,
    pub audio_graph: String,
    pub measure_graph: Option<String>,
    pub loudness_passes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PresetInfo {
    pub name: String,
    pub label: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

fn user_presets(ctx: &Context) -> PathBuf {
    ctx.paths().config.join("presets")
}

pub fn presets(ctx: &Context) -> ApiResult<Vec<PresetInfo>> {
    let all = render::preset::all(Some(&user_presets(ctx)))?;
    Ok(all
        .into_iter()
        .map(|p| PresetInfo { name: p.name, label: p.label, width: p.width, height: p.height, fps: p.fps })
        .collect())
}

pub fn encoders() -> Vec<String> {
    render::available_h264()
}

fn parse_trim(t: &str) -> ApiResult<(f64, f64)> {
    let bad =
        || ApiError::new(ErrorCode::InvalidInput, format!("trim \"{t}\" must be START-END in seconds, e.g. 12.5-40"));
    let (a, b) = t.split_once('-').ok_or_else(bad)?;
    let (a, b) = (a.trim().parse::<f64>().map_err(|_| bad())?, b.trim().parse::<f64>().map_err(|_| bad())?);
    Ok((a, b))
}

/// A name in the renders folder that does not overwrite an earlier render.
fn default_output(ctx: &Context, name: &Path, preset: &str) -> PathBuf {
    let stem: String = name
        .file_stem()
        .map(|s| {
            s.to_string_lossy()
                .chars()
                .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
                .collect()
        })
        .unwrap_or_else(|| "render".into());
    let dir = ctx.paths().renders();
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}-{preset}.mp4") } else { format!("{stem}-{preset}-{n}.mp4") };
        let p = dir.join(name);
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

pub fn render(
    ctx: &Context,
    req: &RenderRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<RenderResult> {
    let preset = render::preset::find(&req.preset, Some(&user_presets(ctx)))?;
    // Outputs are named after what the creator called the file, not the library's hash name.
    let (input, asset_id, name) = match crate::assets::get(ctx, &req.input) {
        Ok(a) => (PathBuf::from(&a.path), Some(a.id), PathBuf::from(a.original_name)),
        Err(e) if e.code == ErrorCode::NotFound && Path::new(&req.input).exists() => {
            (PathBuf::from(&req.input), None, PathBuf::from(&req.input))
        }
        Err(e) if e.code == ErrorCode::NotFound => {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("\"{}\" is neither an asset id nor an existing file.", req.input),
            ))
        }
        Err(e) => return Err(e),
    };
    let reframe = match req.reframe.as_deref() {
        None => None,
        Some("blur") => Some(Reframe::Blur),
        Some("center") => Some(Reframe::Center),
        Some("smart") => Some(Reframe::Smart),
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("reframe \"{other}\": use blur, center or smart."),
            ))
        }
    };
    let encoder = match req.encoder.as_deref() {
        None | Some("auto") => EncoderChoice::Auto,
        Some("cpu") => EncoderChoice::Cpu,
        Some(n) => EncoderChoice::Named(n.to_string()),
    };
    let trim = req.trim.as_deref().map(parse_trim).transpose()?;
    let output = req.output.as_ref().map_or_else(|| default_output(ctx, &name, &preset.name), PathBuf::from);
    let spec = render::RenderSpec {
        input,
        output,
        preset,
        reframe,
        trim,
        crf: req.crf,
        x264_preset: req.x264_preset.clone(),
        encoder,
        captions: req.captions.as_ref().map(PathBuf::from),
        hook: req.hook_text.clone(),
        hook_seconds: req.hook_seconds.unwrap_or(3.0),
        music: req.music.as_ref().map(PathBuf::from),
    };
    let render_id = match &asset_id {
        Some(a) => {
            let settings = serde_json::to_string(req).unwrap_or_default();
            Some(store::start(&mut ctx.db(), a, &spec.preset.name, &settings)?)
        }
        None => None,
    };
    // The helper's parent learns the id first, so it can close the record if this process dies.
    if let Some(id) = &render_id {
        progress.report(Progress { item: id.clone(), stage: "started", done: 0, total: 1, fraction: Some(0.0) });
    }
    let result = render::render(&spec, progress, cancel);
    if let Some(id) = &render_id {
        let recorded = match &result {
            Ok(o) => store::finish(
                &mut ctx.db(),
                id,
                Ok(store::Finished {
                    output_path: &o.output.display().to_string(),
                    width: i64::from(o.width),
                    height: i64::from(o.height),
                    duration_ms: (o.duration_s * 1000.0).round() as i64,
                    encoder: &o.encoder,
                }),
            ),
            Err(e) => store::finish(&mut ctx.db(), id, Err((e.code(), &e.to_string()))),
        };
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "render history not updated");
        }
    }
    let o = result?;
    tracing::info!(output = %o.output.display(), encoder = %o.encoder, "render finished");
    Ok(RenderResult {
        render_id,
        output: o.output.display().to_string(),
        width: o.width,
        height: o.height,
        fps: o.fps,
        duration_s: o.duration_s,
        encoder: o.encoder,
        encoder_fallback: o.encoder_fallback,
        preset: o.preset,
        source_loudness_lufs: o.source_loudness_lufs,
        gain_db: o.gain_db,
        video_graph: o.video_graph,
        audio_graph: o.audio_graph,
        measure_graph: o.measure_graph,
        loudness_passes: o.loudness_passes,
    })
}

/// Writes the styled, word-highlighted ASS a render would burn for an .srt file.
pub fn captions_to_ass(ctx: &Context, srt: &str, preset: &str, hook: Option<&str>, out: &str) -> ApiResult<String> {
    let preset = render::preset::find(preset, Some(&user_presets(ctx)))?;
    let ass = render::captions_to_ass(Path::new(srt), hook, 3.0, &preset)?;
    std::fs::write(out, ass).map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot write {out}: {e}")))?;
    Ok(out.to_string())
}

/// Where a render in the history stands (`renders.state`, CHECKed by the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RenderState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl RenderState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The stored state; the schema allows no other, so anything else reads as failed.
    fn of_stored(s: &str) -> Self {
        [Self::Queued, Self::Running, Self::Done, Self::Failed, Self::Cancelled]
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or(Self::Failed)
    }
}

/// Compares with the stored name.
impl PartialEq<&str> for RenderState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for RenderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One render in an asset's history, as the Renders list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenderRecord {
    pub id: String,
    pub asset_id: String,
    pub preset: String,
    pub state: RenderState,
    pub output: Option<String>,
    /// False when the file was moved or deleted outside the app.
    pub output_exists: bool,
    pub size_bytes: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    pub encoder: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// The request that made it (to render again with the same settings).
    pub request: Option<RenderRequest>,
    pub created_at: String,
}

fn to_record(r: store::Render) -> RenderRecord {
    let meta = r.output_path.as_deref().and_then(|p| std::fs::metadata(p).ok()).filter(std::fs::Metadata::is_file);
    RenderRecord {
        output_exists: meta.is_some(),
        size_bytes: meta.map(|m| m.len() as f64),
        id: r.id,
        asset_id: r.asset_id,
        preset: r.preset,
        state: RenderState::of_stored(&r.state),
        output: r.output_path,
        width: r.width.and_then(|w| u32::try_from(w).ok()),
        height: r.height.and_then(|h| u32::try_from(h).ok()),
        duration_s: r.duration_ms.map(|ms| ms as f64 / 1000.0),
        encoder: r.encoder,
        error_code: r.error_code,
        error_message: r.error_message,
        request: serde_json::from_str(&r.settings_json).ok(),
        created_at: rfc3339(r.created_at),
    }
}

/// Newest first; one asset's when `asset_id` is given.
pub fn list(ctx: &Context, asset_id: Option<&str>) -> ApiResult<Vec<RenderRecord>> {
    let asset = asset_id.map(|a| crate::assets::get(ctx, a)).transpose()?;
    Ok(store::list(&ctx.db(), asset.as_ref().map(|a| a.id.as_str()))?.into_iter().map(to_record).collect())
}

pub fn get(ctx: &Context, id: &str) -> ApiResult<RenderRecord> {
    Ok(to_record(store::get(&ctx.db(), id)?))
}

/// Removes the render's file from disk, then the render from the history. A file already gone
/// is fine; a file that cannot be removed leaves the history as it was.
pub fn delete(ctx: &Context, id: &str) -> ApiResult<RenderRecord> {
    let r = store::get(&ctx.db(), id)?;
    if matches!(r.state.as_str(), "running" | "queued") {
        return Err(ApiError::new(ErrorCode::Conflict, "This render is still running; cancel it first."));
    }
    if let Some(path) = &r.output_path {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ApiError::new(ErrorCode::Io, format!("cannot delete {path}: {e}"))),
        }
    }
    Ok(to_record(store::delete(&mut ctx.db(), &r.id, ctx.actor())?))
}

/// Closes the record of a render whose process died before it could (see `render_helper`).
pub fn abandon(ctx: &Context, id: &str, code: ErrorCode, why: &str) -> ApiResult<()> {
    Ok(store::abandon(&mut ctx.db(), id, code.as_str(), why)?)
}

//! The viral-potential score of an asset, a render or any video file, for one platform, with the
//! caption, title and planned time. Media features are measured once per content hash and cached.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, ProgressSink};
use studio_media::MediaError;
use studio_score::{MediaFeatures, Platform, ScoreInput, ScoreReport, FEATURES_VERSION};

use crate::{ApiError, ApiResult, Context, ErrorCode};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreRequest {
    /// Asset ids, render ids or file paths.
    pub inputs: Vec<String>,
    /// Default: tiktok.
    pub platform: Option<String>,
    pub caption: Option<String>,
    pub title: Option<String>,
    /// RFC 3339 (with an offset), or with a zone: "2026-11-24T18:00:00+01:00[Europe/Berlin]".
    pub at: Option<String>,
    /// Measure again even when features are cached.
    pub no_cache: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    pub input: String,
    /// The file that was measured.
    pub path: String,
    /// Features came from the cache (same bytes measured before).
    pub cached: bool,
    pub features: MediaFeatures,
    #[serde(flatten)]
    pub report: ScoreReport,
}

fn media_error(e: MediaError) -> ApiError {
    let code = match &e {
        MediaError::Cancelled => ErrorCode::Cancelled,
        MediaError::Unreadable(_) | MediaError::Write { .. } => ErrorCode::Io,
        MediaError::InvalidSettings(_) => ErrorCode::InvalidInput,
        _ => ErrorCode::InvalidMedia,
    };
    ApiError::new(code, e.to_string())
}

/// The file behind an input, and whether captions are known to be burned into it.
fn resolve(ctx: &Context, input: &str) -> ApiResult<(PathBuf, Option<bool>)> {
    match crate::assets::get(ctx, input) {
        Ok(a) => return Ok((PathBuf::from(a.path), None)),
        Err(e) if e.code != ErrorCode::NotFound => return Err(e),
        Err(_) => {}
    }
    match crate::renders::get(ctx, input) {
        Ok(r) => {
            let path = r.output.filter(|_| r.output_exists).ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound, format!("render {input} has no file (moved, deleted or unfinished)"))
            })?;
            let captions = r.request.map(|q| q.captions.is_some());
            return Ok((PathBuf::from(path), captions));
        }
        Err(e) if e.code != ErrorCode::NotFound => return Err(e),
        Err(_) => {}
    }
    if Path::new(input).is_file() {
        return Ok((PathBuf::from(input), None));
    }
    Err(ApiError::new(ErrorCode::NotFound, format!("\"{input}\" is not an asset, a render or a file.")))
}

fn planned(ctx: &Context, at: &str) -> ApiResult<jiff::Zoned> {
    if let Ok(z) = at.parse::<jiff::Zoned>() {
        return Ok(z);
    }
    let ts: jiff::Timestamp = at.parse().map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("--at \"{at}\" is not an RFC 3339 time (e.g. 2026-11-24T18:00:00+01:00): {e}"),
        )
    })?;
    let tz = crate::app::info(ctx)?.default_timezone;
    let zone = jiff::tz::TimeZone::get(&tz).unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(ts.to_zoned(zone))
}

/// Measures (or reads from the cache) the features of one file.
pub fn features(
    ctx: &Context,
    path: &Path,
    no_cache: bool,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<(MediaFeatures, bool)> {
    let (hash, _) = studio_media::hash::hash_file(path, cancel).map_err(media_error)?;
    let cache = ctx.paths().cache.join("features").join(format!("{hash}-v{FEATURES_VERSION}.json"));
    if !no_cache {
        if let Some(f) = std::fs::read(&cache).ok().and_then(|b| serde_json::from_slice::<MediaFeatures>(&b).ok()) {
            return Ok((f, true));
        }
    }
    let f = studio_media::features::extract(path, progress, cancel).map_err(media_error)?;
    // A cache that cannot be written only costs time next run.
    let written = cache
        .parent()
        .map(std::fs::create_dir_all)
        .transpose()
        .and_then(|_| serde_json::to_vec(&f).map_err(std::io::Error::other))
        .and_then(|bytes| {
            let tmp = cache.with_extension("tmp");
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &cache)
        });
    if let Err(e) = written {
        tracing::warn!(error = %e, "feature cache not written");
    }
    Ok((f, false))
}

/// Scores every input; the first input that cannot be read fails the call.
pub fn score(
    ctx: &Context,
    req: &ScoreRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<Vec<Scored>> {
    let platform: Platform = req
        .platform
        .as_deref()
        .unwrap_or("tiktok")
        .parse()
        .map_err(|e: studio_score::ScoreError| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
    let planned_at = req.at.as_deref().map(|a| planned(ctx, a)).transpose()?;
    if req.inputs.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "nothing to score: give an asset, a render or a file"));
    }
    let scorer =
        studio_score::Scorer::prior(platform).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut out = Vec::with_capacity(req.inputs.len());
    for input in &req.inputs {
        let (path, captions) = resolve(ctx, input)?;
        let (mut features, cached) = features(ctx, &path, req.no_cache, progress, cancel)?;
        if features.format.has_captions.is_none() {
            features.format.has_captions = captions;
        }
        let report = scorer.score(&ScoreInput {
            media: Some(features.clone()),
            caption: req.caption.clone(),
            title: req.title.clone(),
            planned_at: planned_at.clone(),
        });
        out.push(Scored { input: input.clone(), path: path.display().to_string(), cached, features, report });
    }
    Ok(out)
}

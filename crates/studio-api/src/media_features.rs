//! What a video measures as: the file behind an asset, a render or a path, and its media
//! features, measured once per content hash and cached on disk.
//!
//! Both the scorer (`score`) and the learning from published posts (`learning`) measure media;
//! this module sits below both so neither has to reach into the other for it.
use std::path::{Path, PathBuf};

use studio_core::progress::{CancelToken, ProgressSink};
use studio_score::{MediaFeatures, FEATURES_VERSION};

use crate::{ApiError, ApiResult, Context, ErrorCode};

/// The file behind an input (an asset, a render or a path).
pub(crate) struct Source {
    pub path: PathBuf,
    /// Whether captions are known to be burned in (a render's request says).
    pub captions: Option<bool>,
    /// A library asset's content hash, so its features need no hashing.
    pub content_hash: Option<String>,
}

pub(crate) fn resolve(ctx: &Context, input: &str) -> ApiResult<Source> {
    let file = |path: PathBuf, captions: Option<bool>| Source { path, captions, content_hash: None };
    match crate::assets::get(ctx, input) {
        Ok(a) => return Ok(Source { path: PathBuf::from(a.path), captions: None, content_hash: Some(a.content_hash) }),
        Err(e) if e.code != ErrorCode::NotFound => return Err(e),
        Err(_) => {}
    }
    match crate::renders::get(ctx, input) {
        Ok(r) => {
            let path = r.output.filter(|_| r.output_exists).ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound, format!("render {input} has no file (moved, deleted or unfinished)"))
            })?;
            let captions = r.request.map(|q| q.captions.is_some());
            return Ok(file(PathBuf::from(path), captions));
        }
        Err(e) if e.code != ErrorCode::NotFound => return Err(e),
        Err(_) => {}
    }
    if Path::new(input).is_file() {
        return Ok(file(PathBuf::from(input), None));
    }
    Err(ApiError::new(ErrorCode::NotFound, format!("\"{input}\" is not an asset, a render or a file.")))
}

/// Measures (or reads from the cache) the features of one file. `known_hash` skips hashing
/// when the content hash is already known (library assets), so re-scoring as a caption is typed
/// costs a file read, not a pass over the video.
pub fn features(
    ctx: &Context,
    path: &Path,
    known_hash: Option<&str>,
    no_cache: bool,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<(MediaFeatures, bool)> {
    let hash = match known_hash {
        Some(h) => h.to_string(),
        None => studio_media::hash::hash_file(path, cancel)?.0,
    };
    let cache = ctx.paths().cache.join("features").join(format!("{hash}-v{FEATURES_VERSION}.json"));
    if !no_cache {
        if let Some(f) = std::fs::read(&cache).ok().and_then(|b| serde_json::from_slice::<MediaFeatures>(&b).ok()) {
            return Ok((f, true));
        }
    }
    let f = studio_media::features::extract(path, progress, cancel)?;
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

/// The features of an asset, render or file, with what its render request says about burned-in
/// captions filled in. Library assets skip hashing (their content hash is known).
pub(crate) fn measure(
    ctx: &Context,
    input: &str,
    no_cache: bool,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<(PathBuf, MediaFeatures, bool)> {
    let source = resolve(ctx, input)?;
    let (mut f, cached) = features(ctx, &source.path, source.content_hash.as_deref(), no_cache, progress, cancel)?;
    if f.format.has_captions.is_none() {
        f.format.has_captions = source.captions;
    }
    Ok((source.path, f, cached))
}

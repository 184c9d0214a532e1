//! The viral-potential score of an asset, a render or any video file, for one platform, with the
//! caption, title and planned time. Media features are measured once per content hash and cached.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, ProgressSink};
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
    /// 1 = the best of the inputs scored together.
    pub rank: usize,
    /// With several inputs: the factor that most separates this one from its neighbour in the
    /// ranking (the one above it; the runner-up for the first).
    pub differs_most: Option<studio_score::Difference>,
    #[serde(flatten)]
    pub report: ScoreReport,
}

/// The file behind an input, and whether captions are known to be burned into it.
pub(crate) fn resolve(ctx: &Context, input: &str) -> ApiResult<(PathBuf, Option<bool>)> {
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

fn planned(at: &str) -> ApiResult<jiff::Zoned> {
    if let Ok(z) = at.parse::<jiff::Zoned>() {
        return Ok(z);
    }
    let ts: jiff::Timestamp = at.parse().map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("--at \"{at}\" is not an RFC 3339 time (e.g. 2026-11-24T18:00:00+01:00): {e}"),
        )
    })?;
    let zone = jiff::tz::TimeZone::get(&studio_core::civil::system_timezone()).unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(ts.to_zoned(zone))
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
    let planned_at = req.at.as_deref().map(planned).transpose()?;
    if req.inputs.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "nothing to score: give an asset, a render or a file"));
    }
    let scorer =
        studio_score::Scorer::prior(platform).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut measured = Vec::with_capacity(req.inputs.len());
    for input in &req.inputs {
        let (path, captions) = resolve(ctx, input)?;
        let (mut features, cached) = features(ctx, &path, None, req.no_cache, progress, cancel)?;
        if features.format.has_captions.is_none() {
            features.format.has_captions = captions;
        }
        measured.push((input.clone(), path, cached, features));
    }
    // Variants are told apart by position: the same input may be given twice.
    let variants: Vec<studio_score::Variant> = measured
        .iter()
        .enumerate()
        .map(|(i, (_, _, _, f))| studio_score::Variant {
            label: i.to_string(),
            input: ScoreInput {
                media: Some(f.clone()),
                caption: req.caption.clone(),
                title: req.title.clone(),
                planned_at: planned_at.clone(),
            },
        })
        .collect();
    let mut ranked: Vec<Option<studio_score::RankedVariant>> = vec![None; measured.len()];
    for r in studio_score::rank(&scorer, &variants) {
        if let Ok(i) = r.label.parse::<usize>() {
            if let Some(slot) = ranked.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    measured
        .into_iter()
        .zip(ranked)
        .map(|((input, path, cached, features), r)| {
            let r = r.ok_or_else(|| ApiError::new(ErrorCode::Internal, "a variant went missing while ranking"))?;
            let differs_most = r.differs_most.map(|mut d| {
                // Name the other input, not its position.
                if let Some(other) = d.against.parse::<usize>().ok().and_then(|j| req.inputs.get(j)) {
                    d.against = other.clone();
                }
                d
            });
            Ok(Scored {
                input,
                path: path.display().to_string(),
                cached,
                features,
                rank: r.rank,
                differs_most,
                report: r.report,
            })
        })
        .collect()
}

/// A platform the score knows, for pickers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScorePlatform {
    pub id: String,
    pub label: String,
}

pub fn platforms() -> ApiResult<Vec<ScorePlatform>> {
    Platform::ALL
        .iter()
        .map(|p| {
            let profile = studio_score::PlatformProfile::builtin(*p)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(ScorePlatform { id: p.as_str().to_string(), label: profile.label.clone() })
        })
        .collect()
}

/// One factor as the score panel draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FactorView {
    pub id: String,
    pub label: String,
    /// hook, pacing, picture, sound, format, text or schedule.
    pub group: String,
    pub value: Option<f64>,
    pub unit: String,
    /// 0 to 1 against the platform's target; None when unknown.
    pub subscore: Option<f64>,
    pub weight: f64,
    /// Points this factor added to the score.
    pub contribution: f64,
    /// Points it would add on target.
    pub potential: f64,
    pub advice: Option<String>,
    /// The platform would reject or cut the post for this.
    pub blocking: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScoreView {
    pub score: Option<f64>,
    pub platform: String,
    /// Share of the total weight that was known, 0 to 1.
    pub coverage: f64,
    pub factors: Vec<FactorView>,
    /// "prior" or "learned".
    pub model: String,
    pub model_version: String,
    pub heldout_spearman: Option<f64>,
    pub blockers: Vec<String>,
    pub warnings: Vec<String>,
    /// The video's features came from the cache.
    pub cached: bool,
}

fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_string)).unwrap_or_default()
}

fn view(r: ScoreReport, cached: bool) -> ScoreView {
    ScoreView {
        score: r.score,
        platform: r.platform.as_str().to_string(),
        coverage: r.coverage,
        factors: r
            .factors
            .into_iter()
            .map(|f| FactorView {
                id: f.id.as_str().to_string(),
                label: f.label,
                group: snake(&f.group),
                value: f.value,
                unit: f.unit,
                subscore: f.subscore,
                weight: f.weight,
                contribution: f.contribution,
                potential: f.potential,
                advice: f.advice,
                blocking: f.blocking,
            })
            .collect(),
        model: snake(&r.model.kind),
        model_version: r.model.version,
        heldout_spearman: r.model.heldout_spearman,
        blockers: r.blockers,
        warnings: r.warnings,
        cached,
    }
}

/// What the app's score panel asks: one library asset, for a platform, with the caption as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct AssetScoreRequest {
    pub asset_id: String,
    pub platform: String,
    pub caption: Option<String>,
    pub title: Option<String>,
    /// RFC 3339 planned time, or None.
    pub at: Option<String>,
}

pub fn score_asset(
    ctx: &Context,
    req: &AssetScoreRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<ScoreView> {
    let platform: Platform = req
        .platform
        .parse()
        .map_err(|e: studio_score::ScoreError| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
    let asset = crate::assets::get(ctx, &req.asset_id)?;
    let planned_at = req.at.as_deref().filter(|a| !a.trim().is_empty()).map(planned).transpose()?;
    let (features, cached) = if asset.kind == crate::assets::AssetKind::Image {
        (None, false)
    } else {
        let (f, c) = features(ctx, Path::new(&asset.path), Some(&asset.content_hash), false, progress, cancel)?;
        (Some(f), c)
    };
    let scorer =
        studio_score::Scorer::prior(platform).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let report = scorer.score(&ScoreInput {
        media: features,
        caption: req.caption.clone(),
        title: req.title.clone(),
        planned_at,
    });
    Ok(view(report, cached))
}

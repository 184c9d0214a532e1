//! The viral-potential score of an asset, a render or any video file, for one platform, with the
//! caption, title and planned time. Media features come from `media_features` (measured once per
//! content hash).
use std::path::Path;

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, Progress, ProgressSink};
use studio_score::{FactorGroup, FactorId, MediaFeatures, ModelKind, Platform, ScoreInput, ScoreReport};

use crate::{ApiError, ApiResult, Context, ErrorCode};

pub use crate::media_features::features;
pub(crate) use crate::media_features::{measure, resolve};

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
    /// Score with this account's learned model and best times (its platform unless `platform`
    /// is given).
    pub account: Option<String>,
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

/// The IANA zone of a planned time, for best times.
fn zone_of(planned_at: Option<&jiff::Zoned>) -> Option<String> {
    planned_at.map(|z| z.time_zone().iana_name().unwrap_or("UTC").to_string())
}

/// Scores every input; the first input that cannot be read fails the call.
pub fn score(
    ctx: &Context,
    req: &ScoreRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<Vec<Scored>> {
    let planned_at = req.at.as_deref().map(planned).transpose()?;
    if req.inputs.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "nothing to score: give an asset, a render or a file"));
    }
    let zone = zone_of(planned_at.as_ref());
    let scorer = scorer_for(ctx, req.platform.as_deref(), req.account.as_deref(), zone.as_deref())?;
    let mut measured = Vec::with_capacity(req.inputs.len());
    for input in &req.inputs {
        let (path, features, cached) = measure(ctx, input, req.no_cache, progress, cancel)?;
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
    pub id: Platform,
    pub label: String,
}

pub fn platforms() -> ApiResult<Vec<ScorePlatform>> {
    Platform::ALL
        .iter()
        .map(|p| {
            let profile = studio_score::PlatformProfile::builtin(*p)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(ScorePlatform { id: *p, label: profile.label.clone() })
        })
        .collect()
}

/// One factor as the score panel draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FactorView {
    pub id: FactorId,
    pub label: String,
    pub group: FactorGroup,
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
    pub platform: Platform,
    /// Share of the total weight that was known, 0 to 1.
    pub coverage: f64,
    pub factors: Vec<FactorView>,
    pub model: ModelKind,
    pub model_version: String,
    pub heldout_spearman: Option<f64>,
    pub blockers: Vec<String>,
    pub warnings: Vec<String>,
    /// The video's features came from the cache.
    pub cached: bool,
}

fn view(r: ScoreReport, cached: bool) -> ScoreView {
    ScoreView {
        score: r.score,
        platform: r.platform,
        coverage: r.coverage,
        factors: r
            .factors
            .into_iter()
            .map(|f| FactorView {
                id: f.id,
                label: f.label,
                group: f.group,
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
        model: r.model.kind,
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
    /// Score for this account: its learned model (when it beats the prior) and best times.
    pub account_id: Option<String>,
}

pub fn score_asset(
    ctx: &Context,
    req: &AssetScoreRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<ScoreView> {
    let asset = crate::assets::get(ctx, &req.asset_id)?;
    let planned_at = req.at.as_deref().filter(|a| !a.trim().is_empty()).map(planned).transpose()?;
    let zone = zone_of(planned_at.as_ref());
    let platform = Some(req.platform.as_str()).filter(|p| !p.is_empty());
    let scorer = scorer_for(ctx, platform, req.account_id.as_deref(), zone.as_deref())?;
    let (features, cached) = if asset.kind == crate::assets::AssetKind::Image {
        (None, false)
    } else {
        let (f, c) = features(ctx, Path::new(&asset.path), Some(&asset.content_hash), false, progress, cancel)?;
        (Some(f), c)
    };
    let report = scorer.score(&ScoreInput {
        media: features,
        caption: req.caption.clone(),
        title: req.title.clone(),
        planned_at,
    });
    Ok(view(report, cached))
}

/// The prior for `platform` (default TikTok), or with an account its own scorer: learned weights
/// when they beat the prior on held-out posts, and its best times.
fn scorer_for(
    ctx: &Context,
    platform: Option<&str>,
    account: Option<&str>,
    zone: Option<&str>,
) -> ApiResult<studio_score::Scorer> {
    let asked: Option<Platform> = platform
        .map(|p| p.parse().map_err(|e: studio_score::ScoreError| ApiError::new(ErrorCode::InvalidInput, e.to_string())))
        .transpose()?;
    match account.filter(|a| !a.trim().is_empty()) {
        Some(account) => {
            let (scorer, own) = crate::learning::scorer_for(ctx, account, zone)?;
            match asked {
                Some(p) if p != own => {
                    studio_score::Scorer::prior(p).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
                }
                _ => Ok(scorer),
            }
        }
        None => studio_score::Scorer::prior(asked.unwrap_or(Platform::Tiktok))
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// Several versions of one idea scored side by side: every input (asset or render id) with
/// every caption (none given: the input alone).
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct VariantsRequest {
    pub inputs: Vec<String>,
    pub captions: Vec<String>,
    pub platform: String,
    pub title: Option<String>,
    pub at: Option<String>,
    pub account_id: Option<String>,
}

/// The most variants compared at once (each video is measured once, then cached).
pub const MAX_VARIANTS: usize = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct VariantView {
    /// 1 = best.
    pub rank: u32,
    pub input: String,
    pub caption: Option<String>,
    /// The variant compared against for `differs_most` (index into the request's variants as
    /// "input" and "caption").
    pub against_input: Option<String>,
    pub against_caption: Option<String>,
    /// The factor separating it most from its neighbour in the ranking, with the points it moves.
    pub differs_factor: Option<String>,
    pub differs_label: Option<String>,
    pub differs_points: Option<f64>,
    pub differs_advice: Option<String>,
    pub score: ScoreView,
}

pub fn score_variants(
    ctx: &Context,
    req: &VariantsRequest,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<Vec<VariantView>> {
    if req.inputs.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "pick at least one video to compare"));
    }
    let captions: Vec<Option<String>> =
        if req.captions.is_empty() { vec![None] } else { req.captions.iter().cloned().map(Some).collect() };
    let n = req.inputs.len() * captions.len();
    if n > MAX_VARIANTS {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("{n} variants is too many to compare at once; pick up to {MAX_VARIANTS}"),
        ));
    }
    let planned_at = req.at.as_deref().filter(|a| !a.trim().is_empty()).map(planned).transpose()?;
    let zone = zone_of(planned_at.as_ref());
    let platform = Some(req.platform.as_str()).filter(|p| !p.is_empty());
    let scorer = scorer_for(ctx, platform, req.account_id.as_deref(), zone.as_deref())?;
    let mut media = Vec::with_capacity(req.inputs.len());
    let total = req.inputs.len() as u64;
    for (k, input) in (0u64..).zip(&req.inputs) {
        // One bar for the whole comparison: each video's own fraction becomes its share of it.
        let overall = |p: Progress| {
            let fraction = p.fraction.map(|f| (k as f64 + f) / total as f64);
            progress.report(Progress { done: k, total, fraction, ..p })
        };
        let (_, f, cached) = measure(ctx, input, false, &overall, cancel)?;
        media.push((f, cached));
    }
    progress.report(Progress { item: String::new(), stage: "analyzing", done: total, total, fraction: Some(1.0) });
    let mut slots = Vec::with_capacity(n);
    for (i, input) in req.inputs.iter().enumerate() {
        for caption in &captions {
            slots.push((input.clone(), caption.clone(), i));
        }
    }
    let variants: Vec<studio_score::Variant> = slots
        .iter()
        .enumerate()
        .map(|(k, (_, caption, i))| studio_score::Variant {
            label: k.to_string(),
            input: ScoreInput {
                media: Some(media[*i].0.clone()),
                caption: caption.clone(),
                title: req.title.clone(),
                planned_at: planned_at.clone(),
            },
        })
        .collect();
    let slot = |label: &str| label.parse::<usize>().ok().and_then(|k| slots.get(k));
    studio_score::rank(&scorer, &variants)
        .into_iter()
        .map(|r| {
            let (input, caption, i) =
                slot(&r.label).ok_or_else(|| ApiError::new(ErrorCode::Internal, "a variant went missing"))?;
            let against = r.differs_most.as_ref().and_then(|d| slot(&d.against));
            Ok(VariantView {
                rank: u32::try_from(r.rank).unwrap_or(u32::MAX),
                input: input.clone(),
                caption: caption.clone(),
                against_input: against.map(|a| a.0.clone()),
                against_caption: against.and_then(|a| a.1.clone()),
                differs_factor: r.differs_most.as_ref().map(|d| d.factor.as_str().to_string()),
                differs_label: r.differs_most.as_ref().map(|d| d.factor_label.clone()),
                differs_points: r.differs_most.as_ref().map(|d| d.points),
                differs_advice: r.differs_most.as_ref().and_then(|d| d.advice.clone()),
                score: view(r.report, media[*i].1),
            })
        })
        .collect()
}

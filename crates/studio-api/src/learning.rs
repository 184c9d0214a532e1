//! The score learning from the creator's own results: every published post keeps the score it
//! went out with (a `scores` row), its metric snapshots say how it did, and per account the
//! factor weights are refitted and judged on the newest posts they never saw
//! (`studio_score::learn`). The best times to post come from the same history.
//!
//! The latest snapshot of each post is used: engagement *rate* settles within hours, so posts of
//! different ages stay comparable, while raw counts would not.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, NoProgress};
use studio_core::scores::{self as store, PriorScore};
use studio_publish::PlatformId;
use studio_score::{
    BestTimeConfig, BestTimes, FactorId, LearnConfig, LearnReport, ModelKind, Platform, PlatformProfile, PostMetrics,
    PublishedPost, ScoreInput, Scorer, TimedOutcome,
};

use crate::posts::{effective_caption, effective_title, TargetOverrides};
use crate::{ApiError, ApiResult, Context, ErrorCode};

/// The score profile for a publishing platform. YouTube posts are scored as Shorts (the studio's
/// cuts are short vertical videos). Mastodon has no profile of its own: it is scored as Bluesky,
/// the closest text-first network with published evidence.
pub fn score_platform(p: PlatformId) -> Platform {
    match p {
        PlatformId::Tiktok => Platform::Tiktok,
        PlatformId::Instagram => Platform::Instagram,
        PlatformId::Youtube => Platform::YoutubeShorts,
        PlatformId::X => Platform::X,
        PlatformId::Linkedin => Platform::Linkedin,
        PlatformId::Facebook => Platform::Facebook,
        PlatformId::Bluesky | PlatformId::Mastodon => Platform::Bluesky,
        PlatformId::Threads => Platform::Threads,
        PlatformId::Pinterest => Platform::Pinterest,
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

fn account_platform(ctx: &Context, account_id: &str) -> ApiResult<(PlatformId, Platform)> {
    let account = studio_core::accounts::get_any(&ctx.db(), account_id)?;
    let p = crate::accounts::parse_platform(&account.platform)?;
    Ok((p, score_platform(p)))
}

/// Writes the score each published post of `account_id` went out with, where it is missing.
/// The caption and media cannot change once publishing starts, so scoring later with the prior
/// gives the score it had. Returns how many were written; a post whose file is gone is scored
/// on its text and time alone.
pub fn record_scores(ctx: &Context, account_id: &str) -> ApiResult<usize> {
    let (_, platform) = account_platform(ctx, account_id)?;
    let missing = store::unscored(&ctx.db(), account_id)?;
    let scorer = Scorer::prior(platform).map_err(internal)?;
    let mut written = 0;
    for u in missing {
        let overrides: TargetOverrides = serde_json::from_str(&u.overrides_json).unwrap_or_default();
        let media = u.media.as_deref().and_then(|m| measured(ctx, m));
        let zone =
            u.timezone.as_deref().and_then(|z| jiff::tz::TimeZone::get(z).ok()).unwrap_or(jiff::tz::TimeZone::UTC);
        let at = jiff::Timestamp::from_millisecond(u.published_at).map_err(internal)?.to_zoned(zone);
        let report = scorer.score(&ScoreInput {
            media,
            caption: Some(effective_caption(&u.caption, &overrides)),
            title: effective_title(u.title.as_deref(), &overrides),
            planned_at: Some(at),
        });
        let factors = serde_json::to_string(&report.factors).map_err(internal)?;
        store::record_prior(
            &mut ctx.db(),
            &PriorScore {
                target_id: &u.target_id,
                platform: platform.as_str(),
                score: report.score.unwrap_or(0.0).clamp(0.0, 100.0),
                model_version: &report.model.version,
                factors_json: &factors,
            },
        )?;
        written += 1;
    }
    Ok(written)
}

/// The cached (or freshly measured) features of a library asset, render or file; `None` when
/// the file is gone or unreadable (the post is then scored on its text and time).
fn measured(ctx: &Context, media: &str) -> Option<studio_score::MediaFeatures> {
    crate::media_features::measure(ctx, media, false, &NoProgress, &CancelToken::new())
        .map_err(|e| tracing::info!(code = e.code.as_str(), error = %e.message, "scoring a published post without its video"))
        .ok()
        .map(|(_, f, _)| f)
}

/// A published post's latest counters.
struct Outcome {
    published_at: i64,
    factors_json: Option<String>,
    metrics: PostMetrics,
}

fn outcomes(ctx: &Context, account_id: &str) -> ApiResult<Vec<Outcome>> {
    let count = |v: Option<i64>| v.and_then(|x| u64::try_from(x).ok()).unwrap_or(0);
    Ok(store::outcomes(&ctx.db(), account_id)?
        .into_iter()
        .map(|o| Outcome {
            published_at: o.published_at,
            factors_json: o.factors_json,
            metrics: PostMetrics {
                views: count(o.views),
                likes: count(o.likes),
                comments: count(o.comments),
                shares: count(o.shares),
                saves: count(o.saves),
            },
        })
        .collect())
}

#[derive(Deserialize)]
struct StoredFactor {
    id: FactorId,
    subscore: Option<f64>,
}

fn history(outcomes: &[Outcome]) -> Vec<PublishedPost> {
    outcomes
        .iter()
        .filter_map(|o| {
            let factors: Vec<StoredFactor> = serde_json::from_str(o.factors_json.as_deref()?).ok()?;
            let subscores: BTreeMap<FactorId, f64> =
                factors.into_iter().filter_map(|f| f.subscore.map(|s| (f.id, s))).collect();
            Some(PublishedPost {
                published_at: jiff::Timestamp::from_millisecond(o.published_at).ok()?,
                subscores,
                metrics: o.metrics,
            })
        })
        .collect()
}

fn timed(outcomes: &[Outcome]) -> Vec<TimedOutcome> {
    outcomes
        .iter()
        .filter_map(|o| {
            Some(TimedOutcome {
                published_at: jiff::Timestamp::from_millisecond(o.published_at).ok()?,
                metrics: o.metrics,
            })
        })
        .collect()
}

/// A factor's weight under the prior and, when learned, for this creator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct WeightView {
    pub id: FactorId,
    pub prior: f64,
    pub learned: Option<f64>,
    /// Change in log engagement per unit sub-score, from the fit.
    pub coefficient: Option<f64>,
}

/// One of the best weekday-hour slots, and when it next comes round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BestSlotView {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub day: String,
    pub hour: u8,
    /// 0 to 1, 1 = the best slot of the week.
    pub heat: f64,
    /// The account's own posts in this exact slot.
    pub posts: u32,
    /// The next start of this slot in `time_zone`, RFC 3339.
    pub next_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BestTimesView {
    pub account_id: String,
    pub platform: Platform,
    pub time_zone: String,
    pub top: Vec<BestSlotView>,
    /// `[weekday Monday=0][hour]`, 0 to 1.
    pub heat: Vec<Vec<f64>>,
    /// Posts with views that went in.
    pub n_posts: u32,
    /// How much of the map is the account's own data rather than the platform prior, 0 to 1.
    pub data_share: f64,
}

/// What `studio score model --account ID` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ModelView {
    pub account_id: String,
    pub platform: Platform,
    /// The model that scores this account's posts now.
    pub kind: ModelKind,
    pub version: String,
    /// Held-out Spearman of the model in use (of the prior when it was kept).
    pub heldout_spearman: Option<f64>,
    pub prior_heldout_spearman: Option<f64>,
    pub learned_heldout_spearman: Option<f64>,
    /// Published posts with metrics and a recorded score.
    pub n_posts: u32,
    pub n_train: u32,
    pub n_holdout: u32,
    /// Posts needed before learning is tried.
    pub min_posts: u32,
    /// Why the prior was kept or replaced, in a sentence.
    pub decision: String,
    pub weights: Vec<WeightView>,
    pub best_times: BestTimesView,
}

struct Fitted {
    platform: Platform,
    profile: PlatformProfile,
    report: LearnReport,
    best: BestTimes,
    n_posts: usize,
}

fn fit(ctx: &Context, account_id: &str, time_zone: &str) -> ApiResult<Fitted> {
    let (_, platform) = account_platform(ctx, account_id)?;
    let profile = PlatformProfile::builtin(platform).map_err(internal)?.clone();
    let outcomes = outcomes(ctx, account_id)?;
    let hist = history(&outcomes);
    let report = studio_score::learn(&profile, &hist, &LearnConfig::default());
    let best = best_from(&profile, &outcomes, time_zone)?;
    Ok(Fitted { platform, profile, report, best, n_posts: hist.len() })
}

/// The creator's zone when none is given: the system's.
fn zone_or_system(time_zone: Option<&str>) -> String {
    time_zone.map(str::to_string).filter(|z| !z.trim().is_empty()).unwrap_or_else(studio_core::civil::system_timezone)
}

/// Refits the account's model (recording any missing scores first) and reports it with its
/// held-out evaluation and best times.
pub fn model(ctx: &Context, account_id: &str, time_zone: Option<&str>) -> ApiResult<ModelView> {
    record_scores(ctx, account_id)?;
    let zone = zone_or_system(time_zone);
    let f = fit(ctx, account_id, &zone)?;
    let learned = f.report.learned.as_ref();
    let mut ids: Vec<FactorId> = f.profile.weights.keys().copied().collect();
    if let Some(l) = learned {
        ids.extend(l.weights.keys().copied().filter(|k| !f.profile.weights.contains_key(k)));
    }
    let weights = ids
        .into_iter()
        .map(|id| WeightView {
            id,
            prior: f.profile.weights.get(&id).copied().unwrap_or(0.0),
            learned: learned.and_then(|l| l.weights.get(&id).copied()),
            coefficient: learned.and_then(|l| l.coefficients.get(&id).copied()),
        })
        .collect();
    Ok(ModelView {
        account_id: account_id.to_string(),
        platform: f.platform,
        kind: f.report.model.kind,
        version: f.report.model.version.clone(),
        heldout_spearman: f.report.model.heldout_spearman,
        prior_heldout_spearman: f.report.prior_heldout_spearman,
        learned_heldout_spearman: f.report.learned_heldout_spearman,
        n_posts: u32::try_from(f.n_posts).unwrap_or(u32::MAX),
        n_train: u32::try_from(f.report.n_train).unwrap_or(u32::MAX),
        n_holdout: u32::try_from(f.report.n_holdout).unwrap_or(u32::MAX),
        min_posts: u32::try_from(LearnConfig::default().min_posts).unwrap_or(u32::MAX),
        decision: f.report.decision.clone(),
        weights,
        best_times: best_view(account_id, &f.best)?,
    })
}

/// The scorer for an account's posts: learned weights when they beat the prior on held-out
/// posts, and the account's best times. Reads only recorded scores (never measures video), so
/// it is cheap enough to run as a caption is typed.
pub fn scorer_for(ctx: &Context, account_id: &str, time_zone: Option<&str>) -> ApiResult<(Scorer, Platform)> {
    let zone = zone_or_system(time_zone);
    let f = fit(ctx, account_id, &zone)?;
    let mut scorer = Scorer::from_profile(f.profile.clone());
    if let Some(l) = &f.report.learned {
        scorer = scorer.with_learned(l).map_err(internal)?;
    }
    scorer = scorer.with_best_times(&f.best).map_err(internal)?;
    Ok((scorer, f.platform))
}

/// Best times per account for the composer, in `time_zone` (default: the system's).
pub fn best_times(ctx: &Context, account_ids: &[String], time_zone: Option<&str>) -> ApiResult<Vec<BestTimesView>> {
    let zone = zone_or_system(time_zone);
    account_ids
        .iter()
        .map(|id| {
            let (_, platform) = account_platform(ctx, id)?;
            let profile = PlatformProfile::builtin(platform).map_err(internal)?;
            best_view(id, &best_from(profile, &outcomes(ctx, id)?, &zone)?)
        })
        .collect()
}

fn best_from(profile: &PlatformProfile, outcomes: &[Outcome], zone: &str) -> ApiResult<BestTimes> {
    studio_score::best_times(profile, &timed(outcomes), zone, &BestTimeConfig::default())
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
}

fn best_view(account_id: &str, b: &BestTimes) -> ApiResult<BestTimesView> {
    let tz = jiff::tz::TimeZone::get(&b.time_zone).map_err(internal)?;
    let now = jiff::Timestamp::from_millisecond(studio_core::clock::now_ms()).map_err(internal)?.to_zoned(tz);
    let top = b
        .top
        .iter()
        .map(|s| {
            Ok(BestSlotView {
                weekday: s.weekday,
                day: s.day.clone(),
                hour: s.hour,
                heat: s.heat,
                posts: u32::try_from(s.posts).unwrap_or(u32::MAX),
                next_at: next_start(&now, s.weekday, s.hour)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(BestTimesView {
        account_id: account_id.to_string(),
        platform: b.platform,
        time_zone: b.time_zone.clone(),
        top,
        heat: b.heat.iter().map(|d| d.to_vec()).collect(),
        n_posts: u32::try_from(b.n_posts).unwrap_or(u32::MAX),
        data_share: b.data_share,
    })
}

/// The next time the wall clock in `now`'s zone reads `weekday` (Monday = 0) at `hour`:00,
/// strictly after now. Computed on civil dates, so a DST change never moves it off the hour.
fn next_start(now: &jiff::Zoned, weekday: u8, hour: u8) -> ApiResult<String> {
    let today = now.date();
    for days in 0..8i64 {
        let date = today.checked_add(jiff::Span::new().days(days)).map_err(internal)?;
        if date.weekday().to_monday_zero_offset() != i8::try_from(weekday).unwrap_or(-1) {
            continue;
        }
        let at =
            date.at(i8::try_from(hour).unwrap_or(0), 0, 0, 0).to_zoned(now.time_zone().clone()).map_err(internal)?;
        if at > *now {
            return Ok(at.timestamp().to_string());
        }
    }
    Err(internal("no next start within a week"))
}

//! The analytics screen's numbers: totals, a per-day series, breakdowns, best and worst posts,
//! score vs actual, a best-time heat map, and revenue with ROI.
//!
//! Dates in the filter are civil dates (`YYYY-MM-DD`, both ends inclusive) in one IANA zone: the
//! filter's `timezone`, else the campaign's when filtering by one, else the machine's. A target
//! belongs to the day it was published in that zone; the series groups by that day too. Revenue
//! is dated by its own civil date and is attributed to campaigns only, so the account and
//! platform filters do not narrow it.
use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use studio_core::analytics::{self as store, Clocks, Dimension, Filter, Offsets, Rank, Summary, Sums};
use studio_core::civil::{canonical_timezone, parse_date, system_timezone};
use studio_core::clock::rfc3339;
use studio_core::error::ValidationError;
use studio_core::ids::parse_id;
use studio_core::money::{exponent, format_amount};
use studio_core::StoreError;
use studio_publish::PlatformId;
use studio_score::ModelKind;

use crate::{ApiError, ApiResult, Context, ErrorCode};

/// The setting holding creator-set exchange rates.
pub const RATES_KEY: &str = "revenue.rates";
/// How many posts each top/bottom list holds.
pub const RANK_LIMIT: u32 = 10;
/// Score/actual pairs returned at most (the newest).
pub const PAIRS_LIMIT: u32 = 500;
/// A series never spans more than this many days (ten years).
const MAX_SERIES_DAYS: i64 = 3_660;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct AnalyticsFilter {
    pub campaign_id: Option<String>,
    pub account_id: Option<String>,
    /// A platform name as accounts store it ("tiktok", "youtube", ...). A string, not a
    /// `PlatformId`: any case is accepted ("TikTok") and `""` means no platform filter.
    pub platform: Option<String>,
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// IANA zone the dates are in; `null`: the campaign's, else the machine's.
    pub timezone: Option<String>,
}

/// Exchange rates a creator sets: one unit of each currency is worth `rates[code]` of `base`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RevenueRates {
    pub base: String,
    pub rates: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Metrics {
    /// Posts with at least one published target in the filter.
    pub posts: u32,
    pub published_targets: u32,
    pub views: f64,
    pub likes: f64,
    pub comments: f64,
    pub shares: f64,
    pub saves: f64,
    /// likes + comments + shares + saves.
    pub engagements: f64,
    /// engagements / views over the set (view-weighted); 0 without views.
    pub engagement_rate: f64,
    pub watch_time_s: f64,
}

impl From<Sums> for Metrics {
    fn from(s: Sums) -> Self {
        Self {
            posts: u32::try_from(s.posts).unwrap_or(u32::MAX),
            published_targets: u32::try_from(s.targets).unwrap_or(u32::MAX),
            views: s.views as f64,
            likes: s.likes as f64,
            comments: s.comments as f64,
            shares: s.shares as f64,
            saves: s.saves as f64,
            engagements: s.engagements() as f64,
            engagement_rate: s.engagement_rate(),
            watch_time_s: s.watch_time_s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DayPoint {
    /// `YYYY-MM-DD` in the report's zone.
    pub date: String,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BreakdownRow {
    /// Platform name, account id or campaign id.
    pub key: String,
    pub label: String,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RankedPost {
    pub post_id: String,
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    /// First publish among the filtered targets, RFC 3339.
    pub published_at: String,
    pub platforms: Vec<PlatformId>,
    pub asset_id: Option<String>,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScoreVsActual {
    pub target_id: String,
    pub post_id: String,
    pub platform: PlatformId,
    /// The predicted 0-100 score.
    pub score: f64,
    pub model_kind: ModelKind,
    pub views: f64,
    pub engagement_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct HeatCell {
    /// ISO weekday of publish in the account's zone: 1 = Monday ... 7 = Sunday.
    pub weekday: u8,
    /// Hour of publish, 0-23, in the account's zone.
    pub hour: u8,
    /// Published targets in this slot.
    pub posts: u32,
    /// Mean of the per-target engagement rates (targets with views); 0 if none had views.
    pub mean_engagement_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CurrencyMoney {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal strings in the currency ("1500.00").
    pub revenue: String,
    pub cost: String,
    pub net: String,
    /// (revenue - cost) / cost: 1.5 means +150 %. `null` without costs.
    pub roi: Option<f64>,
    pub entries: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ConvertedMoney {
    pub base: String,
    pub revenue: String,
    pub cost: String,
    pub net: String,
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RevenueSummary {
    /// One row per currency; currencies are never added up without rates.
    pub currencies: Vec<CurrencyMoney>,
    /// Everything in the base currency, when rates are set for every currency present.
    pub converted: Option<ConvertedMoney>,
    /// Currencies present without a rate to the base (only when rates are set).
    pub missing_rates: Vec<String>,
    /// The overall ROI: the only currency's, else the converted one's; `null` when there is no
    /// cost or currencies cannot be combined.
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Analytics {
    /// The zone dates and hours are in.
    pub timezone: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub totals: Metrics,
    pub series: Vec<DayPoint>,
    pub by_platform: Vec<BreakdownRow>,
    pub by_account: Vec<BreakdownRow>,
    pub by_campaign: Vec<BreakdownRow>,
    pub top_by_engagement: Vec<RankedPost>,
    pub bottom_by_engagement: Vec<RankedPost>,
    pub top_by_views: Vec<RankedPost>,
    pub bottom_by_views: Vec<RankedPost>,
    pub score_vs_actual: Vec<ScoreVsActual>,
    pub heatmap: Vec<HeatCell>,
    pub revenue: RevenueSummary,
}

/// A filter checked and turned into instants.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub store: Filter,
    pub zone: TimeZone,
    pub zone_name: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

fn day_start_ms(tz: &TimeZone, d: Date) -> Result<i64, ApiError> {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|e| ApiError::new(ErrorCode::InvalidDate, format!("{d} has no start in this zone: {e}")))
}

/// Validates ids, dates and zone; the zone defaults to the campaign's, then the machine's.
pub fn resolve(conn: &Connection, f: &AnalyticsFilter) -> ApiResult<Resolved> {
    let nonempty = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let campaign_id = match nonempty(&f.campaign_id) {
        None => None,
        Some(c) => Some(parse_id(&c).ok_or(StoreError::NotFound { entity: "campaign", id: c.clone() })?),
    };
    let account_id = match nonempty(&f.account_id) {
        None => None,
        Some(a) => Some(parse_id(&a).ok_or(StoreError::NotFound { entity: "account", id: a.clone() })?),
    };
    let campaign_zone: Option<String> = match &campaign_id {
        None => None,
        Some(c) => Some(studio_core::campaigns::timezone(conn, c)?),
    };
    let zone_name = match nonempty(&f.timezone) {
        Some(z) => canonical_timezone(&z)?,
        None => campaign_zone.unwrap_or_else(system_timezone),
    };
    let zone = TimeZone::get(&zone_name).map_err(|_| ValidationError::UnknownTimezone(zone_name.clone()))?;
    let from = nonempty(&f.from).map(|d| parse_date("from", &d)).transpose()?;
    let to = nonempty(&f.to).map(|d| parse_date("to", &d)).transpose()?;
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(ValidationError::EndsBeforeStarts { starts: a.to_string(), ends: b.to_string() }.into());
        }
    }
    let from_ms = from.map(|d| day_start_ms(&zone, d)).transpose()?;
    let to_ms = match to {
        None => None,
        Some(d) => {
            let next = d.tomorrow().map_err(|_| ValidationError::BadDate { field: "to", value: d.to_string() })?;
            Some(day_start_ms(&zone, next)?)
        }
    };
    Ok(Resolved {
        store: Filter {
            campaign_id,
            account_id,
            platform: nonempty(&f.platform).map(|p| p.to_ascii_lowercase()),
            from_ms,
            to_ms,
        },
        zone,
        zone_name,
        from,
        to,
    })
}

/// Everything that adds up over the filter's rows, computed once per screen.
pub struct Loaded {
    pub summary: Summary,
}

/// How many threads the analytics pass may use: the machine's cores, at most four (beyond that
/// the read is no longer what takes the time).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(4)
}

/// Reads and sums the filter's rows, on `helpers` as well as `conn` when there are many.
pub fn load(conn: &Connection, helpers: &mut [Connection], r: &Resolved) -> ApiResult<Loaded> {
    let span = store::time_span(conn)?;
    // The heat map places each account's targets on its own zone's clock (its queue slots'
    // zone) where the creator gave one; every other target, and the series, on the report's.
    let mut by_name: BTreeMap<String, Offsets> = BTreeMap::new();
    let mut accounts = Vec::new();
    for (account, zone) in store::account_zones(conn)? {
        if zone == r.zone_name {
            continue;
        }
        let offsets = by_name.entry(zone).or_insert_with_key(|zone| {
            // A zone stored by an older build that this one no longer knows: the report's.
            let tz = TimeZone::get(zone).unwrap_or_else(|_| r.zone.clone());
            Offsets::over(span, &tz)
        });
        accounts.push((account, offsets.clone()));
    }
    let clocks = Clocks::new(Offsets::over(span, &r.zone), accounts);
    Ok(Loaded { summary: store::summarize(conn, helpers, &r.store, &clocks)? })
}

fn date_of_day(n: i64) -> Option<Date> {
    jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

fn day_number(d: Date) -> i64 {
    i64::from(d.since(jiff::civil::date(1970, 1, 1)).map_or(0, |s| s.get_days()))
}

/// One point per day from `from` (or the first day with data) to `to` (or the last), zeros
/// included, so charts need no gap filling.
pub fn series(r: &Resolved, l: &Loaded) -> Vec<DayPoint> {
    let rows = &l.summary.daily;
    let first = r.from.map(day_number).or_else(|| rows.first().map(|x| x.0));
    let last = r.to.map(day_number).or_else(|| rows.last().map(|x| x.0));
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let last = last.min(first + MAX_SERIES_DAYS);
    let by_day: BTreeMap<i64, Sums> = rows.iter().copied().collect();
    (first..=last)
        .filter_map(|n| {
            let date = date_of_day(n)?;
            Some(DayPoint { date: date.to_string(), metrics: by_day.get(&n).copied().unwrap_or_default().into() })
        })
        .collect()
}

pub fn breakdown(conn: &Connection, l: &Loaded, by: Dimension) -> ApiResult<Vec<BreakdownRow>> {
    Ok(l.summary
        .breakdown(conn, by)?
        .into_iter()
        .map(|g| BreakdownRow { key: g.key, label: g.label, metrics: g.sums.into() })
        .collect())
}

pub fn ranked(conn: &Connection, l: &Loaded, rank: Rank, best: bool) -> ApiResult<Vec<RankedPost>> {
    Ok(l.summary
        .ranked_posts(conn, rank, best, RANK_LIMIT)?
        .into_iter()
        .map(|p| RankedPost {
            post_id: p.post_id,
            campaign_id: p.campaign_id,
            caption: p.caption,
            title: p.title,
            published_at: rfc3339(p.published_at),
            // Accounts exist only for known platforms (see `accounts::parse_platform`).
            platforms: p.platforms.iter().filter_map(|s| PlatformId::parse(s)).collect(),
            asset_id: p.asset_id,
            metrics: p.sums.into(),
        })
        .collect())
}

pub fn score_vs_actual(conn: &Connection, r: &Resolved) -> ApiResult<Vec<ScoreVsActual>> {
    Ok(store::score_pairs(conn, &r.store, PAIRS_LIMIT)?
        .into_iter()
        // Rows name known platforms and model kinds (accounts are connected through a known
        // platform; `scores.model_kind` is CHECKed), so nothing is skipped in practice.
        .filter_map(|p| {
            Some(ScoreVsActual {
                platform: PlatformId::parse(&p.platform)?,
                model_kind: ModelKind::parse(&p.model_kind)?,
                target_id: p.target_id,
                post_id: p.post_id,
                score: p.score,
                views: p.views as f64,
                engagement_rate: p.engagement_rate,
            })
        })
        .collect())
}

/// Hour × weekday of publish in each account's zone (its queue slots' zone, else the report's).
pub fn heatmap(l: &Loaded) -> Vec<HeatCell> {
    l.summary
        .heat
        .iter()
        .map(|c| HeatCell {
            weekday: c.weekday + 1,
            hour: c.hour,
            posts: u32::try_from(c.targets).unwrap_or(u32::MAX),
            mean_engagement_rate: if c.rated > 0 { c.rate_sum / c.rated as f64 } else { 0.0 },
        })
        .collect()
}

fn roi(revenue: f64, cost: f64) -> Option<f64> {
    (cost > 0.0).then(|| (revenue - cost) / cost)
}

/// Revenue, cost and ROI per currency; converted to the base currency when the creator set rates
/// for every currency present.
pub fn revenue(conn: &Connection, r: &Resolved, rates: Option<&RevenueRates>) -> ApiResult<RevenueSummary> {
    let from = r.from.map(|d| d.to_string());
    let to = r.to.map(|d| d.to_string());
    let sums = store::revenue(conn, r.store.campaign_id.as_deref(), from.as_deref(), to.as_deref())?;
    let currencies: Vec<CurrencyMoney> = sums
        .iter()
        .map(|s| CurrencyMoney {
            currency: s.currency.clone(),
            revenue: format_amount(s.revenue_minor, &s.currency),
            cost: format_amount(s.cost_minor, &s.currency),
            net: format_amount(s.revenue_minor - s.cost_minor, &s.currency),
            roi: roi(s.revenue_minor as f64, s.cost_minor as f64),
            entries: u32::try_from(s.entries).unwrap_or(u32::MAX),
        })
        .collect();
    let mut missing_rates = Vec::new();
    let converted = match rates {
        Some(rates) if !sums.is_empty() => {
            let base = rates.base.trim().to_ascii_uppercase();
            let base_exp = exponent(&base);
            let (mut rev, mut cost) = (0.0_f64, 0.0_f64);
            for s in &sums {
                let rate = if s.currency == base { Some(1.0) } else { rates.rates.get(&s.currency).copied() };
                match (rate.filter(|r| r.is_finite() && *r > 0.0), exponent(&s.currency)) {
                    (Some(rate), Some(exp)) => {
                        let scale = 10f64.powi(exp as i32);
                        rev += s.revenue_minor as f64 / scale * rate;
                        cost += s.cost_minor as f64 / scale * rate;
                    }
                    _ => missing_rates.push(s.currency.clone()),
                }
            }
            match base_exp {
                Some(exp) if missing_rates.is_empty() => {
                    let scale = 10f64.powi(exp as i32);
                    let (rev_minor, cost_minor) = ((rev * scale).round() as i64, (cost * scale).round() as i64);
                    Some(ConvertedMoney {
                        revenue: format_amount(rev_minor, &base),
                        cost: format_amount(cost_minor, &base),
                        net: format_amount(rev_minor - cost_minor, &base),
                        roi: roi(rev_minor as f64, cost_minor as f64),
                        base,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    };
    let overall = match (currencies.as_slice(), &converted) {
        ([only], _) => only.roi,
        (_, Some(c)) => c.roi,
        _ => None,
    };
    Ok(RevenueSummary { currencies, converted, missing_rates, roi: overall })
}

pub fn rates(ctx: &Context) -> ApiResult<Option<RevenueRates>> {
    crate::settings::get(ctx, RATES_KEY)
}

/// Stores exchange rates (codes validated; every rate must be a positive number).
pub fn set_rates(ctx: &Context, rates: RevenueRates) -> ApiResult<RevenueRates> {
    let base = studio_core::money::canonical_currency(&rates.base)?;
    let mut clean = BTreeMap::new();
    for (code, rate) in rates.rates {
        let code = studio_core::money::canonical_currency(&code)?;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(ApiError::new(
                ErrorCode::InvalidAmount,
                format!("The rate for {code} must be a positive number."),
            ));
        }
        clean.insert(code, rate);
    }
    let rates = RevenueRates { base, rates: clean };
    crate::settings::set(ctx, RATES_KEY, &rates)?;
    Ok(rates)
}

/// Everything the analytics screen shows, for one filter.
pub fn overview(ctx: &Context, filter: &AnalyticsFilter) -> ApiResult<Analytics> {
    let rates = rates(ctx)?;
    let mut db = ctx.db();
    db.read_split(threads(), |conn, helpers| Ok(compute(conn, helpers, filter, rates.as_ref())))?
}

/// One campaign's revenue, cost and ROI over all time (the Money dialog's totals): the same as
/// the overview's `revenue` for that campaign, without the rest of the screen.
pub fn campaign_revenue(ctx: &Context, campaign_id: &str) -> ApiResult<RevenueSummary> {
    let rates = rates(ctx)?;
    let filter = AnalyticsFilter { campaign_id: Some(campaign_id.to_string()), ..AnalyticsFilter::default() };
    let db = ctx.db();
    db.read(|conn| Ok(resolve(conn, &filter).and_then(|r| revenue(conn, &r, rates.as_ref()))))?
}

fn compute(
    conn: &Connection,
    helpers: &mut [Connection],
    filter: &AnalyticsFilter,
    rates: Option<&RevenueRates>,
) -> ApiResult<Analytics> {
    let r = resolve(conn, filter)?;
    let l = load(conn, helpers, &r)?;
    // Score vs actual and revenue are queries of their own, not part of the pass: a helper
    // connection runs them while this thread ranks posts and labels breakdowns.
    let side = |c: &Connection| -> ApiResult<(Vec<ScoreVsActual>, RevenueSummary)> {
        Ok((score_vs_actual(c, &r)?, revenue(c, &r, rates)?))
    };
    let ((score_vs_actual, revenue), lists) = match helpers.first_mut() {
        Some(h) => std::thread::scope(|s| {
            let side = &side;
            let other = s.spawn(move || side(h));
            let lists = lists(conn, &l);
            let other = other
                .join()
                .unwrap_or_else(|_| Err(ApiError::new(ErrorCode::Internal, "Score vs actual failed unexpectedly.")));
            Ok::<_, ApiError>((other?, lists?))
        })?,
        None => (side(conn)?, lists(conn, &l)?),
    };
    Ok(Analytics {
        timezone: r.zone_name.clone(),
        from: r.from.map(|d| d.to_string()),
        to: r.to.map(|d| d.to_string()),
        totals: l.summary.totals.into(),
        series: series(&r, &l),
        heatmap: heatmap(&l),
        score_vs_actual,
        revenue,
        by_platform: lists.by_platform,
        by_account: lists.by_account,
        by_campaign: lists.by_campaign,
        top_by_engagement: lists.top_by_engagement,
        bottom_by_engagement: lists.bottom_by_engagement,
        top_by_views: lists.top_by_views,
        bottom_by_views: lists.bottom_by_views,
    })
}

/// The breakdowns and rankings: from the pass, with a few lookups for names and captions.
struct Lists {
    by_platform: Vec<BreakdownRow>,
    by_account: Vec<BreakdownRow>,
    by_campaign: Vec<BreakdownRow>,
    top_by_engagement: Vec<RankedPost>,
    bottom_by_engagement: Vec<RankedPost>,
    top_by_views: Vec<RankedPost>,
    bottom_by_views: Vec<RankedPost>,
}

fn lists(conn: &Connection, l: &Loaded) -> ApiResult<Lists> {
    Ok(Lists {
        by_platform: breakdown(conn, l, Dimension::Platform)?,
        by_account: breakdown(conn, l, Dimension::Account)?,
        by_campaign: breakdown(conn, l, Dimension::Campaign)?,
        top_by_engagement: ranked(conn, l, Rank::EngagementRate, true)?,
        bottom_by_engagement: ranked(conn, l, Rank::EngagementRate, false)?,
        top_by_views: ranked(conn, l, Rank::Views, true)?,
        bottom_by_views: ranked(conn, l, Rank::Views, false)?,
    })
}

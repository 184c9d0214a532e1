//! Best time to post for one account on one platform: engagement by weekday × hour from the
//! account's own history, smoothed over neighbouring hours and days, and blended with the
//! platform's prior heat map in proportion to how much data each slot has. With no history it
//! is the prior; with a lot it is the account's own pattern.
//!
//! Hours are the creator's wall-clock hours in their IANA time zone (jiff), so a DST change does
//! not shift the map by an hour.
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::ScoreError;
use crate::metrics::PostMetrics;
use crate::platform::{Platform, PlatformProfile};
use crate::stats::median;
use crate::wording::WEEKDAYS;

/// One published post: when, and what it earned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimedOutcome {
    pub published_at: Timestamp,
    pub metrics: PostMetrics,
}

/// How data and prior are mixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestTimeConfig {
    /// The prior counts as this many posts in every slot.
    pub prior_strength: f64,
    /// Log-engagement spread the prior assumes between its quietest and busiest hour (ln 2:
    /// the best hour doubles engagement). A judgement, see EVIDENCE.md.
    pub prior_spread: f64,
    /// How many top slots to return.
    pub top: usize,
}

impl Default for BestTimeConfig {
    fn default() -> Self {
        BestTimeConfig { prior_strength: 4.0, prior_spread: std::f64::consts::LN_2, top: 5 }
    }
}

/// One weekday-hour slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// "Mon" … "Sun".
    pub day: String,
    pub hour: u8,
    /// 0 to 1, 1 = the best slot of the week.
    pub heat: f64,
    /// The account's posts published in this exact slot.
    pub posts: usize,
}

/// An account's audience heat map and its best slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestTimes {
    pub platform: Platform,
    pub time_zone: String,
    /// `[weekday Monday=0][hour]`, 0 to 1.
    pub heat: [[f64; 24]; 7],
    /// Best slots first, no two in neighbouring hours of the same day.
    pub top: Vec<Slot>,
    /// Posts with views that went in.
    pub n_posts: usize,
    /// How much of the map comes from the account's own data rather than the prior, 0 to 1
    /// (the average over slots of data / (data + prior)).
    pub data_share: f64,
}

/// Neighbours on the 168-hour week (it wraps: Sunday 23:00 is next to Monday 00:00) and their
/// weights: the hour itself, ±1 h, ±2 h, and the same hour a day before and after.
const KERNEL: [(i32, f64); 7] = [(0, 1.0), (-1, 0.5), (1, 0.5), (-2, 0.25), (2, 0.25), (-24, 0.25), (24, 0.25)];

/// Best times for `profile`'s platform in `time_zone` (an IANA name).
pub fn best_times(
    profile: &PlatformProfile,
    history: &[TimedOutcome],
    time_zone: &str,
    cfg: &BestTimeConfig,
) -> Result<BestTimes, ScoreError> {
    let tz = jiff::tz::db().get(time_zone).map_err(|_| ScoreError::UnknownTimeZone(time_zone.to_string()))?;
    Ok(best_times_in(profile, history, &tz, time_zone, cfg))
}

fn best_times_in(
    profile: &PlatformProfile,
    history: &[TimedOutcome],
    tz: &TimeZone,
    zone_name: &str,
    cfg: &BestTimeConfig,
) -> BestTimes {
    let rated: Vec<(usize, f64)> = history
        .iter()
        .filter_map(|o| {
            let rate = o.metrics.engagement_rate()?;
            let local = o.published_at.to_zoned(tz.clone());
            let cell = local.weekday().to_monday_zero_offset() as usize * 24 + local.hour() as usize;
            Some((cell, rate))
        })
        .collect();
    let mut sum = [0.0f64; 168];
    let mut count = [0usize; 168];
    if let Some(mid) = median(&rated.iter().map(|(_, r)| *r).collect::<Vec<_>>()) {
        for (cell, rate) in &rated {
            sum[*cell] += (rate / mid).ln();
            count[*cell] += 1;
        }
    }

    let prior: Vec<f64> = profile.schedule.iter().flatten().copied().collect();
    let prior_mean = prior.iter().sum::<f64>() / 168.0;
    let k = cfg.prior_strength.max(1e-6);
    let mut log_heat = [0.0f64; 168];
    let mut share = 0.0;
    for (c, out) in log_heat.iter_mut().enumerate() {
        let (mut s, mut w) = (0.0, 0.0);
        for (offset, kw) in KERNEL {
            let j = (c as i32 + offset).rem_euclid(168) as usize;
            s += kw * sum[j];
            w += kw * count[j] as f64;
        }
        let lp = (prior[c] - prior_mean) * cfg.prior_spread;
        *out = (s + k * lp) / (w + k);
        share += w / (w + k);
    }
    let max = log_heat.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut heat = [[0.0; 24]; 7];
    for (c, v) in log_heat.iter().enumerate() {
        heat[c / 24][c % 24] = (v - max).exp();
    }

    let mut order: Vec<usize> = (0..168).collect();
    order.sort_by(|a, b| log_heat[*b].total_cmp(&log_heat[*a]));
    let mut top: Vec<Slot> = Vec::new();
    for c in order {
        if top.len() >= cfg.top {
            break;
        }
        let (d, h) = (c / 24, c % 24);
        let crowded = top.iter().any(|s| s.weekday as usize == d && (s.hour as i32 - h as i32).abs() <= 1);
        if !crowded {
            top.push(Slot {
                weekday: d as u8,
                day: WEEKDAYS[d].to_string(),
                hour: h as u8,
                heat: heat[d][h],
                posts: count[c],
            });
        }
    }
    BestTimes {
        platform: profile.id,
        time_zone: zone_name.to_string(),
        heat,
        top,
        n_posts: rated.len(),
        data_share: share / 168.0,
    }
}

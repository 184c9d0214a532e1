//! Best time to post: recovers a planted peak hour in the creator's own time zone, falls back to
//! the platform prior without history, and feeds the schedule factor.
mod common;

use common::Rng;
use jiff::civil::{date, Weekday};
use jiff::tz::TimeZone;
use studio_score::{
    best_times, BestTimeConfig, FactorId, Platform, PlatformProfile, PostMetrics, ScoreError, ScoreInput, Scorer,
    TimedOutcome,
};

fn profile() -> &'static PlatformProfile {
    PlatformProfile::builtin(Platform::Tiktok).expect("built-in data parses")
}

/// Posts at random local hours over `weeks` weeks (crossing the DST changes of `zone`), with
/// three times the engagement when published at `peak_hour` local time.
fn history(zone: &str, weeks: i64, per_day: usize, peak_hour: i8, seed: u64) -> Vec<TimedOutcome> {
    let tz = TimeZone::get(zone).expect("zone exists");
    let mut rng = Rng::new(seed);
    let start = date(2026, 1, 5);
    let mut out = Vec::new();
    for day in 0..weeks * 7 {
        for _ in 0..per_day {
            let hour = rng.below(24) as i8;
            let local = start.checked_add(jiff::Span::new().days(day)).expect("in range").at(hour, 30, 0, 0);
            let Ok(zoned) = local.to_zoned(tz.clone()) else { continue };
            let boost = if hour == peak_hour { 3.0 } else { 1.0 };
            let rate = 0.04 * boost * (0.3 * rng.normal()).exp();
            let views = 5_000u64;
            out.push(TimedOutcome {
                published_at: zoned.timestamp(),
                metrics: PostMetrics { views, likes: (rate * views as f64).round() as u64, ..Default::default() },
            });
        }
    }
    out
}

#[test]
fn recovers_a_planted_peak_hour() {
    // 06:00 is one of the quietest hours in TikTok's prior, so only the data can put it first.
    let posts = history("Europe/Berlin", 12, 8, 6, 42);
    let best = best_times(profile(), &posts, "Europe/Berlin", &BestTimeConfig::default()).expect("known zone");
    assert_eq!(best.top[0].hour, 6, "{:?}", best.top);
    assert!(best.top.iter().take(3).all(|s| s.hour == 6), "{:?}", best.top);
    assert!(best.data_share > 0.5, "{}", best.data_share);
    assert_eq!(best.n_posts, posts.len());
    assert_eq!(best.heat.iter().flatten().copied().fold(0.0, f64::max), 1.0);
    // Top slots are spread out: no two neighbouring hours of one day.
    for (i, a) in best.top.iter().enumerate() {
        for b in &best.top[i + 1..] {
            assert!(!(a.weekday == b.weekday && (a.hour as i32 - b.hour as i32).abs() <= 1));
        }
    }
}

#[test]
fn hours_are_local_wall_clock_across_dst() {
    // New York posts at 06:30 local all year: in UTC that is 11:30 in winter and 10:30 in
    // summer. Read in the creator's zone, it is one hour.
    let posts = history("America/New_York", 26, 8, 6, 5);
    let ny = best_times(profile(), &posts, "America/New_York", &BestTimeConfig::default()).expect("known zone");
    assert_eq!(ny.top[0].hour, 6, "{:?}", ny.top);
    assert_eq!(ny.time_zone, "America/New_York");
}

#[test]
fn without_history_it_is_the_prior() {
    let best = best_times(profile(), &[], "UTC", &BestTimeConfig::default()).expect("known zone");
    assert_eq!(best.data_share, 0.0);
    assert_eq!(best.n_posts, 0);
    let prior_max = profile().schedule.iter().flatten().copied().fold(0.0, f64::max);
    let top = &best.top[0];
    assert_eq!(profile().schedule[top.weekday as usize][top.hour as usize], prior_max);
}

#[test]
fn unknown_zones_are_an_error() {
    let err = best_times(profile(), &[], "Mars/Olympus_Mons", &BestTimeConfig::default());
    assert_eq!(err, Err(ScoreError::UnknownTimeZone("Mars/Olympus_Mons".into())));
}

#[test]
fn the_schedule_factor_uses_the_creators_zone_and_the_accounts_map() {
    let prior = Scorer::prior(Platform::Tiktok).expect("prior");
    let at = |h: i8| {
        let z = date(2026, 3, 31).at(h, 0, 0, 0).in_tz("Europe/Berlin").expect("valid");
        assert_eq!(z.weekday(), Weekday::Tuesday);
        ScoreInput { planned_at: Some(z), ..Default::default() }
    };
    let night = prior.score(&at(4));
    let evening = prior.score(&at(20));
    let sub = |r: &studio_score::ScoreReport| r.factor(FactorId::Schedule).and_then(|f| f.subscore).unwrap_or(-1.0);
    assert!(sub(&evening) > sub(&night));
    assert_eq!(
        night.factor(FactorId::Schedule).and_then(|f| f.advice.as_deref()),
        Some("Tue 04:00 is a quiet slot (0% of the busiest hour) — Tue 20:00 is the best that day")
    );

    // With the account's own map (an early-morning audience), 06:00 wins.
    let posts = history("Europe/Berlin", 12, 8, 6, 42);
    let best = best_times(profile(), &posts, "Europe/Berlin", &BestTimeConfig::default()).expect("known zone");
    let mine = Scorer::prior(Platform::Tiktok).expect("prior").with_best_times(&best).expect("same platform");
    assert!(sub(&mine.score(&at(6))) > sub(&mine.score(&at(20))));
    assert!(sub(&prior.score(&at(6))) < sub(&prior.score(&at(20))));
}

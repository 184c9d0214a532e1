//! The numbers behind the analytics screens.
//!
//! Everything reads `analytics_targets` (migration 0005): one row per live published target with
//! its latest snapshot's counts, kept current by triggers, so nothing joins or searches
//! snapshots. Metrics are each target's latest snapshot; engagements are likes + comments +
//! shares + saves; a missing count (a platform that does not report saves) counts as 0.
//!
//! The filtered rows are read once ([`summarize`], split by post key across cores when there are
//! many) and every total, series, breakdown, ranking and heat map is added up from them in Rust,
//! one post at a time. SQLite walks a covering index quickly but evaluates aggregates slowly: as
//! SQL with `GROUP BY` and `count(DISTINCT)`, each all-time query over 100,000 targets took
//! 40-155 ms, and the screen runs a dozen of them.

mod filter;
mod heat;
mod money;
mod pass;
mod ranked;
mod rows;
mod scores;
mod summary;

pub use filter::Filter;
pub use heat::{account_zones, HeatCell};
pub use money::{revenue, MoneySums};
pub use pass::summarize;
pub use ranked::{Rank, RankedPost};
pub use rows::{time_span, Row};
pub use scores::{score_pairs, ScorePair};
pub use summary::{Dimension, Group, Summary};

/// Sums over a set of targets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub posts: i64,
    pub targets: i64,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub saves: i64,
    pub watch_time_s: f64,
}

impl Sums {
    pub fn engagements(&self) -> i64 {
        self.likes + self.comments + self.shares + self.saves
    }

    /// Engagements per view over the whole set (view-weighted); 0 without views.
    pub fn engagement_rate(&self) -> f64 {
        if self.views > 0 {
            self.engagements() as f64 / self.views as f64
        } else {
            0.0
        }
    }

    fn merge(&mut self, o: &Sums) {
        self.posts += o.posts;
        self.targets += o.targets;
        self.views += o.views;
        self.likes += o.likes;
        self.comments += o.comments;
        self.shares += o.shares;
        self.saves += o.saves;
        self.watch_time_s += o.watch_time_s;
    }

    /// Counts one target (not its post: distinct posts are counted by the caller).
    fn add(&mut self, r: &Row) {
        self.targets += 1;
        self.views += r.views;
        self.likes += r.likes;
        self.comments += r.comments;
        self.shares += r.shares;
        self.saves += r.saves;
        self.watch_time_s += r.watch_time_s;
    }
}

/// A zone's UTC offsets over a time span: `(until_ms, offset_ms)` segments in order, the last
/// one open-ended (`until_ms = i64::MAX`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets(pub Vec<(i64, i64)>);

impl Offsets {
    pub fn fixed(offset_ms: i64) -> Self {
        Self(vec![(i64::MAX, offset_ms)])
    }

    /// The zone's offsets over `span` (a handful of DST segments a year); UTC for no span.
    pub fn over(span: Option<(i64, i64)>, tz: &jiff::tz::TimeZone) -> Self {
        let Some((lo, hi)) = span else { return Self::fixed(0) };
        let Ok(start) = jiff::Timestamp::from_millisecond(lo) else { return Self::fixed(0) };
        let ms = |o: jiff::tz::Offset| i64::from(o.seconds()) * 1000;
        let mut current = ms(tz.to_offset(start));
        let mut segs = Vec::new();
        for t in tz.following(start) {
            let at = t.timestamp().as_millisecond();
            // A pathological zone cannot make the table huge.
            if at > hi || segs.len() > 2_000 {
                break;
            }
            segs.push((at, current));
            current = ms(t.offset());
        }
        segs.push((i64::MAX, current));
        Self(segs)
    }

    /// `at` (UTC ms) on the zone's wall clock, in ms.
    pub fn local(&self, at: i64) -> i64 {
        let i = self.0.partition_point(|(until, _)| *until <= at);
        let off = self.0.get(i).or(self.0.last()).map_or(0, |s| s.1);
        at.saturating_add(off)
    }
}

/// Which clock each target's day and hour are read on: the report's zone, or its account's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clocks {
    pub report: Offsets,
    accounts: rustc_hash::FxHashMap<i64, Offsets>,
}

impl Clocks {
    /// `accounts` pairs account keys with their own zone's offsets (the heat map places their
    /// targets on that clock); the series always uses the report's.
    pub fn new(report: Offsets, accounts: impl IntoIterator<Item = (i64, Offsets)>) -> Self {
        Self { report, accounts: accounts.into_iter().collect() }
    }

    fn of_account(&self, account_k: i64) -> &Offsets {
        self.accounts.get(&account_k).unwrap_or(&self.report)
    }
}

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

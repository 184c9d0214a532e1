//! Totals, the per-day series and the breakdowns, in one pass over the rows.
use std::hash::Hash;

use rusqlite::{Connection, OptionalExtension};
use rustc_hash::FxHashMap as HashMap;

use super::heat::{self, HeatCell};
use super::{Clocks, Row, Sums, DAY_MS};
use crate::error::Result;

/// One post's sums over its targets in the filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PostSums {
    pub post_k: i64,
    pub campaign_k: i64,
    /// The first publish among the post's filtered targets.
    pub first_at: i64,
    /// Its targets' platforms: bit i is `Summary::platforms[i]`.
    pub platforms: u64,
    pub sums: Sums,
}

/// Everything that adds up over the filtered rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub totals: Sums,
    /// `(days since 1970-01-01 on the report's calendar, sums)`, in order, days without data left out.
    pub daily: Vec<(i64, Sums)>,
    /// Weekday × hour cells in order (Monday 00 first), empty ones left out.
    pub heat: Vec<HeatCell>,
    pub(super) by_platform: Vec<(u16, Sums)>,
    pub(super) by_account: Vec<(i64, Sums)>,
    pub(super) by_campaign: Vec<(i64, Sums)>,
    pub(super) posts: Vec<PostSums>,
    /// Platform names, in order of name (`Row::platform` indexes them).
    pub(super) platforms: Vec<String>,
}

/// A summary being built: groups in hash maps, so parts read on different threads can be added.
pub(super) struct Partial {
    totals: Sums,
    daily: HashMap<i64, Sums>,
    platform: HashMap<u16, Sums>,
    account: HashMap<i64, Sums>,
    campaign: HashMap<i64, Sums>,
    heat: [HeatCell; 7 * 24],
    posts: Vec<PostSums>,
}

/// Adds a post's rows to the groups `key` puts them in; the post counts once per group.
fn add_grouped<K: Copy + Eq + Hash>(groups: &mut HashMap<K, Sums>, post: &[Row], key: impl Fn(&Row) -> K) {
    for (i, r) in post.iter().enumerate() {
        let k = key(r);
        let g = groups.entry(k).or_default();
        g.add(r);
        // Posts have a handful of targets: a look back is cheaper than a set.
        if !post[..i].iter().any(|p| key(p) == k) {
            g.posts += 1;
        }
    }
}

fn merge_into<K: Eq + Hash>(into: &mut HashMap<K, Sums>, from: HashMap<K, Sums>) {
    for (k, s) in from {
        into.entry(k).or_default().merge(&s);
    }
}

fn sorted<K: Ord>(groups: HashMap<K, Sums>) -> Vec<(K, Sums)> {
    let mut v: Vec<(K, Sums)> = groups.into_iter().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

impl Partial {
    pub fn new() -> Self {
        Self {
            totals: Sums::default(),
            daily: HashMap::default(),
            platform: HashMap::default(),
            account: HashMap::default(),
            campaign: HashMap::default(),
            heat: [HeatCell::default(); 7 * 24],
            posts: Vec::new(),
        }
    }

    /// Adds one post's targets (all of them in the filter: a post is added once).
    pub fn add_post(&mut self, post: &[Row], clocks: &Clocks) {
        let Some(first) = post.first() else { return };
        let mut sums = Sums { posts: 1, ..Sums::default() };
        let mut platforms = 0u64;
        for r in post {
            sums.add(r);
            // Platforms past the 64th are left out of the post's list (there are a dozen).
            platforms |= 1u64.checked_shl(u32::from(r.platform)).unwrap_or(0);
            heat::place(&mut self.heat, r, clocks.of_account(r.account_k));
        }
        self.totals.merge(&sums);
        add_grouped(&mut self.daily, post, |r| clocks.report.local(r.published_at).div_euclid(DAY_MS));
        add_grouped(&mut self.platform, post, |r| r.platform);
        add_grouped(&mut self.account, post, |r| r.account_k);
        add_grouped(&mut self.campaign, post, |r| r.campaign_k);
        self.posts.push(PostSums {
            post_k: first.post_k,
            campaign_k: post.iter().map(|r| r.campaign_k).min().unwrap_or(first.campaign_k),
            first_at: post.iter().map(|r| r.published_at).min().unwrap_or(first.published_at),
            platforms,
            sums,
        });
    }

    /// Adds a part covering other posts (parts never share a post, so post counts add up).
    pub fn merge(&mut self, other: Self) {
        self.totals.merge(&other.totals);
        merge_into(&mut self.daily, other.daily);
        merge_into(&mut self.platform, other.platform);
        merge_into(&mut self.account, other.account);
        merge_into(&mut self.campaign, other.campaign);
        for (a, b) in self.heat.iter_mut().zip(other.heat.iter()) {
            a.targets += b.targets;
            a.rated += b.rated;
            a.rate_sum += b.rate_sum;
        }
        self.posts.extend(other.posts);
    }

    pub fn finish(self, platforms: Vec<String>) -> Summary {
        Summary {
            platforms,
            totals: self.totals,
            daily: sorted(self.daily),
            heat: heat::cells(&self.heat),
            by_platform: sorted(self.platform),
            by_account: sorted(self.account),
            by_campaign: sorted(self.campaign),
            posts: self.posts,
        }
    }
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Platform,
    Account,
    Campaign,
}

/// One group of a breakdown: its key, a label for people, and its sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub label: String,
    pub sums: Sums,
}

/// The id behind an integer key (migration 0005).
pub(super) fn id_of(conn: &Connection, k: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM analytics_keys WHERE k = ?1")?;
    Ok(stmt.query_row([k], |r| r.get(0)).optional()?)
}

fn label_of(conn: &Connection, by: Dimension, id: &str) -> Result<Option<String>> {
    let sql = match by {
        Dimension::Platform => return Ok(None),
        Dimension::Account => {
            "SELECT coalesce(handle, display_name, platform_user_id, id) || ' (' || platform || ')'
             FROM accounts WHERE id = ?1"
        }
        Dimension::Campaign => "SELECT name FROM campaigns WHERE id = ?1",
    };
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt.query_row([id], |r| r.get(0)).optional()?)
}

impl Summary {
    pub(super) fn platform(&self, i: u16) -> &str {
        self.platforms.get(usize::from(i)).map_or("", String::as_str)
    }

    /// Sums per platform, account or campaign, most views first.
    pub fn breakdown(&self, conn: &Connection, by: Dimension) -> Result<Vec<Group>> {
        let keyed: Vec<(String, Sums)> = match by {
            Dimension::Platform => self.by_platform.iter().map(|(p, s)| (self.platform(*p).to_string(), *s)).collect(),
            Dimension::Account | Dimension::Campaign => {
                let groups = if by == Dimension::Account { &self.by_account } else { &self.by_campaign };
                let mut v = Vec::with_capacity(groups.len());
                for (k, s) in groups {
                    v.push((id_of(conn, *k)?.unwrap_or_else(|| k.to_string()), *s));
                }
                v
            }
        };
        let mut out = Vec::with_capacity(keyed.len());
        for (key, sums) in keyed {
            let label = label_of(conn, by, &key)?.unwrap_or_else(|| key.clone());
            out.push(Group { key, label, sums });
        }
        out.sort_by(|a, b| b.sums.views.cmp(&a.sums.views).then_with(|| a.key.cmp(&b.key)));
        Ok(out)
    }
}

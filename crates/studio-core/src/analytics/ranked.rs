//! The best and worst posts.
use std::cmp::Ordering;

use rusqlite::{Connection, OptionalExtension};

use super::summary::{id_of, PostSums};
use super::{Summary, Sums};
use crate::error::Result;

/// How posts are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Engagements per view; posts without views have no rate and are left out.
    EngagementRate,
    Views,
}

/// A post's sums over its targets in the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPost {
    pub post_id: String,
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    /// The first publish of the post among the filtered targets.
    pub published_at: i64,
    /// Distinct platforms, in order of name.
    pub platforms: Vec<String>,
    /// The post's media (an asset id), if any.
    pub asset_id: Option<String>,
    pub sums: Sums,
}

/// Best first: the higher rate (then more views), or more views (then more engagements); ties
/// go to the older key either way, so lists are stable.
fn better(rank: Rank, a: &PostSums, b: &PostSums) -> Ordering {
    let (x, y) = (&a.sums, &b.sums);
    match rank {
        Rank::EngagementRate => y.engagement_rate().total_cmp(&x.engagement_rate()).then_with(|| y.views.cmp(&x.views)),
        Rank::Views => y.views.cmp(&x.views).then_with(|| y.engagements().cmp(&x.engagements())),
    }
}

impl Summary {
    /// The `limit` best (`best = true`) or worst posts by `rank`.
    pub fn ranked_posts(&self, conn: &Connection, rank: Rank, best: bool, limit: u32) -> Result<Vec<RankedPost>> {
        let order = |a: &PostSums, b: &PostSums| {
            let o = better(rank, a, b);
            let o = if best { o } else { o.reverse() };
            o.then_with(|| a.post_k.cmp(&b.post_k))
        };
        let n = usize::try_from(limit).unwrap_or(usize::MAX);
        // The best n so far, in order: one comparison per post once it is full.
        let mut pool: Vec<&PostSums> = Vec::with_capacity(n.min(self.posts.len()) + 1);
        for p in &self.posts {
            if n == 0 || (rank == Rank::EngagementRate && p.sums.views <= 0) {
                continue;
            }
            if pool.len() == n && pool.last().is_some_and(|worst| order(p, worst) != Ordering::Less) {
                continue;
            }
            let at = pool.partition_point(|q| order(q, p) == Ordering::Less);
            pool.insert(at, p);
            pool.truncate(n);
        }
        pool.into_iter().map(|p| self.details(conn, p)).collect()
    }

    /// The post's own fields, for the few posts a list shows.
    fn details(&self, conn: &Connection, p: &PostSums) -> Result<RankedPost> {
        let post_id = id_of(conn, p.post_k)?.unwrap_or_default();
        let campaign_id = id_of(conn, p.campaign_k)?.unwrap_or_default();
        let mut stmt = conn.prepare_cached("SELECT caption, title FROM posts WHERE id = ?1")?;
        let (caption, title): (String, Option<String>) =
            stmt.query_row([&post_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?.unwrap_or_default();
        let mut stmt = conn.prepare_cached(
        "SELECT asset_id FROM post_targets WHERE post_id = ?1 AND asset_id IS NOT NULL ORDER BY created_at, id LIMIT 1",
    )?;
        let asset_id: Option<String> = stmt.query_row([&post_id], |r| r.get(0)).optional()?;
        // Names are in order, so the bits give them sorted.
        let platforms: Vec<String> =
            (0..64u16).filter(|i| p.platforms & (1u64 << i) != 0).map(|i| self.platform(i).to_string()).collect();
        Ok(RankedPost {
            post_id,
            campaign_id,
            caption,
            title,
            published_at: p.first_at,
            platforms,
            asset_id,
            sums: p.sums,
        })
    }
}

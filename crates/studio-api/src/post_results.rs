//! One post's results over time: every metric snapshot of each of its published targets, for the
//! post's results chart (the analytics screen aggregates; this shows how one post grew).
use serde::{Deserialize, Serialize};
use studio_core::clock::rfc3339;
use studio_core::post_results as store;
use studio_publish::PlatformId;

use crate::{ApiResult, Context};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MetricPoint {
    /// When the platform was asked (RFC 3339).
    pub at: String,
    /// `null` where the platform does not report the count.
    pub views: Option<f64>,
    pub likes: Option<f64>,
    pub comments: Option<f64>,
    pub shares: Option<f64>,
    pub saves: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TargetResults {
    pub target_id: String,
    pub platform: PlatformId,
    pub handle: String,
    pub published_at: Option<String>,
    pub post_url: Option<String>,
    /// Oldest first.
    pub points: Vec<MetricPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PostResults {
    pub post_id: String,
    /// Targets that are published or have metrics, by platform and handle.
    pub targets: Vec<TargetResults>,
}

/// A post's snapshots per target. An unknown or deleted post is `not_found`; a post not published
/// anywhere yet has no targets (an empty chart, not an error).
pub fn get(ctx: &Context, post_id: &str) -> ApiResult<PostResults> {
    let history = ctx.db().read(|conn| store::history(conn, post_id))?;
    let count = |v: Option<i64>| v.map(|n| n as f64);
    let targets = history
        .into_iter()
        // Accounts are connected through a known platform (`accounts::parse_platform`).
        .filter_map(|t| {
            let platform = PlatformId::parse(&t.platform)?;
            Some(TargetResults {
                target_id: t.target_id,
                platform,
                handle: t.handle,
                published_at: t.published_at.map(rfc3339),
                post_url: t.post_url,
                points: t
                    .points
                    .into_iter()
                    .map(|p| MetricPoint {
                        at: rfc3339(p.captured_at),
                        views: count(p.views),
                        likes: count(p.likes),
                        comments: count(p.comments),
                        shares: count(p.shares),
                        saves: count(p.saves),
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(PostResults { post_id: post_id.to_string(), targets })
}

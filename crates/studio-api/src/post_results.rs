//! One post's results over time: every metric snapshot of each of its published targets, for the
//! post's results chart (the analytics screen aggregates; this shows how one post grew).
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use studio_core::clock::rfc3339;
use studio_core::StoreError;
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
    let db = ctx.db();
    Ok(db.read(|conn| read(conn, post_id))?)
}

fn read(conn: &Connection, post_id: &str) -> Result<PostResults, StoreError> {
    // An unknown or deleted post is `not_found`, as everywhere else.
    studio_core::posts::load_post(conn, post_id)?;
    let mut targets = conn.prepare(
        "SELECT t.id, a.platform, coalesce(a.handle, a.display_name, a.platform_user_id, ''), t.published_at, t.post_url
         FROM post_targets t
         JOIN accounts a ON a.id = t.account_id
         WHERE t.post_id = ?1 AND t.deleted_at IS NULL
           AND (t.state = 'published'
                OR EXISTS (SELECT 1 FROM metric_snapshots m WHERE m.post_target_id = t.id AND m.deleted_at IS NULL))
         ORDER BY a.platform, a.handle, t.id",
    )?;
    let mut points = conn.prepare(
        "SELECT captured_at, views, likes, comments, shares, saves FROM metric_snapshots
         WHERE post_target_id = ?1 AND deleted_at IS NULL ORDER BY captured_at, id",
    )?;
    let rows = targets
        .query_map(params![post_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, Option<i64>>(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<Vec<(String, String, String, Option<i64>, Option<String>)>>>()?;
    let count = |r: &rusqlite::Row<'_>, i: usize| r.get::<_, Option<i64>>(i).map(|v| v.map(|n| n as f64));
    let mut out = Vec::with_capacity(rows.len());
    for (target_id, platform, handle, published_at, post_url) in rows {
        let points = points
            .query_map([&target_id], |r| {
                Ok(MetricPoint {
                    at: rfc3339(r.get(0)?),
                    views: count(r, 1)?,
                    likes: count(r, 2)?,
                    comments: count(r, 3)?,
                    shares: count(r, 4)?,
                    saves: count(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Accounts are connected through a known platform (`accounts::parse_platform`).
        let Some(platform) = PlatformId::parse(&platform) else { continue };
        out.push(TargetResults {
            target_id,
            platform,
            handle,
            published_at: published_at.map(rfc3339),
            post_url,
            points,
        });
    }
    Ok(PostResults { post_id: post_id.to_string(), targets: out })
}

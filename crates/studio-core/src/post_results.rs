//! One post's results over time, as stored: each published (or measured) target of the post with
//! every live metric snapshot, oldest first. The analytics read model keeps only the latest
//! snapshot per target; a post's own chart needs the whole history, so it reads the snapshots.
use rusqlite::{params, Connection};

use crate::error::Result;

/// One live snapshot's counts; `None` where the platform does not report the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPoint {
    /// UTC ms when the platform was asked.
    pub captured_at: i64,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
}

/// A target that is published or has metrics, with its snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHistory {
    pub target_id: String,
    pub platform: String,
    /// The handle, else the display name, else the platform's user id, else empty.
    pub handle: String,
    pub published_at: Option<i64>,
    pub post_url: Option<String>,
    /// Oldest first.
    pub points: Vec<SnapshotPoint>,
}

/// The post's targets (by platform and handle) with their snapshots. An unknown or deleted post
/// is `NotFound`, as everywhere else; a post published nowhere yet has no targets.
pub fn history(conn: &Connection, post_id: &str) -> Result<Vec<TargetHistory>> {
    crate::posts::load_post(conn, post_id)?;
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
            Ok(TargetHistory {
                target_id: r.get(0)?,
                platform: r.get(1)?,
                handle: r.get(2)?,
                published_at: r.get(3)?,
                post_url: r.get(4)?,
                points: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for mut t in rows {
        t.points = points
            .query_map([&t.target_id], |r| {
                Ok(SnapshotPoint {
                    captured_at: r.get(0)?,
                    views: r.get(1)?,
                    likes: r.get(2)?,
                    comments: r.get(3)?,
                    shares: r.get(4)?,
                    saves: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(t);
    }
    Ok(out)
}

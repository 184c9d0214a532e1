//! Score vs actual: each published target's latest prediction against what it got.
use rusqlite::{params_from_iter, Connection};

use super::Filter;
use crate::error::Result;

/// A prediction and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePair {
    pub target_id: String,
    pub post_id: String,
    pub platform: String,
    pub score: f64,
    pub model_kind: String,
    pub views: i64,
    pub engagement_rate: f64,
}

/// The latest score of each published target in the filter against its actual engagement.
pub fn score_pairs(conn: &Connection, f: &Filter, limit: u32) -> Result<Vec<ScorePair>> {
    // Driven from the filtered rows, newest first in index order (no sort), one probe of
    // scores_by_target per row, stopping at `limit` pairs.
    let (w, vals) = f.clause(conn)?;
    let sql = format!(
        "SELECT t.target_id, (SELECT id FROM analytics_keys WHERE k = t.post_k), t.platform, s.score, s.model_kind,
                t.views, t.likes + t.comments + t.shares + t.saves
         FROM (SELECT * FROM analytics_targets {w}) t
         JOIN scores s ON s.id = (SELECT x.id FROM scores x WHERE x.post_target_id = t.target_id
                                  AND x.deleted_at IS NULL ORDER BY x.created_at DESC, x.id DESC LIMIT 1)
         ORDER BY t.published_at DESC LIMIT {limit}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        let views: i64 = r.get(5)?;
        let eng: i64 = r.get(6)?;
        Ok(ScorePair {
            target_id: r.get(0)?,
            post_id: r.get(1)?,
            platform: r.get(2)?,
            score: r.get(3)?,
            model_kind: r.get(4)?,
            views,
            engagement_rate: if views > 0 { eng as f64 / views as f64 } else { 0.0 },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

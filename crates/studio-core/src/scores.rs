//! The `scores` table and the published history the score learns from.
//!
//! Every published post keeps the score it went out with (one `scores` row per target); the
//! learning in studio-api pairs those with each target's latest snapshot. Scoring itself
//! (studio-score) and measuring video (studio-media) stay out of the store: this module only
//! reads what is missing and writes what was computed.
use rusqlite::params;

use crate::clock::now_ms;
use crate::error::Result;
use crate::ids::new_id;
use crate::Db;

/// A published target of an account that has no score row yet, with what scoring it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unscored {
    pub target_id: String,
    /// The render, else the asset, else the post's media reference.
    pub media: Option<String>,
    pub caption: String,
    pub title: Option<String>,
    pub overrides_json: String,
    pub published_at: i64,
    pub timezone: Option<String>,
}

/// The account's published targets without a live score row.
pub fn unscored(db: &Db, account_id: &str) -> Result<Vec<Unscored>> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT t.id, coalesce(t.render_id, t.asset_id, p.media_ref), p.caption, p.title, t.overrides_json,
                    t.published_at, p.timezone
               FROM post_targets t JOIN posts p ON p.id = t.post_id
              WHERE t.account_id = ?1 AND t.state = 'published' AND t.published_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL)",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok(Unscored {
                target_id: r.get(0)?,
                media: r.get(1)?,
                caption: r.get(2)?,
                title: r.get(3)?,
                overrides_json: r.get(4)?,
                published_at: r.get(5)?,
                timezone: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    })
}

/// A score computed with the platform's prior model.
pub struct PriorScore<'a> {
    pub target_id: &'a str,
    pub platform: &'a str,
    /// 0 to 100.
    pub score: f64,
    pub model_version: &'a str,
    /// The factors as JSON (`studio_score::Factor`s), for refitting later.
    pub factors_json: &'a str,
}

/// Records the score a target went out with.
pub fn record_prior(db: &mut Db, s: &PriorScore<'_>) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO scores (id, post_target_id, platform, score, model_kind, model_version, factors_json,
                                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'prior', ?5, ?6, ?7, ?7)",
            params![new_id(), s.target_id, s.platform, s.score, s.model_version, s.factors_json, now],
        )?;
        Ok(())
    })
}

/// A published target's first recorded factors and latest counters (`None`: not reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub published_at: i64,
    pub factors_json: Option<String>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
}

/// The account's published targets that have at least one live snapshot, with the latest one.
pub fn outcomes(db: &Db, account_id: &str) -> Result<Vec<Outcome>> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT t.published_at,
                (SELECT s.factors_json FROM scores s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
                  ORDER BY s.created_at LIMIT 1),
                m.views, m.likes, m.comments, m.shares, m.saves
           FROM post_targets t
           JOIN metric_snapshots m ON m.id = (SELECT id FROM metric_snapshots
                                               WHERE post_target_id = t.id AND deleted_at IS NULL
                                               ORDER BY captured_at DESC LIMIT 1)
          WHERE t.account_id = ?1 AND t.state = 'published' AND t.published_at IS NOT NULL",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok(Outcome {
                published_at: r.get(0)?,
                factors_json: r.get(1)?,
                views: r.get(2)?,
                likes: r.get(3)?,
                comments: r.get(4)?,
                shares: r.get(5)?,
                saves: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One account with two published posts (one measured twice) and one still queued.
    fn seeded() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let mut db = Db::open(&dir.path().join("studio.db")).expect("db");
        db.write(|tx| {
            tx.execute_batch(
                "INSERT INTO campaigns (id, name, timezone, created_at, updated_at) VALUES ('c', 'C', 'UTC', 0, 0);
                 INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES ('a', 'tiktok', 'h', 0, 0);
                 INSERT INTO posts (id, campaign_id, caption, state, created_at, updated_at)
                   VALUES ('p1', 'c', 'one', 'done', 0, 0), ('p2', 'c', 'two', 'done', 0, 0),
                          ('p3', 'c', 'three', 'scheduled', 0, 0);
                 INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, created_at, updated_at)
                   VALUES ('t1', 'p1', 'a', 'published', 't1', 1000, 0, 0),
                          ('t2', 'p2', 'a', 'published', 't2', 2000, 0, 0),
                          ('t3', 'p3', 'a', 'queued', 't3', NULL, 0, 0);
                 INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, created_at, updated_at)
                   VALUES ('m1', 't1', 5000, 10, 1, 0, 0), ('m2', 't1', 9000, 40, 4, 0, 0);",
            )?;
            Ok(())
        })
        .expect("seed");
        (dir, db)
    }

    #[test]
    fn a_recorded_score_is_no_longer_missing_and_outcomes_use_the_latest_snapshot() {
        let (_d, mut db) = seeded();
        let missing: Vec<String> = unscored(&db, "a").expect("unscored").into_iter().map(|u| u.target_id).collect();
        assert_eq!(missing.len(), 2, "only published targets: {missing:?}");
        let s = PriorScore { target_id: "t1", platform: "tiktok", score: 55.0, model_version: "v", factors_json: "[]" };
        record_prior(&mut db, &s).expect("record");
        let missing: Vec<String> = unscored(&db, "a").expect("unscored").into_iter().map(|u| u.target_id).collect();
        assert_eq!(missing, ["t2"]);
        let out = outcomes(&db, "a").expect("outcomes");
        assert_eq!(out.len(), 1, "a target without snapshots has no outcome");
        assert_eq!((out[0].views, out[0].likes, out[0].saves), (Some(40), Some(4), None));
        assert_eq!(out[0].factors_json.as_deref(), Some("[]"));
    }
}

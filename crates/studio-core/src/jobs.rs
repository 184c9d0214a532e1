//! Durable jobs: a row per unit of background work with its resumable state.
//!
//! So far only "publish now" uses it: the connector's checkpoints (every platform-side id) are
//! written here the moment they are known, so a crash mid-publish leaves a record of what the
//! platform already has. The scheduler's leases build on the same table.
use rusqlite::{params, OptionalExtension};

use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::Db;

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub payload_json: String,
    pub checkpoint_json: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A job that starts running now, owned by `owner` (no lease expiry: the caller is running it).
pub fn start(db: &mut Db, kind: &str, payload_json: &str, owner: &str) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO jobs (id, kind, state, run_at, payload_json, attempts, lease_owner, created_at, updated_at)
             VALUES (?1, ?2, 'running', ?3, ?4, 1, ?5, ?3, ?3)",
            params![id, kind, now, payload_json, owner],
        )?;
        Ok(())
    })?;
    Ok(id)
}

pub fn checkpoint(db: &mut Db, id: &str, checkpoint_json: &str) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        let n = tx.execute(
            "UPDATE jobs SET checkpoint_json = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
            params![id, checkpoint_json, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "job", id: id.to_string() });
        }
        Ok(())
    })
}

/// `state` is done, failed or needs_review (an outcome only the creator can settle).
pub fn finish(db: &mut Db, id: &str, state: &str, last_error: Option<&str>) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "UPDATE jobs SET state = ?2, last_error = ?3, lease_owner = NULL, updated_at = ?4, version = version + 1
              WHERE id = ?1",
            params![id, state, last_error, now],
        )?;
        Ok(())
    })
}

pub fn get(db: &Db, id: &str) -> Result<Job> {
    db.read(|c| {
        c.query_row(
            "SELECT id, kind, state, payload_json, checkpoint_json, attempts, last_error FROM jobs WHERE id = ?1",
            [id],
            |r| {
                Ok(Job {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    state: r.get(2)?,
                    payload_json: r.get(3)?,
                    checkpoint_json: r.get(4)?,
                    attempts: r.get(5)?,
                    last_error: r.get(6)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound { entity: "job", id: id.to_string() })
    })
}

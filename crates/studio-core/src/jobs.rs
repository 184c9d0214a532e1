//! Durable jobs: a row per unit of background work with its resumable state.
//!
//! The publisher claims them under leases (publish, replies, metrics, render ahead: see
//! `JobKind`); "publish now" records its checkpoints here. A target's own state lives in
//! `targets`; this module only moves jobs.
use rusqlite::{params, OptionalExtension, Transaction};

use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::targets::JobKind;
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
pub fn start(db: &mut Db, kind: JobKind, payload_json: &str, owner: &str) -> Result<String> {
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

/// Queues a job of `kind` about `ref_id` (a post target) to run at `run_at`.
pub fn enqueue(tx: &Transaction<'_>, kind: JobKind, ref_id: &str, run_at: i64, now: i64) -> Result<String> {
    enqueue_with(tx, kind, ref_id, run_at, "{}", now)
}

/// `enqueue` with a payload (a metrics round, a render preset).
pub fn enqueue_with(
    tx: &Transaction<'_>,
    kind: JobKind,
    ref_id: &str,
    run_at: i64,
    payload_json: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    tx.execute(
        "INSERT INTO jobs (id, kind, state, run_at, due_at, ref_id, payload_json, created_at, updated_at)
         VALUES (?1, ?2, 'queued', ?3, ?3, ?4, ?6, ?5, ?5)",
        params![id, kind, run_at, ref_id, now, payload_json],
    )?;
    Ok(id)
}

/// Moves a target's waiting publish job to `at` (a new schedule), or queues one.
pub fn move_publish(tx: &Transaction<'_>, ref_id: &str, at: i64, now: i64) -> Result<()> {
    let moved = tx.execute(
        "UPDATE jobs SET run_at = ?2, due_at = ?2, state = 'queued', attempts = 0, updated_at = ?3,
                version = version + 1
          WHERE ref_id = ?1 AND kind = 'publish' AND state IN ('queued', 'needs_review')",
        params![ref_id, at, now],
    )?;
    if moved == 0 {
        enqueue(tx, JobKind::Publish, ref_id, at, now)?;
    }
    Ok(())
}

/// The creator retries a target: its publish job runs now as a first attempt (or a new one is
/// queued). A running job is left alone.
pub fn rerun_publish(tx: &Transaction<'_>, ref_id: &str, now: i64) -> Result<()> {
    let moved = tx.execute(
        "UPDATE jobs SET state = 'queued', run_at = ?2, due_at = ?2, attempts = 0, lease_owner = NULL,
                lease_expires_at = NULL, updated_at = ?2, version = version + 1
          WHERE ref_id = ?1 AND kind = 'publish' AND state <> 'running'",
        params![ref_id, now],
    )?;
    if moved == 0 {
        enqueue(tx, JobKind::Publish, ref_id, now, now)?;
    }
    Ok(())
}

/// The creator retries a live post's follow-ups: its replies job runs now (or a new one).
pub fn rerun_replies(tx: &Transaction<'_>, ref_id: &str, now: i64) -> Result<()> {
    let moved = tx.execute(
        "UPDATE jobs SET state = 'queued', run_at = ?2, attempts = 0, lease_owner = NULL, lease_expires_at = NULL,
                last_error = NULL, updated_at = ?2, version = version + 1
          WHERE ref_id = ?1 AND kind = 'replies' AND state <> 'running'",
        params![ref_id, now],
    )?;
    if moved == 0 {
        enqueue(tx, JobKind::Replies, ref_id, now, now)?;
    }
    Ok(())
}

/// Cancels every unfinished job of a target (the target is gone).
pub fn cancel_all(tx: &Transaction<'_>, ref_id: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE jobs SET state = 'cancelled', updated_at = ?2 WHERE ref_id = ?1 AND state IN ('queued', 'running')",
        params![ref_id, now],
    )?;
    Ok(())
}

/// Cancels a target's jobs that wait (queued, or held for review); a running one is not touched.
pub fn cancel_waiting(tx: &Transaction<'_>, ref_id: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE jobs SET state = 'cancelled', lease_owner = NULL, updated_at = ?2
          WHERE ref_id = ?1 AND state IN ('queued', 'needs_review')",
        params![ref_id, now],
    )?;
    Ok(())
}

/// Is a publish of this target running right now (in this or another process)?
pub fn publish_running(tx: &Transaction<'_>, ref_id: &str) -> Result<bool> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM jobs WHERE ref_id = ?1 AND kind = 'publish' AND state = 'running'",
        [ref_id],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Is a render ahead of time of this target queued or running?
pub fn render_pending(tx: &Transaction<'_>, ref_id: &str) -> Result<bool> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM jobs WHERE ref_id = ?1 AND kind = 'render' AND state IN ('queued', 'running')",
        [ref_id],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The creator posted it: the target's unfinished publish jobs are done, and say why.
pub fn close_publish_marked_posted(tx: &Transaction<'_>, ref_id: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE jobs SET state = 'done', last_error = 'marked as posted by the creator', updated_at = ?2
          WHERE ref_id = ?1 AND kind = 'publish' AND state IN ('queued', 'needs_review', 'failed')",
        params![ref_id, now],
    )?;
    Ok(())
}

/// The target is published: its other publish jobs (a duplicate queued after a takeover) are done.
pub fn close_other_publish(tx: &Transaction<'_>, ref_id: &str, except_job: &str) -> Result<()> {
    tx.execute(
        "UPDATE jobs SET state = 'done' WHERE ref_id = ?1 AND kind = 'publish' AND state IN ('queued', 'running') AND id <> ?2",
        params![ref_id, except_job],
    )?;
    Ok(())
}

/// First-attempt publish jobs due by `now`: (within the grace window, older than it).
pub fn due_first_attempts(db: &Db, now: i64, grace_ms: i64) -> Result<(i64, i64)> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FILTER (WHERE coalesce(due_at, run_at) >= ?1 - ?2),
                    count(*) FILTER (WHERE coalesce(due_at, run_at) < ?1 - ?2)
               FROM jobs WHERE kind = 'publish' AND state = 'queued' AND run_at <= ?1 AND attempts = 0",
            params![now, grace_ms],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?)
    })
}

/// A job handed to a worker under a lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: String,
    pub kind: String,
    pub ref_id: String,
    pub account_id: String,
    pub platform: String,
    /// When it was first due (its post's time), and when this run was due (after backoff).
    pub due_at: i64,
    pub run_at: i64,
    /// Runs so far including this one.
    pub attempts: i64,
    /// A previous owner's lease ran out mid-run (crash): resume from the target's checkpoint.
    pub recovered: bool,
}

/// How many jobs may run at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub total: usize,
    pub per_account: usize,
    pub per_platform: usize,
}

/// Claims due jobs for `owner`, who must hold the publisher lease `lease` (checked in the same
/// transaction, so a process that lost its lease can never claim). Jobs whose previous owner's
/// lease expired are taken over. Per-account and per-platform limits count jobs already running.
pub fn claim_due(
    db: &mut Db,
    lease: &str,
    owner: &str,
    kinds: &[JobKind],
    now: i64,
    lease_ms: i64,
    limits: Limits,
) -> Result<Vec<Claimed>> {
    db.write(|tx| {
        if !crate::leases::held_in(tx, lease, owner, now)? {
            return Ok(Vec::new());
        }
        let mut running_by_account: std::collections::HashMap<String, usize> = Default::default();
        let mut running_by_platform: std::collections::HashMap<String, usize> = Default::default();
        let mut total = 0usize;
        {
            let mut stmt = tx.prepare(
                "SELECT t.account_id, a.platform FROM jobs j
                   JOIN post_targets t ON t.id = j.ref_id JOIN accounts a ON a.id = t.account_id
                  WHERE j.state = 'running' AND j.lease_expires_at >= ?1",
            )?;
            let rows = stmt.query_map([now], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (account, platform) = row?;
                *running_by_account.entry(account).or_default() += 1;
                *running_by_platform.entry(platform).or_default() += 1;
                total += 1;
            }
        }
        if total >= limits.total {
            return Ok(Vec::new());
        }
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let kinds_json = serde_json::to_string(&kinds).map_err(|e| StoreError::Decode(e.to_string()))?;
        let candidates: Vec<Claimed> = {
            let mut stmt = tx.prepare(
                "SELECT j.id, j.kind, j.ref_id, t.account_id, a.platform, coalesce(j.due_at, j.run_at), j.run_at, j.attempts,
                        j.state = 'running'
                   FROM jobs j
                   JOIN post_targets t ON t.id = j.ref_id
                   JOIN accounts a ON a.id = t.account_id
                  WHERE j.kind IN (SELECT value FROM json_each(?2)) AND j.deleted_at IS NULL
                    AND ((j.state = 'queued' AND j.run_at <= ?1) OR (j.state = 'running' AND j.lease_expires_at < ?1))
                    AND (a.paused_until IS NULL OR a.paused_until <= ?1)
                    AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.ref_id = j.ref_id AND r.kind = 'render'
                                      AND j.kind = 'publish' AND r.state IN ('queued', 'running'))
                  ORDER BY j.run_at, j.id
                  LIMIT 500",
            )?;
            let rows = stmt
                .query_map(params![now, kinds_json], |r| {
                    Ok(Claimed {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        ref_id: r.get(2)?,
                        account_id: r.get(3)?,
                        platform: r.get(4)?,
                        due_at: r.get(5)?,
                        run_at: r.get(6)?,
                        attempts: r.get(7)?,
                        recovered: r.get(8)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mut claimed = Vec::new();
        for mut c in candidates {
            if total >= limits.total {
                break;
            }
            let acc = running_by_account.entry(c.account_id.clone()).or_default();
            let plat = running_by_platform.entry(c.platform.clone()).or_default();
            if *acc >= limits.per_account || *plat >= limits.per_platform {
                continue;
            }
            tx.execute(
                "UPDATE jobs SET state = 'running', lease_owner = ?2, lease_expires_at = ?3, heartbeat_at = ?4,
                        attempts = attempts + 1, updated_at = ?4, version = version + 1
                  WHERE id = ?1",
                params![c.id, owner, now + lease_ms, now],
            )?;
            c.attempts += 1;
            *acc += 1;
            *plat += 1;
            total += 1;
            claimed.push(c);
        }
        Ok(claimed)
    })
}

/// True while `owner` still holds the job's lease; used right before a step that must not run
/// twice (the final create-post call).
pub fn owns(tx: &Transaction<'_>, job_id: &str, owner: &str, now: i64) -> Result<bool> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM jobs WHERE id = ?1 AND state = 'running' AND lease_owner = ?2 AND lease_expires_at >= ?3",
        params![job_id, owner, now],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Ends a claimed job: `done`, `failed`, `cancelled` or `needs_review`. Only the lease owner may.
pub fn settle(
    tx: &Transaction<'_>,
    job_id: &str,
    owner: &str,
    state: &str,
    error: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE jobs SET state = ?3, last_error = ?4, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?5,
                version = version + 1
          WHERE id = ?1 AND lease_owner = ?2 AND state = 'running'",
        params![job_id, owner, state, error, now],
    )?;
    Ok(n > 0)
}

/// Puts a claimed job back in the queue to run again at `run_at` (backoff, retry-after).
pub fn requeue(
    tx: &Transaction<'_>,
    job_id: &str,
    owner: &str,
    run_at: i64,
    error: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE jobs SET state = 'queued', run_at = ?3, last_error = ?4, lease_owner = NULL, lease_expires_at = NULL,
                updated_at = ?5, version = version + 1
          WHERE id = ?1 AND lease_owner = ?2 AND state = 'running'",
        params![job_id, owner, run_at, error, now],
    )?;
    Ok(n > 0)
}

/// Counts by state for the health panel: (queued, due now, running, needs_review).
pub fn depth(db: &Db, now: i64) -> Result<(i64, i64, i64, i64)> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FILTER (WHERE state = 'queued'),
                    count(*) FILTER (WHERE state = 'queued' AND run_at <= ?1),
                    count(*) FILTER (WHERE state = 'running'),
                    count(*) FILTER (WHERE state = 'needs_review')
               FROM jobs WHERE kind IN ('publish', 'render', 'replies') AND deleted_at IS NULL",
            [now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?)
    })
}

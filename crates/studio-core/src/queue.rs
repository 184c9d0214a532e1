//! The posting queue as the scheduler and the Queue screen read it, and each account's posting
//! slots ("Mon/Wed/Fri 18:00 in the account's zone", migration 0003). The rules that pick a
//! free slot live in `when` and studio-api's scheduling; this module only holds their SQL.
use rusqlite::params;

use crate::error::Result;
use crate::when::Slot;
use crate::Db;

/// An account's posting slots, in weekday and minute order.
pub fn slots(db: &Db, account_id: &str) -> Result<Vec<Slot>> {
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT weekday, minute, timezone FROM queue_slots WHERE account_id = ?1 ORDER BY weekday, minute",
        )?;
        let rows = stmt
            .query_map([account_id], |r| Ok(Slot { weekday: r.get(0)?, minute: r.get(1)?, timezone: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// Replaces an account's slots with `slots` (weekday, minute of the day) in zone `timezone`, in
/// one transaction.
pub fn replace_slots(db: &mut Db, account_id: &str, slots: &[(u8, u32)], timezone: &str, now: i64) -> Result<()> {
    db.write(|tx| {
        tx.execute("DELETE FROM queue_slots WHERE account_id = ?1", [account_id])?;
        for (weekday, minute) in slots {
            tx.execute(
                "INSERT INTO queue_slots (id, account_id, weekday, minute, timezone, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![crate::ids::new_id(), account_id, weekday, minute, timezone, now],
            )?;
        }
        Ok(())
    })
}

/// Times already taken by scheduled posts of these accounts, other than `except_post` (a slot is
/// free when none is within a minute of it).
pub fn taken_times(db: &Db, account_ids: &[String], except_post: &str) -> Result<Vec<i64>> {
    let ids = serde_json::Value::from(account_ids.to_vec()).to_string();
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT DISTINCT p.scheduled_at FROM posts p JOIN post_targets t ON t.post_id = p.id
              WHERE p.deleted_at IS NULL AND p.scheduled_at IS NOT NULL AND p.id <> ?2
                AND t.account_id IN (SELECT value FROM json_each(?1)) AND t.state NOT IN ('cancelled', 'draft')",
        )?;
        let rows = stmt.query_map(params![ids, except_post], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(rows)
    })
}

/// A target waiting or in flight, as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub post_id: String,
    pub target_id: String,
    pub account_id: String,
    pub platform: String,
    pub handle: String,
    pub caption: String,
    pub scheduled_at: i64,
    pub state: String,
    pub attention: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
}

/// Targets waiting or in flight, soonest first, at most `limit`.
pub fn waiting(db: &Db, limit: u32) -> Result<Vec<Waiting>> {
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT p.id, t.id, t.account_id, a.platform, coalesce(a.handle, ''), p.caption, p.scheduled_at, t.state, t.attention,
                    t.attempts, t.next_attempt_at
               FROM post_targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
              WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL AND p.scheduled_at IS NOT NULL
                AND t.state IN ('queued', 'uploading', 'processing', 'unconfirmed')
              ORDER BY p.scheduled_at, t.id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(Waiting {
                    post_id: r.get(0)?,
                    target_id: r.get(1)?,
                    account_id: r.get(2)?,
                    platform: r.get(3)?,
                    handle: r.get(4)?,
                    caption: r.get(5)?,
                    scheduled_at: r.get(6)?,
                    state: r.get(7)?,
                    attention: r.get(8)?,
                    attempts: r.get(9)?,
                    next_attempt_at: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

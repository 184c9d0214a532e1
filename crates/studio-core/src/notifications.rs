//! What the creator must be told, and the scheduler's own history (restarts, catch-up, clock
//! jumps). Notifications are rows so that a headless daemon's news reaches the app later, and a
//! dedupe key so that bookkeeping repeated after a crash never tells the same thing twice.
use rusqlite::{params, Transaction};

use crate::error::Result;
use crate::ids::new_id;
use crate::Db;

#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub at: i64,
    /// published, failed, needs_attention or late.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub target_id: Option<String>,
    pub shown_at: Option<i64>,
    pub read_at: Option<i64>,
}

pub struct NewNotification<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub target_id: Option<&'a str>,
    pub dedupe_key: &'a str,
}

/// Records a notification unless one with the same dedupe key exists. Returns whether it is new.
pub fn push(tx: &Transaction<'_>, n: &NewNotification<'_>, now: i64) -> Result<bool> {
    let added = tx.execute(
        "INSERT INTO notifications (id, at, kind, title, body, target_id, dedupe_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (dedupe_key) DO NOTHING",
        params![new_id(), now, n.kind, n.title, n.body, n.target_id, n.dedupe_key],
    )?;
    Ok(added > 0)
}

const COLUMNS: &str = "id, at, kind, title, body, target_id, shown_at, read_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        at: r.get(1)?,
        kind: r.get(2)?,
        title: r.get(3)?,
        body: r.get(4)?,
        target_id: r.get(5)?,
        shown_at: r.get(6)?,
        read_at: r.get(7)?,
    })
}

pub fn recent(db: &Db, limit: u32) -> Result<Vec<Notification>> {
    db.read(|c| {
        let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM notifications ORDER BY at DESC, id DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// Takes the notifications nobody has shown yet and marks them shown, in one transaction, so two
/// windows (or an app restart) never pop the same one twice.
pub fn take_unshown(db: &mut Db, now: i64) -> Result<Vec<Notification>> {
    db.write(|tx| {
        let rows = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM notifications WHERE shown_at IS NULL ORDER BY at, id LIMIT 50"
            ))?;
            let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        for n in &rows {
            tx.execute("UPDATE notifications SET shown_at = ?2 WHERE id = ?1", params![n.id, now])?;
        }
        Ok(rows)
    })
}

pub fn mark_read(db: &mut Db, ids: &[String], now: i64) -> Result<()> {
    db.write(|tx| {
        for id in ids {
            tx.execute("UPDATE notifications SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL", params![id, now])?;
        }
        Ok(())
    })
}

pub fn unread_count(db: &Db) -> Result<i64> {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM notifications WHERE read_at IS NULL", [], |r| r.get(0))?))
}

/// One line of scheduler history.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerEvent {
    pub at: i64,
    pub owner: String,
    /// started, stopped, lease_acquired, lease_lost, worker_restart, catch_up, clock_jump, paused, resumed.
    pub kind: String,
    pub detail: Option<String>,
}

pub fn log_event(db: &mut Db, owner: &str, kind: &str, detail: Option<&str>, now: i64) -> Result<()> {
    db.write(|tx| {
        tx.execute(
            "INSERT INTO scheduler_events (id, at, owner, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new_id(), now, owner, kind, detail],
        )?;
        Ok(())
    })
}

pub fn events(db: &Db, kind: Option<&str>, limit: u32) -> Result<Vec<SchedulerEvent>> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT at, owner, kind, detail FROM scheduler_events WHERE (?1 IS NULL OR kind = ?1) ORDER BY at DESC, rowid DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![kind, limit], |r| Ok(SchedulerEvent { at: r.get(0)?, owner: r.get(1)?, kind: r.get(2)?, detail: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

pub fn count_events(db: &Db, kind: &str) -> Result<i64> {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM scheduler_events WHERE kind = ?1", [kind], |r| r.get(0))?))
}

//! Process-wide leases in SQLite: exactly one process (tray app or `studio daemon`) holds the
//! publisher lease and may claim publish jobs. A holder that stops heartbeating (crash, kill -9,
//! sleep) loses it when it expires; its running jobs' leases expire with it.
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;
use crate::Db;

pub const PUBLISHER: &str = "publisher";

#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub name: String,
    pub owner: String,
    /// Who holds it, for people: "studio daemon (pid 4242 on studio-box)".
    pub owner_label: String,
    pub acquired_at: i64,
    pub heartbeat_at: i64,
    pub expires_at: i64,
}

/// Takes the lease if it is free, expired, or already ours. Returns whether `owner` holds it.
pub fn acquire(db: &mut Db, name: &str, owner: &str, label: &str, now: i64, ttl_ms: i64) -> Result<bool> {
    db.write(|tx| {
        let current = load(tx, name)?;
        match current {
            Some(l) if l.owner != owner && l.expires_at >= now => Ok(false),
            Some(l) if l.owner == owner => {
                tx.execute(
                    "UPDATE leases SET heartbeat_at = ?3, expires_at = ?4 WHERE name = ?1 AND owner = ?2",
                    params![name, owner, now, now + ttl_ms],
                )?;
                Ok(true)
            }
            _ => {
                tx.execute(
                    "INSERT INTO leases (name, owner, owner_label, acquired_at, heartbeat_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?4, ?5)
                     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, owner_label = excluded.owner_label,
                         acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at,
                         expires_at = excluded.expires_at",
                    params![name, owner, label, now, now + ttl_ms],
                )?;
                Ok(true)
            }
        }
    })
}

/// Extends the lease and the leases of every job `owner` is running. Returns false if the lease
/// was lost (expired and taken): the caller must stop claiming and stop before any final call.
pub fn heartbeat(db: &mut Db, name: &str, owner: &str, now: i64, ttl_ms: i64) -> Result<bool> {
    db.write(|tx| {
        let n = tx.execute(
            "UPDATE leases SET heartbeat_at = ?3, expires_at = ?4 WHERE name = ?1 AND owner = ?2",
            params![name, owner, now, now + ttl_ms],
        )?;
        if n == 0 {
            return Ok(false);
        }
        tx.execute(
            "UPDATE jobs SET lease_expires_at = ?2, heartbeat_at = ?3 WHERE lease_owner = ?1 AND state = 'running'",
            params![owner, now + ttl_ms, now],
        )?;
        Ok(true)
    })
}

pub fn release(db: &mut Db, name: &str, owner: &str) -> Result<()> {
    db.write(|tx| {
        tx.execute("DELETE FROM leases WHERE name = ?1 AND owner = ?2", params![name, owner])?;
        Ok(())
    })
}

const COLUMNS: &str = "name, owner, owner_label, acquired_at, heartbeat_at, expires_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Lease> {
    Ok(Lease {
        name: r.get(0)?,
        owner: r.get(1)?,
        owner_label: r.get(2)?,
        acquired_at: r.get(3)?,
        heartbeat_at: r.get(4)?,
        expires_at: r.get(5)?,
    })
}

fn load_in(c: &rusqlite::Connection, name: &str) -> Result<Option<Lease>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM leases WHERE name = ?1"), [name], from_row).optional()?)
}

pub fn holder(db: &Db, name: &str) -> Result<Option<Lease>> {
    db.read(|c| load_in(c, name))
}

fn load(tx: &Transaction<'_>, name: &str) -> Result<Option<Lease>> {
    load_in(tx, name)
}

/// Inside a transaction: does `owner` hold a live lease `name`?
pub fn held_in(tx: &Transaction<'_>, name: &str, owner: &str, now: i64) -> Result<bool> {
    Ok(load(tx, name)?.is_some_and(|l| l.owner == owner && l.expires_at >= now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_until_it_expires() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut db = Db::open(&dir.path().join("t.db")).expect("open");
        assert!(acquire(&mut db, PUBLISHER, "a", "app", 1_000, 100).expect("a"));
        assert!(!acquire(&mut db, PUBLISHER, "b", "daemon", 1_050, 100).expect("b waits"));
        assert!(heartbeat(&mut db, PUBLISHER, "a", 1_090, 100).expect("a beats"));
        assert!(!acquire(&mut db, PUBLISHER, "b", "daemon", 1_150, 100).expect("still a's"));
        assert!(acquire(&mut db, PUBLISHER, "b", "daemon", 1_191, 100).expect("expired: b takes it"));
        assert!(!heartbeat(&mut db, PUBLISHER, "a", 1_200, 100).expect("a lost it"));
        assert_eq!(holder(&db, PUBLISHER).expect("holder").map(|l| l.owner_label), Some("daemon".into()));
        release(&mut db, PUBLISHER, "b").expect("release");
        assert!(holder(&db, PUBLISHER).expect("holder").is_none());
    }
}

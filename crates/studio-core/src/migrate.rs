//! Versioned, transactional schema migrations.
//!
//! All pending migrations run in one `BEGIN IMMEDIATE` transaction: two processes opening the
//! same new file serialize here, and a failing migration leaves the database exactly as it was.
//! `PRAGMA user_version` records the schema; a database from a newer build is refused rather than
//! half-understood.
use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, StoreError};

/// Marks the file as ours ("VSTD"), so a foreign SQLite file is refused instead of migrated.
pub const APPLICATION_ID: i32 = 0x5653_5444;

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/local_migrations.rs"));

/// The schema version this build writes.
pub fn latest(migrations: &[Migration]) -> u32 {
    migrations.last().map_or(0, |m| m.version)
}

/// Brings the database up to the newest known schema; returns the resulting version.
pub fn apply(conn: &mut Connection, path: &Path, migrations: &[Migration]) -> Result<u32> {
    let supported = latest(migrations);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let app_id: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;

    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("application id {app_id:#x} belongs to another program"),
        });
    }
    if current == 0 {
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 && app_id != APPLICATION_ID {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: "an SQLite file from another program".into(),
            });
        }
    }
    if current > supported {
        return Err(StoreError::NewerSchema { path: path.to_path_buf(), found: current, supported });
    }
    if current == supported {
        return Ok(current);
    }

    for m in migrations.iter().filter(|m| m.version > current) {
        tracing::info!(version = m.version, name = m.name, "applying migration");
        tx.execute_batch(m.sql).map_err(|source| StoreError::Migration { version: m.version, name: m.name, source })?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(supported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_are_contiguous_from_one() {
        for (i, m) in LOCAL.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(!m.sql.trim().is_empty(), "{} is empty", m.name);
            assert!(!m.sql.to_uppercase().contains("BEGIN TRANSACTION"), "{} manages its own transaction", m.name);
        }
    }
}

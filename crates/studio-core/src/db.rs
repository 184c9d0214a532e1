//! The SQLite handle shared by the app, the CLI and the daemon.
//!
//! WAL lets readers and one writer work at once across processes; `busy_timeout` makes a second
//! writer wait instead of failing; writes start with `BEGIN IMMEDIATE` because a deferred
//! transaction that reads first cannot later upgrade to a write lock (SQLITE_BUSY_SNAPSHOT).
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::migrate::{self, Migration};

const BUSY_TIMEOUT: Duration = Duration::from_secs(15);
/// 32 MiB of page cache (negative: KiB) instead of SQLite's 2 MiB: the analytics screens read
/// the whole analytics rollup (~10 MB at 100k published targets) and should not re-read it from
/// the OS for every chart.
const CACHE_KIB: i64 = -32_768;

pub struct Db {
    conn: Connection,
    path: PathBuf,
    schema_version: u32,
    /// Read-only connections for work split across cores ([`Db::read_split`]), kept once opened.
    helpers: Vec<Connection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).field("schema_version", &self.schema_version).finish()
    }
}

impl Db {
    /// Opens (creating if needed) the database and applies this build's migrations.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, migrate::LOCAL)
    }

    /// Like [`Db::open`] with an explicit migration list (tests use this for upgrade paths).
    pub fn open_with(path: &Path, migrations: &[Migration]) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io { path: parent.to_path_buf(), source })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let with_path = |e: StoreError| at_path(e, path);
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| with_path(e.into()))?;
        configure(&conn).map_err(with_path)?;
        let schema_version = migrate::apply(&mut conn, path, migrations).map_err(with_path)?;
        Ok(Self { conn, path: path.to_path_buf(), schema_version, helpers: Vec::new() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// Runs read-only work. Several statements see one snapshot only if `f` opens a transaction.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.conn).map_err(|e| at_path(e, &self.path))
    }

    /// Runs read-only work that may be split across threads: `f` gets this handle's connection
    /// and up to `threads - 1` read-only connections to the same file, one per extra thread. A
    /// helper that cannot be opened is logged and done without (the work then uses fewer threads).
    pub fn read_split<T>(
        &mut self,
        threads: usize,
        f: impl FnOnce(&Connection, &mut [Connection]) -> Result<T>,
    ) -> Result<T> {
        let wanted = threads.saturating_sub(1);
        while self.helpers.len() < wanted {
            match open_helper(&self.path) {
                Ok(c) => self.helpers.push(c),
                Err(e) => {
                    tracing::warn!(error = %e, "could not open a read connection; splitting less");
                    break;
                }
            }
        }
        let n = wanted.min(self.helpers.len());
        f(&self.conn, &mut self.helpers[..n]).map_err(|e| at_path(e, &self.path))
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it is committed or none of it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let run = || -> Result<T> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| at_path(e, &path))
    }
}

fn open_helper(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    tune(&conn)?;
    Ok(conn)
}

/// What every connection to the file gets, read-only helpers included.
fn tune(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    tune(conn)?;
    // The first statement touches the file header: a non-database file fails here, clearly.
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite refused WAL mode; concurrent access will be slower");
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // NORMAL under WAL survives application crashes (kill -9); only an OS crash can lose the
    // last commits, and never corrupts the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// Corruption detected deep inside rusqlite has no path; the caller knows it.
fn at_path(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::Corrupt { path: p, detail } if p.as_os_str().is_empty() => {
            StoreError::Corrupt { path: path.to_path_buf(), detail }
        }
        other => other,
    }
}

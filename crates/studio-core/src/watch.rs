//! Notices commits another connection made to the database: the CLI, a `studio daemon`, or the
//! app's own publisher thread. The app turns each notice into a `DataChanged` event so the window
//! refreshes without polling its queries.
//!
//! `PRAGMA data_version` on a connection of its own answers "did anyone else commit since I last
//! asked?" from the WAL index in shared memory: no table is read, so asking every half second
//! costs next to nothing, whatever the database's size. Asked on a process's writing connection
//! instead ([`others_version`]), the same pragma ignores that process's own commits, which tells
//! a change made by another process from one made here.
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;
use crate::Db;

#[derive(Debug)]
pub struct ChangeWatcher {
    conn: Connection,
    last: i64,
}

impl ChangeWatcher {
    /// Opens a read-only connection of its own to `path` (it must stay separate from every
    /// connection that writes: `data_version` ignores the asking connection's own commits).
    pub fn open(path: &Path) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        let last = data_version(&conn)?;
        Ok(Self { conn, last })
    }

    /// True when some other connection committed since the previous call (or since `open`).
    pub fn changed(&mut self) -> Result<bool> {
        let now = data_version(&self.conn)?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}

/// A value that changes whenever a connection other than `db`'s own commits (compare two calls).
pub fn others_version(db: &Db) -> Result<i64> {
    db.read(data_version)
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

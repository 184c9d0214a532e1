//! Notices what another connection committed to the database: the CLI, a `studio daemon`, or the
//! app's own publisher thread. The app turns each notice into a `DataChanged` event so the window
//! refreshes exactly the data that moved, without polling its queries.
//!
//! Two cheap questions, asked on a read-only connection of its own:
//! - `PRAGMA data_version`: "did anyone commit since I last asked?", answered from the WAL index in
//!   shared memory without reading a table, so asking every half second costs next to nothing;
//! - only when it says yes, the `data_changes` counters (migration 0007), which triggers bump per
//!   kind of data ("topic"), so the answer names what changed. Lease heartbeats bump nothing, so an
//!   idle app with a publisher running announces nothing.
use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;
use crate::Db;

/// Each topic's change counter (`data_changes`), by topic name.
pub type Counters = BTreeMap<String, i64>;

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

    /// The counters as this connection sees them now.
    pub fn counters(&self) -> Result<Counters> {
        read_counters(&self.conn)
    }
}

/// The counters as `db`'s own connection sees them (right after its own commit, say).
pub fn counters(db: &Db) -> Result<Counters> {
    db.read(read_counters)
}

/// The topics whose counter differs between two readings (a topic missing from `before` counts).
pub fn moved(before: &Counters, now: &Counters) -> Vec<String> {
    now.iter().filter(|(topic, seq)| before.get(*topic) != Some(*seq)).map(|(topic, _)| topic.clone()).collect()
}

fn read_counters(conn: &Connection) -> Result<Counters> {
    let mut stmt = conn.prepare_cached("SELECT topic, seq FROM data_changes")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Counters>>()?)
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

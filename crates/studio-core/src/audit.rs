//! Append-only audit trail, written in the same transaction as the change it describes.
use rusqlite::Transaction;

use crate::clock::now_ms;
use crate::error::Result;
use crate::ids::new_id;

pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<&'a str>,
    pub detail: serde_json::Value,
}

pub fn record(tx: &Transaction<'_>, e: Entry<'_>) -> Result<()> {
    let now = now_ms();
    tx.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, detail_json, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?2, ?2)",
        rusqlite::params![new_id(), now, e.actor, e.action, e.entity_type, e.entity_id, e.detail.to_string()],
    )?;
    Ok(())
}

/// Number of audit entries about one entity; used by tests and the health view.
pub fn count_for(conn: &rusqlite::Connection, entity_type: &str, entity_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM audit_log WHERE entity_type = ?1 AND entity_id = ?2",
        [entity_type, entity_id],
        |r| r.get(0),
    )?)
}

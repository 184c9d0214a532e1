//! Which rows an analytics question counts, and how that becomes SQL over `analytics_targets`.
//! Its own file so the row readers (rows.rs) and the screen's entry points (mod.rs) can both use
//! it without importing each other.
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::error::Result;

/// Which rows count: all conditions are ANDed; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub campaign_id: Option<String>,
    pub account_id: Option<String>,
    pub platform: Option<String>,
    /// Published at or after this UTC instant (ms).
    pub from_ms: Option<i64>,
    /// Published before this UTC instant (ms, exclusive).
    pub to_ms: Option<i64>,
}

/// The integer key of a post, campaign or account id (migration 0005); -1 (matches nothing) for
/// an id that was never stored.
fn key_of(conn: &Connection, id: &str) -> Result<i64> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare_cached("SELECT k FROM analytics_keys WHERE id = ?1")?;
    Ok(stmt.query_row([id], |r| r.get(0)).optional()?.unwrap_or(-1))
}

impl Filter {
    /// The SQL conditions over `analytics_targets` (alias-free, ANDed) and their parameters. Only
    /// present conditions are written, so SQLite can pick the matching index.
    pub(super) fn conditions(&self, conn: &Connection) -> Result<(Vec<String>, Vec<Value>)> {
        let mut conds: Vec<String> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        let mut push = |sql: &str, v: Value| {
            vals.push(v);
            conds.push(format!("{sql} ?{}", vals.len()));
        };
        if let Some(c) = &self.campaign_id {
            push("campaign_k =", Value::Integer(key_of(conn, c)?));
        }
        if let Some(a) = &self.account_id {
            push("account_k =", Value::Integer(key_of(conn, a)?));
        }
        if let Some(p) = &self.platform {
            push("platform =", Value::Text(p.clone()));
        }
        if let Some(f) = self.from_ms {
            push("published_at >=", Value::Integer(f));
        }
        if let Some(t) = self.to_ms {
            push("published_at <", Value::Integer(t));
        }
        Ok((conds, vals))
    }

    /// [`Filter::conditions`] as a `WHERE` clause (empty without conditions).
    pub(super) fn clause(&self, conn: &Connection) -> Result<(String, Vec<Value>)> {
        let (conds, vals) = self.conditions(conn)?;
        let w = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
        Ok((w, vals))
    }
}

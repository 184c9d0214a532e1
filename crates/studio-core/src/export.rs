//! The rows behind the CSV exports (posts, targets, metric snapshots, revenue), rendered as text
//! cells. The store owns these queries so a schema change updates the export beside the table;
//! the API layer only writes the records to a file.
//!
//! Text a creator typed (captions, notes, names) that starts like a spreadsheet formula (`=`,
//! `+`, `-`, `@`) gets a leading `'`, so opening the file cannot run a formula smuggled into a
//! caption. Instants are written as RFC 3339, amounts as exact decimals in their currency.
use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::clock::rfc3339;
use crate::error::Result;
use crate::money::format_amount;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Posts,
    Targets,
    Metrics,
    Revenue,
}

/// How a column is written.
#[derive(Clone, Copy)]
enum Col {
    /// Copied as stored.
    Plain,
    /// Text a person typed: formula-looking values are defused.
    UserText,
    /// A UTC instant in ms, written as RFC 3339.
    Instant,
}

struct Query {
    headers: &'static [&'static str],
    cols: &'static [Col],
    sql: &'static str,
}

fn query(table: Table) -> Query {
    use Col::{Instant as I, Plain as P, UserText as U};
    match table {
        Table::Posts => Query {
            headers: &["id", "campaign_id", "campaign", "title", "caption", "state", "scheduled_at", "timezone", "created_at"],
            cols: &[P, P, U, U, U, P, I, P, I],
            sql: "SELECT p.id, p.campaign_id, c.name, p.title, p.caption, p.state, p.scheduled_at, p.timezone, p.created_at
                  FROM posts p JOIN campaigns c ON c.id = p.campaign_id
                  WHERE p.deleted_at IS NULL ORDER BY p.created_at, p.id",
        },
        Table::Targets => Query {
            headers: &[
                "id", "post_id", "account_id", "platform", "account", "state", "published_at", "post_url",
                "views", "likes", "comments", "shares", "saves", "metrics_at",
            ],
            cols: &[P, P, P, P, U, P, I, U, P, P, P, P, P, I],
            sql: "SELECT t.id, t.post_id, t.account_id, a.platform, coalesce(a.handle, a.display_name), t.state,
                         t.published_at, t.post_url, f.views, f.likes, f.comments, f.shares, f.saves, f.captured_at
                  FROM post_targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
                  LEFT JOIN analytics_targets f ON f.target_id = t.id
                  WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY t.created_at, t.id",
        },
        Table::Metrics => Query {
            headers: &[
                "id", "target_id", "post_id", "platform", "captured_at", "views", "likes", "comments", "shares",
                "saves", "watch_time_s",
            ],
            cols: &[P, P, P, P, I, P, P, P, P, P, P],
            sql: "SELECT m.id, m.post_target_id, t.post_id, a.platform, m.captured_at, m.views, m.likes, m.comments,
                         m.shares, m.saves, m.watch_time_s
                  FROM metric_snapshots m JOIN post_targets t ON t.id = m.post_target_id
                  JOIN accounts a ON a.id = t.account_id
                  WHERE m.deleted_at IS NULL ORDER BY m.post_target_id, m.captured_at, m.id",
        },
        Table::Revenue => Query {
            headers: &["id", "campaign_id", "campaign", "kind", "amount", "currency", "occurred_on", "note"],
            // The amount column is filled from amount_minor + currency below.
            cols: &[P, P, U, P, P, P, P, U],
            sql: "SELECT r.id, r.campaign_id, c.name, r.kind, r.amount_minor, r.currency, r.occurred_on, r.note
                  FROM revenue_entries r JOIN campaigns c ON c.id = r.campaign_id
                  WHERE r.deleted_at IS NULL ORDER BY r.campaign_id, r.occurred_on, r.id",
        },
    }
}

/// The header line of an export.
pub fn headers(table: Table) -> &'static [&'static str] {
    query(table).headers
}

/// A leading `'` keeps spreadsheet programs from evaluating typed text as a formula.
pub fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn cell(v: ValueRef<'_>, col: Col) -> String {
    match (v, col) {
        (ValueRef::Null, _) => String::new(),
        (ValueRef::Integer(ms), Col::Instant) => rfc3339(ms),
        (ValueRef::Integer(i), _) => i.to_string(),
        (ValueRef::Real(f), _) => f.to_string(),
        (ValueRef::Text(t), Col::UserText) => defuse(&String::from_utf8_lossy(t)),
        (ValueRef::Text(t), _) => String::from_utf8_lossy(t).into_owned(),
        (ValueRef::Blob(_), _) => String::new(),
    }
}

/// Streams every row of `table` as rendered cells to `each`, in a stable order, and returns how
/// many rows were passed. Rows are not collected first: an export of a large library stays
/// within constant memory. An error from `each` stops the walk and is returned.
pub fn each_record(conn: &Connection, table: Table, mut each: impl FnMut(&[String]) -> Result<()>) -> Result<u32> {
    let q = query(table);
    let mut stmt = conn.prepare(q.sql)?;
    let mut rows = stmt.query([])?;
    let mut n = 0u32;
    let mut record: Vec<String> = Vec::with_capacity(q.cols.len());
    while let Some(r) = rows.next()? {
        record.clear();
        for (i, col) in q.cols.iter().enumerate() {
            record.push(cell(r.get_ref(i)?, *col));
        }
        if table == Table::Revenue {
            // amount_minor -> exact decimal in its currency.
            let minor: i64 = r.get(4)?;
            let currency: String = r.get(5)?;
            record[4] = format_amount(minor, &currency);
        }
        each(&record)?;
        n += 1;
    }
    Ok(n)
}

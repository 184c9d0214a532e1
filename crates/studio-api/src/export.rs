//! CSV exports of posts, targets, metric snapshots and revenue, for spreadsheets and other tools.
//!
//! Rows stream from SQLite into a temporary file next to the destination, renamed into place when
//! complete: a failed export never leaves half a file under the chosen name. Text a creator typed
//! (captions, notes, names) that starts like a spreadsheet formula (`=`, `+`, `-`, `@`) gets a
//! leading `'`, so opening the file cannot run a formula smuggled into a caption.
use std::path::Path;

use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use studio_core::clock::rfc3339;

use crate::{ApiError, ApiResult, Context, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Posts,
    Targets,
    Metrics,
    Revenue,
}

impl ExportKind {
    pub fn parse(s: &str) -> ApiResult<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "posts" => Ok(Self::Posts),
            "targets" => Ok(Self::Targets),
            "metrics" | "snapshots" => Ok(Self::Metrics),
            "revenue" => Ok(Self::Revenue),
            other => Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("Cannot export \"{other}\". Choose posts, targets, metrics or revenue."),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExportReport {
    pub path: String,
    /// Data rows written (the header line not counted).
    pub rows: u32,
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

fn query(kind: ExportKind) -> Query {
    use Col::{Instant as I, Plain as P, UserText as U};
    match kind {
        ExportKind::Posts => Query {
            headers: &["id", "campaign_id", "campaign", "title", "caption", "state", "scheduled_at", "timezone", "created_at"],
            cols: &[P, P, U, U, U, P, I, P, I],
            sql: "SELECT p.id, p.campaign_id, c.name, p.title, p.caption, p.state, p.scheduled_at, p.timezone, p.created_at
                  FROM posts p JOIN campaigns c ON c.id = p.campaign_id
                  WHERE p.deleted_at IS NULL ORDER BY p.created_at, p.id",
        },
        ExportKind::Targets => Query {
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
        ExportKind::Metrics => Query {
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
        ExportKind::Revenue => Query {
            headers: &["id", "campaign_id", "campaign", "kind", "amount", "currency", "occurred_on", "note"],
            // The amount column is filled from amount_minor + currency below.
            cols: &[P, P, U, P, P, P, P, U],
            sql: "SELECT r.id, r.campaign_id, c.name, r.kind, r.amount_minor, r.currency, r.occurred_on, r.note
                  FROM revenue_entries r JOIN campaigns c ON c.id = r.campaign_id
                  WHERE r.deleted_at IS NULL ORDER BY r.campaign_id, r.occurred_on, r.id",
        },
    }
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

fn write_err(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("Cannot write {}: {e}", path.display()))
}

/// Writes a CSV file atomically (temp file + rename) from a row producer.
pub(crate) fn write_csv(
    out: &Path,
    fill: impl FnOnce(&mut csv::Writer<std::fs::File>) -> ApiResult<u32>,
) -> ApiResult<u32> {
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export.csv".into());
    let tmp = dir.join(format!(".{name}.part"));
    let file = std::fs::File::create(&tmp).map_err(|e| write_err(&tmp, e))?;
    let mut w = csv::Writer::from_writer(file);
    let result = fill(&mut w).and_then(|n| {
        w.flush().map_err(|e| write_err(&tmp, e))?;
        Ok(n)
    });
    drop(w);
    match result {
        Ok(n) => {
            std::fs::rename(&tmp, out).map_err(|e| write_err(out, e))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

pub fn csv(ctx: &Context, kind: ExportKind, out: &Path) -> ApiResult<ExportReport> {
    let q = query(kind);
    let rows = write_csv(out, |w| {
        w.write_record(q.headers).map_err(|e| write_err(out, e))?;
        let db = ctx.db();
        let n = db.read(|c| {
            let mut stmt = c.prepare(q.sql)?;
            let mut rows = stmt.query([])?;
            let mut n = 0u32;
            let mut record: Vec<String> = Vec::with_capacity(q.cols.len());
            while let Some(r) = rows.next()? {
                record.clear();
                for (i, col) in q.cols.iter().enumerate() {
                    record.push(cell(r.get_ref(i)?, *col));
                }
                if kind == ExportKind::Revenue {
                    // amount_minor -> exact decimal in its currency.
                    let minor: i64 = r.get(4)?;
                    let currency: String = r.get(5)?;
                    record[4] = studio_core::money::format_amount(minor, &currency);
                }
                if w.write_record(&record).is_err() {
                    return Err(studio_core::StoreError::Io {
                        path: out.to_path_buf(),
                        source: std::io::Error::other("write failed"),
                    });
                }
                n += 1;
            }
            Ok(n)
        })?;
        Ok(n)
    })?;
    tracing::info!(?kind, rows, path = %out.display(), "exported");
    Ok(ExportReport { path: out.display().to_string(), rows })
}

//! CSV exports of posts, targets, metric snapshots and revenue, for spreadsheets and other tools.
//!
//! The rows and their cells come from the store (`studio_core::export`, which also defuses
//! formula-looking text); here they stream into a temporary file next to the destination, renamed
//! into place when complete: a failed export never leaves half a file under the chosen name.
use std::path::Path;

use serde::{Deserialize, Serialize};
use studio_core::export::{self, Table};

use crate::{ApiError, ApiResult, Context, ErrorCode};

/// The report writer defuses its typed text the same way.
pub use studio_core::export::defuse;

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

impl From<ExportKind> for Table {
    fn from(k: ExportKind) -> Self {
        match k {
            ExportKind::Posts => Table::Posts,
            ExportKind::Targets => Table::Targets,
            ExportKind::Metrics => Table::Metrics,
            ExportKind::Revenue => Table::Revenue,
        }
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
    let table = Table::from(kind);
    let rows = write_csv(out, |w| {
        w.write_record(export::headers(table)).map_err(|e| write_err(out, e))?;
        let db = ctx.db();
        let n = db.read(|c| {
            export::each_record(c, table, |record| {
                w.write_record(record).map_err(|_| studio_core::StoreError::Io {
                    path: out.to_path_buf(),
                    source: std::io::Error::other("write failed"),
                })
            })
        })?;
        Ok(n)
    })?;
    tracing::info!(?kind, rows, path = %out.display(), "exported");
    Ok(ExportReport { path: out.display().to_string(), rows })
}

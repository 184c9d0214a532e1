//! Human tables or JSON, and errors in both forms.
use serde::Serialize;
use studio_api::ApiError;

pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn value<T: Serialize>(&self, v: &T, human: impl FnOnce() -> String) -> Result<(), ApiError> {
        if self.json {
            let s = serde_json::to_string_pretty(v)
                .map_err(|e| ApiError::new(studio_api::ErrorCode::Internal, format!("cannot encode output: {e}")))?;
            println!("{s}");
        } else {
            println!("{}", human());
        }
        Ok(())
    }

    pub fn error(&self, e: &ApiError) {
        eprintln!("error: {}", e.message);
        if self.json {
            // An ApiError is two strings; encoding cannot fail, but never panic on the error path.
            if let Ok(s) = serde_json::to_string(e) {
                println!("{s}");
            }
        }
    }
}

/// A plain left-aligned table; names may hold any Unicode, so widths count characters.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(printable(cell).chars().count());
        }
    }
    let fmt_row = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c = printable(c);
                let pad = w.saturating_sub(c.chars().count());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = vec![fmt_row(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.iter().map(|r| fmt_row(r.clone())));
    out.join("\n")
}

/// Control characters in user text (a newline in a name) would break the table and could
/// smuggle terminal escapes: show them escaped.
fn printable(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

/// How a command that ran to the end went.
pub enum Status {
    Ok,
    Partial,
}

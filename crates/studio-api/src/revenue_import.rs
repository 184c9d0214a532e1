//! Importing payout exports (CSV) into a campaign's revenue.
//!
//! Exports come from many dashboards: UTF-8 with or without a BOM, Windows-1252 from older
//! spreadsheet programs, commas, semicolons or tabs. The file's encoding and delimiter are
//! detected, a column mapping says which column is which field, and every row is validated on its
//! own: bad rows are reported with their line number and reason, good rows go in together in one
//! transaction. Each row gets an import key (the export's own id when mapped, else a hash of the
//! campaign and the normalized row), so importing the same file again adds nothing.
use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use studio_core::revenue::{self as store, ImportRow, NewRevenue};
use studio_core::StoreError;

use crate::{ApiError, ApiResult, Context, ErrorCode};

/// Exports are small; a bigger file is almost certainly the wrong file.
const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Rows shown in the mapping step.
const PREVIEW_ROWS: usize = 20;

/// The fields a column can be mapped to.
pub const FIELDS: [&str; 6] = ["amount", "currency", "date", "kind", "note", "external_id"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ColumnMapping {
    /// A header of the file, as shown in the preview.
    pub column: String,
    /// amount, currency, date, kind, note or external_id.
    pub field: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RevenueImportPreview {
    /// "UTF-8", "UTF-8 (BOM)" or "windows-1252".
    pub encoding: String,
    /// ",", ";" or "\t".
    pub delimiter: String,
    pub headers: Vec<String>,
    /// A mapping guessed from the header names (the UI's starting point).
    pub suggested: Vec<ColumnMapping>,
    /// The first rows, cell by cell.
    pub rows: Vec<Vec<String>>,
    pub total_rows: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RevenueImportRequest {
    pub campaign_id: String,
    pub path: String,
    /// Empty: the suggested mapping.
    pub mapping: Vec<ColumnMapping>,
    /// For files without a currency column (default: the campaign's budget currency).
    pub currency: Option<String>,
    /// For files without a kind column (default: payout). A string, not a `RevenueKind`: any
    /// case and spacing is accepted and an unknown kind is an `invalid_kind` row problem.
    pub kind: Option<String>,
    /// Validate and count only; nothing is stored.
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RowProblem {
    /// Line in the file (1 = the header line).
    pub line: u32,
    pub code: ErrorCode,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RevenueImportReport {
    pub dry_run: bool,
    pub encoding: String,
    pub delimiter: String,
    /// Data rows read.
    pub rows: u32,
    /// Rows stored now (in a dry run: rows that would be).
    pub imported: u32,
    /// Good rows already stored (an earlier import) or repeated in this file.
    pub duplicates: u32,
    pub rejected: Vec<RowProblem>,
}

/// The file's text and what it was written in.
struct Decoded {
    text: String,
    encoding: &'static str,
    delimiter: u8,
}

fn io_err(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("Cannot read {}: {e}", path.display()))
}

fn read(path: &Path) -> ApiResult<Decoded> {
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    if meta.len() > MAX_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidCsv,
            format!(
                "{} is {} MB; payout exports are much smaller. Is it the right file?",
                path.display(),
                meta.len() >> 20
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let (text, encoding) = decode(&bytes);
    let delimiter = detect_delimiter(&text);
    Ok(Decoded { text, encoding, delimiter })
}

/// A BOM decides; else valid UTF-8 is UTF-8; else Windows-1252 (a superset of Latin-1's printable
/// characters, what spreadsheet programs write as "ANSI").
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let name = if enc == encoding_rs::UTF_8 { "UTF-8 (BOM)" } else { enc.name() };
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// The candidate that splits the header line most often (quoted text ignored); comma on a tie.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn delimiter_text(d: u8) -> String {
    (d as char).to_string()
}

fn reader(d: &Decoded) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(d.delimiter)
        .flexible(true)
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(d.text.as_bytes())
}

fn csv_err(e: &csv::Error) -> ApiError {
    ApiError::new(ErrorCode::InvalidCsv, format!("The file is not readable as CSV: {e}"))
}

fn headers(d: &Decoded) -> ApiResult<Vec<String>> {
    let mut r = reader(d);
    let h = r.headers().map_err(|e| csv_err(&e))?;
    let h: Vec<String> = h.iter().map(str::to_string).collect();
    if h.iter().all(String::is_empty) {
        return Err(ApiError::new(ErrorCode::InvalidCsv, "The file is empty: it needs a header line and rows."));
    }
    Ok(h)
}

/// Guesses each field's column from common header names in exports (English, German, French).
pub fn suggest(headers: &[String]) -> Vec<ColumnMapping> {
    const HINTS: [(&str, &[&str]); 6] = [
        ("external_id", &["transaction id", "payout id", "external id", "reference id", "txn", "transaction", "id"]),
        ("amount", &["amount", "betrag", "montant", "earnings", "revenue", "net", "gross", "total", "value", "sum"]),
        ("currency", &["currency", "währung", "waehrung", "devise", "curr"]),
        ("date", &["date", "datum", "paid on", "paid", "day", "created", "time"]),
        ("kind", &["kind", "type", "category", "art"]),
        ("note", &["note", "description", "memo", "details", "comment", "beschreibung", "reference", "source"]),
    ];
    let norm: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase().replace(['_', '-'], " ")).collect();
    let mut used = vec![false; headers.len()];
    let mut out = Vec::new();
    for (field, hints) in HINTS {
        // Exact names first, then names containing a hint as whole words ("Payout amount (EUR)";
        // but "id" must not match "Paid on").
        let exact = hints.iter().find_map(|h| norm.iter().enumerate().position(|(i, n)| !used[i] && n == h));
        let words = |n: &str| format!(" {} ", n.replace(|c: char| !c.is_alphanumeric(), " "));
        let partial = || {
            hints.iter().find_map(|h| {
                norm.iter().enumerate().position(|(i, n)| !used[i] && words(n).contains(&format!(" {h} ")))
            })
        };
        if let Some(i) = exact.or_else(partial) {
            used[i] = true;
            out.push(ColumnMapping { column: headers[i].clone(), field: field.to_string() });
        }
    }
    out
}

pub fn preview(path: &Path) -> ApiResult<RevenueImportPreview> {
    let d = read(path)?;
    let headers = headers(&d)?;
    let mut rows = Vec::new();
    let mut total = 0u32;
    for rec in reader(&d).records() {
        let rec = rec.map_err(|e| csv_err(&e))?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        total += 1;
        if rows.len() < PREVIEW_ROWS {
            rows.push(rec.iter().map(str::to_string).collect());
        }
    }
    Ok(RevenueImportPreview {
        encoding: d.encoding.to_string(),
        delimiter: delimiter_text(d.delimiter),
        suggested: suggest(&headers),
        headers,
        rows,
        total_rows: total,
    })
}

/// Column index per field.
#[derive(Debug, Default)]
struct Columns {
    amount: Option<usize>,
    currency: Option<usize>,
    date: Option<usize>,
    kind: Option<usize>,
    note: Option<usize>,
    external_id: Option<usize>,
}

fn mapping_err(msg: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidMapping, msg)
}

fn columns(headers: &[String], mapping: &[ColumnMapping]) -> ApiResult<Columns> {
    let mut cols = Columns::default();
    for m in mapping {
        let want = m.column.trim();
        let i = headers
            .iter()
            .position(|h| h == want)
            .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(want)))
            .ok_or_else(|| {
                mapping_err(format!("The file has no column \"{want}\". Its columns: {}.", headers.join(", ")))
            })?;
        let slot = match m.field.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "amount" => &mut cols.amount,
            "currency" => &mut cols.currency,
            "date" => &mut cols.date,
            "kind" | "type" => &mut cols.kind,
            "note" => &mut cols.note,
            "external_id" | "id" => &mut cols.external_id,
            other => {
                return Err(mapping_err(format!("\"{other}\" is not a field. Map columns to: {}.", FIELDS.join(", "))))
            }
        };
        *slot = Some(i);
    }
    if cols.amount.is_none() {
        return Err(mapping_err("Map a column to amount.".into()));
    }
    if cols.date.is_none() {
        return Err(mapping_err("Map a column to date.".into()));
    }
    Ok(cols)
}

/// "1.234,56" and "12,50" (decimal comma, as European exports write them) become "1234.56" and
/// "12.50"; currency signs and spaces around the number go.
fn normalize_amount(raw: &str) -> String {
    let t: String = raw
        .trim()
        .trim_matches(|c: char| matches!(c, '£' | '$' | '€' | '¥' | '\u{a0}' | ' '))
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let decimal_comma = match t.rfind(',') {
        Some(i) => {
            let after = &t[i + 1..];
            let dot_before = t[..i].contains('.');
            (dot_before || (!t.contains('.') && (1..=2).contains(&after.len())))
                && after.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    };
    if decimal_comma {
        t.replace('.', "").replace(',', ".")
    } else {
        t
    }
}

/// `YYYY-MM-DD`, `YYYY/MM/DD`, or an ISO timestamp whose date part is taken.
fn normalize_date(raw: &str) -> String {
    let t = raw.trim();
    let head: String = t.chars().take(10).collect();
    let rest = &t[head.len()..];
    let head = head.replace('/', "-");
    if rest.is_empty() || rest.starts_with(['T', ' ']) {
        head
    } else {
        t.to_string()
    }
}

fn row_key(campaign: &str, ext: Option<&str>, v: &studio_core::revenue::ValidRevenue) -> String {
    let mut h = blake3::Hasher::new();
    match ext {
        Some(id) => {
            h.update(b"ext\0");
            h.update(campaign.as_bytes());
            h.update(b"\0");
            h.update(id.as_bytes());
        }
        None => {
            let line = format!(
                "row\0{campaign}\0{}\0{}\0{}\0{}\0{}",
                v.kind,
                v.amount_minor,
                v.currency,
                v.occurred_on.map(|d| d.to_string()).unwrap_or_default(),
                v.note.as_deref().unwrap_or("")
            );
            h.update(line.as_bytes());
        }
    }
    h.finalize().to_hex().to_string()
}

fn problem(line: u64, code: ErrorCode, reason: impl Into<String>) -> RowProblem {
    RowProblem { line: u32::try_from(line).unwrap_or(u32::MAX), code, reason: reason.into() }
}

pub fn import(ctx: &Context, req: &RevenueImportRequest) -> ApiResult<RevenueImportReport> {
    let campaign = studio_core::campaigns::get(&ctx.db(), &req.campaign_id)?;
    let d = read(Path::new(&req.path))?;
    let headers = headers(&d)?;
    let mapping = if req.mapping.is_empty() { suggest(&headers) } else { req.mapping.clone() };
    let cols = columns(&headers, &mapping)?;
    let default_currency = req.currency.clone().or(campaign.currency.clone());
    if cols.currency.is_none() && default_currency.is_none() {
        return Err(mapping_err("Map a column to currency, or give the currency of the whole file.".into()));
    }
    let default_kind = req.kind.clone().unwrap_or_else(|| "payout".into());
    store::parse_kind(&default_kind)?;

    let mut good: Vec<ImportRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut rejected = Vec::new();
    let (mut rows, mut in_file_dupes) = (0u32, 0u32);
    for rec in reader(&d).records() {
        let rec = rec.map_err(|e| csv_err(&e))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        let cell = |i: Option<usize>, field: &str| -> Result<Option<String>, RowProblem> {
            match i {
                None => Ok(None),
                Some(i) => match rec.get(i) {
                    Some(v) => Ok(Some(v.to_string())),
                    None => Err(problem(
                        line,
                        ErrorCode::InvalidCsv,
                        format!("The row has {} columns; the {field} column \"{}\" is missing.", rec.len(), headers[i]),
                    )),
                },
            }
        };
        let parsed = (|| -> Result<ImportRow, RowProblem> {
            let amount = cell(cols.amount, "amount")?.unwrap_or_default();
            let currency = cell(cols.currency, "currency")?
                .filter(|c| !c.is_empty())
                .or(default_currency.clone())
                .unwrap_or_default();
            let date = cell(cols.date, "date")?.unwrap_or_default();
            if date.is_empty() {
                return Err(problem(line, ErrorCode::InvalidDate, "The date is empty."));
            }
            let kind = cell(cols.kind, "kind")?.filter(|k| !k.is_empty()).unwrap_or(default_kind.clone());
            let new = NewRevenue {
                kind,
                amount: normalize_amount(&amount),
                currency,
                occurred_on: Some(normalize_date(&date)),
                note: cell(cols.note, "note")?,
            };
            let entry = store::validate(&new).map_err(|v| {
                let e: ApiError = StoreError::Invalid(v).into();
                problem(line, e.code, e.message)
            })?;
            let ext = cell(cols.external_id, "external id")?.filter(|s| !s.is_empty());
            let import_key = row_key(&campaign.id, ext.as_deref(), &entry);
            Ok(ImportRow { entry, import_key })
        })();
        match parsed {
            Ok(row) if !seen.insert(row.import_key.clone()) => in_file_dupes += 1,
            Ok(row) => good.push(row),
            Err(p) => rejected.push(p),
        }
    }
    if rows == 0 {
        return Err(ApiError::new(ErrorCode::InvalidCsv, "The file has a header line but no rows."));
    }

    let (imported, duplicates) = if req.dry_run {
        let stored = store::already_imported(&ctx.db(), &good)?;
        (good.len() - stored, stored)
    } else if good.is_empty() {
        (0, 0)
    } else {
        let out = store::import(&mut ctx.db(), &campaign.id, &good, ctx.actor())?;
        tracing::info!(campaign = %campaign.id, inserted = out.inserted, duplicates = out.duplicates, rejected = rejected.len(), "revenue imported");
        (out.inserted, out.duplicates)
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(RevenueImportReport {
        dry_run: req.dry_run,
        encoding: d.encoding.to_string(),
        delimiter: delimiter_text(d.delimiter),
        rows,
        imported: count(imported),
        duplicates: count(duplicates) + in_file_dupes,
        rejected,
    })
}

/// Parses `col=field` as typed on the command line.
pub fn parse_mapping(spec: &str) -> ApiResult<ColumnMapping> {
    let (col, field) = spec
        .rsplit_once('=')
        .ok_or_else(|| mapping_err(format!("\"{spec}\" is not COLUMN=FIELD (e.g. \"Payout amount=amount\").")))?;
    Ok(ColumnMapping { column: col.trim().to_string(), field: field.trim().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_with_decimal_commas_and_signs() {
        assert_eq!(normalize_amount("1.234,56"), "1234.56");
        assert_eq!(normalize_amount("12,50"), "12.50");
        assert_eq!(normalize_amount("1,234"), "1,234");
        assert_eq!(normalize_amount("1,234.50"), "1,234.50");
        assert_eq!(normalize_amount("£12.50"), "12.50");
        assert_eq!(normalize_amount("12.50 €"), "12.50");
    }

    #[test]
    fn dates_take_iso_forms() {
        assert_eq!(normalize_date("2026-03-01"), "2026-03-01");
        assert_eq!(normalize_date("2026/03/01"), "2026-03-01");
        assert_eq!(normalize_date("2026-03-01T10:00:00Z"), "2026-03-01");
        assert_eq!(normalize_date("01.03.2026"), "01.03.2026");
    }

    #[test]
    fn delimiters_are_detected_from_the_header() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter("a\tb\n"), b'\t');
        assert_eq!(detect_delimiter("\"a;x\",b,c\n"), b',');
        assert_eq!(detect_delimiter("single\n"), b',');
    }

    #[test]
    fn suggestions_follow_header_names() {
        let h: Vec<String> = ["Transaction ID", "Date", "Payout amount", "Currency", "Description"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let s = suggest(&h);
        let field = |f: &str| s.iter().find(|m| m.field == f).map(|m| m.column.as_str());
        assert_eq!(field("external_id"), Some("Transaction ID"));
        assert_eq!(field("amount"), Some("Payout amount"));
        assert_eq!(field("date"), Some("Date"));
        assert_eq!(field("currency"), Some("Currency"));
        assert_eq!(field("note"), Some("Description"));
    }
}

//! The money answers the in-memory backend replays: entry validation, rates, campaign totals and
//! payout-export imports, computed by studio-api so the money rules live only in Rust.
//!
//! The fake's money state changes with every click (an entry added, a file imported), so unlike
//! the analytics scenarios these answers are keyed by what decides them, not by a seeded state:
//! a campaign's totals by its live entries (kind, amount, currency) and the rates; an entry by
//! the fields Rust validates; a preview by the file's bytes (FNV-1a 64, the fake hashes the same
//! way); an import by the file, the mapping and the campaign's budget currency. The requests come
//! from `ui/src/backend/fixtures/seeds/money/requests.json`; the answers go to
//! `ui/src/backend/fixtures/money.json`.
use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_api::analytics::{self, RevenueRates};
use studio_api::revenue::{self, RevenueInput};
use studio_api::revenue_import::{self, ColumnMapping, RevenueImportReport, RevenueImportRequest};
use studio_api::{ApiError, Context};

type Res<T> = Result<T, Box<dyn Error>>;

/// One campaign per database, with a fixed id: import keys hash the campaign id, and the same
/// file must get the same keys in every answer for the fake's re-import check to hold.
const CAMPAIGN: &str = "00000000-0000-7000-8000-00000000c0de";
/// Entries are answered without their date (the UI sends today's); any valid day will do.
const DAY: &str = "2026-01-01";

#[derive(Deserialize)]
struct Requests {
    #[serde(default)]
    entries: Vec<EntryRequest>,
    #[serde(default)]
    summaries: Vec<SummaryRequest>,
    #[serde(default)]
    rates: Vec<RevenueRates>,
    /// Payout exports by name: each is previewed, and imports name them.
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    imports: Vec<ImportRequest>,
}

/// A new entry's fields as the UI sends them, its date aside.
#[derive(Deserialize, Serialize, Clone)]
struct EntryRequest {
    kind: String,
    amount: String,
    currency: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct SummaryRequest {
    /// (kind, amount, currency) of each live entry of the campaign.
    entries: Vec<(String, String, String)>,
    rates: Option<RevenueRates>,
}

#[derive(Serialize)]
struct SummaryKey {
    entries: Vec<(String, String, String)>,
    rates: Option<RevenueRates>,
}

#[derive(Deserialize, Serialize, Clone)]
struct ImportRequest {
    /// A name in `files` (a hash in the answers).
    file: String,
    #[serde(default)]
    mapping: Vec<ColumnMapping>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    /// The campaign's budget currency, the default for rows without one.
    #[serde(default)]
    campaign_currency: Option<String>,
}

/// What an import into a campaign without entries stores, each row with its import key: the
/// fake counts rows whose key it already holds as duplicates, as the unique key does in SQLite.
#[derive(Serialize)]
struct ImportAnswer {
    report: RevenueImportReport,
    entries: Vec<ImportedEntry>,
}

#[derive(Serialize)]
struct ImportedEntry {
    kind: String,
    amount: String,
    currency: String,
    occurred_on: String,
    note: Option<String>,
    key: String,
}

#[derive(Serialize)]
struct Answered<Q> {
    request: Q,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

fn answered<Q, T: Serialize>(request: Q, result: Result<T, ApiError>) -> Res<Answered<Q>> {
    Ok(match result {
        Ok(v) => Answered { request, answer: Some(serde_json::to_value(v)?), error: None },
        Err(e) => Answered { request, answer: None, error: Some(e) },
    })
}

/// FNV-1a 64 of a file's bytes, as the fake computes it (small, and no async digest needed).
pub fn file_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A fresh data dir with the one campaign; `n` keeps the dirs apart.
fn fresh(work: &Path, n: usize, currency: Option<&str>) -> Res<Context> {
    let dir = work.join(format!("db-{n}"));
    let ctx = Context::open(studio_core::StudioPaths::resolve(Some(&dir))?, "gen-fixtures")?;
    ctx.db().write(|tx| {
        tx.execute(
            "INSERT INTO campaigns (id, name, timezone, currency, budget_minor, created_at, updated_at)
             VALUES (?1, 'Money', 'UTC', ?2, ?3, 0, 0)",
            // The schema wants a budget with a currency; its size plays no part in imports.
            params![CAMPAIGN, currency, currency.map(|_| 0_i64)],
        )?;
        Ok(())
    })?;
    Ok(ctx)
}

fn entry_input(kind: &str, amount: &str, currency: &str, note: Option<String>) -> RevenueInput {
    RevenueInput {
        campaign_id: CAMPAIGN.into(),
        kind: kind.into(),
        amount: amount.into(),
        currency: currency.into(),
        occurred_on: Some(DAY.into()),
        note,
    }
}

fn entries(ctx: &Context, list: &[EntryRequest]) -> Res<Vec<Answered<EntryRequest>>> {
    let mut out = Vec::new();
    for r in list {
        let added = revenue::add(ctx, entry_input(&r.kind, &r.amount, &r.currency, r.note.clone()))
            .map(|e| serde_json::json!({ "kind": e.kind, "amount": e.amount, "currency": e.currency, "note": e.note }));
        out.push(answered(r.clone(), added)?);
    }
    Ok(out)
}

fn summary(ctx: &Context, r: &SummaryRequest) -> Res<Answered<SummaryKey>> {
    let mut stored = Vec::new();
    for (kind, amount, currency) in &r.entries {
        let e = revenue::add(ctx, entry_input(kind, amount, currency, None))?;
        stored.push((e.kind.as_str().to_string(), e.amount, e.currency));
    }
    stored.sort();
    let rates = match &r.rates {
        Some(rates) => Some(analytics::set_rates(ctx, rates.clone())?),
        None => None,
    };
    answered(SummaryKey { entries: stored, rates }, analytics::campaign_revenue(ctx, CAMPAIGN))
}

fn import(ctx: &Context, path: &Path, r: &ImportRequest) -> Result<ImportAnswer, ApiError> {
    let req = RevenueImportRequest {
        campaign_id: CAMPAIGN.into(),
        path: path.to_string_lossy().into_owned(),
        mapping: r.mapping.clone(),
        currency: r.currency.clone(),
        kind: r.kind.clone(),
        dry_run: false,
    };
    let report = revenue_import::import(ctx, &req)?;
    let keys: Vec<(String, String)> = ctx.db().read(|c| {
        let mut stmt = c.prepare("SELECT id, import_key FROM revenue_entries ORDER BY rowid")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
    let listed = revenue::list(ctx, CAMPAIGN)?;
    let entries = keys
        .into_iter()
        .filter_map(|(id, key)| {
            listed.iter().find(|e| e.id == id).map(|e| ImportedEntry {
                kind: e.kind.as_str().to_string(),
                amount: e.amount.clone(),
                currency: e.currency.clone(),
                occurred_on: e.occurred_on.clone(),
                note: e.note.clone(),
                key,
            })
        })
        .collect();
    Ok(ImportAnswer { report, entries })
}

#[derive(Serialize)]
struct Fixture {
    entries: Vec<Answered<EntryRequest>>,
    rates: Vec<Answered<RevenueRates>>,
    summaries: Vec<Answered<SummaryKey>>,
    previews: Vec<Answered<String>>,
    imports: Vec<Answered<ImportRequest>>,
}

fn answers(req: &Requests, work: &Path) -> Res<Fixture> {
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let ctx = fresh(work, next(), None)?;
    let entries = entries(&ctx, &req.entries)?;
    let mut rates = Vec::new();
    for r in &req.rates {
        rates.push(answered(r.clone(), analytics::set_rates(&ctx, r.clone()))?);
    }
    drop(ctx);
    let mut summaries = Vec::new();
    for r in &req.summaries {
        summaries.push(summary(&fresh(work, next(), None)?, r)?);
    }
    let files = work.join("files");
    std::fs::create_dir_all(&files)?;
    let mut paths = BTreeMap::new();
    let mut previews = Vec::new();
    for (name, text) in &req.files {
        let path = files.join(format!("{}.csv", file_hash(text.as_bytes())));
        std::fs::write(&path, text)?;
        previews.push(answered(file_hash(text.as_bytes()), revenue_import::preview(&path))?);
        paths.insert(name.clone(), (path, file_hash(text.as_bytes())));
    }
    let mut imports = Vec::new();
    for r in &req.imports {
        let (path, hash) = paths.get(&r.file).ok_or_else(|| format!("import of unknown file {}", r.file))?;
        let ctx = fresh(work, next(), r.campaign_currency.as_deref())?;
        imports.push(answered(ImportRequest { file: hash.clone(), ..r.clone() }, import(&ctx, path, r))?);
    }
    Ok(Fixture { entries, rates, summaries, previews, imports })
}

fn to_lines(f: &Fixture) -> Res<String> {
    fn list<T: Serialize>(items: &[T]) -> Res<String> {
        let lines = items.iter().map(serde_json::to_string).collect::<Result<Vec<_>, _>>()?;
        Ok(if lines.is_empty() { "[]".into() } else { format!("[\n    {}\n  ]", lines.join(",\n    ")) })
    }
    Ok(format!(
        "{{\n  \"entries\": {},\n  \"rates\": {},\n  \"summaries\": {},\n  \"previews\": {},\n  \"imports\": {}\n}}\n",
        list(&f.entries)?,
        list(&f.rates)?,
        list(&f.summaries)?,
        list(&f.previews)?,
        list(&f.imports)?
    ))
}

/// Writes `money.json` into `out` from the requests under `seeds`.
pub fn write(seeds: &Path, out: &Path) -> Res<()> {
    let source = seeds.join("money/requests.json");
    let req: Requests =
        serde_json::from_str(&std::fs::read_to_string(&source)?).map_err(|e| format!("{}: {e}", source.display()))?;
    let work: PathBuf = std::env::temp_dir().join(format!("viral-studio-fixtures-{}-money", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let fixture = answers(&req, &work);
    let _ = std::fs::remove_dir_all(&work);
    let target = out.join("money.json");
    std::fs::write(&target, to_lines(&fixture.map_err(|e| format!("money: {e}"))?)?)?;
    println!("wrote {}", target.display());
    Ok(())
}

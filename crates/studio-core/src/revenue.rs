//! Money a campaign earned (sponsorships, affiliate payouts, platform payouts) and what it cost.
//!
//! Amounts are integers in the currency's minor unit (see [`crate::money`]); a cost is its own
//! kind with a positive amount, so sums per kind never mix signs. Imported rows carry an
//! `import_key` (unique in the table): importing the same payout export twice adds nothing.
use jiff::civil::Date;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::audit::{self, Entry};
use crate::civil::parse_date;
use crate::clock::now_ms;
use crate::error::{Result, StoreError, ValidationError};
use crate::ids::{new_id, parse_id};
use crate::money::{canonical_currency, format_amount, parse_amount};
use crate::Db;

const ENTITY: &str = "revenue_entry";
const NOTE_MAX: usize = 2_000;

/// What an entry is; the table's CHECK holds the same list.
pub const KINDS: [&str; 5] = ["sponsorship", "affiliate", "payout", "other", "cost"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueEntry {
    pub id: String,
    pub campaign_id: String,
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub occurred_on: Date,
    pub note: Option<String>,
    pub import_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl RevenueEntry {
    /// The amount as a plain decimal string in its currency ("1500.00").
    pub fn amount_text(&self) -> String {
        format_amount(self.amount_minor, &self.currency)
    }
}

/// An entry as typed or read from a file, before validation.
#[derive(Debug, Clone, Default)]
pub struct NewRevenue {
    pub kind: String,
    pub amount: String,
    pub currency: String,
    /// `None`: today in the campaign's time zone.
    pub occurred_on: Option<String>,
    pub note: Option<String>,
}

/// A validated entry, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRevenue {
    pub kind: &'static str,
    pub amount_minor: i64,
    pub currency: String,
    pub occurred_on: Option<Date>,
    pub note: Option<String>,
}

pub fn parse_kind(kind: &str) -> Result<&'static str, ValidationError> {
    let k = kind.trim().to_ascii_lowercase();
    KINDS.iter().copied().find(|known| *known == k).ok_or_else(|| ValidationError::UnknownRevenueKind(kind.to_string()))
}

/// Checks every field; the amount is read with the currency's own number of decimals.
pub fn validate(new: &NewRevenue) -> Result<ValidRevenue, ValidationError> {
    let kind = parse_kind(&new.kind)?;
    let currency = canonical_currency(&new.currency)?;
    let amount_minor = parse_amount(&new.amount, &currency)
        .map_err(|e| ValidationError::InvalidAmount { value: new.amount.clone(), detail: e.to_string() })?;
    let occurred_on =
        new.occurred_on.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_date("entry", s)).transpose()?;
    let note = match new.note.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => {
            let len = t.chars().count();
            if len > NOTE_MAX {
                return Err(ValidationError::TooLong { field: "note", len, max: NOTE_MAX });
            }
            Some(t.to_string())
        }
    };
    Ok(ValidRevenue { kind, amount_minor, currency, occurred_on, note })
}

const COLUMNS: &str =
    "id, campaign_id, kind, amount_minor, currency, occurred_on, note, import_key, created_at, updated_at, version";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RevenueEntry> {
    let day: String = r.get(5)?;
    Ok(RevenueEntry {
        id: r.get(0)?,
        campaign_id: r.get(1)?,
        kind: r.get(2)?,
        amount_minor: r.get(3)?,
        currency: r.get(4)?,
        // Validated on the way in; a hand-edited bad date shows as the epoch rather than hiding
        // the whole list.
        occurred_on: day.parse().unwrap_or(jiff::civil::date(1970, 1, 1)),
        note: r.get(6)?,
        import_key: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        version: r.get(10)?,
    })
}

fn not_found(entity: &'static str, id: &str) -> StoreError {
    StoreError::NotFound { entity, id: id.to_string() }
}

/// The campaign's id (canonical) and time zone, or `NotFound`.
fn campaign_zone(conn: &Connection, campaign_id: &str) -> Result<(String, String)> {
    let canonical = parse_id(campaign_id).ok_or_else(|| not_found("campaign", campaign_id))?;
    conn.query_row("SELECT id, timezone FROM campaigns WHERE id = ?1 AND deleted_at IS NULL", [&canonical], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| not_found("campaign", campaign_id))
}

fn today_in(zone: &str) -> Date {
    jiff::tz::TimeZone::get(zone)
        .map_or_else(|_| jiff::Zoned::now().date(), |tz| jiff::Zoned::now().with_time_zone(tz).date())
}

fn load(conn: &Connection, id: &str) -> Result<RevenueEntry> {
    let canonical = parse_id(id).ok_or_else(|| not_found(ENTITY, id))?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM revenue_entries WHERE id = ?1 AND deleted_at IS NULL"),
        [&canonical],
        from_row,
    )
    .optional()?
    .ok_or_else(|| not_found(ENTITY, id))
}

pub fn get(db: &Db, id: &str) -> Result<RevenueEntry> {
    db.read(|c| load(c, id))
}

/// Inserts one validated entry; `Ok(None)` when `import_key` is already taken (a re-import).
fn insert(
    tx: &Transaction<'_>,
    campaign_id: &str,
    zone: &str,
    v: &ValidRevenue,
    import_key: Option<&str>,
    now: i64,
) -> Result<Option<String>> {
    let id = new_id();
    let day = v.occurred_on.unwrap_or_else(|| today_in(zone));
    let n = tx.execute(
        "INSERT INTO revenue_entries (id, campaign_id, kind, amount_minor, currency, occurred_on, note, import_key,
                                      created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
         ON CONFLICT (import_key) DO NOTHING",
        params![id, campaign_id, v.kind, v.amount_minor, v.currency, day.to_string(), v.note, import_key, now],
    )?;
    Ok((n == 1).then_some(id))
}

pub fn add(db: &mut Db, campaign_id: &str, new: &NewRevenue, actor: &str) -> Result<RevenueEntry> {
    let v = validate(new)?;
    db.write(|tx| {
        let (campaign, zone) = campaign_zone(tx, campaign_id)?;
        let now = now_ms();
        let id = insert(tx, &campaign, &zone, &v, None, now)?
            .ok_or_else(|| StoreError::Decode("revenue entry was not inserted".into()))?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "create",
                entity_type: ENTITY,
                entity_id: Some(&id),
                detail: serde_json::json!({"campaign_id": campaign, "kind": v.kind, "currency": v.currency}),
            },
        )?;
        load(tx, &id)
    })
}

/// A campaign's entries, newest date first.
pub fn list(db: &Db, campaign_id: &str) -> Result<Vec<RevenueEntry>> {
    db.read(|c| {
        let (campaign, _) = campaign_zone(c, campaign_id)?;
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM revenue_entries WHERE campaign_id = ?1 AND deleted_at IS NULL
             ORDER BY occurred_on DESC, created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([&campaign], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

/// Every live entry (exports), by campaign and date.
pub fn list_all(db: &Db) -> Result<Vec<RevenueEntry>> {
    db.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM revenue_entries WHERE deleted_at IS NULL ORDER BY campaign_id, occurred_on, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

/// Soft delete (the row syncs like an edit); its import key stays taken, so re-importing the
/// same export does not bring a deleted row back.
pub fn delete(db: &mut Db, id: &str, actor: &str) -> Result<()> {
    db.write(|tx| {
        let cur = load(tx, id)?;
        let now = now_ms();
        tx.execute(
            "UPDATE revenue_entries SET deleted_at = ?2, updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![cur.id, now],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "delete",
                entity_type: ENTITY,
                entity_id: Some(&cur.id),
                detail: serde_json::json!({
                    "campaign_id": cur.campaign_id, "kind": cur.kind,
                    "amount": cur.amount_text(), "currency": cur.currency,
                }),
            },
        )?;
        Ok(())
    })
}

/// One row of an import, already validated, with its dedupe key.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub entry: ValidRevenue,
    pub import_key: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub inserted: usize,
    /// Rows whose key was already stored (an earlier import, or twice in this file).
    pub duplicates: usize,
}

/// How many of `rows` an earlier import already stored (by import key), for a dry run's report.
pub fn already_imported(db: &Db, rows: &[ImportRow]) -> Result<usize> {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT 1 FROM revenue_entries WHERE import_key = ?1")?;
        let mut n = 0usize;
        for r in rows {
            if stmt.exists([&r.import_key])? {
                n += 1;
            }
        }
        Ok(n)
    })
}

/// Stores all rows in one transaction: either every new row is in, or none is.
pub fn import(db: &mut Db, campaign_id: &str, rows: &[ImportRow], actor: &str) -> Result<ImportOutcome> {
    db.write(|tx| {
        let (campaign, zone) = campaign_zone(tx, campaign_id)?;
        let now = now_ms();
        let mut out = ImportOutcome::default();
        for row in rows {
            match insert(tx, &campaign, &zone, &row.entry, Some(&row.import_key), now)? {
                Some(_) => out.inserted += 1,
                None => out.duplicates += 1,
            }
        }
        audit::record(
            tx,
            Entry {
                actor,
                action: "import",
                entity_type: "campaign",
                entity_id: Some(&campaign),
                detail: serde_json::json!({"inserted": out.inserted, "duplicates": out.duplicates}),
            },
        )?;
        Ok(out)
    })
}

//! Campaigns: the container a creator plans posts, assets, spend and revenue in.
//!
//! Every change is validated as a whole record (cross-field rules like "ends after it starts"
//! hold after any partial edit), bumps `version`, and writes an audit entry in the same
//! transaction.
use jiff::civil::Date;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::audit::{self, Entry};
use crate::civil::{canonical_timezone, parse_date, system_timezone};
use crate::clock::now_ms;
use crate::error::{Result, StoreError, ValidationError};
use crate::ids::{new_id, parse_id};
use crate::money::{canonical_currency, format_amount, parse_amount};
use crate::Db;

const NAME_MAX: usize = 200;
const GOAL_MAX: usize = 1_000;
const NOTES_MAX: usize = 20_000;
const ENTITY: &str = "campaign";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    pub goal: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub timezone: String,
    pub sponsored: bool,
    pub budget_minor: Option<i64>,
    pub currency: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Campaign {
    /// The budget as a plain decimal string in its currency ("1500.00").
    pub fn budget_text(&self) -> Option<String> {
        match (self.budget_minor, &self.currency) {
            (Some(minor), Some(cur)) => Some(format_amount(minor, cur)),
            _ => None,
        }
    }
}

/// A campaign as the creator typed it; everything is validated on create.
#[derive(Debug, Clone, Default)]
pub struct NewCampaign {
    pub name: String,
    pub goal: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// `None`: the machine's zone.
    pub timezone: Option<String>,
    pub sponsored: bool,
    pub budget: Option<String>,
    pub currency: Option<String>,
    pub notes: Option<String>,
}

/// A partial edit. `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CampaignChanges {
    pub name: Option<String>,
    pub goal: Option<Option<String>>,
    pub starts_on: Option<Option<String>>,
    pub ends_on: Option<Option<String>>,
    pub timezone: Option<String>,
    pub sponsored: Option<bool>,
    pub budget: Option<Option<String>>,
    pub currency: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    /// When set, the edit applies only if nobody changed the campaign since this version.
    pub expected_version: Option<i64>,
}

/// The editable fields as text, before validation.
struct Draft {
    name: String,
    goal: Option<String>,
    starts_on: Option<String>,
    ends_on: Option<String>,
    timezone: String,
    sponsored: bool,
    budget: Option<String>,
    currency: Option<String>,
    notes: Option<String>,
}

struct Valid {
    name: String,
    goal: Option<String>,
    starts_on: Option<Date>,
    ends_on: Option<Date>,
    timezone: String,
    sponsored: bool,
    budget_minor: Option<i64>,
    currency: Option<String>,
    notes: Option<String>,
}

fn optional_text(field: &'static str, v: Option<String>, max: usize) -> Result<Option<String>, ValidationError> {
    let Some(t) = v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else { return Ok(None) };
    let len = t.chars().count();
    if len > max {
        return Err(ValidationError::TooLong { field, len, max });
    }
    Ok(Some(t))
}

fn validate(d: Draft) -> Result<Valid, ValidationError> {
    let name = d.name.trim().to_string();
    if name.is_empty() {
        return Err(ValidationError::EmptyName);
    }
    let len = name.chars().count();
    if len > NAME_MAX {
        return Err(ValidationError::TooLong { field: "name", len, max: NAME_MAX });
    }
    let timezone = canonical_timezone(&d.timezone)?;
    let date = |field, v: Option<String>| -> Result<Option<Date>, ValidationError> {
        v.filter(|s| !s.trim().is_empty()).map(|s| parse_date(field, &s)).transpose()
    };
    let starts_on = date("start", d.starts_on)?;
    let ends_on = date("end", d.ends_on)?;
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        if e < s {
            return Err(ValidationError::EndsBeforeStarts { starts: s.to_string(), ends: e.to_string() });
        }
    }
    let budget = d.budget.filter(|s| !s.trim().is_empty());
    let currency = d.currency.filter(|s| !s.trim().is_empty()).map(|c| canonical_currency(&c)).transpose()?;
    let (budget_minor, currency) = match (budget, currency) {
        (None, None) => (None, None),
        (Some(_), None) => return Err(ValidationError::BudgetWithoutCurrency),
        (None, Some(_)) => return Err(ValidationError::CurrencyWithoutBudget),
        (Some(b), Some(c)) => (Some(parse_amount(&b, &c)?), Some(c)),
    };
    Ok(Valid {
        name,
        goal: optional_text("goal", d.goal, GOAL_MAX)?,
        starts_on,
        ends_on,
        timezone,
        sponsored: d.sponsored,
        budget_minor,
        currency,
        notes: optional_text("notes", d.notes, NOTES_MAX)?,
    })
}

const COLUMNS: &str = "id, name, goal, starts_on, ends_on, timezone, sponsored, budget_minor, currency, notes, \
                       archived, created_at, updated_at, version";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    // Dates were validated on the way in; a malformed one (hand-edited file) reads as absent
    // rather than making the whole list unreadable.
    let date = |i: usize| -> rusqlite::Result<Option<Date>> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|s| s.parse().ok()))
    };
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        goal: r.get(2)?,
        starts_on: date(3)?,
        ends_on: date(4)?,
        timezone: r.get(5)?,
        sponsored: r.get(6)?,
        budget_minor: r.get(7)?,
        currency: r.get(8)?,
        notes: r.get(9)?,
        archived: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        version: r.get(13)?,
    })
}

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound { entity: ENTITY, id: id.to_string() }
}

fn load(conn: &Connection, id: &str) -> Result<Campaign> {
    let canonical = parse_id(id).ok_or_else(|| not_found(id))?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM campaigns WHERE id = ?1 AND deleted_at IS NULL"),
        [&canonical],
        from_row,
    )
    .optional()?
    .ok_or_else(|| not_found(id))
}

pub fn get(db: &Db, id: &str) -> Result<Campaign> {
    db.read(|c| load(c, id))
}

/// A live campaign's IANA zone; `id` must already be canonical (see `ids::parse_id`).
pub fn timezone(conn: &Connection, id: &str) -> Result<String> {
    conn.query_row("SELECT timezone FROM campaigns WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| not_found(id))
}

/// Active campaigns by name; archived ones after them when asked for.
pub fn list(db: &Db, include_archived: bool) -> Result<Vec<Campaign>> {
    db.read(|c| {
        let sql = format!(
            "SELECT {COLUMNS} FROM campaigns WHERE deleted_at IS NULL AND (?1 OR archived = 0)
             ORDER BY archived, name COLLATE NOCASE, id"
        );
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map([include_archived], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

pub fn create(db: &mut Db, new: NewCampaign, actor: &str) -> Result<Campaign> {
    let v = validate(Draft {
        name: new.name,
        goal: new.goal,
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        timezone: new.timezone.filter(|t| !t.trim().is_empty()).unwrap_or_else(system_timezone),
        sponsored: new.sponsored,
        budget: new.budget,
        currency: new.currency,
        notes: new.notes,
    })?;
    let id = new_id();
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO campaigns (id, name, goal, starts_on, ends_on, timezone, sponsored, budget_minor, currency,
                                    notes, archived, created_at, updated_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11, 1)",
            params![
                id,
                v.name,
                v.goal,
                v.starts_on.map(|d| d.to_string()),
                v.ends_on.map(|d| d.to_string()),
                v.timezone,
                v.sponsored,
                v.budget_minor,
                v.currency,
                v.notes,
                now
            ],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "create",
                entity_type: ENTITY,
                entity_id: Some(&id),
                detail: serde_json::json!({"name": v.name}),
            },
        )?;
        load(tx, &id)
    })
}

pub fn update(db: &mut Db, id: &str, ch: CampaignChanges, actor: &str) -> Result<Campaign> {
    db.write(|tx| {
        let cur = load(tx, id)?;
        if let Some(expected) = ch.expected_version {
            if expected != cur.version {
                return Err(StoreError::Conflict { entity: ENTITY, expected, current: cur.version });
            }
        }
        // A currency change re-reads the same amount in the new currency's decimals.
        let budget_now = cur.budget_text();
        let v = validate(Draft {
            name: ch.name.unwrap_or(cur.name.clone()),
            goal: ch.goal.unwrap_or(cur.goal.clone()),
            starts_on: ch.starts_on.unwrap_or(cur.starts_on.map(|d| d.to_string())),
            ends_on: ch.ends_on.unwrap_or(cur.ends_on.map(|d| d.to_string())),
            timezone: ch.timezone.unwrap_or(cur.timezone.clone()),
            sponsored: ch.sponsored.unwrap_or(cur.sponsored),
            budget: ch.budget.unwrap_or(budget_now),
            currency: ch.currency.unwrap_or(cur.currency.clone()),
            notes: ch.notes.unwrap_or(cur.notes.clone()),
        })?;
        tx.execute(
            "UPDATE campaigns SET name = ?2, goal = ?3, starts_on = ?4, ends_on = ?5, timezone = ?6, sponsored = ?7,
                    budget_minor = ?8, currency = ?9, notes = ?10, updated_at = ?11, version = version + 1
             WHERE id = ?1",
            params![
                cur.id,
                v.name,
                v.goal,
                v.starts_on.map(|d| d.to_string()),
                v.ends_on.map(|d| d.to_string()),
                v.timezone,
                v.sponsored,
                v.budget_minor,
                v.currency,
                v.notes,
                now_ms()
            ],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "update",
                entity_type: ENTITY,
                entity_id: Some(&cur.id),
                detail: serde_json::json!({"from_version": cur.version}),
            },
        )?;
        load(tx, &cur.id)
    })
}

pub fn set_archived(db: &mut Db, id: &str, archived: bool, actor: &str) -> Result<Campaign> {
    db.write(|tx| {
        let cur = load(tx, id)?;
        if cur.archived == archived {
            return Ok(cur);
        }
        tx.execute(
            "UPDATE campaigns SET archived = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
            params![cur.id, archived, now_ms()],
        )?;
        let action = if archived { "archive" } else { "unarchive" };
        audit::record(
            tx,
            Entry { actor, action, entity_type: ENTITY, entity_id: Some(&cur.id), detail: serde_json::json!({}) },
        )?;
        load(tx, &cur.id)
    })
}

/// Soft delete: the row stays (so a team server can sync the deletion) but is gone everywhere.
pub fn delete(db: &mut Db, id: &str, actor: &str) -> Result<()> {
    db.write(|tx| {
        let cur = load(tx, id)?;
        let now = now_ms();
        tx.execute(
            "UPDATE campaigns SET deleted_at = ?2, updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![cur.id, now],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "delete",
                entity_type: ENTITY,
                entity_id: Some(&cur.id),
                detail: serde_json::json!({"name": cur.name}),
            },
        )?;
        Ok(())
    })
}

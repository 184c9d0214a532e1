//! Render history: one row per render of an asset, from queued to done or failed.
use rusqlite::{params, OptionalExtension};

use crate::audit::{self, Entry};
use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::{new_id, parse_id};
use crate::Db;

pub struct Finished<'a> {
    pub output_path: &'a str,
    pub width: i64,
    pub height: i64,
    pub duration_ms: i64,
    pub encoder: &'a str,
}

/// Records a render that is starting; returns its id.
pub fn start(db: &mut Db, asset_id: &str, preset: &str, settings_json: &str) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO renders (id, asset_id, preset, settings_json, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?5)",
            params![id, asset_id, preset, settings_json, now],
        )?;
        Ok(())
    })?;
    Ok(id)
}

pub fn finish(db: &mut Db, id: &str, result: std::result::Result<Finished<'_>, (&str, &str)>) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        match result {
            Ok(f) => tx.execute(
                "UPDATE renders SET state = 'done', output_path = ?2, width = ?3, height = ?4, duration_ms = ?5,
                        encoder = ?6, updated_at = ?7, version = version + 1 WHERE id = ?1",
                params![id, f.output_path, f.width, f.height, f.duration_ms, f.encoder, now],
            )?,
            Err((code, message)) => tx.execute(
                "UPDATE renders SET state = CASE WHEN ?2 = 'cancelled' THEN 'cancelled' ELSE 'failed' END,
                        error_code = ?2, error_message = ?3, updated_at = ?4, version = version + 1 WHERE id = ?1",
                params![id, code, message, now],
            )?,
        };
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Render {
    pub id: String,
    pub asset_id: String,
    pub preset: String,
    pub settings_json: String,
    /// queued, running, done, failed or cancelled.
    pub state: String,
    pub output_path: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub encoder: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, asset_id, preset, settings_json, state, output_path, width, height, duration_ms, encoder, \
                       error_code, error_message, created_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Render> {
    Ok(Render {
        id: r.get(0)?,
        asset_id: r.get(1)?,
        preset: r.get(2)?,
        settings_json: r.get(3)?,
        state: r.get(4)?,
        output_path: r.get(5)?,
        width: r.get(6)?,
        height: r.get(7)?,
        duration_ms: r.get(8)?,
        encoder: r.get(9)?,
        error_code: r.get(10)?,
        error_message: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

pub fn get(db: &Db, id: &str) -> Result<Render> {
    let nf = || StoreError::NotFound { entity: "render", id: id.to_string() };
    let canonical = parse_id(id).ok_or_else(nf)?;
    db.read(|c| {
        c.query_row(
            &format!("SELECT {COLUMNS} FROM renders WHERE id = ?1 AND deleted_at IS NULL"),
            [&canonical],
            from_row,
        )
        .optional()?
        .ok_or_else(nf)
    })
}

/// Newest first; every asset's when `asset_id` is None. Renders of deleted assets are left out.
pub fn list(db: &Db, asset_id: Option<&str>) -> Result<Vec<Render>> {
    db.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM renders r WHERE deleted_at IS NULL AND (?1 IS NULL OR asset_id = ?1)
               AND EXISTS (SELECT 1 FROM assets a WHERE a.id = r.asset_id AND a.deleted_at IS NULL)
             ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![asset_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

/// Soft-deletes the row; the caller removes the file. A running render cannot be deleted.
pub fn delete(db: &mut Db, id: &str, actor: &str) -> Result<Render> {
    let r = get(db, id)?;
    if r.state == "running" || r.state == "queued" {
        return Err(StoreError::InUse(format!("Render {} is still running; cancel it first.", r.id)));
    }
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "UPDATE renders SET deleted_at = ?2, updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![r.id, now],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "delete",
                entity_type: "render",
                entity_id: Some(&r.id),
                detail: serde_json::json!({ "output": r.output_path }),
            },
        )?;
        Ok(())
    })?;
    Ok(r)
}

/// A render whose helper process died without recording an outcome (a codec crash, kill -9).
/// Only a render still marked running is touched; `code` is an error code ("cancelled" marks it
/// cancelled, anything else failed).
pub fn abandon(db: &mut Db, id: &str, code: &str, why: &str) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "UPDATE renders SET state = CASE WHEN ?2 = 'cancelled' THEN 'cancelled' ELSE 'failed' END,
                    error_code = ?2, error_message = ?3, updated_at = ?4, version = version + 1
              WHERE id = ?1 AND state IN ('queued', 'running')",
            params![id, code, why, now],
        )?;
        Ok(())
    })
}

//! Render history: one row per render of an asset, from queued to done or failed.
use rusqlite::params;

use crate::clock::now_ms;
use crate::error::Result;
use crate::ids::new_id;
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

//! Small app preferences as JSON values by key (window geometry, theme, banned terms...).
use rusqlite::{Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::Db;

pub fn get<T: DeserializeOwned>(db: &Db, key: &str) -> Result<Option<T>> {
    db.read(|c| get_in(c, key))
}

fn get_in<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let raw: Option<String> = conn
        .query_row("SELECT value_json FROM settings WHERE key = ?1 AND deleted_at IS NULL", [key], |r| r.get(0))
        .optional()?;
    raw.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Decode(format!("setting {key}: {e}")))).transpose()
}

pub fn set<T: Serialize>(db: &mut Db, key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| StoreError::Decode(format!("setting {key}: {e}")))?;
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value_json, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at,
                 version = version + 1, deleted_at = NULL",
            rusqlite::params![key, json, now],
        )?;
        Ok(())
    })
}

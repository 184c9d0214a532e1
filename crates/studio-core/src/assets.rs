//! Imported media: one row per distinct content (BLAKE3), pointing at the bytes in the library
//! folder (copied, content-addressed) or where they already were (referenced).
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::audit::{self, Entry};
use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::{new_id, parse_id};
use crate::Db;

const ENTITY: &str = "asset";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Video,
    Image,
    Audio,
}

impl AssetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Audio => "audio",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "video" => Some(Self::Video),
            "image" => Some(Self::Image),
            "audio" => Some(Self::Audio),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: String,
    pub campaign_id: Option<String>,
    pub kind: AssetKind,
    pub content_hash: String,
    /// "copied" into the library or "referenced" in place.
    pub storage: String,
    pub library_path: String,
    pub original_name: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub probe_json: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// Everything known about a file before it becomes a row.
#[derive(Debug, Clone)]
pub struct NewAsset {
    pub campaign_id: Option<String>,
    pub kind: AssetKind,
    pub content_hash: String,
    pub storage: &'static str,
    pub library_path: String,
    pub original_name: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub probe_json: String,
}

const COLUMNS: &str = "id, campaign_id, kind, content_hash, storage, library_path, original_name, size_bytes, \
                       width, height, duration_ms, probe_json, created_at, updated_at, version";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Asset> {
    let kind: String = r.get(2)?;
    Ok(Asset {
        id: r.get(0)?,
        campaign_id: r.get(1)?,
        kind: AssetKind::parse(&kind).unwrap_or(AssetKind::Video),
        content_hash: r.get(3)?,
        storage: r.get(4)?,
        library_path: r.get(5)?,
        original_name: r.get(6)?,
        size_bytes: r.get(7)?,
        width: r.get(8)?,
        height: r.get(9)?,
        duration_ms: r.get(10)?,
        probe_json: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        version: r.get(14)?,
    })
}

pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<Asset>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM assets WHERE content_hash = ?1 AND deleted_at IS NULL"),
            [hash],
            from_row,
        )
        .optional()?)
}

pub fn get(db: &Db, id: &str) -> Result<Asset> {
    let nf = || StoreError::NotFound { entity: ENTITY, id: id.to_string() };
    let canonical = parse_id(id).ok_or_else(nf)?;
    db.read(|c| {
        c.query_row(
            &format!("SELECT {COLUMNS} FROM assets WHERE id = ?1 AND deleted_at IS NULL"),
            [&canonical],
            from_row,
        )
        .optional()?
        .ok_or_else(nf)
    })
}

/// Every path an asset row points at, deleted rows included (their bytes are not orphans).
pub fn library_paths(db: &Db) -> Result<std::collections::HashSet<String>> {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT library_path FROM assets")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub kind: Option<AssetKind>,
    pub campaign_id: Option<String>,
    /// Case-insensitive substring of the original file name.
    pub search: Option<String>,
}

/// Newest first.
pub fn list(db: &Db, f: &AssetFilter) -> Result<Vec<Asset>> {
    db.read(|c| {
        let like = f
            .search
            .as_deref()
            .map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM assets WHERE deleted_at IS NULL
               AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR campaign_id = ?2)
               AND (?3 IS NULL OR original_name LIKE ?3 ESCAPE '\\')
             ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![f.kind.map(AssetKind::as_str), f.campaign_id, like], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

/// Outcome of trying to add content that may already be in the library.
#[derive(Debug)]
pub enum Inserted {
    New(Asset),
    Existing(Asset),
}

/// Inserts unless the same content is already there. `commit_files` runs inside the transaction
/// just before the row is written (it moves the copied bytes into place); if it fails, nothing is
/// written.
pub fn insert_unless_present(
    db: &mut Db,
    new: NewAsset,
    actor: &str,
    commit_files: impl FnOnce() -> Result<()>,
) -> Result<Inserted> {
    if let Some(campaign) = &new.campaign_id {
        crate::campaigns::get(db, campaign)?;
    }
    db.write(|tx| {
        if let Some(existing) = find_by_hash(tx, &new.content_hash)? {
            return Ok(Inserted::Existing(existing));
        }
        commit_files()?;
        let id = new_id();
        let now = now_ms();
        tx.execute(
            &format!(
                "INSERT INTO assets ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 1)"
            ),
            params![
                id,
                new.campaign_id,
                new.kind.as_str(),
                new.content_hash,
                new.storage,
                new.library_path,
                new.original_name,
                new.size_bytes,
                new.width,
                new.height,
                new.duration_ms,
                new.probe_json,
                now
            ],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "import",
                entity_type: ENTITY,
                entity_id: Some(&id),
                detail: serde_json::json!({"name": new.original_name, "storage": new.storage}),
            },
        )?;
        let asset = tx.query_row(&format!("SELECT {COLUMNS} FROM assets WHERE id = ?1"), [&id], from_row)?;
        Ok(Inserted::New(asset))
    })
}

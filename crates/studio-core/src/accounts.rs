//! Connected platform accounts. The row names the account and its keychain entry; the secrets
//! themselves live only in the OS keychain (studio-publish).
use rusqlite::{params, OptionalExtension, Row};

use crate::audit::{self, Entry};
use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::Db;

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    pub platform: String,
    pub instance_url: Option<String>,
    pub platform_user_id: Option<String>,
    pub handle: Option<String>,
    pub display_name: Option<String>,
    /// connected, expiring, needs_reconnect or disconnected.
    pub status: String,
    pub auth_mode: Option<String>,
    pub scopes: Option<String>,
    /// Unix milliseconds.
    pub token_expires_at: Option<i64>,
    pub renewable: bool,
    pub keychain_ref: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewAccount<'a> {
    pub platform: &'a str,
    pub instance_url: Option<&'a str>,
    pub platform_user_id: &'a str,
    pub handle: &'a str,
    pub display_name: Option<&'a str>,
    pub auth_mode: &'a str,
    pub scopes: Option<&'a str>,
    pub token_expires_at: Option<i64>,
    pub renewable: bool,
}

const COLUMNS: &str = "id, platform, instance_url, platform_user_id, handle, display_name, status, auth_mode, scopes,
                       token_expires_at, renewable, keychain_ref, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        platform: r.get(1)?,
        instance_url: r.get(2)?,
        platform_user_id: r.get(3)?,
        handle: r.get(4)?,
        display_name: r.get(5)?,
        status: r.get(6)?,
        auth_mode: r.get(7)?,
        scopes: r.get(8)?,
        token_expires_at: r.get(9)?,
        renewable: r.get(10)?,
        keychain_ref: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

/// The id an account will have if it is connected now: reconnecting the same platform identity
/// keeps its id (and its posts); a new identity gets a new one. Lets the caller store the
/// keychain entry under the final id before the row exists.
pub fn id_for(db: &Db, platform: &str, instance_url: Option<&str>, platform_user_id: &str) -> Result<String> {
    let existing: Option<String> = db.read(|c| {
        Ok(c.query_row(
            "SELECT id FROM accounts WHERE platform = ?1 AND ifnull(instance_url, '') = ifnull(?2, '')
               AND platform_user_id = ?3 AND deleted_at IS NULL",
            params![platform, instance_url, platform_user_id],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    Ok(existing.unwrap_or_else(new_id))
}

/// Inserts or reconnects the account `id` (from [`id_for`]).
pub fn upsert(db: &mut Db, actor: &str, id: &str, a: &NewAccount<'_>) -> Result<Account> {
    let now = now_ms();
    let keychain_ref = format!("account:{id}");
    db.write(|tx| {
        let exists: bool =
            tx.query_row("SELECT count(*) FROM accounts WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get::<_, i64>(0))? > 0;
        if exists {
            tx.execute(
                "UPDATE accounts SET handle = ?2, display_name = ?3, status = 'connected', auth_mode = ?4, scopes = ?5,
                        token_expires_at = ?6, renewable = ?7, updated_at = ?8, version = version + 1 WHERE id = ?1",
                params![id, a.handle, a.display_name, a.auth_mode, a.scopes, a.token_expires_at, a.renewable, now],
            )?;
        } else {
            tx.execute(
                "INSERT INTO accounts (id, platform, instance_url, platform_user_id, handle, display_name, status, auth_mode,
                                       scopes, token_expires_at, renewable, keychain_ref, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'connected', ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                params![
                    id,
                    a.platform,
                    a.instance_url,
                    a.platform_user_id,
                    a.handle,
                    a.display_name,
                    a.auth_mode,
                    a.scopes,
                    a.token_expires_at,
                    a.renewable,
                    keychain_ref,
                    now
                ],
            )?;
        }
        audit::record(
            tx,
            Entry {
                actor,
                action: if exists { "account.reconnect" } else { "account.connect" },
                entity_type: "account",
                entity_id: Some(id),
                detail: serde_json::json!({ "platform": a.platform, "handle": a.handle }),
            },
        )?;
        Ok(())
    })?;
    get(db, id)
}

pub fn get(db: &Db, id: &str) -> Result<Account> {
    db.read(|c| {
        c.query_row(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1 AND deleted_at IS NULL"), [id], from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { entity: "account", id: id.to_string() })
    })
}

/// Like [`get`], also for disconnected accounts: published posts still name them.
pub fn get_any(db: &Db, id: &str) -> Result<Account> {
    db.read(|c| {
        c.query_row(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { entity: "account", id: id.to_string() })
    })
}

pub fn list(db: &Db) -> Result<Vec<Account>> {
    db.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM accounts WHERE deleted_at IS NULL ORDER BY platform, handle COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// Records what the last token operation learned: a new expiry, or that only the creator can
/// fix the sign-in now.
pub fn set_status(db: &mut Db, id: &str, status: &str, token_expires_at: Option<i64>) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        let n = tx.execute(
            "UPDATE accounts SET status = ?2, token_expires_at = coalesce(?3, token_expires_at), updated_at = ?4,
                    version = version + 1 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, status, token_expires_at, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "account", id: id.to_string() });
        }
        Ok(())
    })
}

/// The platform asked to wait (rate limit): none of this account's jobs are claimed before `until`.
pub fn pause_until(db: &mut Db, id: &str, until: i64) -> Result<()> {
    db.write(|tx| {
        tx.execute("UPDATE accounts SET paused_until = ?2 WHERE id = ?1", params![id, until])?;
        Ok(())
    })
}

/// Disconnects: the row is kept (soft-deleted) so published posts still name their account.
pub fn remove(db: &mut Db, actor: &str, id: &str) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        let n = tx.execute(
            "UPDATE accounts SET status = 'disconnected', deleted_at = ?2, updated_at = ?2, version = version + 1
              WHERE id = ?1 AND deleted_at IS NULL",
            params![id, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "account", id: id.to_string() });
        }
        audit::record(
            tx,
            Entry {
                actor,
                action: "account.disconnect",
                entity_type: "account",
                entity_id: Some(id),
                detail: serde_json::json!({}),
            },
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = Db::open(&dir.path().join("t.db")).expect("open");
        (dir, db)
    }

    fn new<'a>(user: &'a str, handle: &'a str) -> NewAccount<'a> {
        NewAccount {
            platform: "mastodon",
            instance_url: Some("https://masto.example"),
            platform_user_id: user,
            handle,
            display_name: None,
            auth_mode: "oauth",
            scopes: None,
            token_expires_at: None,
            renewable: true,
        }
    }

    #[test]
    fn reconnecting_keeps_the_id_and_disconnect_keeps_history() {
        let (_d, mut db) = db();
        let id = id_for(&db, "mastodon", Some("https://masto.example"), "1").expect("id");
        let a = upsert(&mut db, "test", &id, &new("1", "@a")).expect("insert");
        assert_eq!(a.keychain_ref, format!("account:{id}"));
        set_status(&mut db, &id, "needs_reconnect", None).expect("status");
        let again = id_for(&db, "mastodon", Some("https://masto.example"), "1").expect("id");
        assert_eq!(again, id);
        let b = upsert(&mut db, "test", &again, &new("1", "@a2")).expect("reconnect");
        assert_eq!((b.status.as_str(), b.handle.as_deref()), ("connected", Some("@a2")));
        assert_ne!(id_for(&db, "mastodon", None, "1").expect("id"), id, "another server is another account");
        remove(&mut db, "test", &id).expect("remove");
        assert!(list(&db).expect("list").is_empty());
        assert!(matches!(remove(&mut db, "test", &id), Err(StoreError::NotFound { .. })));
        let audits = db.read(|c| audit::count_for(c, "account", &id)).expect("audit");
        assert_eq!(audits, 3);
    }
}

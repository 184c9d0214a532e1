//! Reads behind the scheduler's health panel and `studio status`: how many targets need the
//! creator, and each account's standing with its last failure. The lease, the queue and the
//! scheduler's events have their own modules (`leases`, `jobs`, `notifications`).
use crate::error::Result;
use crate::Db;

/// Live targets of live posts the creator should look at: failed, unconfirmed, needing a
/// reconnect, or flagged for attention.
pub fn needs_attention(db: &Db) -> Result<i64> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FROM post_targets t JOIN posts p ON p.id = t.post_id
              WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL
                AND (t.state IN ('failed', 'unconfirmed', 'needs_reconnect') OR t.attention IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    })
}

/// A connected account with the newest failure any of its targets recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountHealthRow {
    pub account_id: String,
    pub platform: String,
    /// Empty when the account has no handle.
    pub handle: String,
    pub status: String,
    pub paused_until: Option<i64>,
    pub last_error: Option<String>,
    /// UTC ms of the target update that recorded `last_error`.
    pub last_error_at: Option<i64>,
}

/// Every live account by platform and handle, with its last failure from the targets' own
/// records (a failure message outlives the job that wrote it).
pub fn account_health(db: &Db) -> Result<Vec<AccountHealthRow>> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT a.id, a.platform, coalesce(a.handle, ''), a.status, a.paused_until,
                    (SELECT t.failure_message FROM post_targets t WHERE t.account_id = a.id AND t.failure_message IS NOT NULL
                      ORDER BY t.updated_at DESC LIMIT 1),
                    (SELECT t.updated_at FROM post_targets t WHERE t.account_id = a.id AND t.failure_message IS NOT NULL
                      ORDER BY t.updated_at DESC LIMIT 1)
               FROM accounts a WHERE a.deleted_at IS NULL ORDER BY a.platform, a.handle",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AccountHealthRow {
                    account_id: r.get(0)?,
                    platform: r.get(1)?,
                    handle: r.get(2)?,
                    status: r.get(3)?,
                    paused_until: r.get(4)?,
                    last_error: r.get(5)?,
                    last_error_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

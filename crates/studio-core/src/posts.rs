//! Posts and their per-account targets: what the composer saves and the publisher works through.
//!
//! A post is the creator's idea (caption, media, time); each target is one account's copy of it
//! with its own state machine (`targets`, the only code that changes it), so one platform failing
//! never holds back another.
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::audit::{self, Entry};
use crate::clock::now_ms;
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::targets::{self, JobKind, TargetState};
use crate::Db;

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: String,
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    /// An asset or render id the targets use unless they name their own.
    pub media_ref: Option<String>,
    /// draft, scheduled, publishing, done or cancelled.
    pub state: String,
    pub scheduled_at: Option<i64>,
    pub timezone: Option<String>,
    pub recurrence: Option<String>,
    pub recurrence_of: Option<String>,
    pub occurrence: Option<i64>,
    pub compliance_override: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub post_id: String,
    pub account_id: String,
    pub asset_id: Option<String>,
    pub render_id: Option<String>,
    pub overrides_json: String,
    pub state: TargetState,
    pub upload_progress: Option<f64>,
    pub idempotency_key: String,
    pub publish_state_json: Option<String>,
    pub platform_post_id: Option<String>,
    pub post_url: Option<String>,
    pub published_at: Option<i64>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub attention: Option<String>,
    pub late_by_ms: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetEvent {
    pub at: i64,
    pub state: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTarget {
    pub account_id: String,
    pub asset_id: Option<String>,
    pub render_id: Option<String>,
    pub overrides_json: String,
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    pub media_ref: Option<String>,
    pub targets: Vec<NewTarget>,
}

const POST_COLUMNS: &str = "id, campaign_id, caption, title, media_ref, state, scheduled_at, timezone, recurrence,
    recurrence_of, occurrence, compliance_override, created_at, updated_at, version";

fn post_from_row(r: &Row<'_>) -> rusqlite::Result<Post> {
    Ok(Post {
        id: r.get(0)?,
        campaign_id: r.get(1)?,
        caption: r.get(2)?,
        title: r.get(3)?,
        media_ref: r.get(4)?,
        state: r.get(5)?,
        scheduled_at: r.get(6)?,
        timezone: r.get(7)?,
        recurrence: r.get(8)?,
        recurrence_of: r.get(9)?,
        occurrence: r.get(10)?,
        compliance_override: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        version: r.get(14)?,
    })
}

const TARGET_COLUMNS: &str = "id, post_id, account_id, asset_id, render_id, overrides_json, state, upload_progress,
    idempotency_key, publish_state_json, platform_post_id, post_url, published_at, failure_code, failure_message,
    attempts, next_attempt_at, attention, late_by_ms, updated_at";

fn target_from_row(r: &Row<'_>) -> rusqlite::Result<Target> {
    Ok(Target {
        id: r.get(0)?,
        post_id: r.get(1)?,
        account_id: r.get(2)?,
        asset_id: r.get(3)?,
        render_id: r.get(4)?,
        overrides_json: r.get(5)?,
        state: r.get(6)?,
        upload_progress: r.get(7)?,
        idempotency_key: r.get(8)?,
        publish_state_json: r.get(9)?,
        platform_post_id: r.get(10)?,
        post_url: r.get(11)?,
        published_at: r.get(12)?,
        failure_code: r.get(13)?,
        failure_message: r.get(14)?,
        attempts: r.get(15)?,
        next_attempt_at: r.get(16)?,
        attention: r.get(17)?,
        late_by_ms: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

fn post_not_found(id: &str) -> StoreError {
    StoreError::NotFound { entity: "post", id: id.to_string() }
}

pub fn load_post(c: &Connection, id: &str) -> Result<Post> {
    c.query_row(&format!("SELECT {POST_COLUMNS} FROM posts WHERE id = ?1 AND deleted_at IS NULL"), [id], post_from_row)
        .optional()?
        .ok_or_else(|| post_not_found(id))
}

pub fn get(db: &Db, id: &str) -> Result<Post> {
    db.read(|c| load_post(c, id))
}

pub fn load_targets(c: &Connection, post_id: &str) -> Result<Vec<Target>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {TARGET_COLUMNS} FROM post_targets WHERE post_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([post_id], target_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn targets(db: &Db, post_id: &str) -> Result<Vec<Target>> {
    db.read(|c| load_targets(c, post_id))
}

pub fn load_target(c: &Connection, id: &str) -> Result<Target> {
    c.query_row(
        &format!("SELECT {TARGET_COLUMNS} FROM post_targets WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        target_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound { entity: "post target", id: id.to_string() })
}

pub fn target(db: &Db, id: &str) -> Result<Target> {
    db.read(|c| load_target(c, id))
}

pub fn events(db: &Db, target_id: &str) -> Result<Vec<TargetEvent>> {
    db.read(|c| {
        let mut stmt =
            c.prepare("SELECT at, state, detail FROM target_events WHERE target_id = ?1 ORDER BY at, rowid")?;
        let rows = stmt
            .query_map([target_id], |r| Ok(TargetEvent { at: r.get(0)?, state: r.get(1)?, detail: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// Posts in a window of scheduled time (drafts without a time are included when `with_drafts`).
pub fn list(
    db: &Db,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    campaign_id: Option<&str>,
    with_drafts: bool,
) -> Result<Vec<Post>> {
    db.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {POST_COLUMNS} FROM posts
              WHERE deleted_at IS NULL
                AND (?3 IS NULL OR campaign_id = ?3)
                AND ((scheduled_at IS NOT NULL AND (?1 IS NULL OR scheduled_at >= ?1) AND (?2 IS NULL OR scheduled_at < ?2))
                     OR (scheduled_at IS NULL AND ?4))
              ORDER BY scheduled_at IS NULL, scheduled_at, created_at"
        ))?;
        let rows = stmt
            .query_map(params![from_ms, to_ms, campaign_id, with_drafts], post_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// New targets (each with a fresh idempotency key) in `state`; returns their ids.
fn insert_targets(
    tx: &Transaction<'_>,
    post_id: &str,
    targets: &[NewTarget],
    state: TargetState,
    detail: Option<&str>,
    now: i64,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for t in targets {
        let id = new_id();
        tx.execute(
            "INSERT INTO post_targets (id, post_id, account_id, asset_id, render_id, overrides_json, state,
                                       idempotency_key, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![id, post_id, t.account_id, t.asset_id, t.render_id, t.overrides_json, state, new_id(), now],
        )?;
        targets::event(tx, &id, state.as_str(), detail, now)?;
        ids.push(id);
    }
    Ok(ids)
}

/// Creates occurrence `index` of the series `root_id` as a scheduled post of its own (new
/// targets, new idempotency keys, publish jobs due at `at`), copied from `prev`. Returns false
/// when that occurrence already exists: the unique (recurrence_of, occurrence) pair makes this
/// safe to repeat after a crash.
pub fn spawn_occurrence(db: &mut Db, prev: &Post, root_id: &str, index: i64, at: i64) -> Result<bool> {
    let now = now_ms();
    db.write(|tx| {
        let id = new_id();
        let inserted = tx.execute(
            "INSERT INTO posts (id, campaign_id, caption, title, media_ref, state, scheduled_at, timezone, recurrence,
                                recurrence_of, occurrence, compliance_override, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'scheduled', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
             ON CONFLICT DO NOTHING",
            params![
                id,
                prev.campaign_id,
                prev.caption,
                prev.title,
                prev.media_ref,
                at,
                prev.timezone,
                prev.recurrence,
                root_id,
                index,
                prev.compliance_override,
                now
            ],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        let targets: Vec<NewTarget> = load_targets(tx, &prev.id)?
            .into_iter()
            .map(|t| NewTarget {
                account_id: t.account_id,
                asset_id: t.asset_id,
                render_id: t.render_id,
                overrides_json: t.overrides_json,
            })
            .collect();
        let detail = format!("repeat {} of the series", index + 1);
        for tid in insert_targets(tx, &id, &targets, TargetState::Queued, Some(&detail), now)? {
            crate::jobs::enqueue(tx, JobKind::Publish, &tid, at, now)?;
        }
        Ok(true)
    })
}

pub fn create(db: &mut Db, new: &NewPost, actor: &str) -> Result<Post> {
    let id = new_id();
    let now = now_ms();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO posts (id, campaign_id, caption, title, media_ref, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6)",
            params![id, new.campaign_id, new.caption, new.title, new.media_ref, now],
        )?;
        insert_targets(tx, &id, &new.targets, TargetState::Draft, None, now)?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "post.create",
                entity_type: "post",
                entity_id: Some(&id),
                detail: serde_json::json!({ "targets": new.targets.len() }),
            },
        )?;
        Ok(())
    })?;
    get(db, &id)
}

/// Replaces the content of a post nobody has started publishing. Targets of accounts that stay
/// keep their ids (and idempotency keys); new accounts get new targets.
pub fn update(db: &mut Db, id: &str, edit: &NewPost, expected_version: Option<i64>, actor: &str) -> Result<Post> {
    let now = now_ms();
    db.write(|tx| {
        let post = load_post(tx, id)?;
        if let Some(v) = expected_version.filter(|v| *v != post.version) {
            return Err(StoreError::Conflict { entity: "post", expected: v, current: post.version });
        }
        let existing = load_targets(tx, id)?;
        if existing.iter().any(|t| t.state.has_started()) {
            return Err(StoreError::InUse(
                "Publishing of this post has started; it can no longer be edited. Cancel the targets that have not started instead.".into(),
            ));
        }
        tx.execute(
            "UPDATE posts SET caption = ?2, title = ?3, media_ref = ?4, updated_at = ?5, version = version + 1 WHERE id = ?1",
            params![id, edit.caption, edit.title, edit.media_ref, now],
        )?;
        for old in &existing {
            match edit.targets.iter().find(|t| t.account_id == old.account_id) {
                Some(t) => {
                    tx.execute(
                        "UPDATE post_targets SET asset_id = ?2, render_id = ?3, overrides_json = ?4, updated_at = ?5,
                                version = version + 1 WHERE id = ?1",
                        params![old.id, t.asset_id, t.render_id, t.overrides_json, now],
                    )?;
                }
                None => {
                    tx.execute("DELETE FROM post_targets WHERE id = ?1", [&old.id])?;
                    crate::jobs::cancel_all(tx, &old.id, now)?;
                }
            }
        }
        let added: Vec<NewTarget> =
            edit.targets.iter().filter(|t| !existing.iter().any(|o| o.account_id == t.account_id)).cloned().collect();
        insert_targets(tx, id, &added, TargetState::Draft, None, now)?;
        if post.state == "scheduled" {
            // New targets of a scheduled post are queued with the others.
            if let Some(at) = post.scheduled_at {
                queue_targets(tx, id, at, now)?;
            }
        }
        audit::record(
            tx,
            Entry { actor, action: "post.update", entity_type: "post", entity_id: Some(id), detail: serde_json::json!({}) },
        )?;
        Ok(())
    })?;
    get(db, id)
}

/// Moves draft (or re-queues cancelled-before-start) targets to queued with a publish job due
/// at `at`; targets already queued get their job moved.
fn queue_targets(tx: &Transaction<'_>, post_id: &str, at: i64, now: i64) -> Result<()> {
    for t in load_targets(tx, post_id)? {
        if t.state.is_waiting() {
            targets::schedule(tx, &t.id, now)?;
            crate::jobs::move_publish(tx, &t.id, at, now)?;
        }
    }
    Ok(())
}

pub struct ScheduleChange<'a> {
    pub at_ms: i64,
    pub timezone: &'a str,
    pub recurrence_json: Option<&'a str>,
    /// Why the creator published despite failing compliance checks (recorded in the audit log).
    pub compliance_override: Option<&'a str>,
    pub expected_version: Option<i64>,
}

/// Schedules (or reschedules) a post: one transaction moves the post, its targets and their
/// publish jobs, so a crash never leaves a post scheduled without jobs.
pub fn schedule(db: &mut Db, id: &str, ch: &ScheduleChange<'_>, actor: &str) -> Result<Post> {
    let now = now_ms();
    db.write(|tx| {
        let post = load_post(tx, id)?;
        if let Some(v) = ch.expected_version.filter(|v| *v != post.version) {
            return Err(StoreError::Conflict { entity: "post", expected: v, current: post.version });
        }
        if matches!(post.state.as_str(), "done" | "cancelled") {
            return Err(StoreError::InUse(format!("This post is {}; it cannot be scheduled again.", post.state)));
        }
        let targets = load_targets(tx, id)?;
        if !targets.iter().any(|t| t.state.is_waiting()) {
            return Err(StoreError::InUse("No target of this post is waiting to be published.".into()));
        }
        tx.execute(
            "UPDATE posts SET state = CASE WHEN state = 'publishing' THEN state ELSE 'scheduled' END, scheduled_at = ?2,
                    timezone = ?3, recurrence = coalesce(?4, recurrence), compliance_override = coalesce(?5, compliance_override),
                    updated_at = ?6, version = version + 1
              WHERE id = ?1",
            params![id, ch.at_ms, ch.timezone, ch.recurrence_json, ch.compliance_override, now],
        )?;
        queue_targets(tx, id, ch.at_ms, now)?;
        audit::record(
            tx,
            Entry {
                actor,
                action: if post.scheduled_at.is_some() { "post.reschedule" } else { "post.schedule" },
                entity_type: "post",
                entity_id: Some(id),
                detail: serde_json::json!({ "at": ch.at_ms, "timezone": ch.timezone, "recurring": ch.recurrence_json.is_some() }),
            },
        )?;
        if let Some(reason) = ch.compliance_override {
            audit::record(
                tx,
                Entry {
                    actor,
                    action: "post.compliance_override",
                    entity_type: "post",
                    entity_id: Some(id),
                    detail: serde_json::json!({ "reason": reason }),
                },
            )?;
        }
        Ok(())
    })?;
    get(db, id)
}

/// Takes a scheduled post back to draft; targets that already started keep going.
pub fn unschedule(db: &mut Db, id: &str, actor: &str) -> Result<Post> {
    let now = now_ms();
    db.write(|tx| {
        let post = load_post(tx, id)?;
        let targets = load_targets(tx, id)?;
        if targets.iter().any(|t| !t.state.is_waiting()) {
            return Err(StoreError::InUse(
                "Publishing of this post has started; cancel single targets from the post detail instead.".into(),
            ));
        }
        for t in &targets {
            crate::jobs::cancel_waiting(tx, &t.id, now)?;
            if t.state == TargetState::Queued {
                targets::unschedule(tx, &t.id, now)?;
            }
        }
        tx.execute(
            "UPDATE posts SET state = 'draft', scheduled_at = NULL, updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![post.id, now],
        )?;
        audit::record(
            tx,
            Entry { actor, action: "post.unschedule", entity_type: "post", entity_id: Some(id), detail: serde_json::json!({}) },
        )?;
        Ok(())
    })?;
    get(db, id)
}

/// Deletes a post that has nothing in flight (published targets keep their history: soft delete).
pub fn delete(db: &mut Db, id: &str, actor: &str) -> Result<()> {
    let now = now_ms();
    db.write(|tx| {
        load_post(tx, id)?;
        let targets = load_targets(tx, id)?;
        if targets.iter().any(|t| t.state.is_in_flight()) {
            return Err(StoreError::InUse(
                "A target of this post is being published; wait for it or cancel it first.".into(),
            ));
        }
        for t in &targets {
            crate::jobs::cancel_waiting(tx, &t.id, now)?;
        }
        tx.execute(
            "UPDATE posts SET deleted_at = ?2, updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![id, now],
        )?;
        audit::record(
            tx,
            Entry {
                actor,
                action: "post.delete",
                entity_type: "post",
                entity_id: Some(id),
                detail: serde_json::json!({}),
            },
        )?;
        Ok(())
    })
}

/// Recurring posts whose occurrence is due at `now` and whose successor does not exist yet, at
/// most `limit` (the publisher creates the successors; the unique occurrence pair keeps that
/// idempotent).
pub fn due_recurrences(db: &Db, now: i64, limit: u32) -> Result<Vec<String>> {
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT p.id FROM posts p
              WHERE p.recurrence IS NOT NULL AND p.deleted_at IS NULL AND p.scheduled_at IS NOT NULL
                AND p.scheduled_at <= ?1 AND p.state IN ('scheduled', 'publishing', 'done')
                AND NOT EXISTS (SELECT 1 FROM posts n WHERE n.recurrence_of = coalesce(p.recurrence_of, p.id)
                                  AND n.occurrence = coalesce(p.occurrence, 0) + 1)
              LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now, limit], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    })
}

//! A target's timeline (`target_events`) and the post state that follows its targets: written
//! by every move in this module, and by the few writers of a published target's follow-ups.
use rusqlite::{params, Transaction};

use super::TargetState;
use crate::error::Result;
use crate::ids::new_id;

/// Records a state in a target's timeline.
pub fn event(tx: &Transaction<'_>, target_id: &str, state: &str, detail: Option<&str>, at: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO target_events (id, target_id, at, state, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_id(), target_id, at, state, detail],
    )?;
    Ok(())
}

/// Recomputes the post's own state from its targets (publishing while any is in flight, done
/// when all are finished).
pub fn refresh_post_state(tx: &Transaction<'_>, post_id: &str, now: i64) -> Result<()> {
    let states: Vec<TargetState> = {
        let mut stmt = tx.prepare("SELECT state FROM post_targets WHERE post_id = ?1 AND deleted_at IS NULL")?;
        let rows = stmt.query_map([post_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<TargetState>>>()?;
        rows
    };
    let all_final = !states.is_empty() && states.iter().all(|s| s.is_terminal());
    let any_started = states.iter().any(|s| !s.is_waiting());
    let next = if all_final {
        if states.iter().all(|s| *s == TargetState::Cancelled) {
            "cancelled"
        } else {
            "done"
        }
    } else if any_started {
        "publishing"
    } else {
        return Ok(());
    };
    tx.execute(
        "UPDATE posts SET state = ?2, updated_at = ?3 WHERE id = ?1 AND state NOT IN ('draft') AND state <> ?2",
        params![post_id, next, now],
    )?;
    Ok(())
}

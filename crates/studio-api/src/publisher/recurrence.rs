//! Recurring posts: when an occurrence becomes due, its successor is created as a post of its
//! own (own targets, own idempotency keys) at the next wall-clock time in the post's zone. The
//! unique (recurrence_of, occurrence) pair makes this idempotent across crashes.
use studio_core::posts::{self, Post};
use studio_core::when::Recurrence;

use super::fault;
use crate::{ApiResult, Context};

pub fn spawn_due_occurrences(ctx: &Context, now: i64) -> ApiResult<usize> {
    let due: Vec<Post> = {
        let db = ctx.db();
        let ids = posts::due_recurrences(&db, now, 100)?;
        ids.iter().filter_map(|id| posts::get(&db, id).ok()).collect()
    };
    let mut made = 0;
    for p in due {
        let (Some(rule), Some(tz), Some(at)) = (p.recurrence.as_deref(), p.timezone.as_deref(), p.scheduled_at) else {
            continue;
        };
        let Ok(rule) = serde_json::from_str::<Recurrence>(rule) else {
            tracing::warn!(post = %p.id, "unreadable repeat rule; the series stops here");
            continue;
        };
        let root_id = p.recurrence_of.clone().unwrap_or_else(|| p.id.clone());
        let first_at = if root_id == p.id {
            at
        } else {
            posts::get(&ctx.db(), &root_id).ok().and_then(|r| r.scheduled_at).unwrap_or(at)
        };
        let index = u32::try_from(p.occurrence.unwrap_or(0)).unwrap_or(0);
        let Some(next_at) = rule.next(tz, first_at, at, index)? else { continue };
        fault::point("occurrence_spawn");
        let created = posts::spawn_occurrence(&mut ctx.db(), &p, &root_id, i64::from(index) + 1, next_at)?;
        fault::point("occurrence_spawned");
        if created {
            made += 1;
            tracing::info!(post = %p.id, next = %studio_core::clock::rfc3339(next_at), "scheduled the next occurrence");
        }
    }
    Ok(made)
}

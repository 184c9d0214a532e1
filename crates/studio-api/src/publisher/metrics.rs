//! A metrics job: one snapshot of a published target's numbers, then the next round queued at
//! the next offset from its publish time. Best effort: a few retries, then the round is skipped;
//! never a reason to touch the post itself.
use studio_core::accounts;
use studio_core::jobs::{self, Claimed};
use studio_core::targets::{self, JobKind, Snapshot, TargetState};

use super::fault;
use super::shared::{backoff_ms, load, Shared};
use crate::ApiError;

pub(super) fn run(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    fault::point("metrics_claimed");
    let (t, _) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    let round: usize = jobs::get(&shared.ctx.db(), &job.id)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload_json).ok())
        .and_then(|v| v.get("round").and_then(serde_json::Value::as_u64))
        .and_then(|r| usize::try_from(r).ok())
        .unwrap_or(0);
    let Some(post_id) = t.platform_post_id.clone().filter(|_| t.state == TargetState::Published) else {
        let _ = shared
            .ctx
            .db()
            .write(|tx| jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some("not published"), now));
        return Ok(());
    };
    let account = accounts::get_any(&shared.ctx.db(), &t.account_id)?;
    let platform = crate::accounts::parse_platform(&account.platform)?;
    let fetched = (|| -> Result<studio_publish::connector::Metrics, ApiError> {
        let c = crate::accounts::connector(platform)?;
        let mut s = crate::publish::prepare_session(&shared.ctx, &account, platform, c.as_ref())?;
        let reauth = || crate::publish::reauthorize(&shared.ctx, &account, platform);
        Ok(studio_publish::publish::with_refresh(&mut s, &reauth, |s| c.metrics(s, &post_id))?)
    })();
    fault::point("metrics_fetched");
    let now = shared.clock.now_ms();
    match fetched {
        Ok(m) => {
            let next_at = shared
                .cfg
                .metric_offsets
                .get(round + 1)
                .map(|d| t.published_at.unwrap_or(now) + i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4));
            let as_i = |v: Option<u64>| v.and_then(|x| i64::try_from(x).ok());
            let snapshot = Snapshot {
                views: as_i(m.views),
                likes: as_i(m.likes),
                comments: as_i(m.comments),
                shares: as_i(m.shares),
                saves: as_i(m.saves),
                watch_time_s: m.watch_time_s,
                raw_json: m.raw.to_string(),
            };
            shared.ctx.db().write(|tx| {
                if !jobs::settle(tx, &job.id, &shared.owner, "done", None, now)? {
                    return Ok(());
                }
                targets::record_snapshot(tx, &t.id, &snapshot, now)?;
                if let Some(at) = next_at {
                    let payload = serde_json::json!({ "round": round + 1 }).to_string();
                    jobs::enqueue_with(tx, JobKind::Metrics, &t.id, at.max(now), &payload, now)?;
                }
                Ok(())
            })?;
            fault::point("metrics_saved");
            if round == 0 {
                // The score this post went out with, for learning; best effort (it can be
                // recorded later by `studio score model`).
                if let Err(e) = crate::learning::record_scores(&shared.ctx, &t.account_id) {
                    tracing::warn!(code = e.code.as_str(), error = %e.message, "score of a published post not recorded");
                }
            }
        }
        Err(e) => {
            let _ = shared.ctx.db().write(|tx| {
                if job.attempts < 3 {
                    let at = now + backoff_ms(shared, job.attempts);
                    jobs::requeue(tx, &job.id, &shared.owner, at, Some(&e.message), now)?;
                } else {
                    jobs::settle(tx, &job.id, &shared.owner, "failed", Some(&e.message), now)?;
                }
                Ok(())
            });
        }
    }
    Ok(())
}

//! What every job kind shares: the worker's context, loading a job's target (the one place the
//! publisher reads it), the names messages use, and the retry backoff.
use std::sync::Arc;

use studio_core::accounts;
use studio_core::posts::{self, Post, Target};
use studio_core::progress::CancelToken;

use super::config::{Clock, Config};
use crate::{ApiError, Context};

/// What workers share.
pub(crate) struct Shared {
    pub ctx: Arc<Context>,
    pub cfg: Config,
    /// This process's lease owner id (publisher lease and job leases).
    pub owner: String,
    pub clock: Arc<dyn Clock>,
    pub stop: CancelToken,
}

/// A job's target and its post, as stored now.
pub(super) fn load(shared: &Shared, target_id: &str) -> Result<(Target, Post), ApiError> {
    let t = posts::target(&shared.ctx.db(), target_id)?;
    let p = posts::get(&shared.ctx.db(), &t.post_id)?;
    Ok((t, p))
}

pub(super) fn handle_of(shared: &Shared, account_id: &str) -> String {
    accounts::get_any(&shared.ctx.db(), account_id).ok().and_then(|a| a.handle).unwrap_or_default()
}

pub(super) fn snippet(caption: &str) -> String {
    let s: String = caption.chars().take(60).collect();
    if caption.chars().count() > 60 {
        format!("{s}…")
    } else {
        s
    }
}

/// The exponential backoff step for attempt `n` (1-based), with ±20% jitter so a platform that
/// comes back is not hit by every queued post in the same second.
pub(super) fn backoff_ms(shared: &Shared, attempt: i64) -> i64 {
    let base = i64::try_from(shared.cfg.backoff_base.as_millis()).unwrap_or(30_000).max(1);
    let cap = i64::try_from(shared.cfg.backoff_cap.as_millis()).unwrap_or(1_800_000).max(base);
    let exp = u32::try_from((attempt - 1).clamp(0, 20)).unwrap_or(0);
    let step = base.saturating_mul(1i64 << exp).min(cap);
    let jitter = (rand::random::<f64>() - 0.5) * 0.4;
    ((step as f64) * (1.0 + jitter)) as i64
}

//! The scheduler's health for the app's panel and `studio status`: who holds the publisher
//! lease, the queue, restarts, and what each account last failed with.
use serde::{Deserialize, Serialize};
use studio_core::clock::{now_ms, rfc3339};
use studio_core::leases::{self, PUBLISHER};
use studio_core::notifications;
use studio_core::status as store;
use studio_publish::PlatformId;

use crate::accounts::{parse_platform, AccountStatus};
use crate::schedule::QueueItem;
use crate::{ApiResult, Context};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct LeaseView {
    pub owner_label: String,
    pub since: String,
    pub heartbeat_at: String,
    pub expires_at: String,
    /// False when the holder stopped heartbeating (crashed, asleep): another process may take over.
    pub alive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct AccountHealth {
    pub account_id: String,
    pub platform: PlatformId,
    pub handle: String,
    pub status: AccountStatus,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Rate limited: nothing is sent for this account before then.
    pub paused_until: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SchedulerEventView {
    pub at: String,
    pub owner: String,
    pub kind: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SchedulerStatus {
    pub paused: bool,
    pub lease: Option<LeaseView>,
    pub queued: u32,
    pub due_now: u32,
    pub running: u32,
    pub needs_review: u32,
    /// Targets the creator should look at: failed, unconfirmed, needs reconnect or review.
    pub needs_attention: u32,
    pub restarts: u32,
    pub last_restart: Option<String>,
    pub accounts: Vec<AccountHealth>,
    pub next: Vec<QueueItem>,
    pub events: Vec<SchedulerEventView>,
}

fn n(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

pub fn status(ctx: &Context) -> ApiResult<SchedulerStatus> {
    let now = now_ms();
    let (queued, due_now, running, needs_review) = studio_core::jobs::depth(&ctx.db(), now)?;
    let lease = leases::holder(&ctx.db(), PUBLISHER)?.map(|l| LeaseView {
        owner_label: l.owner_label,
        since: rfc3339(l.acquired_at),
        heartbeat_at: rfc3339(l.heartbeat_at),
        expires_at: rfc3339(l.expires_at),
        alive: l.expires_at >= now,
    });
    let needs_attention = store::needs_attention(&ctx.db())?;
    let restarts = notifications::count_events(&ctx.db(), "worker_restart")?;
    let last_restart = notifications::events(&ctx.db(), Some("worker_restart"), 1)?.first().map(|e| rfc3339(e.at));
    let mut accounts = Vec::new();
    for a in store::account_health(&ctx.db())? {
        accounts.push(AccountHealth {
            account_id: a.account_id,
            platform: parse_platform(&a.platform)?,
            handle: a.handle,
            status: AccountStatus::of_stored(&a.status),
            last_error: a.last_error,
            last_error_at: a.last_error_at.map(rfc3339),
            paused_until: a.paused_until.filter(|p| *p > now).map(rfc3339),
        });
    }
    let events = notifications::events(&ctx.db(), None, 20)?
        .into_iter()
        .map(|e| SchedulerEventView { at: rfc3339(e.at), owner: e.owner, kind: e.kind, detail: e.detail })
        .collect();
    Ok(SchedulerStatus {
        paused: crate::publisher::is_paused(ctx)?,
        lease,
        queued: n(queued),
        due_now: n(due_now),
        running: n(running),
        needs_review: n(needs_review),
        needs_attention: n(needs_attention),
        restarts: n(restarts),
        last_restart,
        accounts,
        next: crate::schedule::queue(ctx, 3)?,
        events,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Published,
    Failed,
    NeedsAttention,
    Late,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct NotificationView {
    pub id: String,
    pub at: String,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub target_id: Option<String>,
    pub post_id: Option<String>,
    pub read: bool,
}

fn notification_view(ctx: &Context, n: notifications::Notification) -> NotificationView {
    let post_id = n.target_id.as_deref().and_then(|t| studio_core::posts::target(&ctx.db(), t).ok()).map(|t| t.post_id);
    NotificationView {
        kind: match n.kind.as_str() {
            "published" => NotificationKind::Published,
            "failed" => NotificationKind::Failed,
            "late" => NotificationKind::Late,
            _ => NotificationKind::NeedsAttention,
        },
        id: n.id,
        at: rfc3339(n.at),
        title: n.title,
        body: n.body,
        target_id: n.target_id,
        post_id,
        read: n.read_at.is_some(),
    }
}

pub fn notifications_recent(ctx: &Context, limit: u32) -> ApiResult<Vec<NotificationView>> {
    let rows = notifications::recent(&ctx.db(), limit.clamp(1, 500))?;
    Ok(rows.into_iter().map(|n| notification_view(ctx, n)).collect())
}

/// Notifications not yet shown as OS notifications, marked shown (the app pops them once).
pub fn notifications_take_unshown(ctx: &Context) -> ApiResult<Vec<NotificationView>> {
    let rows = notifications::take_unshown(&mut ctx.db(), now_ms())?;
    Ok(rows.into_iter().map(|n| notification_view(ctx, n)).collect())
}

pub fn notifications_mark_read(ctx: &Context, ids: &[String]) -> ApiResult<()> {
    Ok(notifications::mark_read(&mut ctx.db(), ids, now_ms())?)
}

//! Pushed updates: one typed event, [`DataChanged`], tells the window which kinds of data changed
//! so it refetches exactly those queries instead of polling.
//!
//! Two sources announce changes:
//! - the app's commands, right after they commit (precise topics, no delay);
//! - [`watch`], a thread asking SQLite every half second whether anything was committed that no
//!   command announced. SQLite cannot say which tables moved, only whether the commit came from
//!   this process (then it was the publisher: [`Topic::PUBLISHER`]) or from another one (the CLI,
//!   a `studio daemon`: every topic). The UI only refetches the queries on screen. The same thread
//!   turns new notification rows into OS notifications and keeps the tray's list fresh.
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use studio_api::Context;
use studio_core::progress::CancelToken;
use studio_core::watch::ChangeWatcher;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

/// A kind of data the window shows; each maps onto the UI's query keys (ui/src/queries.ts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Campaigns,
    Assets,
    Renders,
    Accounts,
    /// Posts and their targets (state, upload progress, timelines).
    Posts,
    Queue,
    /// The publisher's health: lease, pause, recent events.
    Scheduler,
    Notifications,
    /// Metrics, scores of published posts and everything computed from them.
    Analytics,
    Revenue,
    /// Posting slots and compliance rules.
    Settings,
}

impl Topic {
    pub const ALL: [Topic; 11] = [
        Topic::Campaigns,
        Topic::Assets,
        Topic::Renders,
        Topic::Accounts,
        Topic::Posts,
        Topic::Queue,
        Topic::Scheduler,
        Topic::Notifications,
        Topic::Analytics,
        Topic::Revenue,
        Topic::Settings,
    ];
    /// What the publisher changes: targets and their posts, the queue, its own lease and events,
    /// notifications, an account whose token was refused, and the metrics it reads.
    pub const PUBLISHER: [Topic; 6] =
        [Topic::Posts, Topic::Queue, Topic::Scheduler, Topic::Notifications, Topic::Accounts, Topic::Analytics];
    /// What publishing, retrying or cancelling a post can change.
    pub const SCHEDULING: [Topic; 4] = [Topic::Posts, Topic::Queue, Topic::Scheduler, Topic::Analytics];
}

/// Data changed in the database; the window refetches the queries of these topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, Event)]
pub struct DataChanged {
    pub topics: Vec<Topic>,
}

/// Tells the window that `topics` changed. A window that is gone is not an error.
pub fn announce(app: &AppHandle, topics: &[Topic]) {
    if let Err(e) = (DataChanged { topics: topics.to_vec() }).emit(app) {
        tracing::debug!(error = %e, "DataChanged not delivered");
    }
}

/// Passes a command's result through, announcing `topics` when it succeeded.
pub fn changed<T, E>(app: &AppHandle, topics: &[Topic], out: Result<T, E>) -> Result<T, E> {
    if out.is_ok() {
        announce(app, topics);
    }
    out
}

/// How often the watcher asks SQLite; a CLI change shows in the window within this.
const POLL: Duration = Duration::from_millis(500);

/// Runs until `stop`: announces commits made by other connections, shows new notifications and
/// refreshes the tray after each.
pub fn watch(app: AppHandle, ctx: Arc<Context>, stop: CancelToken) {
    let path = ctx.db().path().to_path_buf();
    let mut watcher = match ChangeWatcher::open(&path) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the database; changes made elsewhere show after a restart");
            None
        }
    };
    let others = |ctx: &Context| studio_core::watch::others_version(&ctx.db()).ok();
    let mut last_others = others(&ctx);
    // Notifications raised while the app was closed are shown once at start.
    let mut first = true;
    while !stop.is_cancelled() {
        let changed = match watcher.as_mut().map(ChangeWatcher::changed) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "cannot ask the database for changes");
                false
            }
            None => false,
        };
        if changed {
            let now = others(&ctx);
            // Unknown (the question failed) counts as another process: announcing too much is safe.
            let elsewhere = now.is_none() || now != last_others;
            last_others = now;
            announce(&app, if elsewhere { &Topic::ALL } else { &Topic::PUBLISHER });
        }
        if changed || first {
            first = false;
            show_notifications(&app, &ctx);
            crate::tray::refresh(&app);
        }
        nap(&stop, POLL);
    }
}

fn show_notifications(app: &AppHandle, ctx: &Context) {
    match studio_api::status::notifications_take_unshown(ctx) {
        Ok(list) => {
            for n in &list {
                let shown = app.notification().builder().title(&n.title).body(&n.body).show();
                if let Err(e) = shown {
                    // No notification service (a bare X session): the app's own list still has it.
                    tracing::debug!(error = %e, "OS notification not shown");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e.message, "cannot read notifications"),
    }
}

/// Short naps so quitting never waits on this thread.
fn nap(stop: &CancelToken, total: Duration) {
    let step = Duration::from_millis(100);
    let mut slept = Duration::ZERO;
    while slept < total && !stop.is_cancelled() {
        std::thread::sleep(step);
        slept += step;
    }
}

//! Pushed updates: one typed event, [`DataChanged`], tells the window which kinds of data changed
//! so it refetches exactly those queries instead of polling.
//!
//! The database counts changes per topic itself (triggers on every table bump `data_changes`,
//! migration 0007; lease heartbeats bump nothing). [`Changes`] keeps the counters last announced,
//! on a read-only connection of its own, and two paths announce what moved since:
//! - the app's commands, right after they commit ([`announce`]: their own topics at once, plus
//!   anything else that moved meanwhile, e.g. the publisher committing at the same moment);
//! - [`watch`], a thread asking SQLite every half second whether anyone committed (`PRAGMA
//!   data_version`, no table read) and only then reading the counters: what the publisher thread,
//!   the CLI or a `studio daemon` changed. The same thread turns new notification rows into OS
//!   notifications and refreshes the tray's list.
//!
//! Sharing the counters means a command's change is announced once, not again by the watcher.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use studio_api::Context;
use studio_core::progress::CancelToken;
use studio_core::watch::{self, ChangeWatcher, Counters};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

/// A kind of data the window shows; each maps onto the UI's query keys (ui/src/queries.ts) and
/// onto a row of `data_changes` (migration 0007) by its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Campaigns,
    Assets,
    Renders,
    Accounts,
    /// Posts and their targets (state, upload progress, timelines).
    Posts,
    Queue,
    /// The publisher's health: lease holder, pause, recent events.
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
    /// What publishing, retrying or cancelling a post can change.
    pub const SCHEDULING: [Topic; 4] = [Topic::Posts, Topic::Queue, Topic::Scheduler, Topic::Analytics];

    /// The name of its `data_changes` row (and its wire name).
    pub fn name(self) -> &'static str {
        match self {
            Topic::Campaigns => "campaigns",
            Topic::Assets => "assets",
            Topic::Renders => "renders",
            Topic::Accounts => "accounts",
            Topic::Posts => "posts",
            Topic::Queue => "queue",
            Topic::Scheduler => "scheduler",
            Topic::Notifications => "notifications",
            Topic::Analytics => "analytics",
            Topic::Revenue => "revenue",
            Topic::Settings => "settings",
        }
    }

    fn named(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Data changed in the database; the window refetches the queries of these topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, Event)]
pub struct DataChanged {
    pub topics: Vec<Topic>,
}

/// The change counters last announced, read through the watcher's own read-only connection (never
/// the app's writing one, which a long export may hold). `None` until the publisher starts it, or
/// when the database cannot be watched: then commands still announce their own topics.
#[derive(Default)]
pub struct Changes(Mutex<Option<Seen>>);

struct Seen {
    watcher: ChangeWatcher,
    counters: Counters,
}

impl Changes {
    fn start(&self, ctx: &Context) {
        let opened = ChangeWatcher::open(ctx.db().path()).and_then(|w| Ok((w.counters()?, w)));
        match opened {
            Ok((counters, watcher)) => *self.lock() = Some(Seen { watcher, counters }),
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch the database; changes made elsewhere show after a restart")
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Seen>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The topics whose counters moved since the last call, or `None` when nobody committed
    /// (`only_if_committed`: the watcher's cheap first question).
    fn moved(&self, only_if_committed: bool) -> Option<Vec<Topic>> {
        let mut guard = self.lock();
        let seen = guard.as_mut()?;
        match seen.watcher.changed() {
            Ok(false) if only_if_committed => return None,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot ask the database for changes"),
        }
        match seen.watcher.counters() {
            Ok(now) => {
                let moved = watch::moved(&seen.counters, &now);
                seen.counters = now;
                Some(moved.iter().filter_map(|n| Topic::named(n)).collect())
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the change counters");
                // Announcing too much is safe; missing a change is not.
                Some(Topic::ALL.to_vec())
            }
        }
    }
}

/// Tells the window that `topics` changed, together with whatever else moved since the last
/// announcement. A window that is gone is not an error.
pub fn announce(app: &AppHandle, topics: &[Topic]) {
    let mut all = topics.to_vec();
    if let Some(state) = app.try_state::<Changes>() {
        all.extend(state.moved(false).unwrap_or_default());
    }
    emit(app, all);
}

fn emit(app: &AppHandle, mut topics: Vec<Topic>) {
    topics.sort();
    topics.dedup();
    if topics.is_empty() {
        return;
    }
    if let Err(e) = (DataChanged { topics }).emit(app) {
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

/// Topics after which the tray's list and the OS notifications are looked at again.
const TRAY: [Topic; 4] = [Topic::Posts, Topic::Queue, Topic::Scheduler, Topic::Notifications];

/// Runs until `stop`: announces what other connections committed, shows new notifications and
/// refreshes the tray after changes that concern them.
pub fn watch(app: AppHandle, ctx: Arc<Context>, stop: CancelToken) {
    let changes = app.state::<Changes>();
    changes.start(&ctx);
    // Notifications raised while the app was closed are shown once at start.
    let mut first = true;
    while !stop.is_cancelled() {
        let moved = changes.moved(true).unwrap_or_default();
        let tray = first || moved.iter().any(|t| TRAY.contains(t));
        emit(&app, moved);
        if tray {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The window's topics and the database's counters are one list: a topic without a row would
    /// never be announced by the watcher, a row without a topic would be dropped.
    #[test]
    fn every_topic_has_a_change_counter_and_every_counter_a_topic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = studio_core::Db::open(&dir.path().join("studio.db")).expect("db");
        let rows: Vec<String> = watch::counters(&db).expect("counters").into_keys().collect();
        let mut names: Vec<String> = Topic::ALL.iter().map(|t| t.name().to_string()).collect();
        names.sort();
        assert_eq!(rows, names);
        for t in Topic::ALL {
            let wire = serde_json::to_value(t).expect("serialize");
            assert_eq!(wire, t.name(), "the wire name is the counter's name");
            assert_eq!(Topic::named(t.name()), Some(t));
        }
    }
}

//! The publisher inside the desktop app: it runs while the app runs (window open or hidden in
//! the tray), so scheduled posts go out with the window closed. A second thread turns new
//! notification rows (from this publisher or a headless `studio daemon`) into OS notifications
//! and keeps the tray's "next up" list fresh.
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use studio_api::publisher::{self, Config, SystemClock};
use studio_core::progress::CancelToken;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

#[derive(Default)]
pub struct Publisher {
    stop: CancelToken,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

pub fn start(app: &AppHandle) {
    let Ok(ctx) = crate::state(app).ctx() else {
        tracing::warn!("no database: the publisher does not run");
        return;
    };
    let runtime = app.state::<Publisher>();
    let stop = runtime.stop.clone();
    let label = format!("Viral Studio app (pid {})", std::process::id());
    let cfg = Config::from_env(label);
    let (c, s) = (ctx.clone(), stop.clone());
    let publisher = std::thread::Builder::new().name("publisher".into()).spawn(move || {
        if let Err(e) = publisher::run(c, cfg, Arc::new(SystemClock::default()), s) {
            tracing::error!(code = e.code.as_str(), error = %e.message, "the publisher stopped");
        }
    });
    let handle = app.clone();
    let notifier = std::thread::Builder::new().name("notifier".into()).spawn(move || {
        let mut rounds = 0u32;
        while !stop.is_cancelled() {
            rounds = rounds.wrapping_add(1);
            // Posts scheduled from the CLI or a daemon's progress also move the tray's list.
            if rounds.is_multiple_of(15) {
                crate::tray::refresh(&handle);
            }
            match studio_api::status::notifications_take_unshown(&ctx) {
                Ok(list) => {
                    for n in &list {
                        let shown = handle.notification().builder().title(&n.title).body(&n.body).show();
                        if let Err(e) = shown {
                            // No notification service (a bare X session): the app's own list still has it.
                            tracing::debug!(error = %e, "OS notification not shown");
                        }
                    }
                    if !list.is_empty() {
                        crate::tray::refresh(&handle);
                    }
                }
                Err(e) => tracing::warn!(error = %e.message, "cannot read notifications"),
            }
            // Short naps so quitting never waits on this thread.
            for _ in 0..10 {
                if stop.is_cancelled() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    });
    let mut threads = runtime.threads.lock().unwrap_or_else(|e| e.into_inner());
    threads.extend(publisher.ok());
    threads.extend(notifier.ok());
}

/// Stops claiming, lets running publishes finish (at most until their final call is safe to
/// skip), and releases the lease so a daemon can take over at once.
pub fn stop(app: &AppHandle) {
    let runtime = app.state::<Publisher>();
    runtime.stop.cancel();
    let threads: Vec<_> = runtime.threads.lock().unwrap_or_else(|e| e.into_inner()).drain(..).collect();
    for t in threads {
        let _ = t.join();
    }
}

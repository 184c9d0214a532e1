//! The publisher inside the desktop app: it runs while the app runs (window open or hidden in
//! the tray), so scheduled posts go out with the window closed. A second thread, the change
//! watcher (events.rs), announces what this publisher or a headless `studio daemon` committed,
//! turns new notification rows into OS notifications and keeps the tray's "next up" list fresh.
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use studio_api::publisher::{self, Config, SystemClock};
use studio_core::progress::CancelToken;
use tauri::{AppHandle, Manager};

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
    let watcher =
        std::thread::Builder::new().name("watcher".into()).spawn(move || crate::events::watch(handle, ctx, stop));
    let mut threads = runtime.threads.lock().unwrap_or_else(|e| e.into_inner());
    threads.extend(publisher.ok());
    threads.extend(watcher.ok());
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

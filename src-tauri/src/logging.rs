//! Logs to a daily-rotated file in the log folder (two weeks kept), plus stderr in debug builds.
//! Written synchronously: log volume is small, and a buffered writer would lose the last lines
//! when the event loop ends the process.
use std::path::Path;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

pub fn init(dir: &Path) {
    let filter = || EnvFilter::try_from_env("STUDIO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = std::fs::create_dir_all(dir).ok().and_then(|_| {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("viral-studio")
            .filename_suffix("log")
            .max_log_files(14)
            .build(dir)
            .ok()
    });
    let file_layer = file.map(|w| fmt::layer().with_ansi(false).with_writer(w).with_filter(filter()));
    let stderr_layer = cfg!(debug_assertions).then(|| fmt::layer().with_writer(std::io::stderr).with_filter(filter()));
    let _ = tracing_subscriber::registry().with(file_layer).with(stderr_layer).try_init();

    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic");
        default_hook(info);
    }));
}

//! Media on the creator's own machine, in-process through libav (ffmpeg-next) and `image`:
//! probing what a file really is, content hashes, thumbnails, and preparing files for import.
//!
//! Everything here treats files as hostile: a probe either returns facts or a typed
//! [`MediaError`], never a panic, and never leaves partial output behind.

pub mod avpath;
pub mod error;
pub mod features;
pub mod frames;
pub mod hash;
pub mod import;
pub mod probe;
pub mod render;
pub mod thumbs;

pub use error::MediaError;
pub use probe::{probe, Probe};

/// libav's global setup, once per process; also quiets its stderr chatter (we report errors
/// ourselves, typed).
pub(crate) fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Err(e) = ffmpeg_next::init() {
            tracing::error!(error = %e, "libav init failed");
        }
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Quiet);
    });
}

/// True when the entry was last written longer than `age` ago (false when unknown).
pub(crate) fn older_than(meta: &std::fs::Metadata, age: std::time::Duration) -> bool {
    meta.modified().ok().and_then(|t| std::time::SystemTime::now().duration_since(t).ok()).is_some_and(|a| a > age)
}

/// Files we hand to the creator (renders, library copies) get the usual permissions; temporary
/// files are created private (0600) and would otherwise stay that way after the rename.
pub(crate) fn make_shareable(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

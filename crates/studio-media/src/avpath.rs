//! Turning any file name into something libav opens as that file and nothing else.
//!
//! libav reads its argument as a URL: a name like `concat:a.mp4|b.mp4` or `http:x` would select
//! a protocol. An absolute path behind an explicit `file:` prefix is always the plain file.
//! ffmpeg-next also panics on names that are not UTF-8 (possible on Linux); those are opened
//! through a symlink with a safe name in a private temp folder.
use std::path::{Path, PathBuf};

use crate::MediaError;

pub struct AvPath {
    url: PathBuf,
    // Keeps the symlink alive while libav has the file open.
    _link_dir: Option<tempfile::TempDir>,
}

impl AvPath {
    pub fn new(path: &Path) -> Result<Self, MediaError> {
        let abs = std::path::absolute(path).map_err(MediaError::Unreadable)?;
        if let Some(s) = abs.to_str() {
            return Ok(Self { url: PathBuf::from(format!("file:{s}")), _link_dir: None });
        }
        Self::via_link(&abs)
    }

    #[cfg(unix)]
    fn via_link(abs: &Path) -> Result<Self, MediaError> {
        let dir = tempfile::Builder::new().prefix("studio-av").tempdir().map_err(MediaError::Unreadable)?;
        let link = dir.path().join("input");
        std::os::unix::fs::symlink(abs, &link).map_err(MediaError::Unreadable)?;
        let s = link.to_str().ok_or_else(|| MediaError::UnsupportedFormat {
            detail: Some("temporary folder name is not UTF-8".into()),
        })?;
        Ok(Self { url: PathBuf::from(format!("file:{s}")), _link_dir: Some(dir) })
    }

    #[cfg(not(unix))]
    fn via_link(_abs: &Path) -> Result<Self, MediaError> {
        Err(MediaError::UnsupportedFormat {
            detail: Some("the file name cannot be represented; rename the file".into()),
        })
    }

    pub fn url(&self) -> &Path {
        &self.url
    }
}

//! Every file location the app uses, resolved in one place.
//!
//! `STUDIO_DATA_DIR` (or `--data-dir`) puts everything under one folder, which is how tests stay
//! hermetic and how a creator keeps a portable studio on an external drive. Otherwise each OS's
//! convention applies (XDG on Linux, ~/Library on macOS, %APPDATA%/%LOCALAPPDATA% on Windows).
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

pub const DATA_DIR_ENV: &str = "STUDIO_DATA_DIR";
pub const DATABASE_FILE: &str = "studio.db";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioPaths {
    /// The single folder everything lives under, when one was chosen (`--data-dir`); helper
    /// processes are pointed at the same one.
    pub root: Option<PathBuf>,
    /// Durable user data: the database and the media library.
    pub data: PathBuf,
    pub config: PathBuf,
    /// Thumbnails, webview storage: safe to delete.
    pub cache: PathBuf,
    pub logs: PathBuf,
}

impl StudioPaths {
    /// Everything under one root (`--data-dir`, `STUDIO_DATA_DIR`, tests).
    pub fn under(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            root: Some(root.clone()),
            data: root.join("data"),
            config: root.join("config"),
            cache: root.join("cache"),
            logs: root.join("logs"),
        }
    }

    /// Resolution order: explicit override, then `STUDIO_DATA_DIR`, then the OS convention.
    pub fn resolve(override_root: Option<&Path>) -> Result<Self> {
        if let Some(root) = override_root {
            return Ok(Self::under(root));
        }
        if let Some(root) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::under(PathBuf::from(root)));
        }
        let dirs =
            directories::ProjectDirs::from("app", "Viral Studio", "Viral Studio").ok_or_else(|| StoreError::Io {
                path: PathBuf::from("~"),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no home directory for this user"),
            })?;
        Ok(Self {
            root: None,
            data: dirs.data_dir().to_path_buf(),
            config: dirs.config_dir().to_path_buf(),
            cache: dirs.cache_dir().to_path_buf(),
            logs: dirs.data_local_dir().join("logs"),
        })
    }

    pub fn database(&self) -> PathBuf {
        self.data.join(DATABASE_FILE)
    }

    /// Where renders go unless the creator picks another file.
    pub fn renders(&self) -> PathBuf {
        self.data.join("renders")
    }

    pub fn library(&self) -> PathBuf {
        self.data.join("library")
    }

    /// Creates the folders; cheap when they exist.
    pub fn ensure(&self) -> Result<()> {
        for dir in [&self.data, &self.config, &self.cache, &self.logs] {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.clone(), source })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_root_wins_and_keeps_everything_inside() {
        let p = StudioPaths::resolve(Some(Path::new("/tmp/x"))).expect("resolves");
        for dir in [&p.data, &p.config, &p.cache, &p.logs] {
            assert!(dir.starts_with("/tmp/x"), "{dir:?} escapes the root");
        }
        assert_eq!(p.database(), PathBuf::from("/tmp/x/data/studio.db"));
    }
}

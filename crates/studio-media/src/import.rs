//! Getting files into the library without ever leaving half of one behind.
//!
//! A file is hashed, probed and thumbnailed, and its bytes copied, all into staging folders.
//! Only [`Prepared::commit`] moves them into place (renames on the same disk), and the caller
//! records the database row in the same breath; if that fails, [`Committed::undo`] takes the
//! files back out. Anything dropped before commit cleans up after itself.
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use studio_core::progress::CancelToken;

use crate::probe::{self, Probe};
use crate::thumbs::{self, Thumbnails};
use crate::MediaError;

const STAGING: &str = ".staging";
/// Staging leftovers older than this belong to a crashed import, not a running one.
const STALE_STAGING: Duration = Duration::from_secs(6 * 3600);

/// Named on the wire and in `assets.storage` by what happened to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum Storage {
    /// Copy into the content-addressed library folder (safe if the original moves).
    #[serde(rename = "copied")]
    Copy,
    /// Keep using the file where it is.
    #[serde(rename = "referenced")]
    Reference,
}

impl Storage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Copy => "copied",
            Self::Reference => "referenced",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Copy, Self::Reference].into_iter().find(|k| k.as_str() == s)
    }
}

/// Where imported bytes and thumbnails live.
#[derive(Debug, Clone)]
pub struct Layout {
    pub library: PathBuf,
    pub thumbs: PathBuf,
}

impl Layout {
    pub fn media_path(&self, hash: &str, ext: &str) -> PathBuf {
        self.library.join(&hash[..2]).join(format!("{hash}.{ext}"))
    }

    pub fn thumbs_dir(&self, hash: &str) -> PathBuf {
        self.thumbs.join(hash)
    }

    fn staging(&self, root: &Path) -> Result<PathBuf, MediaError> {
        let dir = root.join(STAGING);
        std::fs::create_dir_all(&dir).map_err(|source| MediaError::Write { path: dir.clone(), source })?;
        Ok(dir)
    }

    /// Removes staging leftovers of imports that crashed (kill -9, power loss).
    pub fn sweep_stale_staging(&self) {
        for root in [&self.library, &self.thumbs] {
            let Ok(entries) = std::fs::read_dir(root.join(STAGING)) else { continue };
            for e in entries.flatten() {
                let old = e.metadata().is_ok_and(|m| crate::older_than(&m, STALE_STAGING));
                if old {
                    let p = e.path();
                    let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
                }
            }
        }
    }

    /// Library files no asset points at, written more than `grace` ago: what an import killed
    /// between moving the bytes into place and committing the row leaves behind. `known` says
    /// whether a path belongs to an asset.
    pub fn orphans(&self, grace: Duration, known: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
        let Ok(shards) = std::fs::read_dir(&self.library) else { return Vec::new() };
        let mut found = Vec::new();
        for shard in shards.flatten() {
            // Content-addressed shards are two hex digits; anything else is not ours to judge.
            let name = shard.file_name();
            let is_shard = name.len() == 2 && name.to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_hexdigit()));
            if !is_shard || !shard.path().is_dir() {
                continue;
            }
            let Ok(files) = std::fs::read_dir(shard.path()) else { continue };
            for f in files.flatten() {
                let path = f.path();
                let stale = f.metadata().is_ok_and(|m| m.is_file() && crate::older_than(&m, grace));
                if stale && !known(&path) {
                    found.push(path);
                }
            }
        }
        found
    }
}

/// Expands folders (recursively, not following symlinked folders, skipping hidden entries) into
/// files, in a stable order without duplicates. Inputs that do not exist are reported.
pub fn collect(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, MediaError)>) {
    let mut files = BTreeSet::new();
    let mut missing = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => missing.push((input.clone(), MediaError::Unreadable(e))),
            Ok(m) if m.is_dir() => {
                let walker = walkdir::WalkDir::new(input).follow_links(false).sort_by_file_name().into_iter();
                for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
                    match entry {
                        // Links, pipes and devices too: each gets a typed error instead of
                        // silently vanishing from the report.
                        Ok(e) if !e.file_type().is_dir() => {
                            files.insert(e.into_path());
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let path = e.path().map_or_else(|| input.clone(), Path::to_path_buf);
                            missing.push((path, MediaError::Unreadable(std::io::Error::other(e.to_string()))));
                        }
                    }
                }
            }
            Ok(_) => {
                files.insert(input.clone());
            }
        }
    }
    (files.into_iter().collect(), missing)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// A file ready to enter the library: probed, thumbnailed, bytes staged.
pub struct Prepared {
    pub source: PathBuf,
    pub hash: String,
    pub size: u64,
    pub probe: Probe,
    pub storage: Storage,
    /// Where the bytes are read from once committed.
    pub media_path: PathBuf,
    /// Thumbnail paths once committed.
    pub thumbnails: Thumbnails,
    staged_media: Option<tempfile::NamedTempFile>,
    staged_thumbs: tempfile::TempDir,
    thumbs_dir: PathBuf,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("source", &self.source).field("hash", &self.hash).finish()
    }
}

pub fn prepare(
    source: &Path,
    hash: String,
    size: u64,
    layout: &Layout,
    storage: Storage,
    cancel: &CancelToken,
) -> Result<Prepared, MediaError> {
    probe::check_readable(source)?;
    let (probe, image) = match probe::open_image(source)? {
        Some((p, img)) => (p, Some(img)),
        None => (probe::probe(source)?, None),
    };
    if cancel.is_cancelled() {
        return Err(MediaError::Cancelled);
    }
    let thumbs_staging = layout.staging(&layout.thumbs)?;
    let staged_thumbs = tempfile::Builder::new()
        .prefix("thumbs-")
        .tempdir_in(&thumbs_staging)
        .map_err(|source| MediaError::Write { path: thumbs_staging.clone(), source })?;
    let staged_list = thumbs::make(source, &probe, image.as_ref(), staged_thumbs.path(), cancel)?;
    let thumbs_dir = layout.thumbs_dir(&hash);
    let thumbnails = staged_list.rebased(staged_thumbs.path(), &thumbs_dir);

    let (staged_media, media_path) = match storage {
        Storage::Copy => {
            let staged = copy_verified(source, &hash, &layout.staging(&layout.library)?, cancel)?;
            (Some(staged), layout.media_path(&hash, &probe.extension))
        }
        Storage::Reference => {
            let abs = std::fs::canonicalize(source).map_err(MediaError::Unreadable)?;
            (None, abs)
        }
    };
    Ok(Prepared {
        source: source.to_path_buf(),
        hash,
        size,
        probe,
        storage,
        media_path,
        thumbnails,
        staged_media,
        staged_thumbs,
        thumbs_dir,
    })
}

/// Copies into staging while hashing again: a file still being written (a camera dumping to
/// disk, a sync client) must not enter the library under a hash that no longer fits it.
fn copy_verified(
    source: &Path,
    hash: &str,
    staging: &Path,
    cancel: &CancelToken,
) -> Result<tempfile::NamedTempFile, MediaError> {
    let mut staged = tempfile::Builder::new()
        .prefix("media-")
        .tempfile_in(staging)
        .map_err(|source| MediaError::Write { path: staging.to_path_buf(), source })?;
    let mut input = std::fs::File::open(source).map_err(MediaError::Unreadable)?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let n = input.read(&mut buf).map_err(MediaError::Unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        staged
            .write_all(&buf[..n])
            .map_err(|source| MediaError::Write { path: staged.path().to_path_buf(), source })?;
    }
    crate::make_shareable(staged.as_file());
    staged.as_file().sync_all().map_err(|source| MediaError::Write { path: staged.path().to_path_buf(), source })?;
    if hasher.finalize().to_hex().as_str() != hash {
        return Err(MediaError::corrupt(
            "a media file",
            "it changed while being imported; try again once it is complete",
        ));
    }
    Ok(staged)
}

/// Files moved into place; [`Committed::undo`] removes them if the database row fails.
#[derive(Debug)]
pub struct Committed {
    media: Option<PathBuf>,
    thumbs_dir: PathBuf,
}

impl Prepared {
    pub fn commit(self) -> std::io::Result<Committed> {
        let mut media = None;
        if let Some(staged) = self.staged_media {
            if let Some(parent) = self.media_path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Content-addressed: a file already there (left by a crash) holds the same bytes.
            staged.persist(&self.media_path).map_err(|e| e.error)?;
            media = Some(self.media_path.clone());
        }
        if self.thumbs_dir.exists() {
            std::fs::remove_dir_all(&self.thumbs_dir)?;
        }
        if let Some(parent) = self.thumbs_dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let staged_thumbs = self.staged_thumbs.keep();
        if let Err(e) = std::fs::rename(&staged_thumbs, &self.thumbs_dir) {
            let _ = std::fs::remove_dir_all(&staged_thumbs);
            if let Some(m) = &media {
                let _ = std::fs::remove_file(m);
            }
            return Err(e);
        }
        Ok(Committed { media, thumbs_dir: self.thumbs_dir })
    }
}

impl Committed {
    pub fn undo(self) {
        if let Some(m) = &self.media {
            let _ = std::fs::remove_file(m);
        }
        let _ = std::fs::remove_dir_all(&self.thumbs_dir);
    }
}

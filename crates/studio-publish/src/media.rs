//! The file being published: its path, what the probe said about it, and its MIME type.
use std::path::{Path, PathBuf};

use crate::rules::MediaFacts;
use crate::{PublishError, Result};

#[derive(Debug, Clone)]
pub struct MediaFile {
    pub path: PathBuf,
    pub facts: MediaFacts,
    pub mime: String,
}

impl MediaFile {
    /// `facts` come from the media probe (studio-media); the size is read here so it matches
    /// the bytes that will actually be streamed.
    pub fn new(path: &Path, mut facts: MediaFacts) -> Result<Self> {
        let meta =
            std::fs::metadata(path).map_err(|source| PublishError::Io { path: path.display().to_string(), source })?;
        if !meta.is_file() {
            return Err(PublishError::Invalid(format!("{} is not a file", path.display())));
        }
        facts.size_bytes = meta.len();
        let mime = mime_for(path, facts.is_video);
        Ok(Self { path: path.to_path_buf(), facts, mime })
    }

    pub fn size(&self) -> u64 {
        self.facts.size_bytes
    }

    pub fn is_video(&self) -> bool {
        self.facts.is_video
    }

    /// A name to send where a platform wants one; never the creator's folder structure.
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "upload".into())
    }
}

fn mime_for(path: &Path, is_video: bool) -> String {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let m = match (is_video, ext.as_str()) {
        (true, "mov") => "video/quicktime",
        (true, "webm") => "video/webm",
        (true, _) => "video/mp4",
        (false, "png") => "image/png",
        (false, "webp") => "image/webp",
        (false, "gif") => "image/gif",
        (false, _) => "image/jpeg",
    };
    m.to_string()
}

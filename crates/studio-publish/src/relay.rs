//! Instagram and Threads (and Pinterest images) fetch media from a public URL instead of taking
//! an upload. A desktop has no public URL, so a "media relay" (the team server, later) hosts the
//! file for the few minutes the platform needs. Without one, those platforms give a clear error.
use crate::media::MediaFile;
use crate::Result;

pub trait MediaRelay: Send + Sync {
    /// Makes the file reachable at a public https URL until [`MediaRelay::release`].
    fn publish(&self, media: &MediaFile) -> Result<String>;
    fn release(&self, url: &str) -> Result<()>;
}

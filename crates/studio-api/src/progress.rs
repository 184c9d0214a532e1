//! Progress as the UI receives it (a specta type mirroring studio-core's).
use serde::{Deserialize, Serialize};
use studio_core::progress::Progress;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ProgressEvent {
    pub item: String,
    pub stage: String,
    pub done: u32,
    pub total: u32,
    pub fraction: Option<f64>,
}

impl From<Progress> for ProgressEvent {
    fn from(p: Progress) -> Self {
        Self {
            item: p.item,
            stage: p.stage.to_string(),
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            fraction: p.fraction,
        }
    }
}

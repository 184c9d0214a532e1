//! What a platform counted for one published post. Best times, learning and analytics all read
//! these counts, so they sit apart from any of them.
use serde::{Deserialize, Serialize};

/// Counts a platform reports for one post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostMetrics {
    pub views: u64,
    pub likes: u64,
    pub comments: u64,
    pub shares: u64,
    pub saves: u64,
}

impl PostMetrics {
    pub fn engagements(&self) -> u64 {
        self.likes.saturating_add(self.comments).saturating_add(self.shares).saturating_add(self.saves)
    }

    /// (engagements + 0.5) / (views + 1): smoothed so a post nobody liked still has a finite
    /// logarithm. `None` without views, where a rate means nothing.
    pub fn engagement_rate(&self) -> Option<f64> {
        (self.views > 0).then(|| (self.engagements() as f64 + 0.5) / (self.views as f64 + 1.0))
    }
}

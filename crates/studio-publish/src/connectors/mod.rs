//! One module per platform. Each follows its platform's published API contract; comments cite
//! the endpoint and the rule they implement.
use crate::connector::Connector;
use crate::platform::PlatformId;

pub mod bluesky;
pub mod facebook;
pub mod instagram;
mod json;
pub mod linkedin;
pub mod mastodon;
pub mod meta;
pub mod pinterest;
mod raw;
pub mod threads;
pub mod tiktok;
pub mod x;
pub mod youtube;

/// The connector for a platform (`Option` so a build can leave a platform out).
pub fn connector(platform: PlatformId) -> Option<Box<dyn Connector>> {
    match platform {
        PlatformId::Mastodon => Some(Box::new(mastodon::Mastodon)),
        PlatformId::Youtube => Some(Box::new(youtube::YouTube::default())),
        PlatformId::Tiktok => Some(Box::new(tiktok::TikTok::default())),
        PlatformId::Bluesky => Some(Box::new(bluesky::Bluesky)),
        PlatformId::Facebook => Some(Box::new(facebook::Facebook)),
        PlatformId::Instagram => Some(Box::new(instagram::Instagram)),
        PlatformId::Threads => Some(Box::new(threads::Threads)),
        PlatformId::X => Some(Box::new(x::X)),
        PlatformId::Linkedin => Some(Box::new(linkedin::Linkedin)),
        PlatformId::Pinterest => Some(Box::new(pinterest::Pinterest)),
    }
}

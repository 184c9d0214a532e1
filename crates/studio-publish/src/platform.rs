//! The platforms Viral Studio publishes to, and how each one signs in.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlatformId {
    Youtube,
    Tiktok,
    Instagram,
    Facebook,
    X,
    Linkedin,
    Threads,
    Pinterest,
    Mastodon,
    Bluesky,
}

impl PlatformId {
    pub const ALL: [PlatformId; 10] = [
        Self::Youtube,
        Self::Tiktok,
        Self::Instagram,
        Self::Facebook,
        Self::X,
        Self::Linkedin,
        Self::Threads,
        Self::Pinterest,
        Self::Mastodon,
        Self::Bluesky,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Youtube => "youtube",
            Self::Tiktok => "tiktok",
            Self::Instagram => "instagram",
            Self::Facebook => "facebook",
            Self::X => "x",
            Self::Linkedin => "linkedin",
            Self::Threads => "threads",
            Self::Pinterest => "pinterest",
            Self::Mastodon => "mastodon",
            Self::Bluesky => "bluesky",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "twitter" => "x",
            "fb" | "facebook_pages" => "facebook",
            "bsky" => "bluesky",
            other => other,
        };
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Platforms whose instance the creator chooses (and which have no fixed API host).
    pub fn has_instances(self) -> bool {
        matches!(self, Self::Mastodon | Self::Bluesky)
    }
}

impl std::fmt::Display for PlatformId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an account was (or can be) connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// OAuth 2.0 authorization code + PKCE through the system browser and a loopback redirect.
    Oauth,
    /// An access token the creator pasted (Mastodon's Development settings).
    AccessToken,
    /// Handle + app password (Bluesky).
    AppPassword,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oauth => "oauth",
            Self::AccessToken => "access_token",
            Self::AppPassword => "app_password",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Oauth, Self::AccessToken, Self::AppPassword].into_iter().find(|m| m.as_str() == s)
    }
}

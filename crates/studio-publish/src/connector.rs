//! The one trait every platform implements, and the types that cross it.
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::endpoints::Endpoints;
use crate::http::Http;
use crate::media::MediaFile;
use crate::platform::PlatformId;
use crate::relay::MediaRelay;
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

/// A signed-in account as a connector sees it.
#[derive(Clone)]
pub struct Session {
    pub platform: PlatformId,
    pub endpoints: Endpoints,
    pub http: Http,
    pub access_token: Sensitive<String>,
    /// The platform's id of the account (Bluesky DID, X user id, LinkedIn person id, Page id).
    pub user_id: Option<String>,
    pub handle: Option<String>,
    pub relay: Option<Arc<dyn MediaRelay>>,
}

impl Session {
    pub fn bearer(&self, req: reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder {
        req.bearer_auth(self.access_token.expose())
    }

    pub fn user_id(&self) -> Result<&str> {
        self.user_id.as_deref().ok_or_else(|| PublishError::Reconnect {
            platform: self.platform.to_string(),
            message: "the account id is unknown; reconnect it".into(),
        })
    }
}

/// Who an account is, as the platform says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub user_id: String,
    pub handle: String,
    pub display_name: Option<String>,
}

/// One post for one platform.
pub struct Draft<'a> {
    pub caption: &'a str,
    pub title: Option<&'a str>,
    pub media: &'a MediaFile,
    /// Platform options (privacy, board id, …) as given by the composer.
    pub options: &'a serde_json::Map<String, serde_json::Value>,
    /// Stable per target: sent where the platform supports idempotency (Mastodon).
    pub idempotency_key: &'a str,
}

impl Draft<'_> {
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(|v| v.as_str())
    }
}

/// Every platform-side id, saved the moment it is known so a crash or a retry resumes instead
/// of starting over (and never posts twice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublishState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_session_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    /// Bytes the platform has confirmed.
    #[serde(default)]
    pub uploaded_bytes: u64,
    /// Part receipts (LinkedIn ETags, …) in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
    /// The media is uploaded and processed: only the final call remains.
    #[serde(default)]
    pub media_ready: bool,
    /// The final create-post call was (or may have been) sent.
    #[serde(default)]
    pub final_sent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_url: Option<String>,
    /// Connector-specific ids (a Bluesky blob reference, LinkedIn upload instructions, …).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The follow-ups (thread parts, then the first comment), in order, each with its own
    /// write-ahead flag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<ReplyState>,
}

impl PublishState {
    /// A follow-up whose create call was (or may have been) sent and whose outcome is unknown.
    pub fn reply_in_flight(&self) -> bool {
        self.replies.iter().any(|r| r.sent && r.post_id.is_none())
    }
}

/// Write-ahead record of one follow-up post.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplyState {
    #[serde(default)]
    pub sent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A follow-up post: a thread part answers the part before it, the first comment answers the
/// main post.
pub struct Reply<'a> {
    pub text: &'a str,
    /// The thread's first post (Bluesky names it in every reply).
    pub root: &'a Published,
    pub parent: &'a Published,
    /// Stable per follow-up, derived from the target's idempotency key.
    pub key: &'a str,
    /// The main post's options, so a reply is never more visible than its post.
    pub options: &'a serde_json::Map<String, serde_json::Value>,
}

impl Reply<'_> {
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(|v| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub post_id: String,
    pub url: Option<String>,
}

/// Counters as the platform reports them; `None` where it does not report one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub saves: Option<u64>,
    pub watch_time_s: Option<f64>,
    /// The platform's reply, for analytics that want more later.
    pub raw: serde_json::Value,
}

/// Where a connector reports progress and saves its state.
pub trait Progress {
    fn uploaded(&mut self, _done: u64, _total: u64) {}
    /// Persist `state` now (write-ahead: called right after a platform-side id is learned).
    fn checkpoint(&mut self, state: &PublishState) -> Result<()>;
    fn cancelled(&self) -> bool {
        false
    }
}

pub trait Connector: Send + Sync {
    fn platform(&self) -> PlatformId;

    /// Who the token belongs to.
    fn account(&self, s: &Session) -> Result<AccountInfo>;

    /// Sends the media, resuming from `st`, and returns once the platform has it ready for the
    /// final call (processing polled). Every id learned goes through `p.checkpoint` at once.
    fn upload(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()>;

    /// The final create-post call (never retried blindly: see [`crate::publish`]).
    fn create_post(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress)
        -> Result<Published>;

    /// After an ambiguous final call: the post if it exists, `None` if it surely does not, an
    /// `Unsupported` error when the platform offers no way to tell.
    fn find_post(&self, s: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>>;

    fn metrics(&self, s: &Session, post_id: &str) -> Result<Metrics>;

    /// Whether [`Connector::reply`] posts thread parts and first comments on this platform.
    fn supports_replies(&self) -> bool {
        false
    }

    /// Posts a follow-up (never retried blindly, like the final call).
    fn reply(&self, _s: &Session, _r: &Reply<'_>) -> Result<Published> {
        Err(PublishError::Unsupported(format!("{} replies are not supported", self.platform())))
    }

    /// After an ambiguous reply call: the reply if it exists, `None` if it surely does not.
    fn find_reply(&self, _s: &Session, _r: &Reply<'_>) -> Result<Option<Published>> {
        Err(PublishError::Unsupported(format!("{} replies are not supported", self.platform())))
    }

    /// Platform-specific reading of failures, applied to the session's HTTP client.
    fn classifier(&self) -> Option<crate::http::Classifier> {
        None
    }

    /// Runs once after an OAuth sign-in, before the tokens are stored: where a platform hands
    /// out a short-lived token to exchange (Meta) or a different token to publish with (a Page).
    fn after_sign_in(
        &self,
        _s: &Session,
        _app: &crate::oauth::ClientApp,
        tokens: crate::tokens::TokenSet,
    ) -> Result<crate::tokens::TokenSet> {
        Ok(tokens)
    }
}

/// How often processing is polled: `STUDIO_POLL_MS` shortens it for tests.
pub fn poll_interval() -> Duration {
    let ms = std::env::var("STUDIO_POLL_MS").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(2000);
    Duration::from_millis(ms.max(1))
}

/// Polls `check` until it returns `Some`, up to `limit`; cancellable between polls.
pub fn poll<T>(
    platform: &str,
    what: &str,
    limit: Duration,
    p: &mut dyn Progress,
    mut check: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    let mut interval = poll_interval();
    loop {
        if let Some(v) = check()? {
            return Ok(v);
        }
        if p.cancelled() {
            return Err(PublishError::Cancelled);
        }
        if start.elapsed() > limit {
            return Err(PublishError::retry(
                platform,
                format!("{what} is still not finished after {} s", limit.as_secs()),
            ));
        }
        std::thread::sleep(interval);
        interval = (interval * 3 / 2).min(Duration::from_secs(15));
    }
}

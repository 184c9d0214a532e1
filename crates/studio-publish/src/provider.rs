//! Where an account's tokens come from, behind one interface.
//!
//! Today every sign-in happens on this machine: the creator's own app ("bring your own app")
//! through OAuth with PKCE, or a Bluesky app password. The team server will broker the platforms
//! whose token call needs a confidential secret; that is one more implementation of
//! [`TokenProvider`], not a change to the callers (connect, refresh, disconnect).
use std::time::Duration;

use crate::connectors::bluesky;
use crate::endpoints::Endpoints;
use crate::oauth::OauthClient;
use crate::sensitive::Sensitive;
use crate::tokens::TokenSet;
use crate::Result;

pub trait TokenProvider: Send + Sync {
    /// Signs in; `open_browser` is called with the URL where the creator approves (OAuth only).
    fn sign_in(
        &self,
        open_browser: &mut dyn FnMut(&str) -> Result<()>,
        timeout: Duration,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<TokenSet>;

    /// New tokens from the refresh token in `current`.
    fn refresh(&self, current: &TokenSet) -> Result<TokenSet>;

    /// Ends the grant at the platform where it allows that; `Ok(false)` where it does not.
    fn revoke(&self, tokens: &TokenSet) -> Result<bool>;
}

/// The creator's own OAuth app, signing in on this machine.
pub struct OwnApp {
    pub client: OauthClient,
    /// Mastodon registers the redirect URI before signing in: the loopback it bound.
    pub loopback: std::sync::Mutex<Option<crate::oauth::Loopback>>,
}

impl OwnApp {
    pub fn new(client: OauthClient) -> Self {
        Self { client, loopback: std::sync::Mutex::new(None) }
    }

    pub fn on_loopback(client: OauthClient, loopback: crate::oauth::Loopback) -> Self {
        Self { client, loopback: std::sync::Mutex::new(Some(loopback)) }
    }
}

impl TokenProvider for OwnApp {
    fn sign_in(
        &self,
        open_browser: &mut dyn FnMut(&str) -> Result<()>,
        timeout: Duration,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<TokenSet> {
        let bound = self.loopback.lock().unwrap_or_else(|p| p.into_inner()).take();
        match bound {
            Some(lb) => self.client.sign_in_on(lb, open_browser, timeout, cancelled),
            None => self.client.sign_in(open_browser, timeout, cancelled),
        }
    }

    fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let rt = current.refresh.as_ref().filter(|r| !r.is_empty()).ok_or_else(|| gone(self.client.platform))?;
        let mut renewed = self.client.refresh(rt)?;
        renewed.user_id = renewed.user_id.or_else(|| current.user_id.clone());
        renewed.extra = current.extra.clone();
        Ok(renewed)
    }

    fn revoke(&self, tokens: &TokenSet) -> Result<bool> {
        match &tokens.refresh {
            Some(rt) => self.client.revoke(rt, "refresh_token"),
            None => self.client.revoke(&tokens.access, "access_token"),
        }
    }
}

/// A Bluesky handle and app password (`com.atproto.server.createSession`).
pub struct AppPassword {
    pub endpoints: Endpoints,
    pub handle: String,
    pub password: Option<Sensitive<String>>,
}

impl TokenProvider for AppPassword {
    fn sign_in(&self, _: &mut dyn FnMut(&str) -> Result<()>, _: Duration, _: &dyn Fn() -> bool) -> Result<TokenSet> {
        let password = self
            .password
            .as_ref()
            .ok_or_else(|| crate::PublishError::Invalid("Bluesky needs your handle and an app password".into()))?;
        bluesky::sign_in(&self.endpoints, &self.handle, password)
    }

    fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let rt = current.refresh.as_ref().ok_or_else(|| gone(crate::PlatformId::Bluesky))?;
        let mut renewed = bluesky::refresh(&self.endpoints, rt)?;
        renewed.user_id = renewed.user_id.or_else(|| current.user_id.clone());
        Ok(renewed)
    }

    fn revoke(&self, tokens: &TokenSet) -> Result<bool> {
        bluesky::sign_out(&self.endpoints, tokens)
    }
}

/// Instagram's and Threads' 60-day tokens: no refresh token, the live access token renews itself
/// (`GET /refresh_access_token?grant_type=ig_refresh_token|th_refresh_token`) once it is a day
/// old and before it expires.
pub struct MetaLongLived {
    pub platform: crate::PlatformId,
    pub endpoints: Endpoints,
}

impl MetaLongLived {
    /// Renew this long before the end (the platforms allow it from 24 h after issue).
    pub const MARGIN_S: i64 = 7 * 24 * 3600;
}

impl TokenProvider for MetaLongLived {
    fn sign_in(&self, _: &mut dyn FnMut(&str) -> Result<()>, _: Duration, _: &dyn Fn() -> bool) -> Result<TokenSet> {
        Err(crate::PublishError::Unsupported("sign in through the platform's OAuth app".into()))
    }

    fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let grant = if self.platform == crate::PlatformId::Threads { "th_refresh_token" } else { "ig_refresh_token" };
        let classify = if self.platform == crate::PlatformId::Threads {
            crate::connectors::meta::classify_threads
        } else {
            crate::connectors::meta::classify_instagram
        };
        let http = crate::http::Http::new(self.platform)?.with_classifier(classify);
        let req = http
            .client()
            .get(self.endpoints.api_url("/refresh_access_token"))
            .query(&[("grant_type", grant), ("access_token", current.access.expose().as_str())]);
        // The token is its own grant: once it is refused, only signing in again helps.
        let v: serde_json::Value = http.json(req, crate::http::Step::Repeatable).map_err(|e| match e {
            crate::PublishError::TokenExpired { platform, message } => {
                crate::PublishError::Reconnect { platform, message }
            }
            other => other,
        })?;
        let mut renewed = TokenSet::from_token_response(&v).ok_or_else(|| {
            crate::PublishError::retry(
                &crate::rules::rules(self.platform).name,
                "the renewal reply had no access_token",
            )
        })?;
        renewed.user_id = current.user_id.clone();
        renewed.scope = renewed.scope.or_else(|| current.scope.clone());
        Ok(renewed)
    }

    fn revoke(&self, _: &TokenSet) -> Result<bool> {
        Ok(false)
    }
}

/// A token pasted in by the creator (Mastodon's Development settings): nothing to refresh.
pub struct PastedToken(pub Sensitive<String>);

impl TokenProvider for PastedToken {
    fn sign_in(&self, _: &mut dyn FnMut(&str) -> Result<()>, _: Duration, _: &dyn Fn() -> bool) -> Result<TokenSet> {
        Ok(TokenSet { access: self.0.clone(), ..Default::default() })
    }

    fn refresh(&self, _: &TokenSet) -> Result<TokenSet> {
        Err(gone(crate::PlatformId::Mastodon))
    }

    fn revoke(&self, _: &TokenSet) -> Result<bool> {
        Ok(false)
    }
}

fn gone(platform: crate::PlatformId) -> crate::PublishError {
    crate::PublishError::Reconnect {
        platform: crate::rules::rules(platform).name.clone(),
        message: "the sign-in has expired and cannot be renewed".into(),
    }
}

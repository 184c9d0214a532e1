//! Where each platform lives. Defaults are the platforms' production hosts; `STUDIO_ENDPOINTS`
//! (a JSON object `{"youtube": {"api": "http://127.0.0.1:4010", "token": "…"}}`) points a
//! platform elsewhere: the contract servers in tests, or a proxy a company requires.
//! Any override must be https unless it is a loopback address.
use std::collections::BTreeMap;

use serde::Deserialize;
use url::Url;

use crate::platform::PlatformId;
use crate::rules::rules;
use crate::{PublishError, Result};

pub const ENV: &str = "STUDIO_ENDPOINTS";

#[derive(Debug, Clone, PartialEq)]
pub struct Endpoints {
    /// The REST API base.
    pub api: Url,
    /// The upload host where it differs from `api` (YouTube, Facebook rupload, X media).
    pub upload: Url,
    pub authorize: Option<Url>,
    pub token: Option<Url>,
    pub revoke: Option<Url>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    api: Option<String>,
    upload: Option<String>,
    authorize: Option<String>,
    token: Option<String>,
    revoke: Option<String>,
}

fn default_api(p: PlatformId) -> (&'static str, &'static str) {
    match p {
        PlatformId::Youtube => ("https://www.googleapis.com", "https://www.googleapis.com"),
        PlatformId::Tiktok => ("https://open.tiktokapis.com", "https://open-upload.tiktokapis.com"),
        PlatformId::Instagram => ("https://graph.instagram.com", "https://rupload.facebook.com"),
        PlatformId::Facebook => ("https://graph.facebook.com", "https://rupload.facebook.com"),
        PlatformId::X => ("https://api.x.com", "https://api.x.com"),
        PlatformId::Linkedin => ("https://api.linkedin.com", "https://api.linkedin.com"),
        PlatformId::Threads => ("https://graph.threads.net", "https://graph.threads.net"),
        PlatformId::Pinterest => ("https://api.pinterest.com", "https://api.pinterest.com"),
        PlatformId::Mastodon => ("https://mastodon.social", "https://mastodon.social"),
        PlatformId::Bluesky => ("https://bsky.social", "https://bsky.social"),
    }
}

/// Accepts https anywhere and plain http only on loopback hosts (local servers, tests).
pub fn check_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|e| PublishError::Invalid(format!("'{raw}' is not a URL: {e}")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(PublishError::InsecureUrl(raw.to_string())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Endpoints {
    /// The endpoints of `platform`; `instance` is the creator's server for Mastodon and Bluesky.
    pub fn resolve(platform: PlatformId, instance: Option<&str>) -> Result<Self> {
        let overrides = overrides()?;
        let o = overrides.get(platform.as_str());
        let (api_default, upload_default) = default_api(platform);
        let api = match (instance, o.and_then(|o| o.api.as_deref())) {
            (_, Some(api)) => check_url(api)?,
            (Some(inst), None) if platform.has_instances() => check_url(inst)?,
            _ => check_url(api_default)?,
        };
        let upload = match o.and_then(|o| o.upload.as_deref()) {
            Some(u) => check_url(u)?,
            None if platform.has_instances() || o.and_then(|o| o.api.as_ref()).is_some() => api.clone(),
            None => check_url(upload_default)?,
        };
        let oauth = rules(platform).oauth.as_ref();
        // Mastodon's OAuth paths are relative to the instance.
        let join = |raw: &str| -> Result<Url> {
            if raw.starts_with('/') {
                api.join(raw).map_err(|e| PublishError::Invalid(e.to_string()))
            } else {
                check_url(raw)
            }
        };
        let pick = |over: Option<&String>, default: Option<&String>| -> Result<Option<Url>> {
            match (over, default) {
                (Some(o), _) => check_url(o).map(Some),
                (None, Some(d)) => join(d).map(Some),
                (None, None) => Ok(None),
            }
        };
        Ok(Self {
            authorize: pick(o.and_then(|o| o.authorize.as_ref()), oauth.map(|r| &r.authorize_url))?,
            token: pick(o.and_then(|o| o.token.as_ref()), oauth.map(|r| &r.token_url))?,
            revoke: pick(o.and_then(|o| o.revoke.as_ref()), oauth.and_then(|r| r.revoke_url.as_ref()))?,
            api,
            upload,
        })
    }

    /// `api` joined with an absolute path such as `/2/tweets`.
    pub fn api_url(&self, path: &str) -> String {
        join_path(&self.api, path)
    }

    pub fn upload_url(&self, path: &str) -> String {
        join_path(&self.upload, path)
    }
}

fn join_path(base: &Url, path: &str) -> String {
    format!("{}{}", base.as_str().trim_end_matches('/'), path)
}

fn overrides() -> Result<BTreeMap<String, Override>> {
    match std::env::var(ENV) {
        Ok(raw) if !raw.trim().is_empty() => serde_json::from_str(&raw)
            .map_err(|e| PublishError::Invalid(format!("{ENV} is not a JSON object of platform endpoints: {e}"))),
        _ => Ok(BTreeMap::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_on_loopback() {
        assert!(check_url("https://mastodon.social").is_ok());
        assert!(check_url("http://127.0.0.1:3000").is_ok());
        assert!(check_url("http://localhost:3000").is_ok());
        assert!(check_url("http://[::1]:3000").is_ok());
        assert!(matches!(check_url("http://mastodon.social"), Err(PublishError::InsecureUrl(_))));
        assert!(matches!(check_url("http://127.0.0.1.evil.com"), Err(PublishError::InsecureUrl(_))));
        assert!(matches!(check_url("ftp://127.0.0.1"), Err(PublishError::InsecureUrl(_))));
        assert!(matches!(check_url("not a url"), Err(PublishError::Invalid(_))));
    }

    #[test]
    fn instances_and_relative_oauth_paths() {
        let e = Endpoints::resolve(PlatformId::Mastodon, Some("https://fosstodon.org")).expect("resolves");
        assert_eq!(e.api_url("/api/v1/statuses"), "https://fosstodon.org/api/v1/statuses");
        assert_eq!(e.token.expect("token").as_str(), "https://fosstodon.org/oauth/token");
        let yt = Endpoints::resolve(PlatformId::Youtube, None).expect("resolves");
        assert_eq!(yt.token.expect("token").as_str(), "https://oauth2.googleapis.com/token");
    }
}

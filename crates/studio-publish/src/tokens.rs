//! Token sets (and the creator's own app) in the keychain, and refreshing them safely.
//!
//! The rules (DESIGN.md §3): a refresh token is never replaced by an empty one; a rotated
//! refresh token is stored before the new access token is used; refreshes of one account are
//! serialized across processes (the app, the CLI and `studio daemon` share the keychain) by a
//! lock file, and whoever gets the lock second re-reads the keychain instead of refreshing with
//! a token the first one already spent.
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keychain::Keychain;
use crate::platform::PlatformId;
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

/// The app a creator registered with the platform ("bring your own app").
#[derive(Clone)]
pub struct ClientApp {
    pub client_id: String,
    pub client_secret: Option<Sensitive<String>>,
}

/// Refresh this long before the platform says the access token expires.
pub const REFRESH_MARGIN_S: i64 = 300;

#[derive(Clone, Debug, Default)]
pub struct TokenSet {
    pub access: Sensitive<String>,
    pub refresh: Option<Sensitive<String>>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    pub scope: Option<String>,
    /// The user id some platforms return with the token (TikTok `open_id`, Meta `user_id`).
    pub user_id: Option<String>,
    /// Anything else a connector needs to remember with the secret (Bluesky's DID and PDS).
    pub extra: serde_json::Map<String, Value>,
}

/// The one place token sets are (de)serialized: into the keychain entry, nowhere else.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    extra: serde_json::Map<String, Value>,
}

impl TokenSet {
    pub fn new(access: impl Into<String>) -> Self {
        Self { access: Sensitive::new(access.into()), ..Default::default() }
    }

    /// Reads an RFC 6749 token reply, leniently: `expires_in` as a number or a string, ids as
    /// numbers or strings, `token_type` optional.
    pub fn from_token_response(json: &Value) -> Option<Self> {
        let s = |k: &str| match json.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let access = s("access_token")?;
        let expires_in = s("expires_in").and_then(|v| v.parse::<f64>().ok());
        Some(Self {
            access: Sensitive::new(access),
            refresh: s("refresh_token").map(Sensitive::new),
            expires_at: expires_in.map(|secs| now() + secs as i64),
            scope: s("scope"),
            user_id: s("open_id").or_else(|| s("user_id")),
            extra: Default::default(),
        })
    }

    pub fn expires_soon(&self) -> bool {
        self.expires_within(REFRESH_MARGIN_S)
    }

    pub fn expires_within(&self, margin_s: i64) -> bool {
        self.expires_at.is_some_and(|at| at - margin_s <= now())
    }

    fn to_stored(&self) -> Stored {
        Stored {
            access_token: self.access.expose().clone(),
            refresh_token: self.refresh.as_ref().map(|r| r.expose().clone()),
            expires_at: self.expires_at,
            scope: self.scope.clone(),
            user_id: self.user_id.clone(),
            extra: self.extra.clone(),
        }
    }

    fn from_stored(s: Stored) -> Self {
        Self {
            access: Sensitive::new(s.access_token),
            refresh: s.refresh_token.map(Sensitive::new),
            expires_at: s.expires_at,
            scope: s.scope,
            user_id: s.user_id,
            extra: s.extra,
        }
    }
}

pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// The keychain entry of an account's tokens.
pub fn account_key(account_id: &str) -> String {
    format!("account:{account_id}")
}

/// The keychain entry of the creator's own app for a platform (and instance).
pub fn client_key(platform: PlatformId, instance: Option<&str>) -> String {
    match instance {
        Some(i) => format!("client:{platform}:{}", i.trim_end_matches('/')),
        None => format!("client:{platform}"),
    }
}

pub fn load(kc: &Keychain, key: &str) -> Result<Option<TokenSet>> {
    let Some(raw) = kc.get(key)? else { return Ok(None) };
    let stored: Stored = serde_json::from_str(raw.expose())
        .map_err(|_| PublishError::Keychain(format!("the keychain entry {key} is not a Viral Studio token set")))?;
    Ok(Some(TokenSet::from_stored(stored)))
}

/// Stores `new`, keeping the previous refresh token when the platform sent none (or an empty
/// one): many platforms only send a refresh token when it rotates. Returns what was stored.
pub fn save(kc: &Keychain, key: &str, mut new: TokenSet) -> Result<TokenSet> {
    if new.access.is_empty() {
        return Err(PublishError::Invalid("refusing to store an empty access token".into()));
    }
    if new.refresh.as_ref().is_none_or(|r| r.is_empty()) {
        new.refresh = load(kc, key)?.and_then(|old| old.refresh);
    }
    let json = serde_json::to_string(&new.to_stored()).map_err(|e| PublishError::Keychain(e.to_string()))?;
    kc.set(key, &Sensitive::new(json))?;
    Ok(new)
}

/// The creator's own app for a platform, as kept in the keychain under [`client_key`].
pub fn load_client_app(kc: &Keychain, key: &str) -> Result<Option<ClientApp>> {
    let Some(raw) = kc.get(key)? else { return Ok(None) };
    let v: Value = serde_json::from_str(raw.expose())
        .map_err(|_| PublishError::Keychain(format!("the keychain entry {key} is not a Viral Studio app")))?;
    Ok(Some(ClientApp {
        client_id: v["client_id"].as_str().unwrap_or_default().to_string(),
        client_secret: v["client_secret"].as_str().filter(|s| !s.is_empty()).map(|s| Sensitive::new(s.to_string())),
    }))
}

pub fn save_client_app(kc: &Keychain, key: &str, app: &ClientApp) -> Result<()> {
    let mut stored = serde_json::json!({ "client_id": app.client_id });
    if let Some(s) = &app.client_secret {
        stored["client_secret"] = Value::String(s.expose().clone());
    }
    kc.set(key, &Sensitive::new(stored.to_string()))
}

/// Runs `f` holding the refresh lock of one account: an exclusive lock on a file under
/// `lock_dir`, so two processes never refresh the same account at once.
pub fn with_account_lock<T>(lock_dir: &Path, account_id: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let io = |path: &PathBuf, source| PublishError::Io { path: path.display().to_string(), source };
    std::fs::create_dir_all(lock_dir).map_err(|e| io(&lock_dir.to_path_buf(), e))?;
    let safe: String = account_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let path = lock_dir.join(format!("refresh-{safe}.lock"));
    let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(|e| io(&path, e))?;
    file.lock().map_err(|e| io(&path, e))?;
    let out = f();
    let _ = file.unlock();
    out
}

/// A fresh access token for an account: refreshed (under the lock, ahead of expiry, or when
/// `force` says the platform just refused the current one) through `refresh`.
pub fn fresh(
    kc: &Keychain,
    lock_dir: &Path,
    account_id: &str,
    force: bool,
    refresh: &dyn Fn(&TokenSet) -> Result<TokenSet>,
) -> Result<TokenSet> {
    fresh_within(kc, lock_dir, account_id, force, REFRESH_MARGIN_S, refresh)
}

/// As [`fresh`], renewing once fewer than `margin_s` seconds are left: long-lived tokens that
/// renew themselves (Meta's 60-day ones) are renewed days ahead, not minutes.
pub fn fresh_within(
    kc: &Keychain,
    lock_dir: &Path,
    account_id: &str,
    force: bool,
    margin_s: i64,
    refresh: &dyn Fn(&TokenSet) -> Result<TokenSet>,
) -> Result<TokenSet> {
    let key = account_key(account_id);
    let missing = || PublishError::Reconnect {
        platform: "this account".into(),
        message: "its sign-in is missing from the keychain".into(),
    };
    let current = load(kc, &key)?.ok_or_else(missing)?;
    if !force && !current.expires_within(margin_s) {
        return Ok(current);
    }
    with_account_lock(lock_dir, account_id, || {
        // Someone else may have refreshed while we waited for the lock.
        let latest = load(kc, &key)?.ok_or_else(missing)?;
        let rotated_elsewhere = latest.access.expose() != current.access.expose();
        if rotated_elsewhere && !latest.expires_within(margin_s) {
            return Ok(latest);
        }
        let renewed = refresh(&latest)?;
        // Stored before anyone uses it: if we crash now, the next run has the rotated token.
        save(kc, &key, renewed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_replies_are_read_leniently() {
        let t = TokenSet::from_token_response(&serde_json::json!({
            "access_token": "a", "expires_in": "3600", "user_id": 17841400000000000u64
        }))
        .expect("parses");
        assert_eq!(t.user_id.as_deref(), Some("17841400000000000"));
        assert!(t.expires_at.expect("expiry") > now() + 3500);
        assert!(t.refresh.is_none());
        assert!(TokenSet::from_token_response(&serde_json::json!({"access_token": ""})).is_none());
        assert!(format!("{t:?}").contains("<redacted>") && !format!("{t:?}").contains("\"a\""));
    }
}

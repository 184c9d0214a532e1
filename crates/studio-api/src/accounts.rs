//! Platform accounts: what each platform needs to connect, the sign-in flows, the list with
//! status, and disconnecting (revoke where the platform allows it, then forget the secrets).
//!
//! Secrets arrive here (typed into the app or piped to the CLI), go straight into the OS keychain
//! wrapped in `Sensitive`, and never come back out through this module.
use std::time::Duration;

use serde::{Deserialize, Serialize};
use studio_core::accounts::{self, Account, NewAccount};
use studio_publish::connector::Session;
use studio_publish::connectors::{self, bluesky, mastodon};
use studio_publish::endpoints::{self, Endpoints};
use studio_publish::http::Http;
use studio_publish::oauth::{ClientApp, Loopback, OauthClient};
use studio_publish::provider::{AppPassword, MetaLongLived, OwnApp, PastedToken, TokenProvider};
use studio_publish::rules::rules;
use studio_publish::tokens::{self, TokenSet};
use studio_publish::{Connector, Keychain, PlatformId, PublishError, Sensitive};

use crate::{ApiError, ApiResult, Context, ErrorCode};

/// How long the app waits for the creator to finish signing in in the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PlatformView {
    pub id: PlatformId,
    pub name: String,
    /// oauth, mastodon or app_password.
    pub auth: String,
    pub register_url: String,
    /// The guided app setup, one step per entry.
    pub setup: Vec<String>,
    /// required, optional or none.
    pub client_secret: String,
    /// The redirect URI to register with the platform, when it signs in with OAuth.
    pub redirect_uri: Option<String>,
    pub any_port: bool,
    pub scopes: Vec<String>,
    pub needs_media_relay: bool,
    pub limits: LimitsView,
    /// False while this platform's connector is not available in this build.
    pub available: bool,
    /// Thread parts and a first comment are posted as replies on this platform.
    pub replies: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct LimitsView {
    pub caption_max: u32,
    pub caption_unit: String,
    pub title_max: Option<u32>,
    pub hashtags_max: Option<u32>,
    pub videos_max: u32,
    pub images_max: u32,
    pub video_duration_min_s: Option<f64>,
    pub video_duration_max_s: Option<f64>,
    pub video_size_max_mb: Option<f64>,
}

pub fn platforms() -> Vec<PlatformView> {
    PlatformId::ALL
        .into_iter()
        .map(|p| {
            let r = rules(p);
            let connector = connectors::connector(p);
            let oauth = r.oauth.as_ref();
            PlatformView {
                id: p,
                name: r.name.clone(),
                auth: r.auth.clone(),
                register_url: r.register_url.clone(),
                setup: r.setup.clone(),
                client_secret: oauth.map_or("none", |o| o.client_secret.as_str()).to_string(),
                redirect_uri: oauth.map(|o| match o.fixed_port() {
                    Some(port) => format!("http://127.0.0.1:{port}/callback"),
                    None => "http://127.0.0.1/callback".to_string(),
                }),
                any_port: oauth.is_some_and(|o| o.fixed_port().is_none()),
                scopes: oauth.map(|o| o.scopes.clone()).unwrap_or_default(),
                needs_media_relay: r.needs_media_relay,
                limits: LimitsView {
                    caption_max: r.caption.max,
                    caption_unit: r.caption.unit.clone(),
                    title_max: r.caption.title_max,
                    hashtags_max: r.caption.hashtags_max,
                    videos_max: r.media.videos_max,
                    images_max: r.media.images_max,
                    video_duration_min_s: r.video.duration_min_s,
                    video_duration_max_s: r.video.duration_max_s,
                    video_size_max_mb: r.video.size_max_mb,
                },
                available: connector.is_some(),
                replies: connector.is_some_and(|c| c.supports_replies()),
            }
        })
        .collect()
}

/// Whether an account can publish (`accounts.status`, CHECKed by the schema), plus `expiring`
/// for a token that cannot renew itself and runs out soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Connected,
    Expiring,
    NeedsReconnect,
    Disconnected,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Expiring => "expiring",
            Self::NeedsReconnect => "needs_reconnect",
            Self::Disconnected => "disconnected",
        }
    }

    /// The stored status; the schema allows no other value, so anything else reads as needing
    /// a reconnect (the safe reading: nothing is published for it).
    pub(crate) fn of_stored(s: &str) -> Self {
        [Self::Connected, Self::Expiring, Self::NeedsReconnect, Self::Disconnected]
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or(Self::NeedsReconnect)
    }
}

impl std::fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct AccountView {
    pub id: String,
    pub platform: PlatformId,
    pub platform_name: String,
    pub instance_url: Option<String>,
    pub handle: String,
    pub display_name: Option<String>,
    pub status: AccountStatus,
    /// oauth, access_token or app_password; empty for accounts stored before it was recorded
    /// (so a string: the empty case is on the wire).
    pub auth_mode: String,
    /// RFC 3339; when the current access token runs out (renewed automatically when possible).
    pub token_expires_at: Option<String>,
    pub connected_at: String,
}

/// Accounts that cannot renew themselves show as expiring this long before they do.
const EXPIRING_WARNING_MS: i64 = 7 * 24 * 3600 * 1000;

fn view(a: Account) -> AccountView {
    let platform = PlatformId::parse(&a.platform).unwrap_or(PlatformId::Mastodon);
    let status = if a.status == "connected"
        && !a.renewable
        && a.token_expires_at.is_some_and(|at| at - studio_core::clock::now_ms() < EXPIRING_WARNING_MS)
    {
        AccountStatus::Expiring
    } else {
        AccountStatus::of_stored(&a.status)
    };
    AccountView {
        id: a.id,
        platform,
        platform_name: rules(platform).name.clone(),
        instance_url: a.instance_url,
        handle: a.handle.unwrap_or_default(),
        display_name: a.display_name,
        status,
        auth_mode: a.auth_mode.unwrap_or_default(),
        token_expires_at: a.token_expires_at.map(studio_core::clock::rfc3339),
        connected_at: studio_core::clock::rfc3339(a.created_at),
    }
}

pub fn list(ctx: &Context) -> ApiResult<Vec<AccountView>> {
    Ok(accounts::list(&ctx.db())?.into_iter().map(view).collect())
}

pub fn get(ctx: &Context, id: &str) -> ApiResult<AccountView> {
    Ok(view(accounts::get(&ctx.db(), id)?))
}

/// What the creator gives to connect. Secrets are plain strings only on the way in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ConnectRequest {
    /// A `PlatformId` name. A string, not the enum: an unknown platform (typed in the CLI)
    /// answers `invalid_input` listing the known ones, not a deserialization failure.
    pub platform: String,
    /// The client id of the creator's own app ("bring your own app"); remembered per platform.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Mastodon or Bluesky server; Bluesky defaults to https://bsky.social.
    pub instance: Option<String>,
    pub handle: Option<String>,
    pub app_password: Option<String>,
    /// A token from Mastodon's Development settings.
    pub access_token: Option<String>,
}

pub(crate) fn parse_platform(s: &str) -> ApiResult<PlatformId> {
    PlatformId::parse(s).ok_or_else(|| {
        let known: Vec<&str> = PlatformId::ALL.iter().map(|p| p.as_str()).collect();
        ApiError::new(ErrorCode::InvalidInput, format!("unknown platform \"{s}\"; one of {}", known.join(", ")))
    })
}

fn secret(v: Option<String>) -> Option<Sensitive<String>> {
    v.map(Sensitive::new).filter(|s| !s.is_empty())
}

pub(crate) fn connector(platform: PlatformId) -> ApiResult<Box<dyn Connector>> {
    connectors::connector(platform).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unsupported,
            format!("publishing to {} is not available in this build yet", rules(platform).name),
        )
    })
}

pub(crate) fn session(
    platform: PlatformId,
    c: &dyn Connector,
    endpoints: Endpoints,
    token: Sensitive<String>,
) -> ApiResult<Session> {
    let mut http = Http::new(platform)?;
    if let Some(classify) = c.classifier() {
        http = http.with_classifier(classify);
    }
    Ok(Session { platform, endpoints, http, access_token: token, user_id: None, handle: None, relay: None })
}

fn instance(platform: PlatformId, given: Option<&str>) -> ApiResult<Option<String>> {
    let given = given.map(str::trim).filter(|s| !s.is_empty());
    match (platform, given) {
        (PlatformId::Mastodon, None) => Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Mastodon needs your server, e.g. --instance https://mastodon.social",
        )),
        (PlatformId::Bluesky, None) => Ok(Some("https://bsky.social".into())),
        (p, Some(url)) if p.has_instances() => {
            let with_scheme = if url.contains("://") { url.to_string() } else { format!("https://{url}") };
            let checked = endpoints::check_url(&with_scheme)?;
            Ok(Some(checked.as_str().trim_end_matches('/').to_string()))
        }
        (_, Some(_)) => {
            Err(ApiError::new(ErrorCode::InvalidInput, format!("{} has no servers to choose", rules(platform).name)))
        }
        (_, None) => Ok(None),
    }
}

/// [`connect`] for a front door whose way of showing the sign-in link cannot fail (the CLI prints
/// it and tries a browser), so it need not know the publishing crate's error type.
pub fn connect_showing_link(
    ctx: &Context,
    req: ConnectRequest,
    show_link: &mut dyn FnMut(&str),
    cancelled: &dyn Fn() -> bool,
) -> ApiResult<AccountView> {
    connect(
        ctx,
        req,
        &mut |url| {
            show_link(url);
            Ok(())
        },
        cancelled,
    )
}

/// Connects an account. OAuth platforms open the system browser through `open_browser` and wait
/// for the loopback redirect (at most [`SIGN_IN_TIMEOUT`], or until `cancelled`).
pub fn connect(
    ctx: &Context,
    req: ConnectRequest,
    open_browser: &mut dyn FnMut(&str) -> Result<(), PublishError>,
    cancelled: &dyn Fn() -> bool,
) -> ApiResult<AccountView> {
    let platform = parse_platform(&req.platform)?;
    let c = connector(platform)?;
    let instance = instance(platform, req.instance.as_deref())?;
    let endpoints = Endpoints::resolve(platform, instance.as_deref())?;
    let kc = Keychain::new();

    // Where the tokens come from: one provider per way of signing in.
    let (provider, auth_mode, own_app): (Box<dyn TokenProvider>, &str, Option<ClientApp>) =
        if let Some(token) = secret(req.access_token) {
            if platform != PlatformId::Mastodon {
                return Err(ApiError::new(ErrorCode::InvalidInput, "a pasted access token works for Mastodon only"));
            }
            (Box::new(PastedToken(token)), "access_token", None)
        } else if platform == PlatformId::Bluesky {
            let handle = req.handle.as_deref().map(str::trim).filter(|h| !h.is_empty());
            let (Some(handle), Some(password)) = (handle, secret(req.app_password)) else {
                return Err(ApiError::new(ErrorCode::InvalidInput, "Bluesky needs your handle and an app password"));
            };
            let p = AppPassword { endpoints: endpoints.clone(), handle: handle.to_string(), password: Some(password) };
            (Box::new(p), "app_password", None)
        } else if platform == PlatformId::Mastodon {
            // Each server gets its own registration, for this sign-in's exact loopback redirect.
            let loopback = Loopback::bind(None)?;
            let scopes = rules(platform).oauth.as_ref().map(|o| o.scopes.clone()).unwrap_or_default();
            let app = mastodon::register_app(&endpoints, &loopback.redirect_uri, &scopes)?;
            // Kept for revoking on disconnect.
            tokens::save_client_app(&kc, &tokens::client_key(platform, instance.as_deref()), &app)?;
            let client = OauthClient::new(platform, endpoints.clone(), app)?;
            (Box::new(OwnApp::on_loopback(client, loopback)), "oauth", None)
        } else {
            let app = client_app(&kc, platform, req.client_id, req.client_secret)?;
            let client = OauthClient::new(platform, endpoints.clone(), app.clone())?;
            (Box::new(OwnApp::new(client)), "oauth", Some(app))
        };
    let mut tokens = provider.sign_in(open_browser, SIGN_IN_TIMEOUT, cancelled)?;
    if let Some(app) = &own_app {
        let s = session(platform, c.as_ref(), endpoints.clone(), tokens.access.clone())?;
        tokens = c.after_sign_in(&s, app, tokens)?;
    }

    let mut s = session(platform, c.as_ref(), api_endpoints(platform, &endpoints, &tokens)?, tokens.access.clone())?;
    s.user_id = tokens.user_id.clone();
    let who = c.account(&s)?;
    let id = accounts::id_for(&ctx.db(), platform.as_str(), instance.as_deref(), &who.user_id)?;
    tokens.user_id = Some(who.user_id.clone());
    // Keychain first: a row without its secret would be an account that cannot post.
    tokens::save(&kc, &tokens::account_key(&id), tokens.clone())?;
    // Meta's 60-day tokens renew themselves (MetaLongLived); others need a refresh token.
    let renewable = tokens.refresh.is_some()
        || tokens.expires_at.is_none()
        || matches!(platform, PlatformId::Instagram | PlatformId::Threads);
    let row = accounts::upsert(
        &mut ctx.db(),
        ctx.actor(),
        &id,
        &NewAccount {
            platform: platform.as_str(),
            instance_url: instance.as_deref(),
            platform_user_id: &who.user_id,
            handle: &who.handle,
            display_name: who.display_name.as_deref(),
            auth_mode,
            scopes: tokens.scope.as_deref(),
            token_expires_at: tokens.expires_at.map(|s| s * 1000),
            renewable,
        },
    )?;
    tracing::info!(platform = %platform, account = %row.id, "account connected");
    Ok(view(row))
}

/// Where an account's API calls go: Bluesky posts to the account's own PDS, which may differ from
/// the server it signed in at.
pub(crate) fn api_endpoints(
    platform: PlatformId,
    signed_in_at: &Endpoints,
    tokens: &TokenSet,
) -> Result<Endpoints, PublishError> {
    if platform == PlatformId::Bluesky {
        bluesky::pds_endpoints(signed_in_at, tokens)
    } else {
        Ok(signed_in_at.clone())
    }
}

/// The creator's app for a platform: given now (and remembered in the keychain), or remembered.
fn client_app(
    kc: &Keychain,
    platform: PlatformId,
    id: Option<String>,
    secret_given: Option<String>,
) -> ApiResult<ClientApp> {
    let key = tokens::client_key(platform, None);
    let given_id = id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let app = match given_id {
        Some(client_id) => ClientApp { client_id, client_secret: secret(secret_given) },
        None => match tokens::load_client_app(kc, &key)? {
            Some(stored) => ClientApp {
                client_id: stored.client_id,
                client_secret: secret(secret_given).or(stored.client_secret),
            },
            None => {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "{} needs your own app's client ID the first time (--client-id); see `studio accounts platforms` for how to register one",
                        rules(platform).name
                    ),
                ))
            }
        },
    };
    tokens::save_client_app(kc, &key, &app)?;
    Ok(app)
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Disconnected {
    pub id: String,
    /// Whether the platform was asked to revoke the app's access (not every platform allows it).
    pub revoked: bool,
    pub note: Option<String>,
}

/// Revokes where the platform allows it, deletes the keychain entry, and removes the account.
/// A failed revoke does not keep the secrets: the creator asked to forget them.
pub fn disconnect(ctx: &Context, id: &str) -> ApiResult<Disconnected> {
    let account = accounts::get(&ctx.db(), id)?;
    let kc = Keychain::new();
    let key = tokens::account_key(id);
    let platform = parse_platform(&account.platform)?;
    let (revoked, note) = match tokens::load(&kc, &key) {
        Ok(Some(t)) => match provider_for(&kc, platform, &account).and_then(|p| p.revoke(&t)) {
            Ok(true) => (true, None),
            Ok(false) if account.auth_mode.as_deref() == Some("access_token") => (
                false,
                Some("the token was pasted in; delete it in your server's Preferences → Development".to_string()),
            ),
            Ok(false) => (
                false,
                Some(format!(
                    "{} offers no way to revoke from the app; remove Viral Studio in its settings",
                    rules(platform).name
                )),
            ),
            Err(e) => (false, Some(format!("could not revoke ({e}); the sign-in was forgotten anyway"))),
        },
        Ok(None) => (false, Some("no sign-in was stored".into())),
        Err(e) => return Err(e.into()),
    };
    kc.delete(&key)?;
    if platform == PlatformId::Mastodon {
        // Each sign-in registered its own app on the server; nothing else uses it.
        kc.delete(&tokens::client_key(platform, account.instance_url.as_deref()))?;
    }
    accounts::remove(&mut ctx.db(), ctx.actor(), id)?;
    Ok(Disconnected { id: id.to_string(), revoked, note })
}

/// The provider that signed an account in, rebuilt from the keychain (for refresh and revoke).
fn provider_for(
    kc: &Keychain,
    platform: PlatformId,
    account: &Account,
) -> Result<Box<dyn TokenProvider>, PublishError> {
    let instance = account.instance_url.as_deref();
    let endpoints = Endpoints::resolve(platform, instance)?;
    if platform == PlatformId::Bluesky {
        let handle = account.handle.clone().unwrap_or_default();
        return Ok(Box::new(AppPassword { endpoints, handle, password: None }));
    }
    if account.auth_mode.as_deref() == Some("access_token") {
        return Ok(Box::new(PastedToken(Sensitive::new(String::new()))));
    }
    if matches!(platform, PlatformId::Instagram | PlatformId::Threads) {
        return Ok(Box::new(MetaLongLived { platform, endpoints }));
    }
    let key = tokens::client_key(platform, instance.filter(|_| platform == PlatformId::Mastodon));
    let app = tokens::load_client_app(kc, &key)?.ok_or_else(|| PublishError::Reconnect {
        platform: rules(platform).name.clone(),
        message: "your app's client ID is no longer in the keychain".into(),
    })?;
    Ok(Box::new(OwnApp::new(OauthClient::new(platform, endpoints, app)?)))
}

/// A fresh access token for an account (refreshed under the account's lock when it is about to
/// expire, or when `force` says the platform just refused it). A grant that is gone marks the
/// account `needs_reconnect`.
pub(crate) fn fresh_token(ctx: &Context, account: &Account, force: bool) -> ApiResult<TokenSet> {
    let platform = parse_platform(&account.platform)?;
    let kc = Keychain::new();
    let refresh = |t: &TokenSet| -> Result<TokenSet, PublishError> { provider_for(&kc, platform, account)?.refresh(t) };
    let lock_dir = ctx.paths().data.join("locks");
    let margin = match platform {
        PlatformId::Instagram | PlatformId::Threads => MetaLongLived::MARGIN_S,
        _ => tokens::REFRESH_MARGIN_S,
    };
    match tokens::fresh_within(&kc, &lock_dir, &account.id, force, margin, &refresh) {
        Ok(t) => {
            if t.expires_at.map(|s| s * 1000) != account.token_expires_at || account.status != "connected" {
                accounts::set_status(&mut ctx.db(), &account.id, "connected", t.expires_at.map(|s| s * 1000))?;
            }
            Ok(t)
        }
        Err(e @ PublishError::Reconnect { .. }) => {
            accounts::set_status(&mut ctx.db(), &account.id, "needs_reconnect", None)?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

//! Signing in with an app password, refreshing and ending the session, and finding the
//! account's own PDS (`com.atproto.server.*`).
use serde_json::{json, Value};
use url::Url;

use super::xrpc::{get_record, http, jwt_claims, xrpc, NAME};
use crate::connector::{AccountInfo, Session};
use crate::connectors::json::s;
use crate::endpoints::{check_url, Endpoints};
use crate::http::Step;
use crate::sensitive::Sensitive;
use crate::tokens::TokenSet;
use crate::{PublishError, Result};

/// The scope of a session opened with the account password instead of an app password
/// (@atproto/pds auth-scope: `com.atproto.access` vs `com.atproto.appPass`).
const FULL_ACCESS_SCOPE: &str = "com.atproto.access";

/// The `#atproto_pds` service of a DID document, if it is a URL we may talk to.
fn pds_of(did_doc: Option<&Value>) -> Option<String> {
    did_doc?
        .get("service")?
        .as_array()?
        .iter()
        .find(|svc| s(svc, "id").is_some_and(|id| id.ends_with("#atproto_pds")))
        .and_then(|svc| s(svc, "serviceEndpoint"))
        .and_then(|url| check_url(&url).ok())
        .map(|url| url.as_str().trim_end_matches('/').to_string())
}

/// A createSession / refreshSession reply as a token set: the DID as the user id, expiry from the
/// access JWT, and the PDS (from the DID document when the server sends one) remembered in
/// `extra` with the handle.
fn token_set(reply: &Value, server: &Url) -> Result<TokenSet> {
    let missing = |what: &str| PublishError::retry(NAME, format!("the session reply had no {what}"));
    let access = s(reply, "accessJwt").ok_or_else(|| missing("accessJwt"))?;
    let refresh = s(reply, "refreshJwt").ok_or_else(|| missing("refreshJwt"))?;
    let did = s(reply, "did").ok_or_else(|| missing("did"))?;
    let mut t = TokenSet::new(access);
    t.expires_at = jwt_claims(t.access.expose()).and_then(|c| c.get("exp").and_then(Value::as_i64));
    t.scope = jwt_claims(t.access.expose()).and_then(|c| s(&c, "scope"));
    t.refresh = Some(Sensitive::new(refresh));
    t.user_id = Some(did);
    let pds = pds_of(reply.get("didDoc")).unwrap_or_else(|| server.as_str().trim_end_matches('/').to_string());
    t.extra.insert("pds".into(), Value::String(pds));
    if let Some(handle) = s(reply, "handle") {
        t.extra.insert("handle".into(), Value::String(handle));
    }
    Ok(t)
}

/// Signs in with a handle (or email) and an app password (`com.atproto.server.createSession`
/// on `endpoints.api`, the creator's server, https://bsky.social by default).
///
/// The account password is refused: a session opened with it may change the password, the
/// email or delete the account, and Viral Studio only needs to post.
pub fn sign_in(endpoints: &Endpoints, identifier: &str, app_password: &Sensitive<String>) -> Result<TokenSet> {
    let http = http()?;
    let identifier = identifier.trim().trim_start_matches('@');
    let req = http
        .client()
        .post(xrpc(&endpoints.api, "com.atproto.server.createSession"))
        .json(&json!({ "identifier": identifier, "password": app_password.expose() }));
    let reply: Value = http.json(req, Step::Repeatable).map_err(|e| match e {
        PublishError::Reconnect { message, .. } | PublishError::TokenExpired { message, .. } => {
            PublishError::Auth(format!("{NAME} did not accept that handle and app password ({message})"))
        }
        other => other,
    })?;
    let tokens = token_set(&reply, &endpoints.api)?;
    if tokens.scope.as_deref() == Some(FULL_ACCESS_SCOPE) {
        // Best effort: the session we will not use should not linger on the server.
        let _ = sign_out(endpoints, &tokens);
        return Err(PublishError::Auth(format!(
            "that is your {NAME} account password; create an app password in Settings → Privacy and security → App passwords and use it instead"
        )));
    }
    Ok(tokens)
}

/// Renews the session (`com.atproto.server.refreshSession` with the refresh JWT as the bearer).
/// The PDS rotates the refresh JWT: store the returned one. A refused refresh JWT means the
/// sign-in is gone (revoked, expired, app password deleted): the creator must reconnect.
pub fn refresh(endpoints: &Endpoints, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
    let http = http()?;
    let req = http
        .client()
        .post(xrpc(&endpoints.api, "com.atproto.server.refreshSession"))
        .bearer_auth(refresh_token.expose());
    let reply: Value = http.json(req, Step::Repeatable).map_err(|e| match e {
        PublishError::TokenExpired { platform, message } => PublishError::Reconnect { platform, message },
        other => other,
    })?;
    token_set(&reply, &endpoints.api)
}

/// Ends the session on the server (`com.atproto.server.deleteSession` with the refresh JWT). The
/// app password itself stays until the creator deletes it in Bluesky's settings.
pub fn sign_out(endpoints: &Endpoints, tokens: &TokenSet) -> Result<bool> {
    let Some(rt) = tokens.refresh.as_ref().filter(|r| !r.is_empty()) else { return Ok(false) };
    let http = http()?;
    let req = http.client().post(xrpc(&endpoints.api, "com.atproto.server.deleteSession")).bearer_auth(rt.expose());
    match http.send(req, Step::Repeatable) {
        Ok(_) => Ok(true),
        // Already expired or revoked: nothing is left to end.
        Err(PublishError::TokenExpired { .. } | PublishError::Reconnect { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// `endpoints` with the API pointed at the account's own PDS (remembered at sign-in from the
/// DID document), where the entryway (bsky.social) is only the sign-in server. An explicit
/// upload (video service) override is kept.
pub fn pds_endpoints(endpoints: &Endpoints, tokens: &TokenSet) -> Result<Endpoints> {
    let Some(pds) = tokens.extra.get("pds").and_then(Value::as_str) else { return Ok(endpoints.clone()) };
    let pds = check_url(pds)?;
    let mut e = endpoints.clone();
    if e.upload == e.api {
        e.upload = pds.clone();
    }
    e.api = pds;
    Ok(e)
}

pub(super) fn account(s_: &Session) -> Result<AccountInfo> {
    let req = s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "com.atproto.server.getSession")));
    let me: Value = s_.http.json(req, Step::Repeatable)?;
    let did = s(&me, "did").ok_or_else(|| PublishError::retry(NAME, "getSession had no did"))?;
    let handle = s(&me, "handle").unwrap_or_else(|| did.clone());
    // The display name lives in the profile record; an account without one has none.
    let display_name = get_record(s_, &did, "app.bsky.actor.profile", "self")
        .ok()
        .flatten()
        .and_then(|r| r.pointer("/value/displayName").and_then(Value::as_str).map(str::to_string))
        .filter(|n| !n.is_empty());
    Ok(AccountInfo { user_id: did, handle: format!("@{handle}"), display_name })
}

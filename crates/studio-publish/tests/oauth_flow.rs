//! The full OAuth 2.0 authorization code + PKCE loopback flow against a real authorization server
//! (oidc-provider from npm), with the test playing the browser; then refresh with rotation through
//! the real OS keychain, concurrent refreshes, reuse detection and revocation.
//!
//! Run under scripts/with-test-session (make test-rust does) for the Secret Service.
#[path = "common/peers.rs"]
mod peers;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::blocking::Client;
use studio_publish::endpoints::Endpoints;
use studio_publish::oauth::{ClientApp, OauthClient};
use studio_publish::tokens::{self, TokenSet};
use studio_publish::{ErrorClass, Keychain, PlatformId, PublishError};
use url::Url;

fn client(issuer: &str) -> OauthClient {
    let base = Url::parse(issuer).expect("issuer");
    let endpoints = Endpoints {
        api: base.clone(),
        upload: base.clone(),
        authorize: Some(base.join("/auth").expect("auth")),
        token: Some(base.join("/token").expect("token")),
        revoke: Some(base.join("/token/revocation").expect("revoke")),
    };
    // YouTube's settings (any loopback port, prompt=consent, S256) with the server's scopes.
    let app = ClientApp { client_id: "studio-test".into(), client_secret: None };
    OauthClient::new(PlatformId::Youtube, endpoints, app)
        .expect("client")
        .with_scopes(vec!["openid".into(), "offline_access".into()])
}

/// Plays a browser through oidc-provider's dev interactions: log in, consent, follow the
/// redirect to the app's loopback listener.
fn play_browser(start: &str) -> Result<(), String> {
    let http = Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    let mut url = Url::parse(start).map_err(|e| e.to_string())?;
    let mut form: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        let cookie = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = match form.take() {
            Some(f) => http.post(url.clone()).form(&f),
            None => http.get(url.clone()),
        };
        let resp = req.header("cookie", cookie).send().map_err(|e| e.to_string())?;
        for c in resp.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap_or_default();
            if let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) {
                cookies.insert(k.trim().to_string(), v.to_string());
            }
        }
        let status = resp.status();
        if status.is_redirection() {
            let loc =
                resp.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("redirect without location")?;
            url = url.join(loc).map_err(|e| e.to_string())?;
            if url.path() == "/callback" {
                // The app's loopback listener: the browser lands there and is done.
                http.get(url).send().map_err(|e| e.to_string())?;
                return Ok(());
            }
            continue;
        }
        let body = resp.text().map_err(|e| e.to_string())?;
        let action = body
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .ok_or(format!("no form on {url}: {body}"))?;
        url = url.join(action).map_err(|e| e.to_string())?;
        form = Some(if body.contains("name=\"password\"") {
            vec![
                ("prompt".into(), "login".into()),
                ("login".into(), "creator".into()),
                ("password".into(), "anything".into()),
            ]
        } else {
            vec![("prompt".into(), "consent".into())]
        });
    }
    Err("too many steps".into())
}

fn sign_in(oauth: &OauthClient) -> TokenSet {
    let mut browser = None;
    let tokens = oauth
        .sign_in(
            &mut |url: &str| {
                let url = url.to_string();
                browser = Some(std::thread::spawn(move || play_browser(&url)));
                Ok(())
            },
            Duration::from_secs(30),
            &|| false,
        )
        .expect("signed in");
    browser.expect("browser opened").join().expect("browser thread").expect("browser flow");
    tokens
}

#[test]
fn pkce_loopback_sign_in_refresh_rotation_and_revocation() {
    let peer = peers::start("oidc.mjs");
    let issuer = peer.info["issuer"].as_str().expect("issuer").to_string();
    let oauth = client(&issuer);

    let first = sign_in(&oauth);
    assert!(!first.access.is_empty());
    let refresh1 = first.refresh.clone().expect("a refresh token (offline_access + consent)");
    assert!(first.expires_at.is_some());

    let kc = Keychain::new();
    let account = format!("oauth-test-{}", std::process::id());
    let key = tokens::account_key(&account);
    tokens::save(&kc, &key, first.clone()).expect("stored in the keychain");
    let locks = tempfile::tempdir().expect("tmp");

    // A forced refresh rotates the refresh token, and the rotated one is in the keychain
    // before the caller gets the new access token.
    let second = tokens::fresh(&kc, locks.path(), &account, true, &|t| oauth.refresh(t.refresh.as_ref().expect("rt")))
        .expect("refreshed");
    let refresh2 = second.refresh.clone().expect("rotated refresh token");
    assert_ne!(refresh2.expose(), refresh1.expose(), "the server rotates refresh tokens");
    let stored = tokens::load(&kc, &key).expect("load").expect("present");
    assert_eq!(stored.refresh.as_ref().map(|r| r.expose().clone()), Some(refresh2.expose().clone()));
    assert_eq!(stored.access.expose(), second.access.expose());

    // Four threads find the token about to expire at once: one refresh, everyone gets it.
    let mut expiring = stored.clone();
    expiring.expires_at = Some(tokens::now());
    tokens::save(&kc, &key, expiring).expect("save");
    let calls = AtomicUsize::new(0);
    let results: Vec<Result<TokenSet, PublishError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    tokens::fresh(&kc, locks.path(), &account, false, &|t| {
                        calls.fetch_add(1, Ordering::SeqCst);
                        oauth.refresh(t.refresh.as_ref().expect("rt"))
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1, "refreshes of one account are serialized");
    let third = results.into_iter().map(|r| r.expect("every caller got a token")).next().expect("one");

    // Reusing a spent refresh token is refused as invalid_grant: the account needs reconnecting,
    // and oidc-provider's reuse detection revokes the whole grant.
    let reused = oauth.refresh(&refresh1).expect_err("spent token");
    assert_eq!(reused.class(), ErrorClass::Reconnect, "{reused}");

    // Sign in again, then revoke: refresh no longer works.
    let fresh_grant = sign_in(&oauth);
    let rt = fresh_grant.refresh.clone().expect("rt");
    assert!(oauth.revoke(&rt, "refresh_token").expect("revoked"));
    let after = oauth.refresh(&rt).expect_err("revoked grant");
    assert_eq!(after.class(), ErrorClass::Reconnect, "{after}");

    // A refresh reply without a refresh token never blanks the stored one.
    let mut no_rt = TokenSet::new("new-access");
    no_rt.refresh = None;
    tokens::save(&kc, &key, no_rt).expect("save");
    let kept = tokens::load(&kc, &key).expect("load").expect("present");
    assert_eq!(kept.refresh.map(|r| r.expose().clone()), third.refresh.map(|r| r.expose().clone()));

    kc.delete(&key).expect("deleted");
    assert!(tokens::load(&kc, &key).expect("load").is_none());
    kc.delete(&key).expect("deleting twice is fine");
}

#[test]
fn declining_in_the_browser_is_a_clear_error() {
    let peer = peers::start("oidc.mjs");
    let issuer = peer.info["issuer"].as_str().expect("issuer").to_string();
    let oauth = client(&issuer);
    let err = oauth
        .sign_in(
            &mut |url: &str| {
                // The "browser" comes back with the user's refusal, with the right state.
                let u = Url::parse(url).expect("url");
                let q = |k: &str| u.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned()).expect("param");
                let target = format!("{}?error=access_denied&state={}", q("redirect_uri"), q("state"));
                std::thread::spawn(move || reqwest::blocking::get(target).map(|_| ()));
                Ok(())
            },
            Duration::from_secs(10),
            &|| false,
        )
        .expect_err("declined");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("declined")), "{err}");
}

//! OAuth 2.0 authorization code + PKCE through the system browser and a loopback redirect
//! (RFC 8252): `http://127.0.0.1:PORT/callback`, any port where the platform allows it, the
//! registered one where it does not. State is checked, the wait times out and can be cancelled.
//!
//! PKCE verifiers and state come from the `oauth2` crate. The token calls are made here with our
//! own client because the platforms bend RFC 6749 in ways its strict token model rejects:
//! Instagram and Threads answer without `token_type`, TikTok calls the client id `client_key`
//! and wants a hex PKCE challenge, Pinterest wants HTTP Basic client authentication.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine;
use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use serde_json::Value;
use sha2::Digest;
use url::Url;

use crate::endpoints::Endpoints;
use crate::http::{Http, Step};
use crate::platform::PlatformId;
use crate::rules::{rules, OauthRules};
use crate::sensitive::Sensitive;
// ClientApp is kept in the keychain beside the tokens, so it lives in `tokens`; its old path
// stays for callers.
pub use crate::tokens::ClientApp;
use crate::tokens::TokenSet;
use crate::{PublishError, Result};

/// Everything a token call needs for one platform (or one Mastodon instance).
pub struct OauthClient {
    pub platform: PlatformId,
    pub rules: OauthRules,
    pub endpoints: Endpoints,
    pub app: ClientApp,
    http: Http,
}

/// A listening loopback socket: the redirect target for one sign-in.
pub struct Loopback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Loopback {
    /// Binds 127.0.0.1 on `port`, or on any free port when `None`.
    pub fn bind(port: Option<u16>) -> Result<Self> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0)));
        let listener = TcpListener::bind(addr).map_err(|e| {
            PublishError::Auth(match port {
                Some(p) => format!("port {p} on 127.0.0.1 is taken ({e}); the platform only accepts this registered port, so close what uses it and try again"),
                None => format!("cannot listen on 127.0.0.1: {e}"),
            })
        })?;
        let port = listener.local_addr().map_err(|e| PublishError::Auth(e.to_string()))?.port();
        listener.set_nonblocking(true).map_err(|e| PublishError::Auth(e.to_string()))?;
        Ok(Self { listener, redirect_uri: format!("http://127.0.0.1:{port}/callback") })
    }

    /// Waits for the browser to come back with `code` for `state`.
    fn wait(&self, state: &str, timeout: Duration, cancelled: &dyn Fn() -> bool) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if cancelled() {
                return Err(PublishError::Cancelled);
            }
            if Instant::now() > deadline {
                return Err(PublishError::Auth(format!(
                    "no answer from the browser within {} s; start again when you are ready",
                    timeout.as_secs()
                )));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(outcome) = handle_redirect(stream, state)? {
                        return outcome;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(PublishError::Auth(e.to_string())),
            }
        }
    }
}

/// Reads one request. `None` for requests that are not the redirect (a favicon, a probe).
fn handle_redirect(mut stream: TcpStream, state: &str) -> Result<Option<Result<String>>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    // A request line is short; a client that sends megabytes without a newline is cut off.
    let mut line = String::new();
    if BufReader::new((&stream).take(8192)).read_line(&mut line).is_err() {
        return Ok(None);
    }
    let target = line.split_whitespace().nth(1).unwrap_or_default();
    let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else { return Ok(None) };
    if url.path() != "/callback" {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return Ok(None);
    }
    let q = |k: &str| url.query_pairs().find(|(key, _)| key == k).map(|(_, v)| v.into_owned());
    let outcome = if q("state").as_deref() != Some(state) {
        // A redirect that is not ours (a stale tab, a forged link): refuse it and keep the flow
        // honest rather than exchanging someone else's code.
        Err(PublishError::Auth("the sign-in answer did not match this request (state mismatch); start again".into()))
    } else if let Some(err) = q("error") {
        let desc = q("error_description").unwrap_or_default();
        Err(PublishError::Auth(if err == "access_denied" {
            "you declined access in the browser".to_string()
        } else {
            format!("the platform refused: {err} {desc}").trim().to_string()
        }))
    } else if let Some(code) = q("code").filter(|c| !c.is_empty()) {
        Ok(code)
    } else {
        Err(PublishError::Auth("the browser came back without an authorization code".into()))
    };
    let (title, text) = match &outcome {
        Ok(_) => ("Connected", "Viral Studio is connected. You can close this tab."),
        Err(_) => ("Not connected", "Viral Studio could not connect. Go back to the app for details."),
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>{title}</title><body style=\"font:16px system-ui;margin:3em\"><h1>{title}</h1><p>{text}</p>"
    );
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Ok(Some(outcome))
}

/// A prepared sign-in: the URL to open and what is needed to finish it.
pub struct Authorization {
    pub url: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect_uri: String,
}

impl OauthClient {
    pub fn new(platform: PlatformId, endpoints: Endpoints, app: ClientApp) -> Result<Self> {
        let rules = rules(platform)
            .oauth
            .clone()
            .ok_or_else(|| PublishError::Unsupported(format!("{platform} does not sign in with OAuth")))?;
        if app.client_id.trim().is_empty() {
            return Err(PublishError::Invalid(format!(
                "{} needs the client ID of your app",
                crate::rules::rules(platform).name
            )));
        }
        if rules.secret_required() && app.client_secret.as_ref().is_none_or(|s| s.is_empty()) {
            return Err(PublishError::Invalid(format!(
                "{} needs the client secret of your app as well as its ID",
                crate::rules::rules(platform).name
            )));
        }
        Ok(Self { platform, rules, endpoints, app, http: Http::new(platform)? })
    }

    /// Mastodon registers the app at sign-in, with scopes of its own.
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        self.rules.scopes = scopes;
        self
    }

    /// The loopback socket this platform accepts (any port, or its registered one).
    pub fn loopback(&self) -> Result<Loopback> {
        Loopback::bind(self.rules.fixed_port())
    }

    pub fn authorization(&self, loopback: &Loopback) -> Result<Authorization> {
        let authorize = self
            .endpoints
            .authorize
            .clone()
            .ok_or_else(|| PublishError::Unsupported("no authorize endpoint".into()))?;
        let verifier = PkceCodeVerifier::new(random_verifier());
        let challenge = match self.rules.pkce.as_deref() {
            // TikTok desktop: hex(SHA-256(verifier)).
            Some("s256_hex") => hex(&sha2::Sha256::digest(verifier.secret().as_bytes())),
            _ => PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str().to_string(),
        };
        let state = CsrfToken::new_random();
        let mut url = authorize;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair(self.rules.client_id_param.as_deref().unwrap_or("client_id"), &self.app.client_id);
            q.append_pair("response_type", "code");
            q.append_pair("redirect_uri", &loopback.redirect_uri);
            q.append_pair("scope", &self.rules.scopes.join(self.rules.scope_separator.as_deref().unwrap_or(" ")));
            q.append_pair("state", state.secret());
            q.append_pair("code_challenge", &challenge);
            q.append_pair("code_challenge_method", "S256");
            for (k, v) in &self.rules.extra_authorize_params {
                q.append_pair(k, v);
            }
        }
        Ok(Authorization { url: url.to_string(), state, verifier, redirect_uri: loopback.redirect_uri.clone() })
    }

    /// The whole flow: open the browser, wait for the redirect, exchange the code.
    pub fn sign_in(
        &self,
        open_browser: &mut dyn FnMut(&str) -> Result<()>,
        timeout: Duration,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<TokenSet> {
        self.sign_in_on(self.loopback()?, open_browser, timeout, cancelled)
    }

    /// As [`OauthClient::sign_in`], on a loopback the caller bound first (Mastodon registers
    /// its exact redirect URI before signing in).
    pub fn sign_in_on(
        &self,
        loopback: Loopback,
        open_browser: &mut dyn FnMut(&str) -> Result<()>,
        timeout: Duration,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<TokenSet> {
        let auth = self.authorization(&loopback)?;
        open_browser(&auth.url)?;
        let code = loopback.wait(auth.state.secret(), timeout, cancelled)?;
        self.exchange(&auth, &code)
    }

    pub fn exchange(&self, auth: &Authorization, code: &str) -> Result<TokenSet> {
        let form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.to_string()),
            ("redirect_uri", auth.redirect_uri.clone()),
            ("code_verifier", auth.verifier.secret().clone()),
        ];
        self.token_call(form)
    }

    pub fn refresh(&self, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
        let form = vec![("grant_type", "refresh_token".to_string()), ("refresh_token", refresh_token.expose().clone())];
        self.token_call(form)
    }

    /// Revokes a token where the platform offers it (RFC 7009); `Ok(false)` where it does not.
    pub fn revoke(&self, token: &Sensitive<String>, hint: &str) -> Result<bool> {
        let Some(url) = self.endpoints.revoke.clone() else { return Ok(false) };
        let form = vec![("token", token.expose().clone()), ("token_type_hint", hint.to_string())];
        let req = self.authenticate(self.http.client().post(url), form);
        self.http.send(req, Step::Repeatable)?;
        Ok(true)
    }

    fn authenticate(
        &self,
        req: reqwest::blocking::RequestBuilder,
        form: Vec<(&'static str, String)>,
    ) -> reqwest::blocking::RequestBuilder {
        let id_param = self.rules.client_id_param.as_deref().unwrap_or("client_id");
        let secret = self.app.client_secret.as_ref().filter(|s| !s.is_empty());
        if self.rules.client_auth.as_deref() == Some("basic") {
            req.basic_auth(&self.app.client_id, secret.map(|s| s.expose().clone())).form(&form)
        } else {
            let mut pairs: Vec<(&str, String)> = vec![(id_param, self.app.client_id.clone())];
            if let Some(s) = secret {
                pairs.push(("client_secret", s.expose().clone()));
            }
            pairs.extend(form);
            req.form(&pairs)
        }
    }

    fn token_call(&self, form: Vec<(&'static str, String)>) -> Result<TokenSet> {
        let url = self.endpoints.token.clone().ok_or_else(|| PublishError::Unsupported("no token endpoint".into()))?;
        let req = self.authenticate(self.http.client().post(url).header("Accept", "application/json"), form);
        let json: Value = self.http.json(req, Step::Repeatable)?;
        // TikTok wraps errors in a 200 with an `error` field.
        if let Some(err) = json.get("error").and_then(Value::as_str).filter(|e| !e.is_empty() && *e != "ok") {
            let desc = json.get("error_description").and_then(Value::as_str).unwrap_or(err).to_string();
            let platform = rules(self.platform).name.clone();
            return Err(if err == "invalid_grant" {
                PublishError::Reconnect { platform, message: desc }
            } else {
                PublishError::Rejected { platform, message: desc, platform_code: Some(err.to_string()) }
            });
        }
        let body = json.get("data").filter(|d| d.get("access_token").is_some()).unwrap_or(&json);
        TokenSet::from_token_response(body)
            .ok_or_else(|| PublishError::retry(&rules(self.platform).name, "the token reply had no access_token"))
    }
}

fn random_verifier() -> String {
    // 32 random bytes → 43 base64url characters, the RFC 7636 recommendation.
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(platform: PlatformId) -> OauthClient {
        let endpoints = Endpoints::resolve(platform, None).expect("endpoints");
        let app = ClientApp { client_id: "cid".into(), client_secret: Some(Sensitive::new("sec".into())) };
        OauthClient::new(platform, endpoints, app).expect("client")
    }

    fn param(url: &str, key: &str) -> Option<String> {
        Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
    }

    #[test]
    fn authorize_urls_follow_each_platform() {
        let yt = client(PlatformId::Youtube);
        let lb = yt.loopback().expect("binds");
        let auth = yt.authorization(&lb).expect("url");
        assert_eq!(param(&auth.url, "client_id").as_deref(), Some("cid"));
        assert_eq!(param(&auth.url, "code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(param(&auth.url, "access_type").as_deref(), Some("offline"));
        let challenge = param(&auth.url, "code_challenge").expect("challenge");
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(auth.verifier.secret().as_bytes()));
        assert_eq!(challenge, expected);
        assert!(param(&auth.url, "redirect_uri").expect("redirect").starts_with("http://127.0.0.1:"));

        let tt = client(PlatformId::Tiktok);
        let lb = tt.loopback().expect("binds");
        let auth = tt.authorization(&lb).expect("url");
        assert_eq!(param(&auth.url, "client_key").as_deref(), Some("cid"));
        assert_eq!(param(&auth.url, "scope").as_deref(), Some("user.info.basic,video.publish,video.upload,video.list"));
        let challenge = param(&auth.url, "code_challenge").expect("challenge");
        assert_eq!(challenge, hex(&sha2::Sha256::digest(auth.verifier.secret().as_bytes())));
        assert_eq!(challenge.len(), 64);
    }

    #[test]
    fn a_secret_is_demanded_where_the_platform_needs_one() {
        let endpoints = Endpoints::resolve(PlatformId::Linkedin, None).expect("endpoints");
        let app = ClientApp { client_id: "cid".into(), client_secret: None };
        assert!(matches!(OauthClient::new(PlatformId::Linkedin, endpoints, app), Err(PublishError::Invalid(_))));
    }

    #[test]
    fn the_redirect_is_checked_for_state_and_errors() {
        let lb = Loopback::bind(None).expect("binds");
        let uri = lb.redirect_uri.clone();
        let get = |path: String| {
            std::thread::spawn(move || {
                let addr = path.split('/').nth(2).expect("host").to_string();
                let mut s = TcpStream::connect(addr).expect("connect");
                let target = format!("/{}", path.splitn(4, '/').nth(3).expect("path"));
                write!(s, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
                let mut out = String::new();
                let _ = std::io::Read::read_to_string(&mut s, &mut out);
                out
            })
        };
        // A favicon probe first (queued before the redirect), then a forged redirect.
        let favicon = get(uri.replace("/callback", "/favicon.ico"));
        std::thread::sleep(Duration::from_millis(100));
        let wrong = get(format!("{uri}?code=abc&state=forged"));
        let r = lb.wait("expected", Duration::from_secs(5), &|| false);
        assert!(matches!(r, Err(PublishError::Auth(ref m)) if m.contains("state mismatch")), "{r:?}");
        assert!(favicon.join().expect("join").starts_with("HTTP/1.1 404"));
        wrong.join().expect("join");

        let denied = get(format!("{uri}?error=access_denied&state=s1"));
        let r = lb.wait("s1", Duration::from_secs(5), &|| false);
        assert!(matches!(r, Err(PublishError::Auth(ref m)) if m.contains("declined")), "{r:?}");
        denied.join().expect("join");

        let ok = get(format!("{uri}?code=the-code&state=s2"));
        assert_eq!(lb.wait("s2", Duration::from_secs(5), &|| false).expect("code"), "the-code");
        assert!(ok.join().expect("join").contains("You can close this tab"));

        let r = lb.wait("s3", Duration::from_millis(200), &|| false);
        assert!(matches!(r, Err(PublishError::Auth(ref m)) if m.contains("no answer")), "{r:?}");
        let r = lb.wait("s3", Duration::from_secs(5), &|| true);
        assert!(matches!(r, Err(PublishError::Cancelled)));
    }
}

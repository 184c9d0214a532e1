//! What Meta's sign-ins do after the OAuth code exchange: the short-lived token is traded for
//! the long-lived one (with the app secret), and Facebook posts as a Page with the Page's token.
mod common;

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use studio_publish::connectors::{facebook::Facebook, instagram::Instagram, threads::Threads};
use studio_publish::oauth::ClientApp;
use studio_publish::provider::{MetaLongLived, TokenProvider};
use studio_publish::tokens::TokenSet;
use studio_publish::{Connector, ErrorClass, PlatformId, PublishError, Sensitive};

use common::{session, Server};

async fn exchange(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("client_secret").map(String::as_str) != Some("app-secret") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "Error validating client secret.", "type": "OAuthException", "code": 1}})),
        )
            .into_response();
    }
    let short = q.get("fb_exchange_token").or_else(|| q.get("access_token")).cloned().unwrap_or_default();
    let grant = q.get("grant_type").cloned().unwrap_or_default();
    Json(json!({"access_token": format!("long-{grant}-{short}"), "token_type": "bearer", "expires_in": 5_183_944}))
        .into_response()
}

async fn pages(headers: HeaderMap) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if auth != "Bearer long-fb_exchange_token-short" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})),
        )
            .into_response();
    }
    Json(json!({"data": [{"id": "p-1", "name": "My Page", "access_token": "page-token", "tasks": ["CREATE_CONTENT"]}]}))
        .into_response()
}

/// `GET /refresh_access_token`: renews a live long-lived token; an expired or unknown one is
/// refused with Meta's OAuthException 190.
async fn renew(Query(q): Query<HashMap<String, String>>) -> Response {
    let token = q.get("access_token").cloned().unwrap_or_default();
    let grant = q.get("grant_type").cloned().unwrap_or_default();
    if !token.starts_with("long-") || !matches!(grant.as_str(), "ig_refresh_token" | "th_refresh_token") {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": {"message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463}}))).into_response();
    }
    Json(json!({"access_token": format!("long-renewed-{grant}"), "token_type": "bearer", "expires_in": 5_184_000}))
        .into_response()
}

fn server(with_pages: bool) -> Server {
    let mut r = Router::new()
        .route("/refresh_access_token", get(renew))
        .route("/v21.0/oauth/access_token", get(exchange))
        .route("/access_token", get(exchange));
    r = if with_pages {
        r.route("/v21.0/me/accounts", get(pages))
    } else {
        r.route("/v21.0/me/accounts", get(|| async { Json(json!({"data": []})) }))
    };
    Server::start(r)
}

fn app(secret: &str) -> ClientApp {
    ClientApp { client_id: "app-id".into(), client_secret: Some(Sensitive::new(secret.to_string())) }
}

fn short() -> TokenSet {
    let mut t = TokenSet::new("short");
    t.user_id = Some("178414".into());
    t
}

#[test]
fn facebook_signs_in_as_the_page_with_a_non_expiring_page_token() {
    let srv = server(true);
    let s = session(PlatformId::Facebook, &srv.url, "short", None);
    let t = Facebook.after_sign_in(&s, &app("app-secret"), short()).expect("page token");
    assert_eq!(t.access.expose(), "page-token");
    assert_eq!(t.user_id.as_deref(), Some("p-1"));
    assert!(t.expires_at.is_none() && t.refresh.is_none());

    let none = server(false);
    let s = session(PlatformId::Facebook, &none.url, "short", None);
    let err = Facebook.after_sign_in(&s, &app("app-secret"), short()).expect_err("no page");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("manages no Page")), "{err}");
}

#[test]
fn instagram_and_threads_trade_the_short_token_for_the_long_one() {
    let srv = server(true);
    for (platform, c, grant) in [
        (PlatformId::Instagram, &Instagram as &dyn Connector, "ig_exchange_token"),
        (PlatformId::Threads, &Threads as &dyn Connector, "th_exchange_token"),
    ] {
        let s = session(platform, &srv.url, "short", None);
        let t = c.after_sign_in(&s, &app("app-secret"), short()).expect("long-lived");
        assert_eq!(t.access.expose(), &format!("long-{grant}-short"));
        assert_eq!(t.user_id.as_deref(), Some("178414"), "the user id from the code exchange is kept");
        assert!(t.expires_at.expect("expiry") > studio_publish::tokens::now() + 59 * 86_400);
        let err = c.after_sign_in(&s, &app("wrong"), short()).expect_err("bad secret");
        assert!(err.to_string().contains("Error validating client secret"), "{err}");
    }
}

#[test]
fn instagram_and_threads_long_lived_tokens_renew_themselves() {
    let srv = server(true);
    for (platform, grant) in [(PlatformId::Instagram, "ig_refresh_token"), (PlatformId::Threads, "th_refresh_token")] {
        let p = MetaLongLived { platform, endpoints: common::endpoints(&srv.url) };
        let mut current = TokenSet::new("long-ig_exchange_token-short");
        current.user_id = Some("178414".into());
        current.expires_at = Some(studio_publish::tokens::now() + 3 * 86_400);
        let renewed = p.refresh(&current).expect("renewed");
        assert_eq!(renewed.access.expose(), &format!("long-renewed-{grant}"));
        assert_eq!(renewed.user_id.as_deref(), Some("178414"));
        assert!(renewed.expires_at.expect("expiry") > studio_publish::tokens::now() + 59 * 86_400);
        // An expired token cannot renew itself: Meta's 190/463 means reconnect, not retry.
        let err = p.refresh(&TokenSet::new("expired")).expect_err("expired");
        assert_eq!(err.class(), ErrorClass::Reconnect, "{err}");
    }
}

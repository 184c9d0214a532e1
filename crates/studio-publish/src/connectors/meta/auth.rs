//! Trading the short-lived sign-in token for the long-lived one.
use super::graph::json;
use crate::connector::Session;
use crate::http::Step;
use crate::rules::rules;
use crate::{PublishError, Result};

/// Meta's sign-in hands out a short-lived token (about an hour). Exchanging it for the long-lived
/// one (60 days) is a GET with the app secret: Facebook `GET /oauth/access_token?grant_type=
/// fb_exchange_token`, Instagram `GET /access_token?grant_type=ig_exchange_token`, Threads
/// `GET /access_token?grant_type=th_exchange_token`.
pub fn long_lived(
    s: &Session,
    path: &str,
    grant: &str,
    app: &crate::oauth::ClientApp,
    short: &crate::tokens::TokenSet,
) -> Result<crate::tokens::TokenSet> {
    let name = rules(s.platform).name.clone();
    let secret = app
        .client_secret
        .as_ref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| PublishError::Invalid(format!("{name} needs your app's secret to keep you signed in")))?;
    let mut query = vec![("grant_type", grant.to_string()), ("client_secret", secret.expose().clone())];
    if grant == "fb_exchange_token" {
        query.push(("client_id", app.client_id.clone()));
        query.push(("fb_exchange_token", short.access.expose().clone()));
    } else {
        query.push(("access_token", short.access.expose().clone()));
    }
    let req = s.http.client().get(s.endpoints.api_url(path)).query(&query);
    let v = json(s, req, Step::Repeatable)?;
    let mut long = crate::tokens::TokenSet::from_token_response(&v)
        .ok_or_else(|| PublishError::retry(&name, "the long-lived token reply had no access_token"))?;
    long.user_id = long.user_id.or_else(|| short.user_id.clone());
    Ok(long)
}

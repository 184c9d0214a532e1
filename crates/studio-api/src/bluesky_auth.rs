//! Bluesky sign-in glue (handle + app password), bound to the connector's session calls.
use studio_publish::endpoints::Endpoints;
use studio_publish::tokens::TokenSet;
use studio_publish::{PublishError, Sensitive};

pub fn sign_in(_e: &Endpoints, _handle: &str, _password: &Sensitive<String>) -> Result<TokenSet, PublishError> {
    Err(PublishError::Unsupported("Bluesky sign-in is being wired up".into()))
}

pub fn refresh(_e: &Endpoints, _rt: &Sensitive<String>) -> Result<TokenSet, PublishError> {
    Err(PublishError::Unsupported("Bluesky refresh is being wired up".into()))
}

pub fn sign_out(_e: &Endpoints, _t: &TokenSet) -> Result<bool, PublishError> {
    Ok(false)
}

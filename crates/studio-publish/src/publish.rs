//! Publishing one post through a connector without ever posting twice.
//!
//! The order is write-ahead: `final_sent` is saved before the create-post call, so a crash during
//! it leaves a record that the outcome is unknown. The next attempt then asks the platform
//! ([`Connector::find_post`]) instead of posting again; only a definitive "not there" lets it
//! post. Errors that prove nothing was created (a 4xx, a 429, a refused token, a connection that
//! never opened) clear the flag again.
use crate::connector::{Connector, Draft, Progress, PublishState, Published, Session};
use crate::error::ErrorClass;
use crate::rules::rules;
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

/// Gets a new access token after the platform refused the current one (refreshing it).
pub type Reauth<'a> = &'a dyn Fn() -> Result<Sensitive<String>>;

pub fn publish(
    c: &dyn Connector,
    s: &mut Session,
    d: &Draft<'_>,
    st: &mut PublishState,
    p: &mut dyn Progress,
    reauth: Reauth<'_>,
) -> Result<Published> {
    if let Some(post_id) = &st.post_id {
        return Ok(Published { post_id: post_id.clone(), url: st.post_url.clone() });
    }
    rules(c.platform()).validate(d.caption, d.title, &d.media.facts)?;
    if st.final_sent {
        match c.find_post(s, d, st) {
            Ok(Some(found)) => return record(st, p, found),
            Ok(None) => {
                tracing::info!(platform = %c.platform(), "an earlier attempt did not post; posting now");
                st.final_sent = false;
                p.checkpoint(st)?;
            }
            Err(e) => {
                return Err(PublishError::OutcomeUnknown {
                    platform: rules(c.platform()).name.clone(),
                    message: format!("an earlier attempt may have posted and the platform cannot tell ({e}); check the account before retrying"),
                })
            }
        }
    }
    if !st.media_ready {
        with_refresh(s, reauth, |s| c.upload(s, d, st, p))?;
        st.media_ready = true;
        p.checkpoint(st)?;
    }
    if p.cancelled() {
        return Err(PublishError::Cancelled);
    }
    st.final_sent = true;
    p.checkpoint(st)?;
    match with_refresh(s, reauth, |s| c.create_post(s, d, st, p)) {
        Ok(published) => record(st, p, published),
        Err(e) if proves_nothing_posted(&e) => {
            st.final_sent = false;
            p.checkpoint(st)?;
            Err(e)
        }
        Err(e) => match c.find_post(s, d, st) {
            Ok(Some(found)) => record(st, p, found),
            // Not found yet may be a platform that is slow to list: still unknown.
            _ => Err(e),
        },
    }
}

fn proves_nothing_posted(e: &PublishError) -> bool {
    matches!(
        e.class(),
        ErrorClass::BadRequest
            | ErrorClass::RateLimited { .. }
            | ErrorClass::RefreshToken
            | ErrorClass::Reconnect
            | ErrorClass::Retry
    )
}

fn record(st: &mut PublishState, p: &mut dyn Progress, published: Published) -> Result<Published> {
    st.post_id = Some(published.post_id.clone());
    st.post_url = published.url.clone();
    p.checkpoint(st)?;
    Ok(published)
}

/// Runs a step; if the platform refuses the token, gets a new one and runs it once more.
pub fn with_refresh<T>(s: &mut Session, reauth: Reauth<'_>, mut step: impl FnMut(&Session) -> Result<T>) -> Result<T> {
    match step(s) {
        Err(PublishError::TokenExpired { .. }) => {
            s.access_token = reauth()?;
            step(s)
        }
        other => other,
    }
}

//! Publishing one post through a connector without ever posting twice.
//!
//! The order is write-ahead: `final_sent` is saved before the create-post call, so a crash during
//! it leaves a record that the outcome is unknown. The next attempt then asks the platform
//! ([`Connector::find_post`]) instead of posting again; only a definitive "not there" lets it
//! post. Errors that prove nothing was created (a 4xx, a 429, a refused token, a connection that
//! never opened) clear the flag again.
use crate::connector::{Connector, Draft, Progress, PublishState, Published, Reply, ReplyState, Session};
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

/// One follow-up to post after the main post.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub text: String,
    /// The first comment answers the main post; a thread part answers the part before it.
    pub comment: bool,
}

/// Posts the follow-ups of an already published post, in order, resuming from `st.replies`.
/// Each one is write-ahead like the final call: a reply whose outcome is unknown is looked up
/// before anything is sent again, so a crash or a retry never posts a part twice.
#[allow(clippy::too_many_arguments)]
pub fn publish_replies(
    c: &dyn Connector,
    s: &mut Session,
    root: &Published,
    follow_ups: &[FollowUp],
    options: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    st: &mut PublishState,
    p: &mut dyn Progress,
    reauth: Reauth<'_>,
) -> Result<Vec<Published>> {
    if follow_ups.is_empty() {
        return Ok(Vec::new());
    }
    if !c.supports_replies() {
        return Err(PublishError::Unsupported(format!(
            "{} does not take thread parts or first comments through its API",
            rules(c.platform()).name
        )));
    }
    st.replies.resize_with(follow_ups.len(), ReplyState::default);
    let mut done: Vec<Published> = Vec::with_capacity(follow_ups.len());
    let mut parent = root.clone();
    for (i, f) in follow_ups.iter().enumerate() {
        let reply_key = format!("{key}:reply:{i}");
        let to = if f.comment { root.clone() } else { parent.clone() };
        let r = Reply { text: &f.text, root, parent: &to, key: &reply_key, options };
        let published = reply_once(c, s, &r, i, st, p, reauth)?;
        if !f.comment {
            parent = published.clone();
        }
        done.push(published);
    }
    Ok(done)
}

fn reply_once(
    c: &dyn Connector,
    s: &mut Session,
    r: &Reply<'_>,
    i: usize,
    st: &mut PublishState,
    p: &mut dyn Progress,
    reauth: Reauth<'_>,
) -> Result<Published> {
    if let Some(id) = &st.replies[i].post_id {
        return Ok(Published { post_id: id.clone(), url: st.replies[i].url.clone() });
    }
    let name = || rules(c.platform()).name.clone();
    if st.replies[i].sent {
        match c.find_reply(s, r) {
            Ok(Some(found)) => return record_reply(st, i, p, found),
            Ok(None) => {
                st.replies[i].sent = false;
                p.checkpoint(st)?;
            }
            Err(e) => {
                return Err(PublishError::OutcomeUnknown {
                    platform: name(),
                    message: format!("follow-up {} may have posted and the platform cannot tell ({e})", i + 1),
                })
            }
        }
    }
    if p.cancelled() {
        return Err(PublishError::Cancelled);
    }
    st.replies[i].sent = true;
    p.checkpoint(st)?;
    match with_refresh(s, reauth, |s| c.reply(s, r)) {
        Ok(published) => record_reply(st, i, p, published),
        Err(e) if proves_nothing_posted(&e) => {
            st.replies[i].sent = false;
            p.checkpoint(st)?;
            Err(e)
        }
        Err(e) => match c.find_reply(s, r) {
            Ok(Some(found)) => record_reply(st, i, p, found),
            _ => Err(e),
        },
    }
}

fn record_reply(st: &mut PublishState, i: usize, p: &mut dyn Progress, published: Published) -> Result<Published> {
    st.replies[i].post_id = Some(published.post_id.clone());
    st.replies[i].url = published.url.clone();
    p.checkpoint(st)?;
    Ok(published)
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

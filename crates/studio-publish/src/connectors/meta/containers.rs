//! The "container" publishing flow Instagram and Threads share.
use std::time::Duration;

use serde_json::Value;

use super::graph::{json, name, unexpected, DEFAULT_WAIT};
use super::insights::{count, parse_time};
use crate::connector::{poll, Draft, Progress, PublishState, Published, Session};
use crate::connectors::json::s as str_field;
use crate::http::Step;
use crate::platform::PlatformId;
use crate::{PublishError, Result};

/// Instagram and Threads publish in the same three steps: a container that makes the platform
/// fetch the video from a public URL, polled until FINISHED, then a publish call naming it.
/// Only the names differ; the differences are data here.
pub struct Containers {
    pub platform: PlatformId,
    /// `/v21.0` (Instagram), `/v1.0` (Threads).
    pub version: &'static str,
    /// `media` / `threads`: POST creates a container, GET lists the account's posts.
    pub edge: &'static str,
    /// `media_publish` / `threads_publish`.
    pub publish_edge: &'static str,
    /// `content_publishing_limit` / `threads_publishing_limit`.
    pub limit_edge: &'static str,
    /// The container's state field (`status_code` / `status`) and its explanation
    /// (`status` / `error_message`).
    pub state_field: &'static str,
    pub detail_field: &'static str,
    /// Where the post's text is (`caption` / `text`).
    pub text_field: &'static str,
    /// The container's parameters for a video at a public URL.
    pub params: fn(&Draft<'_>, &str) -> Vec<(&'static str, String)>,
    /// How long processing may take before the step is given up (and resumed later).
    pub processing_limit: Duration,
}

const RELAY_URL: &str = "relay_url";
const CONTAINER_AT: &str = "container_created_at";

/// A container's state and its explanation.
struct ContainerState {
    state: String,
    detail: Option<String>,
}

impl Containers {
    fn name(&self) -> String {
        name(self.platform)
    }

    fn url(&self, s: &Session, path: &str) -> String {
        s.endpoints.api_url(&format!("{}{path}", self.version))
    }

    /// Hosts the file on the relay (once), creates the container (once per live container) and
    /// polls it until the platform has fetched and processed the video.
    pub fn upload(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        // Checked before anything is sent: without a public URL the platform cannot fetch.
        let relay = s.relay.clone().ok_or_else(|| PublishError::MediaRelayMissing { platform: self.name() })?;
        let user = s.user_id()?.to_string();
        let total = d.media.size();
        let mut restarted = false;
        loop {
            if st.container_id.is_none() {
                let video_url = match st.extra.get(RELAY_URL).and_then(Value::as_str) {
                    Some(u) => u.to_string(),
                    None => {
                        let u = relay.publish(d.media)?;
                        st.extra.insert(RELAY_URL.into(), Value::String(u.clone()));
                        p.checkpoint(st)?;
                        u
                    }
                };
                let req = s
                    .bearer(s.http.client().post(self.url(s, &format!("/{user}/{}", self.edge))))
                    .form(&(self.params)(d, &video_url));
                let created = json(s, req, Step::Repeatable)?;
                let id = str_field(&created, "id")
                    .ok_or_else(|| PublishError::retry(&self.name(), "the container was created without an id"))?;
                st.container_id = Some(id);
                st.extra.insert(CONTAINER_AT.into(), Value::from(jiff::Timestamp::now().as_second()));
                p.checkpoint(st)?;
            }
            let id = st.container_id.clone().unwrap_or_default();
            let done = poll(&self.name(), "processing the video", self.processing_limit, p, || {
                let c = self.state(s, &id)?;
                Ok(matches!(c.state.as_str(), "FINISHED" | "PUBLISHED" | "ERROR" | "EXPIRED").then_some(c))
            })?;
            match done.state.as_str() {
                // PUBLISHED: an earlier run got further than its state says; create_post reconciles.
                "FINISHED" | "PUBLISHED" => {
                    p.uploaded(total, total);
                    return Ok(());
                }
                // Containers expire 24 h after creation: a new one from the same URL.
                "EXPIRED" if !restarted => {
                    restarted = true;
                    st.container_id = None;
                    st.extra.remove(CONTAINER_AT);
                    p.checkpoint(st)?;
                }
                "EXPIRED" => return Err(PublishError::retry(&self.name(), "the video container expired twice")),
                _ => {
                    let detail = done.detail.unwrap_or_else(|| "the video could not be processed".into());
                    st.container_id = None;
                    st.extra.remove(CONTAINER_AT);
                    self.release(s, st);
                    st.extra.remove(RELAY_URL);
                    p.checkpoint(st)?;
                    return Err(PublishError::Rejected {
                        platform: self.name(),
                        message: detail,
                        platform_code: Some("ERROR".into()),
                    });
                }
            }
        }
    }

    fn state(&self, s: &Session, id: &str) -> Result<ContainerState> {
        let fields = format!("{},{}", self.state_field, self.detail_field);
        let req = s.bearer(s.http.client().get(self.url(s, &format!("/{id}"))).query(&[("fields", fields)]));
        let v = json(s, req, Step::Repeatable)?;
        let state = str_field(&v, self.state_field)
            .ok_or_else(|| PublishError::retry(&self.name(), "the container status had no state"))?;
        Ok(ContainerState { state: state.to_ascii_uppercase(), detail: str_field(&v, self.detail_field) })
    }

    /// The publish call, after checking that the container is still publishable and the daily
    /// quota has room (the platform enforces it on this very call; asking first costs no post).
    pub fn create_post(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState) -> Result<Published> {
        let user = s.user_id()?.to_string();
        let Some(container) = st.container_id.clone() else {
            st.media_ready = false;
            return Err(PublishError::retry(&self.name(), "the video is not prepared yet"));
        };
        let c = self.state(s, &container)?;
        match c.state.as_str() {
            "FINISHED" => {}
            "PUBLISHED" => {
                return self.find_post(s, d, st)?.ok_or_else(|| PublishError::OutcomeUnknown {
                    platform: self.name(),
                    message: "the video was already published but the post is not among the latest".into(),
                })
            }
            state => {
                // Expired while waiting (a rate limit), failed, or still processing: prepare again.
                st.media_ready = false;
                if state != "IN_PROGRESS" {
                    st.container_id = None;
                    st.extra.remove(CONTAINER_AT);
                }
                if state == "ERROR" {
                    self.release(s, st);
                    st.extra.remove(RELAY_URL);
                }
                return Err(PublishError::retry(
                    &self.name(),
                    format!("the prepared video is {} and will be prepared again", state.to_ascii_lowercase()),
                ));
            }
        }
        self.check_quota(s, &user)?;
        let req = s
            .bearer(s.http.client().post(self.url(s, &format!("/{user}/{}", self.publish_edge))))
            .form(&[("creation_id", container.as_str())]);
        let published = json(s, req, Step::Final)?;
        let post_id = str_field(&published, "id")
            .ok_or_else(|| unexpected(self.platform, Step::Final, "the post was published without an id"))?;
        let url = self.permalink(s, &post_id);
        self.release(s, st);
        st.extra.remove(RELAY_URL);
        Ok(Published { post_id, url })
    }

    fn check_quota(&self, s: &Session, user: &str) -> Result<()> {
        let req = s.bearer(
            s.http
                .client()
                .get(self.url(s, &format!("/{user}/{}", self.limit_edge)))
                .query(&[("fields", "quota_usage,config")]),
        );
        let v = match json(s, req, Step::Repeatable) {
            Ok(v) => v,
            // The check is advisory (the publish call enforces the limit itself): only answers
            // that would stop the publish too stop it here.
            Err(
                e @ (PublishError::TokenExpired { .. }
                | PublishError::Reconnect { .. }
                | PublishError::RateLimited { .. }),
            ) => return Err(e),
            Err(e) => {
                tracing::warn!(platform = %self.platform, "cannot read the publishing quota: {e}");
                return Ok(());
            }
        };
        let Some(q) = v.pointer("/data/0") else { return Ok(()) };
        let used = count(q.get("quota_usage"));
        let total = count(q.pointer("/config/quota_total"));
        let hours = count(q.pointer("/config/quota_duration")).map(|s| s / 3600).filter(|h| *h > 0).unwrap_or(24);
        if let (Some(used), Some(total)) = (used, total) {
            if used >= total {
                return Err(PublishError::RateLimited {
                    platform: self.name(),
                    retry_after: DEFAULT_WAIT,
                    message: format!(
                        "{} allows {total} API posts per {hours} h and this account has used {used}; the oldest frees up within {hours} h",
                        self.name()
                    ),
                });
            }
        }
        Ok(())
    }

    fn permalink(&self, s: &Session, post_id: &str) -> Option<String> {
        let req = s.bearer(s.http.client().get(self.url(s, &format!("/{post_id}"))).query(&[("fields", "permalink")]));
        match json(s, req, Step::Repeatable) {
            Ok(v) => str_field(&v, "permalink"),
            Err(e) => {
                tracing::warn!(platform = %self.platform, "the post is live but its link is unknown: {e}");
                None
            }
        }
    }

    /// The relay's copy is no longer needed once the platform has the video (or gave up on it).
    fn release(&self, s: &Session, st: &PublishState) {
        if let (Some(relay), Some(url)) = (&s.relay, st.extra.get(RELAY_URL).and_then(Value::as_str)) {
            if let Err(e) = relay.release(url) {
                tracing::warn!(platform = %self.platform, "the media relay did not release the file: {e}");
            }
        }
    }

    /// The container says whether it was published (`PUBLISHED`); the platform offers no link
    /// from a container to the post it became, so the post is the one among the account's latest
    /// whose text is the draft's and whose time is after the container was made. That is exact
    /// unless the same text was also posted elsewhere in that window; then the oldest such post
    /// (the first one after the container) is taken.
    pub fn find_post(&self, s: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        let Some(container) = st.container_id.as_deref() else { return Ok(None) };
        let c = self.state(s, container)?;
        if c.state != "PUBLISHED" {
            // A container publishes once: FINISHED proves the publish call did not take effect.
            return Ok(None);
        }
        let user = s.user_id()?;
        let fields = format!("id,{},timestamp", self.text_field);
        let req = s.bearer(
            s.http
                .client()
                .get(self.url(s, &format!("/{user}/{}", self.edge)))
                .query(&[("fields", fields.as_str()), ("limit", "10")]),
        );
        let v = json(s, req, Step::Repeatable)?;
        // Container time on our clock, less ten minutes for clock skew.
        let since = st.extra.get(CONTAINER_AT).and_then(Value::as_i64).map(|t| t - 600);
        let want = d.caption.trim();
        let matches: Vec<&Value> = v
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|m| str_field(m, self.text_field).unwrap_or_default().trim() == want)
            .filter(|m| match (since, str_field(m, "timestamp").and_then(|t| parse_time(&t))) {
                (Some(since), Some(at)) => at >= since,
                _ => true,
            })
            .collect();
        if matches.len() > 1 {
            tracing::warn!(platform = %self.platform, n = matches.len(), "several recent posts have this text; taking the oldest");
        }
        // The list is newest first.
        let Some(post_id) = matches.last().and_then(|m| str_field(m, "id")) else {
            return Err(PublishError::OutcomeUnknown {
                platform: self.name(),
                message: "the video was published, but no post with this text is among the account's 10 latest; check the account".into(),
            });
        };
        self.release(s, st);
        Ok(Some(Published { url: self.permalink(s, &post_id), post_id }))
    }
}

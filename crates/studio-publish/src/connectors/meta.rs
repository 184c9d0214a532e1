//! What Facebook Pages, Instagram and Threads share: Meta's Graph API error body and usage
//! headers, insights replies, and the "container" publishing flow of Instagram and Threads.
//!
//! Errors come as `{"error": {"message", "type", "code", "error_subcode", "error_user_msg",
//! "fbtrace_id"}}`, mostly with HTTP 400 whatever the cause, so the status alone says little:
//! the code does (developers.facebook.com/docs/graph-api/guides/error-handling). Throttling comes
//! without `Retry-After`; the usage headers (`X-Business-Use-Case-Usage`, `X-App-Usage`) say how
//! many minutes until access returns (developers.facebook.com/docs/graph-api/overview/rate-limiting).
//! The upload host (rupload) answers `{"debug_info": {"retriable", "type", "message"}}` instead.
use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

use crate::connector::{poll, Draft, Progress, PublishState, Published, Session};
use crate::http::Step;
use crate::platform::PlatformId;
use crate::rules::rules;
use crate::{PublishError, Result};

/// How long to wait when Meta throttles without saying for how long.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(3600);

/// A string or number field as a string (Meta sends ids as strings, counts as numbers).
pub use super::json::s as str_field;

fn name(platform: PlatformId) -> String {
    rules(platform).name.clone()
}

/// Sends a request and classifies a failure the Meta way (see [`classify`]), falling back to the
/// generic reading of [`crate::http::Http::error_from`].
pub fn send(s: &Session, req: RequestBuilder, step: Step) -> Result<Response> {
    let resp = req.send().map_err(|e| transport(s.platform, e, step))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    // Error bodies are small; a hostile one is cut at 64 KiB.
    let mut body = Vec::new();
    let _ = resp.take(64 * 1024).read_to_end(&mut body);
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Err(classify(s.platform, status, &headers, &json, step)
        .unwrap_or_else(|| s.http.error_from(status, &headers, &body, step)))
}

/// Sends and decodes a JSON object. A 200 that carries an `error` object is read as an error.
pub fn json(s: &Session, req: RequestBuilder, step: Step) -> Result<Value> {
    let resp = send(s, req, step)?;
    let headers = resp.headers().clone();
    let bytes = resp.bytes().map_err(|e| transport(s.platform, e, step))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| unexpected(s.platform, step, format!("{e}")))?;
    if v.get("error").is_some_and(Value::is_object) {
        return Err(classify(s.platform, StatusCode::BAD_REQUEST, &headers, &v, step)
            .unwrap_or_else(|| s.http.error_from(StatusCode::BAD_REQUEST, &headers, &bytes, step)));
    }
    Ok(v)
}

/// A reply that cannot be read: unknown outcome on the final call, safe to retry elsewhere.
pub fn unexpected(platform: PlatformId, step: Step, what: impl std::fmt::Display) -> PublishError {
    let message = format!("unexpected reply: {what}");
    match step {
        Step::Final => PublishError::OutcomeUnknown { platform: name(platform), message },
        Step::Repeatable => PublishError::retry(&name(platform), message),
    }
}

fn transport(platform: PlatformId, e: reqwest::Error, step: Step) -> PublishError {
    let builder = e.is_builder();
    let never_sent = e.is_connect() || builder;
    let message = e.without_url().to_string();
    match step {
        Step::Final if !never_sent => PublishError::OutcomeUnknown { platform: name(platform), message },
        _ if builder => PublishError::Unsupported(message),
        _ => PublishError::retry(&name(platform), message),
    }
}

/// Meta's error codes as the publisher's classes; `None` leaves the reply to the generic reading
/// (a 5xx without a Meta body, a 429 from a proxy).
pub fn classify(
    platform: PlatformId,
    status: StatusCode,
    headers: &HeaderMap,
    json: &Value,
    step: Step,
) -> Option<PublishError> {
    let platform_name = name(platform);
    let transient = |message: String| match step {
        Step::Final => PublishError::OutcomeUnknown { platform: platform_name.clone(), message },
        Step::Repeatable => PublishError::Retry { platform: platform_name.clone(), message },
    };
    if let Some(info) = json.get("debug_info").filter(|d| d.is_object()) {
        // rupload.facebook.com: `retriable` is its own verdict on repeating the same bytes.
        let message =
            str_field(info, "message").or_else(|| str_field(info, "type")).unwrap_or_else(|| format!("HTTP {status}"));
        let retriable = info.get("retriable").and_then(Value::as_bool).unwrap_or(false);
        return Some(match status.as_u16() {
            401 => PublishError::TokenExpired { platform: platform_name, message },
            429 => PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message },
            500..=599 => transient(message),
            _ if retriable => transient(message),
            _ => PublishError::Rejected { platform: platform_name, message, platform_code: str_field(info, "type") },
        });
    }
    let err = json.get("error").filter(|e| e.is_object())?;
    let code = err.get("code").and_then(Value::as_i64)?;
    let subcode = err.get("error_subcode").and_then(Value::as_i64);
    let message = describe(err);
    if let Some(trace) = str_field(err, "fbtrace_id") {
        tracing::info!(platform = %platform, code, subcode, fbtrace_id = %trace, "Meta error: {message}");
    }
    let lower = message.to_ascii_lowercase();
    let platform_code = Some(match subcode {
        Some(sub) => format!("{code}/{sub}"),
        None => code.to_string(),
    });
    let e = match (code, subcode) {
        // 463: the token expired (a refresh may fix it). 458 app removed, 459 checkpointed,
        // 460 password changed, 464 unconfirmed user, 467 invalidated, 492 session invalid:
        // only the creator signing in again fixes those.
        (190, Some(458 | 459 | 460 | 464 | 467 | 492)) => PublishError::Reconnect { platform: platform_name, message },
        (190 | 102, _) => PublishError::TokenExpired { platform: platform_name, message },
        // A permission was not granted or was removed: reconnecting grants it again.
        (10 | 200..=299, _) => PublishError::Reconnect { platform: platform_name, message },
        // 4 app, 17 user, 32 page, 613 custom, 80001–80014 business use case throttling; 9 and
        // 341 "limit reached" (Instagram's daily publishing limit is 9 / 2207042).
        (4 | 9 | 17 | 32 | 341 | 613 | 80001..=80014, _) => {
            PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message }
        }
        // "Media ID is not available": the container is not ready yet; nothing was published.
        (9007, Some(2207027)) => PublishError::Retry { platform: platform_name, message },
        // 1 unknown, 2 service unavailable; -1/-2 Instagram server error or download timeout.
        (1 | 2 | -1 | -2, _) => transient(message),
        // Reels' 30-per-24-h cap has no documented code of its own: read the words ("Page
        // request limit reached"), not any "limit" (a caption over its limit is a rejection).
        _ if lower.contains("limit reached") || lower.contains("rate limit") || lower.contains("too many") => {
            PublishError::RateLimited { platform: platform_name, retry_after: wait(headers), message }
        }
        _ if err.get("is_transient").and_then(Value::as_bool) == Some(true) => transient(message),
        _ if status.is_server_error() => return None,
        _ => PublishError::Rejected { platform: platform_name, message, platform_code },
    };
    Some(e)
}

/// [`classify`] in the shape of [`crate::http::Classifier`] (no headers, so throttling waits the
/// default hour; every step read as repeatable), for code that reads Meta replies through
/// [`crate::http::Http`] directly. Returns `None` exactly where [`classify`] does, so the
/// fallback in [`send`] reads the same way.
pub fn classify_facebook(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Facebook, status, &HeaderMap::new(), json, Step::Repeatable)
}

pub fn classify_instagram(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Instagram, status, &HeaderMap::new(), json, Step::Repeatable)
}

pub fn classify_threads(status: StatusCode, json: &Value) -> Option<PublishError> {
    classify(PlatformId::Threads, status, &HeaderMap::new(), json, Step::Repeatable)
}

/// The platform's words: the technical message, and the one meant for people when there is one.
fn describe(err: &Value) -> String {
    let message = str_field(err, "message").unwrap_or_else(|| "unknown error".into());
    match str_field(err, "error_user_msg") {
        Some(user) if user != message => format!("{message}: {user}"),
        _ => message,
    }
}

/// How long until Meta lets the app back in: the largest `estimated_time_to_regain_access`
/// (minutes) in the usage headers, a `Retry-After` if a proxy sent one, else an hour.
pub fn wait(headers: &HeaderMap) -> Duration {
    if headers.contains_key("retry-after") {
        return crate::http::retry_after(headers);
    }
    let minutes = ["x-business-use-case-usage", "x-app-usage", "x-page-usage", "x-ad-account-usage"]
        .iter()
        .filter_map(|h| headers.get(*h)?.to_str().ok())
        .filter_map(|raw| serde_json::from_str::<Value>(raw).ok())
        .filter_map(|v| regain_minutes(&v))
        .max()
        .filter(|m| *m > 0);
    minutes.map(|m| Duration::from_secs(m * 60)).unwrap_or(DEFAULT_WAIT)
}

fn regain_minutes(v: &Value) -> Option<u64> {
    match v {
        Value::Object(map) => {
            let here = map.get("estimated_time_to_regain_access").and_then(Value::as_u64);
            map.values().filter_map(regain_minutes).chain(here).max()
        }
        Value::Array(items) => items.iter().filter_map(regain_minutes).max(),
        _ => None,
    }
}

/// Reads `GET {url}?metric=a,b,c`. One metric the object does not support fails the whole call
/// with code 100, so on a rejection each metric is asked for alone and the ones refused are left
/// out. Returns the `data` array.
pub fn insights(s: &Session, url: &str, metrics: &[&str]) -> Result<Vec<Value>> {
    let get = |list: &str| -> Result<Vec<Value>> {
        let req = s.bearer(s.http.client().get(url).query(&[("metric", list)]));
        let v = json(s, req, Step::Repeatable)?;
        Ok(v.get("data").and_then(Value::as_array).cloned().unwrap_or_default())
    };
    match get(&metrics.join(",")) {
        Err(PublishError::Rejected { .. }) if metrics.len() > 1 => {
            let mut data = Vec::new();
            for m in metrics {
                match get(m) {
                    Ok(mut d) => data.append(&mut d),
                    Err(PublishError::Rejected { message, .. }) => {
                        tracing::debug!(metric = m, "metric not available: {message}")
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(data)
        }
        other => other,
    }
}

/// The value of one insight: `values[last].value` (lifetime metrics) or `total_value.value`.
pub fn insight<'a>(data: &'a [Value], metric: &str) -> Option<&'a Value> {
    let item = data.iter().find(|d| d.get("name").and_then(Value::as_str) == Some(metric))?;
    item.get("values")
        .and_then(Value::as_array)
        .and_then(|v| v.last())
        .and_then(|v| v.get("value"))
        .or_else(|| item.pointer("/total_value/value"))
}

/// A counter: a number, or the sum of a breakdown object (reactions by type).
pub fn count(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::Object(map) => Some(map.values().filter_map(|v| count(Some(v))).sum()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Meta timestamps: `2024-05-01T12:00:00+0000` (no colon in the offset) or RFC 3339.
pub fn parse_time(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let fixed = match raw.len() {
        n if n > 5
            && matches!(raw.as_bytes()[n - 5], b'+' | b'-')
            && raw[n - 4..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{}:{}", &raw[..n - 2], &raw[n - 2..])
        }
        _ => raw.to_string(),
    };
    fixed.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: Value) -> Value {
        serde_json::json!({ "error": body })
    }

    fn class(status: u16, headers: &HeaderMap, body: Value, step: Step) -> crate::ErrorClass {
        let status = StatusCode::from_u16(status).expect("status");
        classify(PlatformId::Facebook, status, headers, &body, step).expect("a Meta error").class()
    }

    #[test]
    fn meta_codes_become_the_right_class() {
        use crate::ErrorClass::*;
        let none = HeaderMap::new();
        let token = |sub: Option<i64>| {
            err(
                serde_json::json!({"message": "Error validating access token", "type": "OAuthException", "code": 190, "error_subcode": sub, "fbtrace_id": "A1"}),
            )
        };
        assert_eq!(class(400, &none, token(Some(463)), Step::Repeatable), RefreshToken);
        assert_eq!(class(401, &none, token(None), Step::Final), RefreshToken);
        for sub in [458, 460, 467] {
            assert_eq!(class(400, &none, token(Some(sub)), Step::Repeatable), Reconnect, "{sub}");
        }
        let limited =
            |code: i64| err(serde_json::json!({"message": "Application request limit reached", "code": code}));
        for code in [4, 17, 32, 613, 80001, 80014] {
            assert_eq!(class(400, &none, limited(code), Step::Final), RateLimited { retry_after_s: 3600 }, "{code}");
        }
        let daily = err(
            serde_json::json!({"message": "The user has reached the maximum of posts", "code": 9, "error_subcode": 2207042}),
        );
        assert_eq!(class(400, &none, daily, Step::Final), RateLimited { retry_after_s: 3600 });
        let not_ready =
            err(serde_json::json!({"message": "Media ID is not available", "code": 9007, "error_subcode": 2207027}));
        assert_eq!(class(400, &none, not_ready, Step::Final), Retry);
        let unknown = err(serde_json::json!({"message": "An unknown error has occurred.", "code": 1}));
        assert_eq!(class(500, &none, unknown.clone(), Step::Repeatable), Retry);
        assert_eq!(class(500, &none, unknown, Step::Final), OutcomeUnknown);
        let bad = err(serde_json::json!({"message": "Invalid parameter", "code": 100, "error_subcode": 2207026,
            "error_user_msg": "The video format is not supported."}));
        let e = classify(PlatformId::Instagram, StatusCode::BAD_REQUEST, &none, &bad, Step::Repeatable).expect("meta");
        assert_eq!(e.class(), BadRequest);
        assert!(e.to_string().contains("Invalid parameter: The video format is not supported."), "{e}");
        assert!(matches!(e, PublishError::Rejected { platform_code: Some(ref c), .. } if c == "100/2207026"));
        let perm = err(serde_json::json!({"message": "(#200) Permissions error", "code": 200}));
        assert_eq!(class(403, &none, perm, Step::Repeatable), Reconnect);
        let rupload = serde_json::json!({"debug_info": {"retriable": false, "type": "ParameterValidationError", "message": "Header Offset not convertable"}});
        assert_eq!(class(400, &none, rupload, Step::Repeatable), BadRequest);
        let rupload =
            serde_json::json!({"debug_info": {"retriable": true, "type": "TransientError", "message": "try again"}});
        assert_eq!(class(400, &none, rupload, Step::Repeatable), Retry);
        // A body that is not Meta's shape is left to the generic reading.
        assert!(classify(PlatformId::Threads, StatusCode::BAD_GATEWAY, &none, &Value::Null, Step::Final).is_none());
    }

    #[test]
    fn the_wait_comes_from_the_usage_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-business-use-case-usage",
            r#"{"1234":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":7}]}"#
                .parse()
                .expect("header"),
        );
        h.insert("x-app-usage", r#"{"call_count":100,"total_time":5,"total_cputime":5}"#.parse().expect("header"));
        assert_eq!(wait(&h), Duration::from_secs(7 * 60));
        let mut h = HeaderMap::new();
        h.insert("x-app-usage", r#"{"call_count":100,"estimated_time_to_regain_access":0}"#.parse().expect("header"));
        assert_eq!(wait(&h), DEFAULT_WAIT);
        assert_eq!(wait(&HeaderMap::new()), DEFAULT_WAIT);
    }

    #[test]
    fn insights_and_times_are_read_defensively() {
        let data = vec![
            serde_json::json!({"name": "views", "period": "lifetime", "values": [{"value": 120}]}),
            serde_json::json!({"name": "likes", "total_value": {"value": 7}}),
            serde_json::json!({"name": "post_video_likes_by_reaction_type", "values": [{"value": {"REACTION_LIKE": 3, "REACTION_LOVE": 2}}]}),
        ];
        assert_eq!(count(insight(&data, "views")), Some(120));
        assert_eq!(count(insight(&data, "likes")), Some(7));
        assert_eq!(count(insight(&data, "post_video_likes_by_reaction_type")), Some(5));
        assert_eq!(count(insight(&data, "shares")), None);
        assert_eq!(parse_time("2024-05-01T12:00:00+0000"), Some(1_714_564_800));
        assert_eq!(parse_time("2024-05-01T14:00:00+0200"), Some(1_714_564_800));
        assert_eq!(parse_time("2024-05-01T12:00:00Z"), Some(1_714_564_800));
        assert_eq!(parse_time("yesterday"), None);
    }
}

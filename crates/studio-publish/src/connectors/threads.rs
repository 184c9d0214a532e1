//! Threads: graph.threads.net v1.0 (developers.facebook.com/docs/threads/posts).
//!
//! Like Instagram, Threads fetches the video from a public URL (the media relay):
//! `POST /{threads-user-id}/threads {media_type: VIDEO, video_url, text}` makes a container,
//! `GET /{container}?fields=status,error_message` is polled until FINISHED, and
//! `POST /{threads-user-id}/threads_publish {creation_id}` publishes it (once per container).
//! Profiles may publish 250 posts per 24 h through the API
//! (`GET /{threads-user-id}/threads_publishing_limit`).
use std::time::Duration;

use serde_json::json;

use super::meta::{self, count, insight, str_field, Containers};
use crate::connector::{AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
use crate::http::Step;
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct Threads;

const VERSION: &str = "/v1.0";

fn params(d: &Draft<'_>, video_url: &str) -> Vec<(&'static str, String)> {
    vec![("media_type", "VIDEO".into()), ("video_url", video_url.into()), ("text", d.caption.into())]
}

const CONTAINERS: Containers = Containers {
    platform: PlatformId::Threads,
    version: VERSION,
    edge: "threads",
    publish_edge: "threads_publish",
    limit_edge: "threads_publishing_limit",
    state_field: "status",
    detail_field: "error_message",
    text_field: "text",
    params,
    // Videos are at most 5 min; the troubleshooting guide suggests giving processing 5 minutes,
    // given twice that here before the step is resumed later.
    processing_limit: Duration::from_secs(600),
};

impl Connector for Threads {
    fn platform(&self) -> PlatformId {
        PlatformId::Threads
    }

    /// For calls made through the session's client directly (sign-in exchanges): Meta's codes,
    /// not the HTTP status, say what failed. The connector's own calls read the usage headers too.
    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(meta::classify_threads)
    }

    /// Trades the one-hour sign-in token for the 60-day one.
    fn after_sign_in(
        &self,
        s: &Session,
        app: &crate::oauth::ClientApp,
        tokens: crate::tokens::TokenSet,
    ) -> Result<crate::tokens::TokenSet> {
        meta::long_lived(s, "/access_token", "th_exchange_token", app, &tokens)
    }

    fn account(&self, s: &Session) -> Result<AccountInfo> {
        let req = s.bearer(
            s.http.client().get(s.endpoints.api_url(&format!("{VERSION}/me"))).query(&[("fields", "id,username,name")]),
        );
        let me = meta::json(s, req, Step::Repeatable)?;
        let user_id = str_field(&me, "id").ok_or_else(|| PublishError::retry("Threads", "the profile has no id"))?;
        Ok(AccountInfo {
            user_id,
            handle: str_field(&me, "username").map(|u| format!("@{u}")).unwrap_or_default(),
            display_name: str_field(&me, "name"),
        })
    }

    fn upload(&self, s: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        CONTAINERS.upload(s, d, st, p)
    }

    fn create_post(
        &self,
        s: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        CONTAINERS.create_post(s, d, st)
    }

    fn find_post(&self, s: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        CONTAINERS.find_post(s, d, st)
    }

    fn metrics(&self, s: &Session, post_id: &str) -> Result<Metrics> {
        // Media insights (developers.facebook.com/docs/threads/insights).
        let url = s.endpoints.api_url(&format!("{VERSION}/{post_id}/insights"));
        let data = meta::insights(s, &url, &["views", "likes", "replies", "reposts", "quotes"])?;
        let reposts = count(insight(&data, "reposts"));
        let quotes = count(insight(&data, "quotes"));
        Ok(Metrics {
            views: count(insight(&data, "views")),
            likes: count(insight(&data, "likes")),
            comments: count(insight(&data, "replies")),
            // Reposts and quotes both carry the post to other people's feeds.
            shares: match (reposts, quotes) {
                (None, None) => None,
                (r, q) => Some(r.unwrap_or(0) + q.unwrap_or(0)),
            },
            saves: None,
            watch_time_s: None,
            raw: json!({ "data": data }),
        })
    }
}

//! Instagram Reels: Instagram API with Instagram Login, graph.instagram.com v21.0
//! (developers.facebook.com/docs/instagram-platform/content-publishing).
//!
//! Instagram takes no upload here: it fetches the video from a public URL, so the file goes
//! through the media relay. `POST /{ig-user-id}/media {media_type: REELS, video_url}` makes a
//! container; `GET /{container}?fields=status_code` is polled until FINISHED;
//! `POST /{ig-user-id}/media_publish {creation_id}` publishes it. A container publishes at most
//! once, so repeating the publish call with the same container cannot make a second post.
//! Accounts may publish a limited number of posts per 24 h through the API
//! (`GET /{ig-user-id}/content_publishing_limit`; 100 at the time of writing).
use std::time::Duration;

use serde_json::json;

use super::meta::{self, count, insight, str_field, Containers};
use crate::connector::{AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
use crate::http::Step;
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct Instagram;

const VERSION: &str = "/v21.0";

fn params(d: &Draft<'_>, video_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("media_type", "REELS".into()),
        ("video_url", video_url.into()),
        ("caption", d.caption.into()),
        // Also shown in the profile grid, as a Reel made in the app is by default.
        ("share_to_feed", d.option("share_to_feed").unwrap_or("true").into()),
    ]
}

const CONTAINERS: Containers = Containers {
    platform: PlatformId::Instagram,
    version: VERSION,
    edge: "media",
    publish_edge: "media_publish",
    limit_edge: "content_publishing_limit",
    state_field: "status_code",
    detail_field: "status",
    text_field: "caption",
    params,
    // Reels may be 15 min long; Instagram's processing of those takes minutes.
    processing_limit: Duration::from_secs(1200),
};

impl Connector for Instagram {
    fn platform(&self) -> PlatformId {
        PlatformId::Instagram
    }

    /// For calls made through the session's client directly (sign-in exchanges): Meta's codes,
    /// not the HTTP status, say what failed. The connector's own calls read the usage headers too.
    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(meta::classify_instagram)
    }

    /// Trades the one-hour sign-in token for the 60-day one.
    fn after_sign_in(
        &self,
        s: &Session,
        app: &crate::oauth::ClientApp,
        tokens: crate::tokens::TokenSet,
    ) -> Result<crate::tokens::TokenSet> {
        meta::long_lived(s, "/access_token", "ig_exchange_token", app, &tokens)
    }

    fn account(&self, s: &Session) -> Result<AccountInfo> {
        let req = s.bearer(
            s.http
                .client()
                .get(s.endpoints.api_url(&format!("{VERSION}/me")))
                .query(&[("fields", "user_id,username,name")]),
        );
        let me = meta::json(s, req, Step::Repeatable)?;
        // `user_id` is the professional account's id, the one the publishing endpoints take;
        // `id` is app-scoped.
        let user_id = str_field(&me, "user_id")
            .or_else(|| str_field(&me, "id"))
            .ok_or_else(|| PublishError::retry("Instagram", "the account has no id"))?;
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
        // Media insights (…/instagram-platform/reference/instagram-media/insights).
        let url = s.endpoints.api_url(&format!("{VERSION}/{post_id}/insights"));
        let data = meta::insights(
            s,
            &url,
            &["views", "likes", "comments", "shares", "saved", "ig_reels_video_view_total_time"],
        )?;
        Ok(Metrics {
            views: count(insight(&data, "views")),
            likes: count(insight(&data, "likes")),
            comments: count(insight(&data, "comments")),
            shares: count(insight(&data, "shares")),
            saves: count(insight(&data, "saved")),
            // Milliseconds in total.
            watch_time_s: count(insight(&data, "ig_reels_video_view_total_time")).map(|ms| ms as f64 / 1000.0),
            raw: json!({ "data": data }),
        })
    }
}

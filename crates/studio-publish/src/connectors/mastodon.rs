//! Mastodon (and compatible servers): REST API, docs.joinmastodon.org.
//!
//! Media: `POST /api/v2/media` answers 202 while the server transcodes; `GET /api/v1/media/:id`
//! answers 206 until it is done. Status: `POST /api/v1/statuses` with an `Idempotency-Key`, so
//! even a repeated call within an hour returns the same status instead of a second one.
use std::time::Duration;

use reqwest::blocking::multipart;
use serde_json::{json, Value};

use super::json::{s, u};
use crate::connector::{
    poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Reply, Session,
};
use crate::endpoints::Endpoints;
use crate::http::{Http, Step};
use crate::oauth::ClientApp;
use crate::platform::PlatformId;
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

pub struct Mastodon;

const NAME: &str = "Mastodon";

/// Registers Viral Studio as an application on the creator's server (`POST /api/v1/apps`) for
/// one exact loopback redirect URI.
pub fn register_app(endpoints: &Endpoints, redirect_uri: &str, scopes: &[String]) -> Result<ClientApp> {
    let http = Http::new(PlatformId::Mastodon)?;
    let req = http.client().post(endpoints.api_url("/api/v1/apps")).json(&json!({
        "client_name": "Viral Studio",
        "redirect_uris": redirect_uri,
        "scopes": scopes.join(" "),
        "website": "https://viral.studio",
    }));
    let app: Value = http.json(req, Step::Repeatable)?;
    let client_id =
        s(&app, "client_id").ok_or_else(|| PublishError::retry(NAME, "the server registered no client_id"))?;
    Ok(ClientApp { client_id, client_secret: s(&app, "client_secret").map(Sensitive::new) })
}

impl Connector for Mastodon {
    fn platform(&self) -> PlatformId {
        PlatformId::Mastodon
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let req = s_.bearer(s_.http.client().get(s_.endpoints.api_url("/api/v1/accounts/verify_credentials")));
        let me: Value = s_.http.json(req, Step::Repeatable)?;
        let user_id = s(&me, "id").ok_or_else(|| PublishError::retry(NAME, "verify_credentials had no id"))?;
        let host = s_.endpoints.api.host_str().unwrap_or_default().to_string();
        let acct = s(&me, "acct").unwrap_or_default();
        let handle = if acct.contains('@') { format!("@{acct}") } else { format!("@{acct}@{host}") };
        Ok(AccountInfo { user_id, handle, display_name: s(&me, "display_name").filter(|n| !n.is_empty()) })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        if st.media_id.is_none() {
            let total = d.media.size();
            let file = std::fs::File::open(&d.media.path)
                .map_err(|source| PublishError::Io { path: d.media.path.display().to_string(), source })?;
            let part = multipart::Part::reader_with_length(file, total)
                .file_name(d.media.file_name())
                .mime_str(&d.media.mime)
                .map_err(|e| PublishError::Unsupported(e.without_url().to_string()))?;
            let mut form = multipart::Form::new().part("file", part);
            if let Some(alt) = d.option("alt_text") {
                form = form.text("description", alt.to_string());
            }
            let req = s_.bearer(s_.http.client().post(s_.endpoints.upload_url("/api/v2/media"))).multipart(form);
            let media: Value = s_.http.json(req, Step::Repeatable)?;
            let id = s(&media, "id").ok_or_else(|| PublishError::retry(NAME, "the media upload returned no id"))?;
            st.media_id = Some(id);
            st.uploaded_bytes = total;
            p.checkpoint(st)?;
            p.uploaded(total, total);
        }
        let id = st.media_id.clone().unwrap_or_default();
        poll(NAME, "processing the video", Duration::from_secs(600), p, || {
            let req = s_.bearer(s_.http.client().get(s_.endpoints.api_url(&format!("/api/v1/media/{id}"))));
            let resp = s_.http.send(req, Step::Repeatable)?;
            // 206 Partial Content: still processing.
            Ok((resp.status().as_u16() == 200).then_some(()))
        })
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        let mut body = json!({
            "status": d.caption,
            "media_ids": [st.media_id.clone().unwrap_or_default()],
            "visibility": d.option("visibility").unwrap_or("public"),
        });
        if let Some(cw) = d.option("spoiler_text") {
            body["spoiler_text"] = json!(cw);
        }
        let req = s_
            .bearer(s_.http.client().post(s_.endpoints.api_url("/api/v1/statuses")))
            .header("Idempotency-Key", d.idempotency_key)
            .json(&body);
        let status: Value = s_.http.json(req, Step::Final)?;
        let post_id = s(&status, "id").ok_or_else(|| PublishError::OutcomeUnknown {
            platform: NAME.into(),
            message: "the server answered without a status id".into(),
        })?;
        Ok(Published { post_id, url: s(&status, "url") })
    }

    fn find_post(&self, s_: &Session, _d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        let Some(media_id) = st.media_id.as_deref() else { return Ok(None) };
        let statuses = own_statuses(s_)?;
        // A media attachment belongs to exactly one status: finding it is proof.
        Ok(statuses.iter().find_map(|status| {
            let attached = status.get("media_attachments")?.as_array()?;
            attached
                .iter()
                .any(|m| s(m, "id").as_deref() == Some(media_id))
                .then(|| Published { post_id: s(status, "id").unwrap_or_default(), url: s(status, "url") })
        }))
    }

    fn supports_replies(&self) -> bool {
        true
    }

    fn reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Published> {
        let body = json!({
            "status": r.text,
            "in_reply_to_id": r.parent.post_id,
            "visibility": r.option("visibility").unwrap_or("public"),
        });
        let req = s_
            .bearer(s_.http.client().post(s_.endpoints.api_url("/api/v1/statuses")))
            .header("Idempotency-Key", r.key)
            .json(&body);
        let status: Value = s_.http.json(req, Step::Final)?;
        let post_id = s(&status, "id").ok_or_else(|| PublishError::OutcomeUnknown {
            platform: NAME.into(),
            message: "the server answered the reply without a status id".into(),
        })?;
        Ok(Published { post_id, url: s(&status, "url") })
    }

    fn find_reply(&self, s_: &Session, r: &Reply<'_>) -> Result<Option<Published>> {
        let statuses = own_statuses(s_)?;
        // Our own status answering that parent with the same words: the thread part and the
        // first comment answer the same post, so the parent alone is not enough.
        let want = normalized(r.text);
        Ok(statuses.iter().find_map(|status| {
            (s(status, "in_reply_to_id").as_deref() == Some(r.parent.post_id.as_str())
                && normalized(&plain_text(&s(status, "content").unwrap_or_default())) == want)
                .then(|| Published { post_id: s(status, "id").unwrap_or_default(), url: s(status, "url") })
        }))
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let req = s_.bearer(s_.http.client().get(s_.endpoints.api_url(&format!("/api/v1/statuses/{post_id}"))));
        let status: Value = s_.http.json(req, Step::Repeatable)?;
        Ok(Metrics {
            likes: u(&status, "favourites_count"),
            shares: u(&status, "reblogs_count"),
            comments: u(&status, "replies_count"),
            raw: status,
            ..Default::default()
        })
    }
}

/// The account's latest statuses, newest first: where an ambiguous create is looked for.
fn own_statuses(s_: &Session) -> Result<Vec<Value>> {
    let user = s_.user_id()?;
    let req = s_.bearer(
        s_.http
            .client()
            .get(s_.endpoints.api_url(&format!("/api/v1/accounts/{user}/statuses")))
            .query(&[("limit", "40")]),
    );
    s_.http.json(req, Step::Repeatable)
}

/// A status's HTML `content` as the text that was posted: Mastodon wraps paragraphs in `<p>`,
/// lines in `<br>`, links and mentions in `<a>`, and escapes the rest.
fn plain_text(html: &str) -> String {
    let breaks = html.replace("<br>", "\n").replace("<br />", "\n").replace("<br/>", "\n").replace("</p><p>", "\n\n");
    let mut out = String::with_capacity(breaks.len());
    let mut in_tag = false;
    for ch in breaks.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_content_reads_back_as_the_posted_text() {
        let html = "<p>Part two &amp; more: <a href=\"https://x.example\">x.example</a></p><p>a&lt;b<br />c</p>";
        assert_eq!(plain_text(html), "Part two & more: x.example\n\na<b\nc");
        assert_eq!(normalized(&plain_text(html)), normalized("Part two & more: x.example\n\na<b\nc"));
        assert_eq!(plain_text("plain"), "plain");
    }
}

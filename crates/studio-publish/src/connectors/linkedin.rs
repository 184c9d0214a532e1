//! LinkedIn (versioned REST API, learn.microsoft.com/linkedin/marketing/community-management).
//!
//! Every `/rest/` call carries `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`.
//! Video (Videos API): `POST /rest/videos?action=initializeUpload` hands out the video URN and
//! one upload URL per byte range (4 MiB parts, LinkedIn's choice); each part is PUT and answers
//! an ETag; `action=finalizeUpload` takes the ETags in order; `GET /rest/videos/{urn}` reports
//! `PROCESSING` until `AVAILABLE`. A part is a fixed byte range, so an interrupted upload resumes
//! at the first part without a recorded ETag. The post (Posts API) is `POST /rest/posts`, which
//! answers 201 with the post URN in `x-restli-id` and no body. Commentary is "little text".
use std::time::Duration;

use reqwest::blocking::RequestBuilder;
use reqwest::header::{CONTENT_TYPE, ETAG};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::json::s;
use crate::connector::{poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
use crate::http::{file_chunk, Http, Step};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct Linkedin;

const NAME: &str = "LinkedIn";

/// The API version sent. LinkedIn supports each monthly version for at least a year and then
/// answers 426 (learn.microsoft.com/linkedin/marketing/versioning); 202603 is supported until
/// March 2027 (learn.microsoft.com/linkedin/marketing/integrations/migrations). A newer one can be
/// set with `STUDIO_LINKEDIN_VERSION` without waiting for a release.
pub const API_VERSION: &str = "202603";

/// `PublishState::extra` keys.
const K_UPLOAD: &str = "linkedin_upload";
const K_FINALIZED: &str = "linkedin_finalized";

fn version() -> String {
    std::env::var("STUDIO_LINKEDIN_VERSION")
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| v.len() >= 6 && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .unwrap_or_else(|| API_VERSION.to_string())
}

/// A URN as one path segment: Rest.li 2.0 wants its colons percent-encoded.
fn urn_segment(urn: &str) -> String {
    url::form_urlencoded::byte_serialize(urn.as_bytes()).collect()
}

/// Escapes commentary for the Posts API's "little text format"
/// (learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format):
/// `| { } @ [ ] ( ) < > # \ * _ ~` are markup, and LinkedIn silently cuts the post at the first
/// one it cannot parse, so each is backslash-escaped. Two exceptions keep a caption working the
/// way it reads: a `#` that starts a hashtag (`#launch`, the format's HashtagElement) stays a
/// hashtag, and inside a link only the bracket-like characters and `|` and `\` are escaped, so
/// `_`, `~`, `*`, `@` and `#` in URLs (`utm_source`, `/@user`, `#section`) are sent as typed.
pub fn escape_little_text(text: &str) -> String {
    const RESERVED: &str = "|{}@[]()<>#\\*_~";
    const RESERVED_IN_URL: &str = "|{}[]()<>\\";
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_url = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            in_url = false;
        } else if !in_url && starts_url(&chars[i..]) {
            in_url = true;
        }
        let prev_is_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let hashtag = c == '#' && !in_url && !prev_is_word && {
            let body: Vec<char> = chars[i + 1..].iter().copied().take_while(|c| c.is_alphanumeric()).collect();
            body.iter().any(|c| c.is_alphabetic())
        };
        let reserved = if in_url { RESERVED_IN_URL } else { RESERVED };
        if reserved.contains(c) && !hashtag {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

fn starts_url(rest: &[char]) -> bool {
    let head: String = rest.iter().take(8).collect::<String>().to_ascii_lowercase();
    head.starts_with("https://") || head.starts_with("http://")
}

/// LinkedIn's errors: `{"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN",
/// "message": "..."}`. A revoked token cannot be refreshed; a sunset version header is 426.
fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    let code = s(json, "code").unwrap_or_default();
    let service = json.get("serviceErrorCode").and_then(Value::as_i64);
    let message = s(json, "message").unwrap_or_else(|| format!("HTTP {status}"));
    match status.as_u16() {
        401 if code == "REVOKED_ACCESS_TOKEN" || service == Some(65601) => {
            Some(PublishError::Reconnect { platform: NAME.into(), message })
        }
        426 => Some(PublishError::Rejected {
            platform: NAME.into(),
            message: format!(
                "LinkedIn no longer accepts API version {} ({message}); update Viral Studio or set STUDIO_LINKEDIN_VERSION to a current YYYYMM",
                version()
            ),
            platform_code: Some(code).filter(|c| !c.is_empty()),
        }),
        _ => None,
    }
}

fn post_url(urn: &str) -> String {
    format!("https://www.linkedin.com/feed/update/{urn}")
}

/// One part of the upload as `initializeUpload` described it.
#[derive(Debug, Clone)]
struct Part {
    url: String,
    first: u64,
    last: u64,
}

fn parts_of(upload: &Value) -> Vec<Part> {
    upload
        .get("uploadInstructions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(Part {
                url: p.get("uploadUrl")?.as_str()?.to_string(),
                first: p.get("firstByte")?.as_u64()?,
                last: p.get("lastByte")?.as_u64()?,
            })
        })
        .collect()
}

impl Linkedin {
    fn http(s_: &Session) -> Http {
        s_.http.clone().with_classifier(classify)
    }

    fn rest(s_: &Session, req: RequestBuilder) -> RequestBuilder {
        s_.bearer(req).header("LinkedIn-Version", version()).header("X-Restli-Protocol-Version", "2.0.0")
    }

    /// The member URN posts are made as: `urn:li:person:{sub}` from OpenID userinfo.
    fn author(s_: &Session) -> Result<String> {
        let id = s_.user_id()?;
        Ok(if id.starts_with("urn:li:") { id.to_string() } else { format!("urn:li:person:{id}") })
    }

    /// Upload URLs are LinkedIn's own (`www.linkedin.com/dms-uploads/…`); the token goes only
    /// there or to the configured API host, never to a host a reply named.
    fn trusted_upload_host(s_: &Session, url: &str) -> bool {
        let Ok(u) = url::Url::parse(url) else { return false };
        let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
        host == "linkedin.com"
            || host.ends_with(".linkedin.com")
            || (u.origin() == s_.endpoints.api.origin() && u.scheme() == s_.endpoints.api.scheme())
    }

    /// Upload URLs expire (`uploadUrlsExpireAt`, epoch ms): a session that ran out starts over.
    fn restart_if_expired(st: &mut PublishState) {
        let finalized = st.extra.get(K_FINALIZED).and_then(Value::as_bool).unwrap_or(false);
        let upload = st.extra.get(K_UPLOAD);
        let expires_ms = upload.and_then(|u| u.get("uploadUrlsExpireAt")).and_then(Value::as_i64);
        let expired = expires_ms.is_some_and(|ms| ms / 1000 <= crate::tokens::now());
        // A video URN without its upload instructions (an older state) cannot be resumed either.
        let lost = st.media_id.is_some() && upload.is_none_or(|u| parts_of(u).is_empty());
        if !finalized && (expired || lost) {
            tracing::info!("the LinkedIn upload URLs expired; starting the upload again");
            st.media_id = None;
            st.parts.clear();
            st.uploaded_bytes = 0;
            st.extra.remove(K_UPLOAD);
        }
    }
}

impl Connector for Linkedin {
    fn platform(&self) -> PlatformId {
        PlatformId::Linkedin
    }

    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let http = Self::http(s_);
        // OpenID Connect userinfo: `sub` is the member id behind urn:li:person.
        let req = s_.bearer(http.client().get(s_.endpoints.api_url("/v2/userinfo")));
        let me: Value = http.json(req, Step::Repeatable)?;
        let user_id = s(&me, "sub").ok_or_else(|| PublishError::retry(NAME, "userinfo had no sub"))?;
        let name = s(&me, "name").filter(|n| !n.is_empty());
        // Members have no public handle in this API: the name stands in for it.
        Ok(AccountInfo { handle: name.clone().unwrap_or_else(|| user_id.clone()), user_id, display_name: name })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        let http = Self::http(s_);
        let total = d.media.size();
        Self::restart_if_expired(st);
        if st.media_id.is_none() {
            let req = Self::rest(s_, http.client().post(s_.endpoints.api_url("/rest/videos")))
                .query(&[("action", "initializeUpload")])
                .json(&json!({"initializeUploadRequest": {
                    "owner": Self::author(s_)?,
                    "fileSizeBytes": total,
                    "uploadCaptions": false,
                    "uploadThumbnail": false,
                }}));
            let init: Value = http.json(req, Step::Repeatable)?;
            let value = init.get("value").cloned().unwrap_or(Value::Null);
            let video =
                s(&value, "video").ok_or_else(|| PublishError::retry(NAME, "initializeUpload gave no video"))?;
            let mut parts = parts_of(&value);
            parts.sort_by_key(|p| p.first);
            let covers = !parts.is_empty()
                && parts.first().is_some_and(|p| p.first == 0)
                && parts.last().is_some_and(|p| p.last + 1 == total)
                && parts.windows(2).all(|w| w[0].last + 1 == w[1].first)
                && parts.iter().all(|p| p.last >= p.first);
            if !covers {
                return Err(PublishError::retry(NAME, "the upload instructions do not cover the file"));
            }
            st.media_id = Some(video);
            st.parts.clear();
            st.uploaded_bytes = 0;
            st.extra.remove(K_FINALIZED);
            let instructions: Vec<Value> =
                parts.iter().map(|p| json!({"uploadUrl": p.url, "firstByte": p.first, "lastByte": p.last})).collect();
            st.extra.insert(
                K_UPLOAD.into(),
                json!({
                    "uploadInstructions": instructions,
                    "uploadToken": s(&value, "uploadToken").unwrap_or_default(),
                    "uploadUrlsExpireAt": value.get("uploadUrlsExpireAt").cloned().unwrap_or(Value::Null),
                }),
            );
            p.checkpoint(st)?;
        }
        let video = st.media_id.clone().unwrap_or_default();
        let upload = st.extra.get(K_UPLOAD).cloned().unwrap_or(Value::Null);
        let parts = parts_of(&upload);
        if !st.extra.get(K_FINALIZED).and_then(Value::as_bool).unwrap_or(false) {
            p.uploaded(st.uploaded_bytes.min(total), total);
            // Parts with a recorded ETag are done; the next one starts where they end.
            for part in parts.iter().skip(st.parts.len()) {
                if p.cancelled() {
                    return Err(PublishError::Cancelled);
                }
                let len = part.last - part.first + 1;
                let mut req = http
                    .client()
                    .put(&part.url)
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .body(file_chunk(&d.media.path, part.first, len)?);
                if Self::trusted_upload_host(s_, &part.url) {
                    req = s_.bearer(req);
                }
                let resp = http.send(req, Step::Repeatable)?;
                let etag = resp
                    .headers()
                    .get(ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
                    .ok_or_else(|| PublishError::retry(NAME, "a part was accepted without an ETag"))?;
                st.parts.push(etag);
                st.uploaded_bytes = part.last + 1;
                p.checkpoint(st)?;
                p.uploaded(st.uploaded_bytes, total);
            }
            let req = Self::rest(s_, http.client().post(s_.endpoints.api_url("/rest/videos")))
                .query(&[("action", "finalizeUpload")])
                .json(&json!({"finalizeUploadRequest": {
                    "video": video,
                    "uploadToken": upload.get("uploadToken").and_then(Value::as_str).unwrap_or_default(),
                    "uploadedPartIds": st.parts,
                }}));
            http.send(req, Step::Repeatable)?;
            st.extra.insert(K_FINALIZED.into(), json!(true));
            p.checkpoint(st)?;
        }
        let path = format!("/rest/videos/{}", urn_segment(&video));
        poll(NAME, "processing the video", Duration::from_secs(1800), p, || {
            let req = Self::rest(s_, http.client().get(s_.endpoints.api_url(&path)));
            let v: Value = http.json(req, Step::Repeatable)?;
            match v.get("status").and_then(Value::as_str) {
                Some("AVAILABLE") => Ok(Some(())),
                Some("PROCESSING_FAILED") => Err(PublishError::Rejected {
                    platform: NAME.into(),
                    message: s(&v, "processingFailureReason")
                        .map(|r| format!("LinkedIn could not process the video ({r})"))
                        .unwrap_or_else(|| "LinkedIn could not process the video".into()),
                    platform_code: Some("PROCESSING_FAILED".into()),
                }),
                _ => Ok(None),
            }
        })
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        let http = Self::http(s_);
        let video = st.media_id.clone().ok_or_else(|| PublishError::Invalid("the video was not uploaded".into()))?;
        let mut media = json!({ "id": video });
        if let Some(title) = d.title.map(str::trim).filter(|t| !t.is_empty()) {
            media["title"] = json!(title);
        }
        let body = json!({
            "author": Self::author(s_)?,
            "commentary": escape_little_text(d.caption),
            // PUBLIC | CONNECTIONS | LOGGED_IN (Posts API `visibility`).
            "visibility": d.option("visibility").unwrap_or("PUBLIC"),
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "content": {"media": media},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false,
        });
        let req = Self::rest(s_, http.client().post(s_.endpoints.api_url("/rest/posts"))).json(&body);
        let resp = http.send(req, Step::Final)?;
        let urn = resp
            .headers()
            .get("x-restli-id")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| PublishError::OutcomeUnknown {
                platform: NAME.into(),
                message: "LinkedIn answered without the post's id".into(),
            })?;
        Ok(Published { url: Some(post_url(&urn)), post_id: urn })
    }

    fn find_post(&self, s_: &Session, _d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        let Some(video) = st.media_id.as_deref() else { return Ok(None) };
        let http = Self::http(s_);
        let author = Self::author(s_)?;
        let req = Self::rest(s_, http.client().get(s_.endpoints.api_url("/rest/posts")))
            .header("X-RestLi-Method", "FINDER")
            .query(&[("author", author.as_str()), ("q", "author"), ("count", "10")]);
        let list: Value = match http.json(req, Step::Repeatable) {
            Ok(v) => v,
            // The author finder needs r_member_social, which LinkedIn grants to few apps: without
            // it there is no way to tell whether the post exists.
            Err(PublishError::Rejected { message, .. }) => {
                return Err(PublishError::Unsupported(format!(
                    "LinkedIn does not let this app list the member's posts ({message})"
                )))
            }
            Err(e) => return Err(e),
        };
        // A video URN is attached to one post: finding it is proof.
        let found = list
            .get("elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|post| post.pointer("/content/media/id").and_then(Value::as_str) == Some(video));
        Ok(found.and_then(|post| s(post, "id")).map(|urn| Published { url: Some(post_url(&urn)), post_id: urn }))
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let http = Self::http(s_);
        let path = format!("/rest/socialActions/{}", urn_segment(post_id));
        let req = Self::rest(s_, http.client().get(s_.endpoints.api_url(&path)));
        let v: Value = http.json(req, Step::Repeatable)?;
        let n = |ptr: &str| v.pointer(ptr).and_then(Value::as_u64);
        Ok(Metrics {
            // Member-post impressions are only in the partner-only memberCreatorPostAnalytics API.
            views: None,
            likes: n("/likesSummary/totalLikes").or_else(|| n("/likesSummary/aggregatedTotalLikes")),
            comments: n("/commentsSummary/aggregatedTotalComments")
                .or_else(|| n("/commentsSummary/totalFirstLevelComments")),
            shares: None,
            saves: None,
            watch_time_s: None,
            raw: v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(
            escape_little_text(r"Launch (beta) [v2] {x} <y> a|b ~tilde~ *star* snake_case a@b.com back\slash"),
            r"Launch \(beta\) \[v2\] \{x\} \<y\> a\|b \~tilde\~ \*star\* snake\_case a\@b.com back\\slash"
        );
        assert_eq!(escape_little_text("plain text, no markup!"), "plain text, no markup!");
        assert_eq!(escape_little_text(""), "");
    }

    #[test]
    fn hashtags_stay_hashtags_and_other_hashes_are_escaped() {
        assert_eq!(escape_little_text("#launch day #café"), "#launch day #café");
        assert_eq!(escape_little_text("(#launch)"), r"\(#launch\)");
        assert_eq!(escape_little_text("we're #1 in C# and ## and #"), r"we're \#1 in C\# and \#\# and \#");
        assert_eq!(escape_little_text("#my_tag"), r"#my\_tag");
    }

    #[test]
    fn links_keep_their_underscores_but_not_their_brackets() {
        assert_eq!(
            escape_little_text("see https://example.com/a_b?utm_source=x#top now_"),
            r"see https://example.com/a_b?utm_source=x#top now\_"
        );
        assert_eq!(
            escape_little_text("(https://en.wikipedia.org/wiki/Rust_(language))"),
            r"\(https://en.wikipedia.org/wiki/Rust_\(language\)\)"
        );
        assert_eq!(escape_little_text("HTTPS://Medium.com/@me"), "HTTPS://Medium.com/@me");
    }

    #[test]
    fn urns_are_one_encoded_path_segment() {
        assert_eq!(urn_segment("urn:li:video:C5F10AQGKQg"), "urn%3Ali%3Avideo%3AC5F10AQGKQg");
    }

    #[test]
    fn revoked_tokens_need_a_reconnect_and_old_versions_say_so() {
        let revoked = json!({"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN",
                             "message": "The token used in the request has been revoked by the user"});
        assert!(matches!(classify(StatusCode::UNAUTHORIZED, &revoked), Some(PublishError::Reconnect { .. })));
        let expired = json!({"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN",
                             "message": "The token used in the request has expired"});
        assert!(classify(StatusCode::UNAUTHORIZED, &expired).is_none());
        let sunset = json!({"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20241101 is not active"});
        let e = classify(StatusCode::UPGRADE_REQUIRED, &sunset).expect("classified");
        assert!(e.to_string().contains("STUDIO_LINKEDIN_VERSION"), "{e}");
    }
}

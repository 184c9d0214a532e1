//! Pinterest (API v5, developers.pinterest.com/docs/api/v5).
//!
//! Video: `POST /v5/media` registers an upload and answers an S3 pre-signed POST (`upload_url`
//! and `upload_parameters`); the file goes there as a multipart form, the given fields first and
//! the file last, with no Pinterest token; `GET /v5/media/{media_id}` reports `registered`,
//! `processing`, then `succeeded` or `failed`. The pin is `POST /v5/pins` on a board with
//! `media_source.source_type = video_id`. S3 takes the file in one request, so an interrupted
//! upload is sent again whole under the same media id. Pinterest has no idempotency key and a pin
//! does not show the media id it was made from, so reconciliation matches the board's recent pins
//! by title, description and creation time (see [`Pinterest::find_post`]).
use std::io::Read;
use std::time::Duration;

use reqwest::blocking::multipart;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::json::s;
use crate::connector::{poll, AccountInfo, Connector, Draft, Metrics, Progress, PublishState, Published, Session};
use crate::http::{Http, Step};
use crate::platform::PlatformId;
use crate::{PublishError, Result};

pub struct Pinterest;

const NAME: &str = "Pinterest";

/// `PublishState::extra` keys.
const K_UPLOAD: &str = "pinterest_upload";
const K_READY_AT: &str = "pinterest_media_ready_at";

/// Pins created this long before the media was ready still count as candidates: our clock and
/// Pinterest's may disagree.
const CLOCK_SKEW_S: i64 = 300;
/// Board pages of 25 looked through when reconciling.
const FIND_PAGES: usize = 4;

/// One of the creator's boards, for the composer's board picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    /// PUBLIC, PROTECTED or SECRET.
    pub privacy: Option<String>,
}

/// Pinterest's errors are `{"code": <number>, "message": "..."}`; the generic reading only
/// keeps string codes. 401, 408, 429 and 5xx keep the generic handling.
fn classify(status: StatusCode, json: &Value) -> Option<PublishError> {
    let code = status.as_u16();
    if !(400..500).contains(&code) || matches!(code, 401 | 408 | 429) {
        return None;
    }
    let message = s(json, "message").filter(|m| !m.is_empty())?;
    Some(PublishError::Rejected { platform: NAME.into(), message, platform_code: s(json, "code") })
}

fn board_of(d: &Draft<'_>) -> Result<String> {
    d.option("board_id").map(str::trim).filter(|b| !b.is_empty()).map(str::to_string).ok_or_else(|| {
        PublishError::Invalid(
            "Pinterest pins go on a board: choose one of your boards for this post (the board_id option; \
             Pinterest lists your boards and their ids at GET /v5/boards, which Viral Studio shows in the board picker)"
                .into(),
        )
    })
}

fn pin_url(id: &str) -> String {
    format!("https://www.pinterest.com/pin/{id}/")
}

/// Pinterest's timestamps (`"2026-11-23T15:46:17"`, UTC) as epoch seconds.
fn epoch(raw: &str) -> Option<i64> {
    if let Ok(ts) = raw.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    let civil = raw.parse::<jiff::civil::DateTime>().ok()?;
    Some(civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_second())
}

/// The `<Code>` and `<Message>` of an S3 XML error.
fn s3_error(body: &str) -> (Option<String>, Option<String>) {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let len = body[start..].find(&format!("</{name}>"))?;
        Some(body[start..start + len].trim().to_string()).filter(|t| !t.is_empty())
    };
    (tag("Code"), tag("Message"))
}

impl Pinterest {
    fn http(s_: &Session) -> Http {
        s_.http.clone().with_classifier(classify)
    }

    /// Sends the whole file to the S3 pre-signed POST Pinterest handed out.
    fn send_to_s3(s_: &Session, d: &Draft<'_>, st: &mut PublishState) -> Result<()> {
        let upload = st.extra.get(K_UPLOAD).cloned().unwrap_or(Value::Null);
        let url = upload.get("upload_url").and_then(Value::as_str).unwrap_or_default().to_string();
        // The URL comes from Pinterest's reply, so it is held to the same rule as any endpoint.
        let url = crate::endpoints::check_url(&url)?;
        let total = d.media.size();
        let mut form = multipart::Form::new();
        if let Some(fields) = upload.get("upload_parameters").and_then(Value::as_object) {
            for (k, v) in fields {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                form = form.text(k.clone(), v);
            }
        }
        let file = std::fs::File::open(&d.media.path)
            .map_err(|source| PublishError::Io { path: d.media.path.display().to_string(), source })?;
        // S3 ignores every field after `file`, so it goes last; a known length gives the request
        // the Content-Length S3 requires (it refuses chunked POSTs).
        let part = multipart::Part::reader_with_length(file, total)
            .file_name(d.media.file_name())
            .mime_str(&d.media.mime)
            .map_err(|e| PublishError::Unsupported(e.without_url().to_string()))?;
        form = form.part("file", part);
        // No bearer token: S3 authenticates the form's policy and signature, and the Pinterest
        // token must not leave Pinterest.
        let resp = s_.http.client().post(url).multipart(form).send().map_err(|e| {
            if e.is_builder() {
                PublishError::Unsupported(e.without_url().to_string())
            } else {
                PublishError::retry(NAME, format!("the upload to Pinterest's storage failed: {}", e.without_url()))
            }
        })?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let mut body = String::new();
        let _ = resp.take(64 * 1024).read_to_string(&mut body);
        let (code, message) = s3_error(&body);
        let message = message.unwrap_or_else(|| format!("HTTP {status}"));
        match (status.as_u16(), code.as_deref()) {
            // The pre-signed policy ran out: only a new registration gives a new one.
            (403, Some("AccessDenied")) | (400, Some("ExpiredToken")) => {
                st.media_id = None;
                st.extra.remove(K_UPLOAD);
                Err(PublishError::retry(
                    NAME,
                    format!("the upload permission expired ({message}); a new upload will be registered"),
                ))
            }
            (408 | 429 | 500..=599, _) => Err(PublishError::retry(NAME, format!("Pinterest's storage: {message}"))),
            _ => Err(PublishError::Rejected { platform: NAME.into(), message, platform_code: code }),
        }
    }

    /// The creator's boards (`GET /v5/boards`, every page).
    pub fn boards(s_: &Session) -> Result<Vec<Board>> {
        let http = Self::http(s_);
        let mut boards = Vec::new();
        let mut bookmark: Option<String> = None;
        // 100 pages of 100 is far beyond any creator; the cap only guards a looping bookmark.
        for _ in 0..100 {
            let mut req = http.client().get(s_.endpoints.api_url("/v5/boards")).query(&[("page_size", "100")]);
            if let Some(b) = &bookmark {
                req = req.query(&[("bookmark", b.as_str())]);
            }
            let page: Value = http.json(s_.bearer(req), Step::Repeatable)?;
            for item in page.get("items").and_then(Value::as_array).into_iter().flatten() {
                if let Some(id) = s(item, "id") {
                    boards.push(Board { id, name: s(item, "name").unwrap_or_default(), privacy: s(item, "privacy") });
                }
            }
            bookmark = s(&page, "bookmark").filter(|b| !b.is_empty());
            if bookmark.is_none() {
                break;
            }
        }
        Ok(boards)
    }
}

impl Connector for Pinterest {
    fn platform(&self) -> PlatformId {
        PlatformId::Pinterest
    }

    fn classifier(&self) -> Option<crate::http::Classifier> {
        Some(classify)
    }

    fn account(&self, s_: &Session) -> Result<AccountInfo> {
        let http = Self::http(s_);
        let req = s_.bearer(http.client().get(s_.endpoints.api_url("/v5/user_account")));
        let me: Value = http.json(req, Step::Repeatable)?;
        let username = s(&me, "username").ok_or_else(|| PublishError::retry(NAME, "user_account had no username"))?;
        // Newer replies carry a numeric `id`; the username identifies the account otherwise.
        let user_id = s(&me, "id").unwrap_or_else(|| username.clone());
        let display_name = s(&me, "business_name").filter(|n| !n.is_empty());
        Ok(AccountInfo { user_id, handle: username, display_name })
    }

    fn upload(&self, s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
        // Before anything is sent: without a board there is nowhere to pin.
        board_of(d)?;
        if !d.media.is_video() {
            return Err(PublishError::Unsupported(
                "image pins are made from a public image URL, which needs a media relay; publish a video here".into(),
            ));
        }
        let http = Self::http(s_);
        let total = d.media.size();
        if st.media_id.is_none() {
            let req =
                s_.bearer(http.client().post(s_.endpoints.api_url("/v5/media"))).json(&json!({"media_type": "video"}));
            let reg: Value = http.json(req, Step::Repeatable)?;
            let id =
                s(&reg, "media_id").ok_or_else(|| PublishError::retry(NAME, "the upload was not given a media_id"))?;
            if s(&reg, "upload_url").is_none() {
                return Err(PublishError::retry(NAME, "the upload was registered without an upload_url"));
            }
            st.media_id = Some(id);
            st.uploaded_bytes = 0;
            st.extra.insert(
                K_UPLOAD.into(),
                json!({"upload_url": reg["upload_url"], "upload_parameters": reg["upload_parameters"]}),
            );
            p.checkpoint(st)?;
        }
        if st.uploaded_bytes < total {
            if p.cancelled() {
                return Err(PublishError::Cancelled);
            }
            p.uploaded(0, total);
            let sent = Self::send_to_s3(s_, d, st);
            if st.media_id.is_none() {
                // The registration was dropped (expired policy): save that before reporting.
                p.checkpoint(st)?;
            }
            sent?;
            st.uploaded_bytes = total;
            p.checkpoint(st)?;
            p.uploaded(total, total);
        }
        let id = st.media_id.clone().unwrap_or_default();
        poll(NAME, "processing the video", Duration::from_secs(1800), p, || {
            let req = s_.bearer(http.client().get(s_.endpoints.api_url(&format!("/v5/media/{id}"))));
            let m: Value = http.json(req, Step::Repeatable)?;
            match m.get("status").and_then(Value::as_str) {
                Some("succeeded") => Ok(Some(())),
                Some("failed") => Err(PublishError::Rejected {
                    platform: NAME.into(),
                    message: "Pinterest could not process the video".into(),
                    platform_code: Some("failed".into()),
                }),
                _ => Ok(None),
            }
        })?;
        // The lower bound for recognising our pin later (find_post).
        st.extra.insert(K_READY_AT.into(), json!(crate::tokens::now()));
        p.checkpoint(st)
    }

    fn create_post(
        &self,
        s_: &Session,
        d: &Draft<'_>,
        st: &mut PublishState,
        _p: &mut dyn Progress,
    ) -> Result<Published> {
        let http = Self::http(s_);
        let board = board_of(d)?;
        let media_id = st.media_id.clone().ok_or_else(|| PublishError::Invalid("the video was not uploaded".into()))?;
        // A video pin needs a cover: an image URL, or a frame of the video (seconds from the start).
        let mut source = json!({"source_type": "video_id", "media_id": media_id});
        match d.option("cover_image_url").map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => source["cover_image_url"] = json!(url),
            None => {
                let at = d.option("cover_time_s").and_then(|t| t.trim().parse::<f64>().ok()).unwrap_or(0.0);
                source["cover_image_key_frame_time"] = json!(at.max(0.0).round() as u64);
            }
        }
        let mut body = json!({"board_id": board, "description": d.caption, "media_source": source});
        if let Some(title) = d.title.map(str::trim).filter(|t| !t.is_empty()) {
            body["title"] = json!(title);
        }
        for key in ["link", "alt_text", "board_section_id"] {
            if let Some(v) = d.option(key).map(str::trim).filter(|v| !v.is_empty()) {
                body[key] = json!(v);
            }
        }
        let req = s_.bearer(http.client().post(s_.endpoints.api_url("/v5/pins"))).json(&body);
        let pin: Value = http.json(req, Step::Final)?;
        let id = s(&pin, "id").ok_or_else(|| PublishError::OutcomeUnknown {
            platform: NAME.into(),
            message: "Pinterest answered without a pin id".into(),
        })?;
        Ok(Published { url: Some(pin_url(&id)), post_id: id })
    }

    /// A pin does not say which media id it was made from, so ours is recognised as a video pin
    /// on the draft's board with the draft's exact title and description, created no earlier than
    /// the video finished processing (less 5 minutes of clock skew). That is proof enough in
    /// practice: only another pin of the same video text, pinned to the same board in the same
    /// minutes, could be mistaken for it. "Not found" looks through the board's 100 most recent
    /// pins, which holds unless the board lists pins in a custom order or Pinterest lists a new
    /// pin late. With neither a title nor a description there is nothing to match, and the
    /// answer is `Unsupported`.
    fn find_post(&self, s_: &Session, d: &Draft<'_>, st: &PublishState) -> Result<Option<Published>> {
        if st.media_id.is_none() {
            return Ok(None);
        }
        let board = board_of(d)?;
        let title = d.title.map(str::trim).unwrap_or_default();
        let description = d.caption;
        if title.is_empty() && description.trim().is_empty() {
            return Err(PublishError::Unsupported(
                "a pin with neither title nor description cannot be told apart from others on its board".into(),
            ));
        }
        let Some(ready_at) = st.extra.get(K_READY_AT).and_then(Value::as_i64) else {
            return Err(PublishError::Unsupported(
                "when the video was ready is not known, so the pin cannot be recognised".into(),
            ));
        };
        let http = Self::http(s_);
        let text = |pin: &Value, k: &str| pin.get(k).and_then(Value::as_str).unwrap_or_default().trim().to_string();
        let mut bookmark: Option<String> = None;
        for _ in 0..FIND_PAGES {
            let mut req = http
                .client()
                .get(s_.endpoints.api_url(&format!("/v5/boards/{board}/pins")))
                .query(&[("page_size", "25")]);
            if let Some(b) = &bookmark {
                req = req.query(&[("bookmark", b.as_str())]);
            }
            let page: Value = http.json(s_.bearer(req), Step::Repeatable)?;
            let found = page.get("items").and_then(Value::as_array).into_iter().flatten().find(|pin| {
                let is_video = pin.pointer("/media/media_type").and_then(Value::as_str).is_none_or(|t| t == "video");
                let recent = pin
                    .get("created_at")
                    .and_then(Value::as_str)
                    .and_then(epoch)
                    .is_some_and(|at| at >= ready_at - CLOCK_SKEW_S);
                is_video && recent && text(pin, "title") == title && text(pin, "description") == description.trim()
            });
            if let Some(id) = found.and_then(|pin| s(pin, "id")) {
                return Ok(Some(Published { url: Some(pin_url(&id)), post_id: id }));
            }
            bookmark = s(&page, "bookmark").filter(|b| !b.is_empty());
            if bookmark.is_none() {
                break;
            }
        }
        Ok(None)
    }

    fn metrics(&self, s_: &Session, post_id: &str) -> Result<Metrics> {
        let http = Self::http(s_);
        // Pin analytics cover at most the last 90 days.
        let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
        let start = today.checked_sub(jiff::Span::new().days(89)).unwrap_or(today);
        let req =
            s_.bearer(http.client().get(s_.endpoints.api_url(&format!("/v5/pins/{post_id}/analytics"))).query(&[
                ("start_date", start.to_string()),
                ("end_date", today.to_string()),
                ("metric_types", "IMPRESSION,SAVE,PIN_CLICK,VIDEO_MRC_VIEW".to_string()),
            ]));
        let v: Value = http.json(req, Step::Repeatable)?;
        // Keyed by app type ("all"); summary_metrics sums the range.
        let summary = v.pointer("/all/summary_metrics").cloned().unwrap_or(Value::Null);
        let n = |k: &str| summary.get(k).and_then(Value::as_f64).map(|x| x.max(0.0) as u64);
        Ok(Metrics {
            views: n("VIDEO_MRC_VIEW"),
            likes: None,
            comments: None,
            shares: None,
            saves: n("SAVE"),
            watch_time_s: None,
            raw: v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinterest_times_and_s3_errors_are_read() {
        assert_eq!(epoch("2020-01-01T20:10:40"), Some(1_577_909_440));
        assert_eq!(epoch("2020-01-01T20:10:40Z"), Some(1_577_909_440));
        assert_eq!(epoch("yesterday"), None);
        let xml = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>";
        assert_eq!(
            s3_error(xml),
            (Some("AccessDenied".into()), Some("Invalid according to Policy: Policy expired.".into()))
        );
        assert_eq!(s3_error("oops"), (None, None));
    }

    #[test]
    fn numeric_error_codes_are_kept() {
        let e = classify(StatusCode::BAD_REQUEST, &json!({"code": 1, "message": "Invalid parameters."})).expect("e");
        assert!(matches!(e, PublishError::Rejected { platform_code: Some(ref c), .. } if c == "1"));
        assert!(classify(StatusCode::UNAUTHORIZED, &json!({"code": 2, "message": "Authentication failed."})).is_none());
    }
}

//! Exchanges whose status code carries protocol state rather than success or failure: YouTube's
//! resumable upload answers 308 with the bytes it holds and 404/410 when the session is gone,
//! TikTok's upload host answers 206/201 per chunk and 416 with its own progress. The connector
//! reads those statuses itself; everything else goes through the usual classification.
use std::io::Read;

use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::http::{Http, Step};
use crate::rules::rules;
use crate::{PublishError, Result};

fn name(http: &Http) -> String {
    rules(http.platform()).name.clone()
}

/// Sends and returns the response whatever its status. A failure to get one is read the way
/// `Http::send` reads it: a request that may have reached the platform is an unknown outcome on
/// the final step, a connection that never opened proves nothing was sent.
pub(crate) fn send(http: &Http, req: RequestBuilder, step: Step) -> Result<Response> {
    req.send().map_err(|e| transport(http, e, step))
}

fn transport(http: &Http, e: reqwest::Error, step: Step) -> PublishError {
    let builder = e.is_builder();
    let never_sent = e.is_connect() || builder;
    let message = e.without_url().to_string();
    match step {
        Step::Final if !never_sent => PublishError::OutcomeUnknown { platform: name(http), message },
        _ if builder => PublishError::Unsupported(message),
        _ => PublishError::retry(&name(http), message),
    }
}

/// The classified error of a response the protocol does not expect at this point.
pub(crate) fn fail(http: &Http, resp: Response, step: Step) -> PublishError {
    let status = resp.status();
    let headers = resp.headers().clone();
    // Error bodies are small; a hostile one is cut at 64 KiB.
    let mut body = Vec::new();
    let _ = resp.take(64 * 1024).read_to_end(&mut body);
    http.error_from(status, &headers, &body, step)
}

/// Decodes the JSON body of a response already judged successful.
pub(crate) fn json<T: DeserializeOwned>(http: &Http, resp: Response, step: Step) -> Result<T> {
    let bytes = resp.bytes().map_err(|e| transport(http, e, step))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let message = format!("unexpected reply: {e}");
        match step {
            Step::Final => PublishError::OutcomeUnknown { platform: name(http), message },
            Step::Repeatable => PublishError::retry(&name(http), message),
        }
    })
}

/// The end (exclusive) of the bytes a server says it holds, from `Range: bytes=0-X` (Google) or
/// `Content-Range: bytes 0-X/N` (TikTok): X + 1. `None` when the header is absent or unreadable.
pub(crate) fn held_bytes(headers: &HeaderMap, header: &str) -> Option<u64> {
    let v = headers.get(header)?.to_str().ok()?.trim();
    let v = v.strip_prefix("bytes=").or_else(|| v.strip_prefix("bytes "))?;
    let range = v.split('/').next()?;
    let (start, end) = range.split_once('-')?;
    if start.trim() != "0" {
        return None;
    }
    end.trim().parse::<u64>().ok().map(|x| x + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_google_and_tiktok_write_them() {
        let mut h = HeaderMap::new();
        h.insert("range", "bytes=0-262143".parse().expect("header"));
        h.insert("content-range", "bytes 0-999/5000".parse().expect("header"));
        assert_eq!(held_bytes(&h, "range"), Some(262_144));
        assert_eq!(held_bytes(&h, "content-range"), Some(1000));
        assert_eq!(held_bytes(&h, "x-missing"), None);
        let mut h = HeaderMap::new();
        h.insert("range", "bytes=10-20".parse().expect("header"));
        assert_eq!(held_bytes(&h, "range"), None);
    }
}

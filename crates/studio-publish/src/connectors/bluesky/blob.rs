//! Media as a blob: `com.atproto.repo.uploadBlob` for images (and video on a PDS without a video
//! service), or Bluesky's video service (`app.bsky.video.*`) with a service token, polled until
//! it hands back the blob it stored on the PDS.
use std::io::Read;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use url::Url;

use super::post::record_key;
use super::xrpc::{jwt_claims, xrpc, NAME};
use crate::connector::{poll, Draft, Progress, PublishState, Session};
use crate::connectors::json::s;
use crate::endpoints::Endpoints;
use crate::error::ErrorClass;
use crate::http::{file_chunk, Step};
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

/// Bluesky's video service (docs.bsky.app/docs/tutorials/video).
pub const VIDEO_SERVICE: &str = "https://video.bsky.app";

/// How long a video-upload service token lives: the tutorial recommends 30 minutes.
const SERVICE_TOKEN_S: i64 = 30 * 60;

/// A `did:web` for a service URL (a port is written `%3A` in did:web).
fn did_web(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("did:web:{host}%3A{port}"),
        None => format!("did:web:{host}"),
    }
}

/// The video service to try: an explicit upload endpoint, or Bluesky's for an https PDS. A
/// loopback PDS has none: the service stores the result on the PDS over the network and could
/// not reach it.
fn video_service(e: &Endpoints) -> Option<Url> {
    if e.upload != e.api {
        return Some(e.upload.clone());
    }
    (e.api.scheme() == "https").then(|| Url::parse(VIDEO_SERVICE).ok()).flatten()
}

fn blob_cid(blob: &Value) -> Option<String> {
    blob.pointer("/ref/$link").and_then(Value::as_str).map(str::to_string)
}

/// A service token for `aud` limited to one method (`com.atproto.server.getServiceAuth`).
fn service_auth(s_: &Session, aud: &str, lxm: &str, exp: Option<i64>) -> Result<Sensitive<String>> {
    let mut query = vec![("aud", aud.to_string()), ("lxm", lxm.to_string())];
    if let Some(exp) = exp {
        query.push(("exp", exp.to_string()));
    }
    let req =
        s_.bearer(s_.http.client().get(xrpc(&s_.endpoints.api, "com.atproto.server.getServiceAuth")).query(&query));
    let v: Value = s_.http.json(req, Step::Repeatable)?;
    s(&v, "token").map(Sensitive::new).ok_or_else(|| PublishError::retry(NAME, "getServiceAuth returned no token"))
}

/// The DID of the PDS that issued our access token: the audience the video service must
/// present when it stores the processed video there.
fn pds_did(s_: &Session) -> String {
    jwt_claims(s_.access_token.expose())
        .and_then(|c| s(&c, "aud"))
        .filter(|aud| aud.starts_with("did:"))
        .unwrap_or_else(|| did_web(&s_.endpoints.api))
}

fn save_blob(st: &mut PublishState, p: &mut dyn Progress, blob: Value, total: u64) -> Result<()> {
    let cid = blob_cid(&blob).ok_or_else(|| PublishError::retry(NAME, "the blob reference has no CID"))?;
    st.media_id = Some(cid);
    st.extra.insert("blob".into(), blob);
    st.extra.remove("video_job");
    st.uploaded_bytes = total;
    p.checkpoint(st)?;
    p.uploaded(total, total);
    Ok(())
}

/// `com.atproto.repo.uploadBlob`: the raw file, streamed from disk.
fn upload_blob(s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
    let total = d.media.size();
    let req = s_
        .bearer(s_.http.client().post(xrpc(&s_.endpoints.api, "com.atproto.repo.uploadBlob")))
        .header(CONTENT_TYPE, &d.media.mime)
        .body(file_chunk(&d.media.path, 0, total)?);
    let reply: Value = s_.http.json(req, Step::Repeatable)?;
    let blob = reply.get("blob").cloned().ok_or_else(|| PublishError::retry(NAME, "uploadBlob returned no blob"))?;
    save_blob(st, p, blob, total)
}

/// Whether the video service takes this account's video now (`app.bsky.video.getUploadLimits`
/// with a service token for the video service). `Ok(false)`: there is no video service here.
fn video_service_ready(s_: &Session, svc: &Url) -> Result<bool> {
    // A PDS that will not mint the token (our own access token's errors still propagate).
    let token = match service_auth(s_, &did_web(svc), "app.bsky.video.getUploadLimits", None) {
        Ok(t) => t,
        Err(e) if e.class() == ErrorClass::BadRequest => return Ok(false),
        Err(e) => return Err(e),
    };
    let req = s_.http.client().get(xrpc(svc, "app.bsky.video.getUploadLimits")).bearer_auth(token.expose());
    let limits: Value = match s_.http.json(req, Step::Repeatable) {
        Ok(v) => v,
        // No such method there (a PDS answers 400 "No service configured"), or it refuses the
        // service token: not a video service we can use. Its refusal says nothing about the
        // creator's sign-in, so it must not become a refresh or a reconnect.
        Err(e) if matches!(e.class(), ErrorClass::BadRequest | ErrorClass::RefreshToken | ErrorClass::Reconnect) => {
            tracing::info!("no Bluesky video service ({e}); uploading the video as a blob");
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    if limits.get("canUpload").and_then(Value::as_bool) == Some(false) {
        let message = s(&limits, "message")
            .or_else(|| s(&limits, "error"))
            .unwrap_or_else(|| "this account cannot upload videos right now".into());
        return Err(PublishError::Rejected { platform: NAME.into(), message, platform_code: s(&limits, "error") });
    }
    Ok(true)
}

/// `app.bsky.video.uploadVideo`: the file in one request with a service token the video
/// service uses to store the result on our PDS. Returns the job status.
fn start_video_job(s_: &Session, d: &Draft<'_>, svc: &Url) -> Result<Value> {
    let total = d.media.size();
    let exp = jiff::Timestamp::now().as_second() + SERVICE_TOKEN_S;
    let token = service_auth(s_, &pds_did(s_), "com.atproto.repo.uploadBlob", Some(exp))?;
    // A neutral name: the creator's file name says nothing the service needs.
    let name = format!("{}.mp4", record_key(d.idempotency_key));
    let req = s_
        .http
        .client()
        .post(xrpc(svc, "app.bsky.video.uploadVideo"))
        .query(&[("did", s_.user_id()?), ("name", name.as_str())])
        .bearer_auth(token.expose())
        .header(CONTENT_TYPE, &d.media.mime)
        .body(file_chunk(&d.media.path, 0, total)?);
    let resp = req.send().map_err(|e| PublishError::retry(NAME, e.without_url().to_string()))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    let _ = resp.take(1024 * 1024).read_to_end(&mut body);
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    // The lexicon wraps the status in `jobStatus`; the tutorial reads it unwrapped. A video
    // the service already has answers with an error (`already_exists`) and still a job id
    // or the blob: that is a usable status too.
    let job = json.get("jobStatus").cloned().unwrap_or(json);
    if status.is_success() || s(&job, "jobId").is_some() || job.get("blob").is_some() {
        return Ok(job);
    }
    match s_.http.error_from(status, &headers, &body, Step::Repeatable) {
        // The service refused the service token, not the creator's sign-in: a new attempt
        // mints a new one.
        PublishError::TokenExpired { message, .. } | PublishError::Reconnect { message, .. } => {
            Err(PublishError::retry(NAME, format!("the video service refused the upload token ({message})")))
        }
        e => Err(e),
    }
}

/// One `app.bsky.video.getJobStatus`: the blob once there is one (whatever the state says,
/// per the tutorial), an error if the job failed, `None` while it runs.
fn job_blob(s_: &Session, svc: &Url, job: &str) -> Result<Option<Value>> {
    let req = s_.http.client().get(xrpc(svc, "app.bsky.video.getJobStatus")).query(&[("jobId", job)]);
    let v: Value = s_.http.json(req, Step::Repeatable)?;
    let status = v.get("jobStatus").unwrap_or(&v);
    blob_or_failure(status)
}

fn blob_or_failure(status: &Value) -> Result<Option<Value>> {
    if let Some(blob) = status.get("blob").filter(|b| blob_cid(b).is_some()) {
        return Ok(Some(blob.clone()));
    }
    if s(status, "state").as_deref() == Some("JOB_STATE_FAILED") {
        return Err(PublishError::Rejected {
            platform: NAME.into(),
            message: s(status, "message")
                .or_else(|| s(status, "error"))
                .unwrap_or_else(|| "the video could not be processed".into()),
            platform_code: s(status, "error"),
        });
    }
    Ok(None)
}

/// The video-service path. `Ok(false)` when there is no video service to use.
fn upload_video(s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress, svc: &Url) -> Result<bool> {
    let total = d.media.size();
    let resumed = st.extra.get("video_job").and_then(Value::as_str).map(str::to_string);
    let job = match resumed {
        Some(job) => job,
        None => {
            if !video_service_ready(s_, svc)? {
                return Ok(false);
            }
            let status = start_video_job(s_, d, svc)?;
            if let Some(blob) = blob_or_failure(&status)? {
                save_blob(st, p, blob, total)?;
                return Ok(true);
            }
            let job = s(&status, "jobId").ok_or_else(|| PublishError::retry(NAME, "uploadVideo returned no job id"))?;
            st.extra.insert("video_job".into(), Value::String(job.clone()));
            st.uploaded_bytes = total;
            p.checkpoint(st)?;
            p.uploaded(total, total);
            job
        }
    };
    match poll(NAME, "processing the video", Duration::from_secs(900), p, || job_blob(s_, svc, &job)) {
        Ok(blob) => save_blob(st, p, blob, total).map(|()| true),
        Err(e) if e.class() == ErrorClass::BadRequest => {
            // A failed job, or one the service no longer knows: the next attempt uploads again.
            st.extra.remove("video_job");
            st.uploaded_bytes = 0;
            p.checkpoint(st)?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

pub(super) fn upload(s_: &Session, d: &Draft<'_>, st: &mut PublishState, p: &mut dyn Progress) -> Result<()> {
    if st.extra.get("blob").is_some_and(|b| blob_cid(b).is_some()) {
        return Ok(());
    }
    if d.media.is_video() {
        if let Some(svc) = video_service(&s_.endpoints) {
            if upload_video(s_, d, st, p, &svc)? {
                return Ok(());
            }
        }
        // Without the video service the post embeds the blob as uploaded, and
        // app.bsky.embed.video accepts video/mp4 only.
        if d.media.mime != "video/mp4" {
            return Err(PublishError::Invalid(format!(
                "this {NAME} server has no video service, so the video must be an MP4 (this one is {})",
                d.media.mime
            )));
        }
    }
    upload_blob(s_, d, st, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_encodes_the_port() {
        assert_eq!(did_web(&Url::parse("https://video.bsky.app").expect("url")), "did:web:video.bsky.app");
        assert_eq!(did_web(&Url::parse("http://127.0.0.1:4000").expect("url")), "did:web:127.0.0.1%3A4000");
    }
}

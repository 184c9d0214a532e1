//! The Videos API: initializeUpload, the per-part upload URLs that answer ETags,
//! finalizeUpload checking them, and the video's processing status.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{gate, injected, restli_error, Video, PART, S, SUB};

pub(super) async fn videos_action(
    State(s): State<S>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    let mut st = s.lock().expect("lock");
    let action = q.get("action").cloned().unwrap_or_default();
    if let Some(r) = gate(&mut st, &headers, &format!("POST /rest/videos?action={action}"), true) {
        return r;
    }
    match action.as_str() {
        "initializeUpload" => {
            let req = &body["initializeUploadRequest"];
            let (Some(owner), Some(size)) = (req["owner"].as_str(), req["fileSizeBytes"].as_u64()) else {
                return restli_error(
                    StatusCode::BAD_REQUEST,
                    "ILLEGAL_ARGUMENT",
                    100,
                    "owner and fileSizeBytes are required",
                );
            };
            if owner != format!("urn:li:person:{SUB}") {
                return restli_error(
                    StatusCode::FORBIDDEN,
                    "ACCESS_DENIED",
                    100,
                    "Not enough permissions to upload for this owner",
                );
            }
            st.inits += 1;
            st.next_id += 1;
            let urn = format!("urn:li:video:D5605AQ{}", st.next_id);
            let parts = size.div_ceil(PART);
            let instructions: Vec<Value> = (0..parts)
                .map(|i| {
                    json!({
                        "uploadUrl": format!("{}/dms-uploads/sp/v2/{}/part/{i}?ca=vector_feedshare&sig=abc", st.base, st.next_id),
                        "firstByte": i * PART,
                        "lastByte": ((i + 1) * PART).min(size) - 1,
                    })
                })
                .collect();
            let token = format!("token-{}", st.next_id);
            let v = Video {
                owner: owner.to_string(),
                size,
                token: token.clone(),
                parts: BTreeMap::new(),
                status: "WAITING_UPLOAD",
                polls_left: st.processing_polls,
                fail_reason: st.fail_reason.clone(),
            };
            st.videos.insert(urn.clone(), v);
            let expires = jiff::Timestamp::now().as_millisecond() + 3_600_000;
            Json(json!({"value": {"uploadUrlsExpireAt": expires, "video": urn, "uploadInstructions": instructions, "uploadToken": token}}))
                .into_response()
        }
        "finalizeUpload" => {
            let req = &body["finalizeUploadRequest"];
            let urn = req["video"].as_str().unwrap_or_default().to_string();
            let Some(v) = st.videos.get_mut(&urn) else {
                return restli_error(StatusCode::NOT_FOUND, "NOT_FOUND", 0, "Video not found");
            };
            if req["uploadToken"].as_str() != Some(v.token.as_str()) {
                return restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "Invalid upload token");
            }
            let expected: Vec<&str> = v.parts.values().map(|(_, e)| e.as_str()).collect();
            let sent: Vec<&str> =
                req["uploadedPartIds"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let complete = v.parts.len() as u64 == v.size.div_ceil(PART);
            if !complete || sent != expected {
                return restli_error(
                    StatusCode::BAD_REQUEST,
                    "ILLEGAL_ARGUMENT",
                    100,
                    "uploadedPartIds do not match the uploaded parts",
                );
            }
            v.status = "PROCESSING";
            StatusCode::OK.into_response()
        }
        _ => restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "unknown action"),
    }
}

pub(super) async fn upload_part(State(s): State<S>, Path((id, index)): Path<(String, usize)>, body: Bytes) -> Response {
    let mut st = s.lock().expect("lock");
    // Upload URLs are signed: they need neither the token nor the version headers.
    if let Some(r) = injected(&mut st, &format!("PUT part {index}")) {
        st.puts.push((index, false));
        return r;
    }
    let urn = format!("urn:li:video:D5605AQ{id}");
    let Some(v) = st.videos.get_mut(&urn) else { return StatusCode::NOT_FOUND.into_response() };
    let first = index as u64 * PART;
    let want = (first + PART).min(v.size) - first;
    if body.len() as u64 != want {
        return (StatusCode::BAD_REQUEST, format!("part {index} must be {want} bytes")).into_response();
    }
    let etag = format!("/ambry-video/signedId/AQ{id}-{index}-{}", body.iter().map(|b| *b as u64).sum::<u64>());
    v.parts.insert(index, (body.to_vec(), etag.clone()));
    st.puts.push((index, true));
    let mut resp = StatusCode::CREATED.into_response();
    resp.headers_mut().insert("etag", etag.parse().expect("etag"));
    resp
}

pub(super) async fn get_video(
    State(s): State<S>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(urn): Path<String>,
) -> Response {
    let mut st = s.lock().expect("lock");
    if let Some(r) = gate(&mut st, &headers, "GET /rest/videos/{urn}", true) {
        return r;
    }
    if !uri.path().contains("urn%3Ali%3Avideo%3A") {
        return restli_error(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", 100, "URNs in paths must be URL-encoded");
    }
    st.video_polls += 1;
    let Some(v) = st.videos.get_mut(&urn) else {
        return restli_error(StatusCode::NOT_FOUND, "NOT_FOUND", 0, "Video not found");
    };
    if v.status == "PROCESSING" {
        if v.polls_left > 0 {
            v.polls_left -= 1;
        } else if v.fail_reason.is_some() {
            v.status = "PROCESSING_FAILED";
        } else {
            v.status = "AVAILABLE";
        }
    }
    let mut reply = json!({"id": urn, "owner": v.owner, "status": v.status, "duration": 12000});
    if let Some(reason) = v.fail_reason.as_ref().filter(|_| v.status == "PROCESSING_FAILED") {
        reply["processingFailureReason"] = json!(reason);
    }
    Json(reply).into_response()
}

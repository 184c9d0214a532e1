//! The video service, token renewal, rate limits and failures, against the contract server.

use serde_json::json;
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::bluesky::{self, record_key, Bluesky};
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common;
use crate::common::{endpoints, no_options, no_reauth, Recorder};
use crate::server::{contract, DID, HANDLE};
use crate::support::{image_media, POST};

#[test]
fn contract_video_goes_through_the_video_service_and_metrics_come_from_the_appview() {
    let c = contract();
    let (t, mut s) = c.sign_in();
    assert_eq!(t.extra["pds"], c.pds.url.as_str());
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 200_000, 20.0);
    let opts = no_options();
    let draft = Draft {
        caption: "Via the video service #shorts",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "v-1",
    };
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    {
        let stt = c.state.lock().expect("lock");
        assert_eq!(stt.video_uploads, vec![200_000], "one upload, every byte, to the video service");
        assert!(stt.blob_uploads.is_empty(), "nothing went through uploadBlob");
        assert!(stt.job_polls >= 3, "the job was polled until done");
        let r = &stt.records[&record_key("v-1")];
        assert_eq!(r["value"]["embed"]["$type"], "app.bsky.embed.video");
        assert_eq!(r["value"]["embed"]["video"]["ref"]["$link"], "bafkreivideo0000000000001");
        assert_eq!(r["value"]["embed"]["aspectRatio"], json!({"width": 1080, "height": 1920}));
        assert_eq!(r["value"]["facets"][0]["features"][0]["tag"], "shorts");
    }
    // The job id was saved before the wait, the blob before the final call.
    let job_at = rec.checkpoints.iter().position(|c| c.extra.contains_key("video_job")).expect("job saved");
    let blob_at = rec.checkpoints.iter().position(|c| c.extra.contains_key("blob")).expect("blob saved");
    assert!(job_at < blob_at);
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://bsky.app/profile/{HANDLE}/post/{}", record_key("v-1")).as_str())
    );
    let m = Bluesky.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.likes, m.shares, m.comments, m.views), (Some(7), Some(2), Some(1), None));
}

#[test]
fn contract_a_crash_while_the_video_is_processing_resumes_the_job_not_the_upload() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 50_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "resume", title: None, media: &media, options: &opts, idempotency_key: "v-crash" };
    let mut crashing = Recorder { crash_at_checkpoint: Some(1), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Bluesky, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert_eq!(saved.extra.get("video_job"), Some(&json!("job-1")));
    assert!(!saved.extra.contains_key("blob"));

    let mut st = saved;
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    let stt = c.state.lock().expect("lock");
    assert_eq!(stt.video_uploads.len(), 1, "the video was not uploaded again");
    assert_eq!(stt.records.len(), 1);
}

#[test]
fn contract_the_video_services_refusals_are_shown_in_its_words() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 10_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "limits", title: None, media: &media, options: &opts, idempotency_key: "v-limits" };
    c.state.lock().expect("lock").limits = json!({"canUpload": false, "error": "daily_limit", "message": "You have exceeded the daily video upload limit"});
    let err = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("exceeded the daily video upload limit"), "{err}");
    assert!(c.state.lock().expect("lock").video_uploads.is_empty());

    {
        let mut stt = c.state.lock().expect("lock");
        stt.limits = json!({"canUpload": true});
        stt.fail_next_job = Some("Video is too long (max 3 minutes)".into());
    }
    let err = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("job failed");
    assert!(err.to_string().contains("Video is too long"), "{err}");
    assert!(c.state.lock().expect("lock").records.is_empty());
}

#[test]
fn contract_an_expired_access_token_is_renewed_and_the_spent_refresh_token_is_dead() {
    let c = contract();
    let (t, mut s) = c.sign_in();
    {
        let mut stt = c.state.lock().expect("lock");
        let old = t.access.expose().clone();
        stt.access.retain(|a| *a != old);
        stt.expired.push(old);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = common::video(dir.path(), "clip.mp4", 5_000, 20.0);
    let opts = no_options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k-renew" };
    let rt = t.refresh.clone().expect("refresh token");
    let e = endpoints(&c.pds.url);
    let reauth = || -> Result<Sensitive<String>, PublishError> { Ok(bluesky::refresh(&e, &rt)?.access) };
    publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &reauth)
        .expect("published");
    assert_ne!(s.access_token.expose(), t.access.expose());
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);

    // That refresh spent `rt`: a second use means the sign-in is gone, not "try again".
    let err = bluesky::refresh(&e, &rt).expect_err("spent");
    assert_eq!(err.class(), ErrorClass::Reconnect);
    assert!(err.to_string().contains("Token has been revoked"), "{err}");
    // Without a refresh, an expired token is a refresh request, never a rejected post.
    let expired = c.state.lock().expect("lock").expired[0].clone();
    let mut stale = s.clone();
    stale.access_token = Sensitive::new(expired);
    let err = Bluesky.account(&stale).expect_err("expired");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn contract_a_429_reports_the_wait_from_ratelimit_reset() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let reset = jiff::Timestamp::now().as_second() + 42;
    c.fail(
        "com.atproto.repo.uploadBlob",
        429,
        json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
        &[
            ("RateLimit-Limit", "1000".into()),
            ("RateLimit-Remaining", "0".into()),
            ("RateLimit-Reset", reset.to_string()),
        ],
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = no_options();
    let draft = Draft { caption: "slow down", title: None, media: &media, options: &opts, idempotency_key: "k-429" };
    let mut st = PublishState::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    match err.class() {
        ErrorClass::RateLimited { retry_after_s } => assert!((40..=43).contains(&retry_after_s), "{retry_after_s}"),
        other => panic!("expected a rate limit, got {other:?}: {err}"),
    }
    assert!(err.to_string().contains("Rate Limit Exceeded"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);
}

#[test]
fn contract_a_5xx_on_upload_blob_saves_nothing_and_the_retry_sends_the_whole_blob_once() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    let dir = tempfile::tempdir().expect("tmp");
    let (media, bytes) = image_media(dir.path(), 64, 64);
    let opts = no_options();
    let draft = Draft { caption: "5xx", title: None, media: &media, options: &opts, idempotency_key: "k-5xx" };
    c.fail("com.atproto.repo.uploadBlob", 502, json!({"error": "UpstreamFailure", "message": "Upstream Failure"}), &[]);
    let mut st = PublishState::default();
    let mut rec = Recorder::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect_err("5xx");
    assert_eq!(err.class(), ErrorClass::Retry);
    assert!(rec.checkpoints.is_empty() && st == PublishState::default(), "no blob reference was saved");
    // uploadBlob is one request (AT Protocol has no resumable blob upload): the retry sends the
    // file once, whole, and the post goes out once.
    publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("retried");
    let stt = c.state.lock().expect("lock");
    assert_eq!(stt.blob_uploads, vec![bytes.len()]);
    assert_eq!(stt.records.len(), 1);
}

#[test]
fn contract_an_ambiguous_create_is_found_by_its_record_key() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    c.state.lock().expect("lock").create_then_502 = true;
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = no_options();
    let draft = Draft { caption: "ambiguous", title: None, media: &media, options: &opts, idempotency_key: "k-amb" };
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(published.post_id, format!("at://{DID}/{POST}/{}", record_key("k-amb")));
    assert_eq!(st.post_id.as_deref(), Some(published.post_id.as_str()));
    // Even a blind repeat of the create with the same key cannot make a second post.
    let again = publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("again");
    assert_eq!(again.post_id, published.post_id);
    assert_eq!(c.state.lock().expect("lock").records.len(), 1);
}

#[test]
fn contract_the_pds_rejection_is_shown_and_nothing_is_marked_sent() {
    let c = contract();
    let (_, mut s) = c.sign_in();
    c.fail(
        "com.atproto.repo.createRecord",
        400,
        json!({"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"}),
        &[],
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = no_options();
    let draft = Draft { caption: "fine here", title: None, media: &media, options: &opts, idempotency_key: "k-400" };
    let mut st = PublishState::default();
    let err = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("must not be longer than 300 graphemes"), "{err}");
    assert!(!st.final_sent && st.media_ready);
    assert!(c.state.lock().expect("lock").records.is_empty());
}

#[test]
fn contract_a_wrong_app_password_is_a_sign_in_error() {
    let c = contract();
    let err = bluesky::sign_in(&endpoints(&c.pds.url), HANDLE, &Sensitive::new("wrong".into())).expect_err("refused");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("Invalid identifier or password")), "{err}");
}

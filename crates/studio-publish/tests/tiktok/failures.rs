//! Rate limits, 5xx, uploads that resume, tokens, and TikTok's refusals.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common::{file_bytes, no_reauth, video, Recorder};
use crate::server::{server, Target, Tt, CHUNK};
use crate::{completed, draft, public, tt, tt_session};

#[test]
fn the_init_rate_limit_is_a_429_with_a_minute_to_wait() {
    let (srv, state) = server(Tt { init_limit_per_minute: 1, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let mut s = tt_session(&srv.url, "tok-1");
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("first");
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("rate limit exceeded"), "{err}");
    assert_eq!(st, PublishState::default());
    assert_eq!(state.lock().expect("lock").uploads.len(), 1);
}

#[test]
fn a_5xx_on_a_chunk_is_retried_in_place() {
    let (srv, state) = server(Tt::default());
    state.lock().expect("lock").failures.push_back((
        Target::Chunk(1),
        503,
        json!({"data": {}, "error": {"code": "internal_error", "message": "Gateway connection error.", "log_id": "x"}}),
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let mut s = tt_session(&srv.url, "tok-1");
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("published");
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    let chunks: Vec<(u64, u16)> = state.lock().expect("lock").puts.iter().map(|p| (p.1, p.2)).collect();
    assert_eq!(chunks, vec![(0, 206), (1, 503), (1, 206), (2, 206), (3, 201)]);
}

#[test]
fn an_upload_that_keeps_failing_resumes_later_without_a_second_init() {
    let (srv, state) = server(Tt::default());
    {
        let mut st = state.lock().expect("lock");
        for _ in 0..4 {
            st.failures.push_back((
                Target::Chunk(2),
                502,
                json!({"data": {}, "error": {"code": "internal_error", "message": "bad gateway", "log_id": "x"}}),
            ));
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let mut rec = Recorder::default();
    let err =
        publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut rec, &no_reauth).expect_err("gave up for now");
    assert_eq!(err.class(), ErrorClass::Retry);
    let saved = rec.last();
    assert_eq!((saved.uploaded_bytes, saved.media_ready), (2 * CHUNK, false));
    assert!(saved.publish_id.is_some());

    // Resumed from an older checkpoint (a crash can lose the newest): the chunk TikTok already
    // has is answered 416 with its progress, and the upload goes on from there.
    let mut st = rec.checkpoints.iter().find(|c| c.uploaded_bytes == CHUNK).cloned().expect("older checkpoint");
    publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 1, "no second init");
    let after: Vec<(u64, u16)> = server.puts.iter().skip_while(|p| p.2 != 502).skip(4).map(|p| (p.1, p.2)).collect();
    assert_eq!(after, vec![(1, 416), (2, 206), (3, 201)]);
}

#[test]
fn an_expired_token_is_renewed_but_a_missing_scope_is_not() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = serde_json::Map::new();
    let mut s = tt_session(&srv.url, "stale");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&tt(), &mut s, &draft(&media, &opts), &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");

    // scope_not_authorized comes as a 401 too, but a new token would not help: shown, not renewed.
    state.lock().expect("lock").failures.push_back((
        Target::CreatorInfo,
        401,
        json!({"data": {}, "error": {"code": "scope_not_authorized", "message": "The user did not authorize the scope required for completing this request.", "log_id": "x"}}),
    ));
    let err = publish(
        &tt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("scope");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("did not authorize the scope"), "{err}");

    // Without user.info.profile the username comes from creator_info.
    state.lock().expect("lock").profile_scope = false;
    let me = tt().account(&s).expect("account");
    assert_eq!(
        (me.user_id.as_str(), me.handle.as_str(), me.display_name.as_deref()),
        ("open-123", "@creator", Some("A Creator"))
    );
}

#[test]
fn tiktoks_refusals_and_failed_processing_are_shown() {
    let (srv, state) = server(Tt { daily_post_cap: 0, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let err = publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("capped");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("spam_risk_too_many_posts"))
    );
    assert!(err.to_string().contains("daily post cap"), "{err}");

    // Processing fails: TikTok's reason is shown, and the dead publish is forgotten so the next
    // attempt starts a new one instead of polling it forever.
    {
        let mut st = state.lock().expect("lock");
        st.daily_post_cap = 15;
        st.fail_processing = Some("file_format_check_failed".into());
    }
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. } if platform_code.as_deref() == Some("file_format_check_failed")),
        "{err}"
    );
    assert!(st.publish_id.is_none() && !st.media_ready && !st.final_sent);
    state.lock().expect("lock").fail_processing = None;
    publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second attempt");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2);
    assert_eq!(server.uploads.iter().filter(|u| u.video_id.is_some()).count(), 1);
}

//! Rate limits, 5xx mid-upload, tokens, videos X cannot process, and its problem bodies.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::connectors::x::X;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common::{no_options, no_reauth, video, Recorder};
use crate::server::{server, Failure, CHUNK, LEN};
use crate::{accepted_indexes, assembled, attempted_indexes, draft, x_session};

#[test]
fn a_429_carries_the_x_rate_limit_reset_and_saves_nothing() {
    let (srv, state) = server();
    let reset = jiff::Timestamp::now().as_second() + 7;
    state.lock().expect("lock").failures.push(Failure {
        path: "/2/media/upload/initialize".into(),
        skip: 0,
        status: 429,
        body: json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}),
        headers: vec![
            ("x-rate-limit-limit".into(), "17".into()),
            ("x-rate-limit-remaining".into(), "0".into()),
            ("x-rate-limit-reset".into(), reset.to_string()),
        ],
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("limited", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    match err.class() {
        ErrorClass::RateLimited { retry_after_s } => assert!((5..=7).contains(&retry_after_s), "{retry_after_s}"),
        other => panic!("expected a rate limit, got {other:?}: {err}"),
    }
    assert_eq!(st, PublishState::default());
    publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);
}

#[test]
fn a_5xx_mid_upload_resumes_at_the_segment_x_did_not_confirm() {
    let (srv, state) = server();
    // The third APPEND (segment 2) fails.
    state.lock().expect("lock").failures.push(Failure {
        path: "/append".into(),
        skip: 2,
        status: 503,
        body: json!({"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": 503}),
        headers: vec![],
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("resumed", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&X, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("503");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    let saved = first.last();
    assert_eq!(saved.uploaded_bytes, 2 * CHUNK as u64);
    assert!(saved.media_id.is_some() && !saved.media_ready && !saved.final_sent);

    // A new process picks up the saved state.
    let mut st = saved;
    let mut second = Recorder::default();
    publish(&X, &mut s, &d, &mut st, &mut second, &no_reauth).expect("resumed");
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 1, "the upload session was reused");
    assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 2, 3, 4], "resumed at segment 2, not 0");
    assert_eq!(accepted_indexes(&server), vec![0, 1, 2, 3, 4]);
    assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
    assert_eq!(second.progress.first(), Some(&(2 * CHUNK as u64, LEN as u64)));
    assert_eq!(server.tweets.len(), 1);
}

#[test]
fn a_token_refused_mid_upload_is_renewed_and_the_upload_continues() {
    let (srv, state) = server();
    state.lock().expect("lock").revoke_after_appends = Some(2);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("renewed", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.tweets.len(), 1);
    }
    // A token that stays refused after renewal is reported, not retried forever.
    let mut s = x_session(&srv.url, "stale");
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let d = draft("refused", &media, &o);
    let err =
        publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still).expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

#[test]
fn a_video_x_cannot_process_is_rejected_with_xs_reason() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_processing = Some("Unsupported video format".into());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("bad video", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Unsupported video format"), "{err}");
    assert!(!st.final_sent && !st.media_ready);
    assert!(state.lock().expect("lock").tweets.is_empty());
}

#[test]
fn xs_problem_bodies_surface_their_own_message_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let mut s = x_session(&srv.url, "tok-1");

    // Problem JSON with errors[]: the specific message, not the generic `detail`.
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /2/tweets".into(),
        skip: 0,
        status: 400,
        body: json!({
            "errors": [{"parameters": {"reply_settings": ["nobody"]}, "message": "reply_settings must be one of [following, mentionedUsers, subscribers, verified]"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }),
        headers: vec![],
    });
    let d = draft("first", &media, &o);
    let mut st = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("invalid");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("reply_settings must be one of"), "{err}");
    assert!(!st.final_sent && st.media_ready);

    // Plain problem JSON (a 403 for duplicate text): its `detail`.
    publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    let mut st2 = PublishState::default();
    let err = publish(&X, &mut s, &d, &mut st2, &mut Recorder::default(), &no_reauth).expect_err("duplicate");
    assert!(
        matches!(err, PublishError::Rejected { ref message, .. } if message.contains("duplicate content")),
        "{err}"
    );
    assert!(!st2.final_sent);
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);

    // A post that is gone answers 200 with only `errors`.
    let err = X.metrics(&s, "404404").expect_err("gone");
    assert!(err.to_string().contains("Could not find tweet with id"), "{err}");
}

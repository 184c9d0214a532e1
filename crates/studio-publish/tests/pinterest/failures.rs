//! Rate limits, storage 5xx and expired policies, tokens, and Pinterest's error bodies.

use serde_json::json;
use studio_publish::connector::PublishState;
use studio_publish::connectors::pinterest::Pinterest;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common::{draft, no_reauth, video, Recorder};
use crate::server::{server, Failure, LEN};
use crate::{pin_session, with_board};

#[test]
fn a_429_carries_a_retry_after_and_saves_nothing() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /v5/media".into(),
        status: 429,
        body: json!({"code": 8, "message": "You have exceeded your rate limit. Try again later."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("limited", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("exceeded your rate limit"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
}

#[test]
fn a_5xx_from_storage_resends_under_the_same_media_id_and_an_expired_policy_registers_anew() {
    let (srv, state) = server();
    state.lock().expect("lock").s3_failures.push((
        500,
        "InternalError",
        "We encountered an internal error. Please try again.",
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = with_board();
    let d = draft("resent", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("500");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    assert!(err.to_string().contains("internal error"), "{err}");
    let saved = first.last();
    assert!(saved.media_id.is_some() && saved.uploaded_bytes == 0);

    let mut st = saved.clone();
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("resent");
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.registrations, 1, "the same media id was used");
        assert_eq!((server.s3_posts, server.s3_stored), (2, 1));
        assert_eq!(st.media_id, saved.media_id);
        let stored = server.media.values().next().and_then(|m| m.bytes.clone()).expect("stored");
        assert_eq!(stored, std::fs::read(&media.path).expect("read"));
        assert_eq!(server.pins.len(), 1);
    }

    // The pre-signed policy expired: that registration is dropped and a new one is made.
    state.lock().expect("lock").s3_failures.push((403, "AccessDenied", "Invalid according to Policy: Policy expired."));
    let d = draft("expired", &media, &o);
    let mut rec = Recorder::default();
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut rec, &no_reauth).expect_err("403");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    assert!(err.to_string().contains("Policy expired"), "{err}");
    let mut st = rec.last();
    assert!(st.media_id.is_none(), "the expired registration was forgotten");
    publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("registered anew");
    let server = state.lock().expect("lock");
    assert_eq!(server.registrations, 3);
    assert_eq!(server.pins.len(), 2);
}

#[test]
fn an_expired_token_is_renewed_once_and_the_pin_made_once() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("renewed", &media, &o);
    let mut s = pin_session(&srv.url, "stale");
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    assert_eq!(state.lock().expect("lock").pins.len(), 1);

    let mut s = pin_session(&srv.url, "stale");
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
    assert!(err.to_string().contains("Authentication failed."), "{err}");
}

#[test]
fn a_video_pinterest_cannot_process_is_rejected() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_processing = true;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("bad", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("could not process"), "{err}");
    assert!(!st.final_sent && state.lock().expect("lock").pins.is_empty());
}

#[test]
fn pinterests_error_body_surfaces_its_message_and_code() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /v5/pins".into(),
        status: 403,
        body: json!({"code": 29, "message": "You are not permitted to access that resource."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("forbidden", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("403");
    assert!(
        matches!(err, PublishError::Rejected { ref message, ref platform_code, .. }
            if message == "You are not permitted to access that resource." && platform_code.as_deref() == Some("29")),
        "{err:?}"
    );
    assert!(!st.final_sent && st.media_ready);
    // A board that is not the creator's: Pinterest's own words.
    let mut o = with_board();
    o.insert("board_id".into(), json!("999"));
    let d = draft("elsewhere", &media, &o);
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("404");
    assert!(err.to_string().contains("Board not found."), "{err}");
}

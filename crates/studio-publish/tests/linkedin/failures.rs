//! Rate limits, 5xx on a part, tokens, videos LinkedIn cannot process, and its error bodies.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::connectors::linkedin::Linkedin;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common::{draft, no_options, no_reauth, video, Recorder};
use crate::server::{server, Failure, LEN, PART};
use crate::{assembled, attempted, li_session};

#[test]
fn a_429_without_retry_after_waits_the_default_and_saves_nothing() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /rest/videos?action=initializeUpload".into(),
        skip: 0,
        status: 429,
        body: json!({"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("limited", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 60 });
    assert!(err.to_string().contains("throttle"), "{err}");
    assert_eq!(st, PublishState::default());
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
}

#[test]
fn a_5xx_on_a_part_resumes_at_the_first_part_without_an_etag() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "PUT part 2".into(),
        skip: 0,
        status: 500,
        body: json!({"message": "Internal Server Error", "status": 500}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("resumed", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    let err = publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("500");
    assert_eq!(err.class(), ErrorClass::Retry, "{err}");
    let saved = first.last();
    assert_eq!(saved.parts.len(), 2);
    assert_eq!(saved.uploaded_bytes, 2 * PART);

    let mut st = saved;
    let mut second = Recorder::default();
    publish(&Linkedin, &mut s, &d, &mut st, &mut second, &no_reauth).expect("resumed");
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 1, "the upload was not registered again");
    assert_eq!(attempted(&server), vec![0, 1, 2, 2, 3, 4], "resumed at part 2, not 0");
    assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
    assert_eq!(second.progress.first(), Some(&(2 * PART, LEN as u64)));
    assert_eq!(server.posts.len(), 1);
}

#[test]
fn an_expired_token_is_renewed_and_a_revoked_one_asks_for_a_reconnect() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    // The token expires between the upload and the post.
    let mut s = li_session(&srv.url, "tok-1");
    let d = draft("renewed", &media, &o);
    let mut st = PublishState::default();
    Linkedin.upload(&s, &d, &mut st, &mut Recorder::default()).expect("uploaded");
    st.media_ready = true;
    state.lock().expect("lock").valid_tokens.clear();
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &renew).expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);

    let mut s = li_session(&srv.url, "revoked");
    let err = publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("revoked");
    assert_eq!(err.class(), ErrorClass::Reconnect);
    assert!(err.to_string().contains("revoked by the user"), "{err}");
}

#[test]
fn a_video_linkedin_cannot_process_is_rejected_with_its_reason() {
    let (srv, state) = server();
    state.lock().expect("lock").fail_reason = Some("Video is too short".into());
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("bad", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("failed");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Video is too short"), "{err}");
    assert!(!st.final_sent && state.lock().expect("lock").posts.is_empty());
}

#[test]
fn linkedins_error_bodies_surface_their_message_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "POST /rest/posts".into(),
        skip: 0,
        status: 422,
        body: json!({"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "ERROR :: /commentary :: Content is a duplicate of urn:li:share:7000000000000000001"}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("dup", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("Content is a duplicate"), "{err}");
    assert!(!st.final_sent && st.media_ready);

    // A sunset LinkedIn-Version (426) says what to do about it.
    state.lock().expect("lock").failures.push(Failure {
        path: "GET /rest/socialActions".into(),
        skip: 0,
        status: 426,
        body: json!({"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20241101 is not active"}),
    });
    let err = Linkedin.metrics(&s, "urn:li:share:1").expect_err("426");
    assert!(err.to_string().contains("no longer accepts API version"), "{err}");
    assert!(err.to_string().contains("is not active"), "{err}");
}

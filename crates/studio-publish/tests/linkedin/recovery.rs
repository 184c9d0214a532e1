//! Posts whose outcome is unknown (a 504 or dropped connection after creation, a crash after
//! `final_sent`, expired upload URLs), reconciled and never reposted.

use serde_json::json;
use studio_publish::connector::PublishState;
use studio_publish::connectors::linkedin::Linkedin;
use studio_publish::publish::publish;
use studio_publish::ErrorClass;

use crate::common::{draft, no_options, no_reauth, video, Recorder};
use crate::li_session;
use crate::server::{server, AfterCreate, Failure, LEN};

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("ambiguous", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.finder_calls, 1);
    assert_eq!(server.posts[0]["id"], published.post_id.as_str());
}

#[test]
fn a_504_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Status504);
}

#[test]
fn a_dropped_connection_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Drop);
}

#[test]
fn without_the_author_finder_an_ambiguous_post_stays_unknown_and_is_never_reposted() {
    let (srv, state) = server();
    {
        let mut server = state.lock().expect("lock");
        server.after_create = AfterCreate::Status504;
        server.finder_forbidden = true;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("unknowable", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect_err("unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown, "{err}");
    // Trying again asks first, cannot tell, and says so instead of posting a second time.
    let mut st = rec.last();
    assert!(st.final_sent);
    let err = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("still unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown, "{err}");
    assert!(err.to_string().contains("does not let this app list"), "{err}");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);
}

fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let mut rec = Recorder::default();
    let mut s = li_session(&srv.url, "tok-1");
    publish(&Linkedin, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
        .expect("published");
    rec.checkpoints.iter().position(|c| c.final_sent).expect("final_sent saved") + 1
}

#[test]
fn after_a_crash_right_after_final_sent_the_platform_is_asked_first() {
    let crash_at = checkpoints_until_final_sent();
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("crash", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    let mut st = saved.clone();
    let posted = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(state.lock().expect("lock").posts.len(), 1);

    let mut st = saved;
    let found = publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.inits, 1);
}

#[test]
fn upload_urls_that_expired_before_the_resume_start_a_new_upload() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push(Failure {
        path: "PUT part 1".into(),
        skip: 0,
        status: 503,
        body: json!({"message": "Service Unavailable", "status": 503}),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("later", &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let mut first = Recorder::default();
    publish(&Linkedin, &mut s, &d, &mut PublishState::default(), &mut first, &no_reauth).expect_err("503");
    let mut st = first.last();
    let old_video = st.media_id.clone();
    // Resumed a day later: LinkedIn's upload URLs are no longer valid.
    st.extra["linkedin_upload"]["uploadUrlsExpireAt"] = json!(jiff::Timestamp::now().as_millisecond() - 1000);
    publish(&Linkedin, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    assert_ne!(st.media_id, old_video);
    let server = state.lock().expect("lock");
    assert_eq!(server.inits, 2);
    assert_eq!(server.posts.len(), 1);
    assert_eq!(server.posts[0]["content"]["media"]["id"], st.media_id.as_deref().unwrap_or_default());
}

//! Posts whose outcome is unknown (a 503 or dropped connection after creation, a crash after
//! `final_sent`), reconciled and never reposted.

use studio_publish::connector::PublishState;
use studio_publish::connectors::x::X;
use studio_publish::publish::publish;

use crate::common::{no_options, no_reauth, video, Recorder};
use crate::server::{server, AfterCreate, LEN};
use crate::{draft, x_session};

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    let d = draft("ambiguous", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 1);
    assert_eq!(server.timeline_calls, 1, "found through the timeline, not the create reply");
    assert_eq!(server.tweets[0]["id"], published.post_id.as_str());
    assert_eq!(st.post_id.as_deref(), Some(published.post_id.as_str()));
}

#[test]
fn a_503_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Status503);
}

#[test]
fn a_dropped_connection_after_the_post_was_created_is_reconciled_not_reposted() {
    ambiguous(AfterCreate::Drop);
}

/// How many checkpoints a clean publish makes up to and including `final_sent`.
fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let mut rec = Recorder::default();
    let mut s = x_session(&srv.url, "tok-1");
    publish(&X, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
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
    let mut s = x_session(&srv.url, "tok-1");

    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&X, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(state.lock().expect("lock").tweets.is_empty());

    // Nothing was posted: the restart finds nothing and posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);

    // Same crash, but the post did land: the restart finds it and posts nothing.
    let mut st = saved;
    let found = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 1);
    assert_eq!(server.inits, 1, "nothing was uploaded again");
}

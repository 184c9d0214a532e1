//! Pins whose outcome is unknown (a 500 or dropped connection after creation, a crash after
//! `final_sent`), reconciled from the board and never repinned.

use serde_json::json;
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::pinterest::Pinterest;
use studio_publish::publish::publish;
use studio_publish::PublishError;

use crate::common::{draft, no_reauth, video, Recorder};
use crate::server::{server, AfterCreate, BOARD};
use crate::{pin_session, with_board};

fn ambiguous(after: AfterCreate) {
    let (srv, state) = server();
    state.lock().expect("lock").after_create = after;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("ambiguous", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let published = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let server = state.lock().expect("lock");
    assert_eq!(server.pins.len(), 1);
    assert_eq!(server.board_pin_calls, 1);
    assert_eq!(server.pins[0]["id"], published.post_id.as_str());
}

#[test]
fn a_500_after_the_pin_was_created_is_reconciled_not_repinned() {
    ambiguous(AfterCreate::Status500);
}

#[test]
fn a_dropped_connection_after_the_pin_was_created_is_reconciled_not_repinned() {
    ambiguous(AfterCreate::Drop);
}

fn checkpoints_until_final_sent() -> usize {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let mut rec = Recorder::default();
    let mut s = pin_session(&srv.url, "tok-1");
    publish(&Pinterest, &mut s, &draft("count", &media, &o), &mut PublishState::default(), &mut rec, &no_reauth)
        .expect("published");
    rec.checkpoints.iter().position(|c| c.final_sent).expect("final_sent saved") + 1
}

#[test]
fn after_a_crash_right_after_final_sent_the_board_is_asked_first() {
    let crash_at = checkpoints_until_final_sent();
    let (srv, state) = server();
    // An older pin with the same text is on the board already: it must not be taken for ours.
    state.lock().expect("lock").pins.push(json!({
        "id": "1", "created_at": "2026-01-02T03:04:05", "board_id": BOARD, "title": "Studio clip",
        "description": "crash", "media": {"media_type": "video"},
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = draft("crash", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let mut crashing = Recorder { crash_at_checkpoint: Some(crash_at), ..Default::default() };
    publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    // Nothing new on the board: the restart pins exactly once.
    let mut st = saved.clone();
    let posted = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_ne!(posted.post_id, "1");
    assert_eq!(state.lock().expect("lock").pins.len(), 2);

    // Same crash, but the pin did land: the restart finds it and pins nothing.
    let mut st = saved;
    let found = publish(&Pinterest, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!(server.pins.len(), 2);
    assert_eq!(server.registrations, 1);
}

#[test]
fn a_pin_with_no_text_cannot_be_reconciled_and_says_so() {
    let (srv, _state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = with_board();
    let d = Draft { caption: " ", title: None, media: &media, options: &o, idempotency_key: "k" };
    let s = pin_session(&srv.url, "tok-1");
    let mut st = PublishState { media_id: Some("1".into()), ..Default::default() };
    st.extra.insert("pinterest_media_ready_at".into(), json!(0));
    let err = Pinterest.find_post(&s, &d, &st).expect_err("unsupported");
    assert!(matches!(err, PublishError::Unsupported(_)), "{err}");
}

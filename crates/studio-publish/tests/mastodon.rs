//! Mastodon connector against a local server that follows the Mastodon REST contract
//! (docs.joinmastodon.org/methods/media, /statuses), failures included.
mod common;
#[path = "common/mastodon_server.rs"]
mod mastodon_server;

use serde_json::{json, Value};
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::mastodon::Mastodon;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId, PublishError, Sensitive};

use common::{no_options, no_reauth, session, video, Recorder};
use mastodon_server::server;

#[test]
fn publishes_a_video_after_processing_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = no_options();
    let draft = Draft {
        caption: "Hello from the studio",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "key-1",
    };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    assert_eq!(Mastodon.account(&s).expect("account").handle, "@creator@127.0.0.1");

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Mastodon, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    assert!(published.url.as_deref().is_some_and(|u| u.contains(&published.post_id)));
    // Write-ahead: the media id was saved before the final call was marked as sent.
    let first_media = rec.checkpoints.iter().position(|c| c.media_id.is_some()).expect("media id saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_media < first_final);
    assert_eq!(rec.progress.last(), Some(&(300_000, 300_000)));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.statuses.len(), 1);
        assert_eq!(st.media.values().next().map(|m| m.0), Some(300_000));
    }
    let m = Mastodon.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.likes, m.shares, m.comments, m.views), (Some(3), Some(2), Some(1), None));

    // Publishing the same target again returns the saved post and sends nothing.
    let again = publish(&Mastodon, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").statuses.len(), 1);
}

#[test]
fn a_429_on_upload_carries_retry_after_and_saves_nothing() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "/api/v2/media".into(),
        429,
        json!({"error": "Too many requests"}),
        Some(7),
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 1000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "x", title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let err = publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("limited");
    assert_eq!(err.class(), ErrorClass::RateLimited { retry_after_s: 7 });
    assert_eq!(st, PublishState::default());
    // The retry goes through.
    publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("second try");
}

#[test]
fn a_500_after_the_status_was_created_is_reconciled_not_reposted() {
    let (srv, state) = server();
    state.lock().expect("lock").create_then_500 = true;
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "ambiguous", title: None, media: &media, options: &opts, idempotency_key: "k-amb" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let published =
        publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found it");
    let st_server = state.lock().expect("lock");
    assert_eq!(st_server.statuses.len(), 1);
    assert_eq!(st_server.statuses[0]["id"], published.post_id.as_str());
}

#[test]
fn after_a_crash_during_the_final_call_the_platform_is_asked_first() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "crash", title: None, media: &media, options: &opts, idempotency_key: "k-crash" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));

    // The process dies right after saving final_sent (before or after the request landed).
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Mastodon, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());

    // Nothing was posted: the restart finds nothing and posts exactly once.
    let mut st = saved.clone();
    publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(state.lock().expect("lock").statuses.len(), 1);

    // Same crash, but this time the status did land: the restart finds it and posts nothing.
    let mut st = saved;
    st.post_id = None;
    let before = state.lock().expect("lock").statuses.len();
    let found = publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(state.lock().expect("lock").statuses.len(), before);
    assert!(!found.post_id.is_empty());
}

#[test]
fn the_servers_own_rejection_is_shown_and_nothing_is_marked_sent() {
    let (srv, state) = server();
    state.lock().expect("lock").failures.push_back((
        "/api/v1/statuses".into(),
        422,
        json!({"error": "Validation failed: Text character limit of 500 exceeded"}),
        None,
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "fine here", title: None, media: &media, options: &opts, idempotency_key: "k422" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let err = publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect_err("rejected");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(err.to_string().contains("character limit of 500"), "{err}");
    assert!(!st.final_sent && st.media_ready);
}

#[test]
fn a_caption_over_the_limit_is_refused_before_any_upload() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let opts = no_options();
    let caption = "é".repeat(501);
    let draft = Draft { caption: &caption, title: None, media: &media, options: &opts, idempotency_key: "k" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let err = publish(&Mastodon, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("too long");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("501 characters, Mastodon allows 500")), "{err}");
    assert!(state.lock().expect("lock").media.is_empty());
}

#[test]
fn a_refused_token_is_renewed_once_and_the_step_repeated() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "k-renew" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "stale", Some("109"));
    let renew = || -> Result<Sensitive<String>, PublishError> {
        state.lock().expect("lock").valid_tokens.push("tok-2".into());
        Ok(Sensitive::new("tok-2".to_string()))
    };
    publish(&Mastodon, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &renew)
        .expect("published");
    assert_eq!(s.access_token.expose(), "tok-2");
    // A token that stays refused after renewal is reported, not retried forever.
    let mut s = session(PlatformId::Mastodon, &srv.url, "stale", Some("109"));
    let still = || -> Result<Sensitive<String>, PublishError> { Ok(Sensitive::new("also-stale".to_string())) };
    let err = publish(&Mastodon, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &still)
        .expect_err("refused");
    assert_eq!(err.class(), ErrorClass::RefreshToken);
}

fn follow_ups() -> Vec<studio_publish::publish::FollowUp> {
    use studio_publish::publish::FollowUp;
    vec![
        FollowUp { text: "2/3 the middle part".into(), comment: false },
        FollowUp { text: "3/3 the end & a <link>".into(), comment: false },
        FollowUp { text: "Shop link: https://shop.example/x".into(), comment: true },
    ]
}

fn status_by_text(st: &mastodon_server::Masto, text: &str) -> Vec<Value> {
    let html = mastodon_server::escaped(text);
    st.statuses.iter().filter(|s| s["content"].as_str() == Some(html.as_str())).cloned().collect()
}

#[test]
fn thread_parts_chain_and_the_first_comment_answers_the_post() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5_000, 12.0);
    let mut opts = no_options();
    opts.insert("visibility".into(), json!("unlisted"));
    let draft = Draft { caption: "1/3 the hook", title: None, media: &media, options: &opts, idempotency_key: "t-1" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let mut rec = Recorder::default();
    let root = publish(&Mastodon, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    let replies = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &follow_ups(),
        &opts,
        "t-1",
        &mut st,
        &mut rec,
        &no_reauth,
    )
    .expect("replies");
    assert_eq!(replies.len(), 3);
    let server = state.lock().expect("lock");
    assert_eq!(server.statuses.len(), 4);
    let two = &status_by_text(&server, "2/3 the middle part")[0];
    let three = &status_by_text(&server, "3/3 the end & a <link>")[0];
    let comment = &status_by_text(&server, "Shop link: https://shop.example/x")[0];
    assert_eq!(two["in_reply_to_id"], json!(root.post_id), "part 2 answers the post");
    assert_eq!(three["in_reply_to_id"], two["id"], "part 3 answers part 2");
    assert_eq!(comment["in_reply_to_id"], json!(root.post_id), "the comment answers the post");
    assert!([two, three, comment].iter().all(|s| s["visibility"] == "unlisted"), "never more visible than the post");
    // Write-ahead: each reply was marked sent before its id was known.
    let marked = rec.checkpoints.iter().position(|c| c.replies.first().is_some_and(|r| r.sent && r.post_id.is_none()));
    let known = rec.checkpoints.iter().position(|c| c.replies.first().is_some_and(|r| r.post_id.is_some()));
    assert!(marked.expect("marked") < known.expect("known"));
    drop(server);

    // Running again (a retry after a crash that lost nothing) sends nothing.
    let again = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &follow_ups(),
        &opts,
        "t-1",
        &mut st,
        &mut rec,
        &no_reauth,
    )
    .expect("again");
    assert_eq!(again, replies);
    assert_eq!(state.lock().expect("lock").statuses.len(), 4);
}

#[test]
fn a_reply_created_then_answered_with_500_is_found_not_posted_twice() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5_000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "the hook", title: None, media: &media, options: &opts, idempotency_key: "t-2" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let root = publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    {
        // Only the client's own bookkeeping may prevent the duplicate.
        let mut server = state.lock().expect("lock");
        server.ignore_idempotency = true;
        server.create_then_500 = true;
    }
    let parts = follow_ups();
    let done = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &parts,
        &opts,
        "t-2",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("reconciled");
    assert_eq!(done.len(), 3);
    assert_eq!(state.lock().expect("lock").statuses.len(), 4, "the ambiguous part exists once");

    // A crash after the write-ahead of part 3 (sent, no id): the next run asks first.
    st.replies[1].post_id = None;
    let n_before = state.lock().expect("lock").statuses.len();
    let again = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &parts,
        &opts,
        "t-2",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("found");
    assert_eq!(again[1], done[1]);
    assert_eq!(state.lock().expect("lock").statuses.len(), n_before);

    // Sent-but-absent (the crash came before the request left): posted now, once.
    st.replies[2] = studio_publish::connector::ReplyState { sent: true, post_id: None, url: None };
    state
        .lock()
        .expect("lock")
        .statuses
        .retain(|v| v["content"] != mastodon_server::escaped("Shop link: https://shop.example/x").as_str());
    let third = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &parts,
        &opts,
        "t-2",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("posted");
    assert_ne!(third[2], done[2]);
    assert_eq!(status_by_text(&state.lock().expect("lock"), "Shop link: https://shop.example/x").len(), 1);
}

#[test]
fn a_rejected_reply_says_why_and_marks_nothing_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5_000, 12.0);
    let opts = no_options();
    let draft = Draft { caption: "the hook", title: None, media: &media, options: &opts, idempotency_key: "t-3" };
    let mut s = session(PlatformId::Mastodon, &srv.url, "tok-1", Some("109"));
    let mut st = PublishState::default();
    let root = publish(&Mastodon, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let long = studio_publish::publish::FollowUp { text: "é".repeat(501), comment: false };
    let err = studio_publish::publish::publish_replies(
        &Mastodon,
        &mut s,
        &root,
        &[long],
        &opts,
        "t-3",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("too long");
    assert!(err.to_string().contains("character limit"), "{err}");
    assert_eq!(err.class(), ErrorClass::BadRequest);
    assert!(!st.replies[0].sent, "a 422 proves nothing was posted");
    assert_eq!(state.lock().expect("lock").statuses.len(), 1);
    let _ = PublishError::Cancelled;
}

#[test]
fn a_platform_without_replies_refuses_before_sending_anything() {
    use studio_publish::connectors::tiktok::TikTok;
    let (srv, _state) = server();
    let mut s = session(PlatformId::Tiktok, &srv.url, "tok-1", Some("109"));
    let root = studio_publish::connector::Published { post_id: "p".into(), url: None };
    let mut st = PublishState::default();
    let err = studio_publish::publish::publish_replies(
        &TikTok::default(),
        &mut s,
        &root,
        &follow_ups(),
        &no_options(),
        "k",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("unsupported");
    assert_eq!(err.code(), "unsupported");
    assert!(st.replies.is_empty());
    let _ = Sensitive::new(String::new());
}

//! Outcomes a crash or a lost reply left unknown, settled without posting twice.

use studio_publish::connector::PublishState;
use studio_publish::publish::publish;
use studio_publish::ErrorClass;

use crate::common::{file_bytes, no_reauth, video, Recorder};
use crate::server::{server, Tt};
use crate::{completed, draft, public, tt, tt_session};

#[test]
fn a_lost_reply_to_the_last_chunk_is_settled_by_status_fetch() {
    let (srv, state) = server(Tt { flaky_after_complete: true, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    // The last chunk lands and TikTok starts publishing, but every answer from the upload host
    // is a 503: the final call stays unconfirmed, and find_post asks status/fetch.
    let mut st = PublishState::default();
    let p = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("reconciled");
    assert_eq!(st.post_id.as_deref(), Some(p.post_id.as_str()));
    {
        let server = state.lock().expect("lock");
        assert_eq!(
            (server.uploads.len(), server.uploads[0].video_id.map(|v| v.to_string())),
            (1, Some(p.post_id.clone()))
        );
        assert_eq!(server.puts.iter().filter(|x| x.2 == 503).count(), 4, "the last chunk, then three retries");
    }

    // Same, but TikTok is still processing when asked: unknown for now, settled on a later try.
    {
        let mut server = state.lock().expect("lock");
        server.flaky_after_complete = true;
        server.polls_before_complete = 1;
    }
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("not yet");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);
    assert!(st.final_sent && st.post_id.is_none());
    let later = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("settled");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2, "no third init");
    assert_eq!(server.uploads[1].video_id.map(|v| v.to_string()), Some(later.post_id));
}

#[test]
fn after_a_crash_at_final_sent_status_fetch_decides() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    // Under one chunk: sent whole, by create_post.
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");

    // Checkpoints: publish_id, media_ready, final_sent: the process dies at the third.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish(&tt(), &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.publish_id.is_some() && saved.post_id.is_none());
    assert!(state.lock().expect("lock").puts.is_empty());

    // TikTok reports 0 of 50,000 bytes: nothing can have been posted, so the chunk is sent now.
    let mut st = saved.clone();
    let posted = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(completed(&state), (file_bytes(&media), 1));

    // Same crash, but the chunk had landed: status/fetch has the post, nothing is sent again.
    let puts = state.lock().expect("lock").puts.len();
    let mut st = saved;
    let found = publish(&tt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found, posted);
    let server = state.lock().expect("lock");
    assert_eq!((server.uploads.len(), server.puts.len()), (1, puts));
}

#[test]
fn an_expired_upload_url_starts_a_new_publish_that_posts_once() {
    let (srv, state) = server(Tt { expire_after_puts: Some(1), ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let mut s = tt_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let server = state.lock().expect("lock");
    assert_eq!(server.uploads.len(), 2, "a new init after the first URL expired");
    assert!(!server.uploads[0].complete(), "the first publish can never complete");
    assert_eq!(server.uploads.iter().filter(|u| u.video_id.is_some()).count(), 1);
    assert_eq!(server.uploads[1].received, file_bytes(&media));
    assert_eq!(st.publish_id.as_deref(), Some(server.uploads[1].id.as_str()));
}

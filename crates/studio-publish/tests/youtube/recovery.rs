//! Outcomes a crash, a lost reply or an expired session left unknown, settled by asking the
//! upload session before anything is sent again.

use studio_publish::connector::PublishState;
use studio_publish::publish::publish;
use studio_publish::{ErrorClass, PlatformId};

use crate::common::{file_bytes, no_reauth, session, video, Recorder};
use crate::server::{server, AfterCreate, KIB256};
use crate::{draft, uploaded, yt};

#[test]
fn a_lost_reply_to_the_last_chunk_is_settled_by_the_session() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 400_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);

    // The video is created, then the reply is a 503: the session says it is done.
    state.lock().expect("lock").after_create = Some(AfterCreate::Answer503);
    let first = publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect("found through the session");
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.videos.len(), 1);
        assert_eq!(st.videos[0]["id"], first.post_id.as_str());
    }

    // The video is created, the connection drops, and the session's first answer is a 503
    // too: the final call is unconfirmed, and find_post asks the session again.
    {
        let mut st = state.lock().expect("lock");
        st.videos.clear();
        st.sessions.clear();
        st.status_queries = 0;
        st.after_create = Some(AfterCreate::DropConnection);
        // Query 1: create_post asks where the session stands before the last chunk. Query 2:
        // after the dropped connection.
        st.status_503_at = Some(2);
    }
    let mut st = PublishState::default();
    let second = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("reconciled");
    let server = state.lock().expect("lock");
    assert_eq!(server.videos.len(), 1);
    assert_eq!(server.videos[0]["id"], second.post_id.as_str());
    assert_eq!(server.status_queries, 3, "create_post: before the last chunk, after it (503); then find_post");
    assert_eq!(st.post_id.as_deref(), Some(second.post_id.as_str()));
}

#[test]
fn after_a_crash_at_final_sent_the_session_is_asked_before_anything_is_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 200_000, 12.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);

    // Checkpoints: the session URL, media_ready, final_sent: the process dies at the third.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(state.lock().expect("lock").videos.is_empty());

    // The session holds no byte: nothing was created, so the restart posts exactly once.
    let mut st = saved.clone();
    let posted = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(uploaded(&state), file_bytes(&media));

    // Same crash, but the last chunk had landed: the session returns the video, nothing is sent.
    let puts = state.lock().expect("lock").puts.len();
    let mut st = saved;
    let found = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, posted.post_id);
    let server = state.lock().expect("lock");
    assert_eq!((server.videos.len(), server.puts.len(), server.opened.len()), (1, puts, 1));
}

#[test]
fn an_expired_session_starts_over_unless_the_last_chunk_may_have_landed() {
    let (srv, state) = server();
    state.lock().expect("lock").expire_after_puts = Some(1);
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 700_000, 30.0);
    let opts = serde_json::Map::new();
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    publish(&yt(), &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth).expect("published");
    assert_eq!(uploaded(&state), file_bytes(&media));
    {
        let st = state.lock().expect("lock");
        assert_eq!(st.opened.len(), 2, "a new session after the first expired");
        let second = &st.opened[1];
        assert_eq!(st.puts.iter().filter(|p| &p.0 == second).map(|p| p.1).next(), Some(0));
    }

    // A final chunk of unknown fate and an expired session: nobody can tell, so nothing is sent.
    let mut st = PublishState {
        upload_session_url: Some(format!("{}/upload/youtube/v3/videos?uploadType=resumable&upload_id=gone", srv.url)),
        uploaded_bytes: 2 * KIB256,
        media_ready: true,
        final_sent: true,
        ..Default::default()
    };
    let err = publish(&yt(), &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect_err("unknown");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown);
    assert!(err.to_string().contains("YouTube Studio"), "{err}");
    assert_eq!(state.lock().expect("lock").opened.len(), 2);
}

//! Publishing that goes through: chunks, Shorts and watch pages, privacy.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::publish::publish;
use studio_publish::{PlatformId, PublishError};

use crate::common::{file_bytes, no_reauth, session, video, Recorder};
use crate::server::{server, KIB256};
use crate::{draft, starts, uploaded, yt};

#[test]
fn publishes_in_chunks_with_the_creating_chunk_after_final_sent() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 600_000, 12.0);
    let mut opts = serde_json::Map::new();
    opts.insert("tags".into(), json!(["studio", "test"]));
    let d = draft(&media, &opts);
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let me = yt().account(&s).expect("account");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), ("UCstudio0000000000000001", "@acreator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(
        published.url.as_deref(),
        Some(format!("https://www.youtube.com/shorts/{}", published.post_id).as_str())
    );
    assert_eq!(uploaded(&state), file_bytes(&media));
    assert_eq!(starts(&state), vec![0, KIB256, 2 * KIB256]);
    // The session URL was saved before any byte went out.
    assert!(rec.checkpoints[0].upload_session_url.is_some() && rec.checkpoints[0].uploaded_bytes == 0);
    // final_sent was saved while the last chunk, the one that creates the video, was still unsent.
    let marked = rec.checkpoints.iter().find(|c| c.final_sent).expect("final marked");
    assert_eq!((marked.uploaded_bytes, marked.media_id.as_deref()), (2 * KIB256, None));
    assert_eq!(rec.progress.last(), Some(&(600_000, 600_000)));
    {
        let st = state.lock().expect("lock");
        let v = &st.videos[0];
        assert_eq!(v["snippet"]["title"], "Studio clip");
        assert_eq!(v["snippet"]["description"], "Made in the studio #shorts");
        assert_eq!(v["snippet"]["tags"], json!(["studio", "test"]));
        assert_eq!(v["status"]["requestedPrivacy"], "private");
        assert_eq!(v["status"]["selfDeclaredMadeForKids"], false);
    }
    let m = yt().metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares), (Some(1234), Some(56), Some(7), None));

    // Publishing the same target again returns the saved video and sends nothing.
    let again = publish(&yt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").opened.len(), 1);
}

#[test]
fn a_landscape_video_is_a_watch_page_and_privacy_is_passed_on() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let mut media = video(dir.path(), "wide.mp4", 100_000, 240.0);
    media.facts.width = Some(1920);
    media.facts.height = Some(1080);
    let mut opts = serde_json::Map::new();
    opts.insert("privacy".into(), json!("unlisted"));
    let mut s = session(PlatformId::Youtube, &srv.url, "tok-1", None);
    let p = publish(
        &yt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("published");
    assert_eq!(p.url, Some(format!("https://www.youtube.com/watch?v={}", p.post_id)));
    assert_eq!(state.lock().expect("lock").videos[0]["status"]["requestedPrivacy"], "unlisted");

    // A privacy YouTube does not know is refused before anything is sent.
    opts.insert("privacy".into(), json!("friends"));
    let err = publish(
        &yt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("refused");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("friends")), "{err}");
    assert_eq!(state.lock().expect("lock").opened.len(), 1);
}

//! Publishing that goes through: ordered chunks, privacy levels, and creator_info limits.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::publish::publish;
use studio_publish::PublishError;

use crate::common::{file_bytes, no_reauth, video, Recorder};
use crate::server::{server, Tt, CHUNK};
use crate::{completed, draft, public, tt, tt_session};

#[test]
fn publishes_publicly_in_ordered_chunks_after_processing_and_reads_metrics() {
    let (srv, state) = server(Tt { polls_before_complete: 2, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 300_000, 12.0);
    let opts = public();
    let d = draft(&media, &opts);
    let mut s = tt_session(&srv.url, "tok-1");
    let me = tt().account(&s).expect("account");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), ("open-123", "@creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&tt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url, Some(format!("https://www.tiktok.com/@creator/video/{}", published.post_id)));
    assert_eq!(completed(&state), (file_bytes(&media), 1));
    {
        let server = state.lock().expect("lock");
        let init = &server.init_bodies[0];
        assert_eq!(
            init["source_info"],
            json!({"source": "FILE_UPLOAD", "video_size": 300_000, "chunk_size": CHUNK, "total_chunk_count": 4})
        );
        assert_eq!(init["post_info"]["title"], "made in the studio #fyp");
        // The creator turned Stitch off in the app: it stays off.
        assert_eq!(
            (init["post_info"]["disable_stitch"].as_bool(), init["post_info"]["disable_comment"].as_bool()),
            (Some(true), Some(false))
        );
        let chunks: Vec<(u64, u16)> = server.puts.iter().map(|p| (p.1, p.2)).collect();
        assert_eq!(chunks, vec![(0, 206), (1, 206), (2, 206), (3, 201)]);
        // Two PROCESSING_UPLOAD answers were polled through.
        assert_eq!(server.status_fetches, 3);
    }
    // The publish_id was saved before any byte went out, and final_sent before the last chunk.
    assert!(rec.checkpoints[0].publish_id.is_some() && rec.checkpoints[0].uploaded_bytes == 0);
    let marked = rec.checkpoints.iter().find(|c| c.final_sent).expect("final marked");
    assert_eq!(marked.uploaded_bytes, 3 * CHUNK);
    assert_eq!(rec.progress.last(), Some(&(300_000, 300_000)));

    let m = tt().metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares), (Some(900), Some(80), Some(7), Some(3)));
    let again = publish(&tt(), &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").uploads.len(), 1);
}

#[test]
fn an_unaudited_app_posts_privately_and_is_refused_public_posts() {
    let (srv, state) = server(Tt { audited: false, ..Default::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut s = tt_session(&srv.url, "tok-1");

    // Asked for public: TikTok's own refusal, with its message, and no post in flight.
    let opts = public();
    let mut st = PublishState::default();
    let err = publish(&tt(), &mut s, &draft(&media, &opts), &mut st, &mut Recorder::default(), &no_reauth)
        .expect_err("refused");
    assert!(
        matches!(err, PublishError::Rejected { ref platform_code, .. }
        if platform_code.as_deref() == Some("unaudited_client_can_only_post_to_private_accounts")),
        "{err}"
    );
    assert!(err.to_string().contains("integration guidelines"), "{err}");
    assert!(st.publish_id.is_none() && !st.final_sent);

    // By default: SELF_ONLY. TikTok gives a private post no video id, so the publish id stands in.
    let opts = serde_json::Map::new();
    let p = publish(
        &tt(),
        &mut s,
        &draft(&media, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("private post");
    assert!(p.post_id.starts_with("v_pub_file~") && p.url.is_none(), "{p:?}");
    assert_eq!(
        state.lock().expect("lock").init_bodies.last().map(|b| b["post_info"]["privacy_level"].clone()),
        Some(json!("SELF_ONLY"))
    );
    let err = tt().metrics(&s, &p.post_id).expect_err("no metrics");
    assert!(matches!(err, PublishError::Unsupported(ref m) if m.contains("private")), "{err}");
    assert_eq!(completed(&state).1, 1);
}

#[test]
fn creator_info_limits_are_checked_before_init() {
    let (srv, state) = server(Tt::default());
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = tt_session(&srv.url, "tok-1");
    // This creator may post 60 s; the platform-wide rules allow 600 s.
    let long = video(dir.path(), "long.mp4", 50_000, 75.0);
    let opts = serde_json::Map::new();
    let err = publish(
        &tt(),
        &mut s,
        &draft(&long, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("too long");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("at most 60 s")), "{err}");
    let clip = video(dir.path(), "clip.mp4", 50_000, 12.0);
    let mut opts = serde_json::Map::new();
    opts.insert("privacy".into(), json!("FOLLOWER_OF_CREATOR"));
    let err = publish(
        &tt(),
        &mut s,
        &draft(&clip, &opts),
        &mut PublishState::default(),
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect_err("not an option");
    assert!(
        matches!(err, PublishError::Invalid(ref m) if m.contains("SELF_ONLY") && m.contains("FOLLOWER_OF_CREATOR")),
        "{err}"
    );
    assert!(state.lock().expect("lock").init_bodies.is_empty());
}

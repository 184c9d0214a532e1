//! Publishing that goes through the pre-signed upload, and what needs a board.

use serde_json::json;
use studio_publish::connector::{Connector, PublishState};
use studio_publish::connectors::pinterest::{Board, Pinterest};
use studio_publish::publish::publish;
use studio_publish::PublishError;

use crate::common::{draft, no_reauth, video, Recorder};
use crate::server::{server, BOARD, LEN};
use crate::{pin_session, with_board};

#[test]
fn publishes_a_video_pin_through_the_presigned_upload_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let mut o = with_board();
    o.insert("link".into(), json!("https://creator.example/clip"));
    o.insert("cover_time_s".into(), json!("3"));
    let d = draft("Hello from the studio", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let account = Pinterest.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), ("549755885175", "creator"));
    let boards = Pinterest::boards(&s).expect("boards");
    assert_eq!(boards.len(), 3, "both pages");
    assert_eq!(boards[0], Board { id: BOARD.into(), name: "Studio clips".into(), privacy: Some("PUBLIC".into()) });

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Pinterest, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url, Some(format!("https://www.pinterest.com/pin/{}/", published.post_id)));
    {
        let server = state.lock().expect("lock");
        assert_eq!((server.registrations, server.s3_posts, server.s3_stored), (1, 1, 1));
        let stored = server.media.values().next().and_then(|m| m.bytes.clone()).expect("stored");
        assert_eq!(stored, std::fs::read(&media.path).expect("read"));
        assert!(server.media_polls >= 3, "polled through processing");
        assert_eq!(server.pins.len(), 1);
        let sent = &server.last_create;
        assert_eq!(sent["title"], "Studio clip");
        assert_eq!(sent["description"], "Hello from the studio");
        assert_eq!(sent["link"], "https://creator.example/clip");
        assert_eq!(sent["media_source"]["cover_image_key_frame_time"], 3);
    }
    let first_media = rec.checkpoints.iter().position(|c| c.media_id.is_some()).expect("media id saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_media < first_final);
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = Pinterest.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.saves, m.likes), (Some(44), Some(7), None));
    assert_eq!(m.raw["all"]["summary_metrics"]["PIN_CLICK"], 9);

    let again = publish(&Pinterest, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").pins.len(), 1);
}

#[test]
fn without_a_board_nothing_is_sent_and_the_error_says_where_to_get_one() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = serde_json::Map::new();
    let d = draft("no board", &media, &o);
    let mut s = pin_session(&srv.url, "tok-1");
    let err = publish(&Pinterest, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("no board");
    assert!(
        matches!(err, PublishError::Invalid(ref m) if m.contains("board_id") && m.contains("GET /v5/boards")),
        "{err}"
    );
    assert_eq!(state.lock().expect("lock").registrations, 0);
}

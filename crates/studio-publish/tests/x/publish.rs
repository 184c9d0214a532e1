//! Publishing that goes through: segments, processing, metrics, the caption limit and threads.

use studio_publish::connector::{Connector, PublishState};
use studio_publish::connectors::x::X;
use studio_publish::publish::publish;
use studio_publish::PublishError;

use crate::common::{no_options, no_reauth, video, Recorder};
use crate::server::{server, AfterCreate, CHUNK, LEN};
use crate::{assembled, attempted_indexes, draft, x_session};

#[test]
fn publishes_a_video_in_segments_after_processing_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let d = draft("Hello from the studio", &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let account = X.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.handle.as_str()), ("2244994945", "@creator"));
    assert_eq!(account.display_name.as_deref(), Some("A Creator"));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&X, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert_eq!(published.url.as_deref(), Some(format!("https://x.com/creator/status/{}", published.post_id).as_str()));
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        // 300,000 bytes in 64 KiB segments: 0..=4, each sent once, in order, and nothing lost.
        assert_eq!(attempted_indexes(&server), vec![0, 1, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.uploads.values().next().map(|u| u.category.as_str()), Some("tweet_video"));
        // Processing was polled until it succeeded (two in_progress answers, then succeeded).
        assert_eq!(server.status_polls, 3);
        assert_eq!(server.tweets.len(), 1);
        let media_id = st.media_id.clone().expect("media id");
        assert_eq!(server.tweets[0]["attachments"]["media_keys"][0], format!("7_{media_id}"));
    }
    // Write-ahead: the media id and each segment were saved before the final call.
    let first_media = rec.checkpoints.iter().position(|c| c.media_id.is_some()).expect("media id saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_media < first_final);
    assert!(rec.checkpoints.iter().any(|c| c.uploaded_bytes == 2 * CHUNK as u64));
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = X.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments, m.shares, m.saves), (Some(480), Some(21), Some(3), Some(5), Some(2)));

    let again = publish(&X, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").tweets.len(), 1);
}

#[test]
fn a_caption_over_280_weighted_characters_is_refused_before_any_upload() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", 5000, 12.0);
    let o = no_options();
    // CJK characters weigh 2: 141 of them are 282.
    let caption = "字".repeat(141);
    let d = draft(&caption, &media, &o);
    let mut s = x_session(&srv.url, "tok-1");
    let err = publish(&X, &mut s, &d, &mut PublishState::default(), &mut Recorder::default(), &no_reauth)
        .expect_err("too long");
    assert!(matches!(err, PublishError::Invalid(ref m) if m.contains("X allows 280")), "{err}");
    assert_eq!(state.lock().expect("lock").inits, 0);
    // Nothing uploaded means nothing could have been posted.
    assert_eq!(X.find_post(&s, &d, &PublishState::default()).expect("answer"), None);
}

#[test]
fn a_thread_is_posted_as_chained_replies_and_an_ambiguous_part_is_found_not_reposted() {
    use studio_publish::publish::{publish_replies, FollowUp};
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let opts = no_options();
    let d = draft("1/3 why this matters", &media, &opts);
    let mut s = x_session(&srv.url, "tok-1");
    let mut st = PublishState::default();
    let root = publish(&X, &mut s, &d, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    // Part 2 is created but the answer is lost (503); the timeline lookup finds it.
    state.lock().expect("lock").after_create = AfterCreate::Status503;
    let parts = vec![
        FollowUp { text: "2/3 the detail".into(), comment: false },
        FollowUp { text: "3/3 the takeaway".into(), comment: false },
        FollowUp { text: "Full video: https://example.com/v".into(), comment: true },
    ];
    let done =
        publish_replies(&X, &mut s, &root, &parts, &opts, "x-key", &mut st, &mut Recorder::default(), &no_reauth)
            .expect("replies");
    let server = state.lock().expect("lock");
    assert_eq!(server.tweets.len(), 4, "every part exactly once");
    let by_text = |t: &str| server.tweets.iter().find(|x| x["text"] == t).cloned().expect("tweet");
    let parent = |t: &str| by_text(t)["referenced_tweets"][0]["id"].as_str().map(str::to_string);
    assert_eq!(parent("2/3 the detail").as_deref(), Some(root.post_id.as_str()));
    assert_eq!(parent("3/3 the takeaway"), by_text("2/3 the detail")["id"].as_str().map(str::to_string));
    assert_eq!(parent("Full video: https://example.com/v").as_deref(), Some(root.post_id.as_str()));
    assert_eq!(done[1].post_id, by_text("3/3 the takeaway")["id"].as_str().unwrap_or_default());
    assert!(done.iter().all(|p| p.url.as_deref().is_some_and(|u| u.contains(&p.post_id))));
}

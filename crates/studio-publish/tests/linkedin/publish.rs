//! Publishing that goes through: parts, escaped commentary, metrics.

use studio_publish::connector::{Connector, PublishState};
use studio_publish::connectors::linkedin::Linkedin;
use studio_publish::publish::publish;

use crate::common::{draft, no_options, no_reauth, video, Recorder};
use crate::server::{rendered, server, LEN, SUB};
use crate::{assembled, attempted, li_session};

#[test]
fn publishes_a_video_in_parts_with_escaped_commentary_and_reads_metrics() {
    let (srv, state) = server();
    let dir = tempfile::tempdir().expect("tmp");
    let media = video(dir.path(), "clip.mp4", LEN, 12.0);
    let o = no_options();
    let caption = "New clip (finally) — 50% off_today! [beta] {v2} <3 a|b ~x~ *bold* @studio C# #launch \\o/\nhttps://example.com/p?utm_source=li_feed";
    let d = draft(caption, &media, &o);
    let mut s = li_session(&srv.url, "tok-1");
    let account = Linkedin.account(&s).expect("account");
    assert_eq!((account.user_id.as_str(), account.display_name.as_deref()), (SUB, Some("A Creator")));

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("published");
    assert!(published.post_id.starts_with("urn:li:share:"));
    assert_eq!(published.url, Some(format!("https://www.linkedin.com/feed/update/{}", published.post_id)));
    {
        let server = state.lock().expect("lock");
        assert_eq!(server.inits, 1);
        // 300,000 bytes in 64 KiB parts: 0..=4, each PUT once, in order, reassembled exactly.
        assert_eq!(attempted(&server), vec![0, 1, 2, 3, 4]);
        assert_eq!(assembled(&server), std::fs::read(&media.path).expect("read"));
        assert_eq!(server.video_polls, 3, "polled through PROCESSING until AVAILABLE");
        assert_eq!(server.posts.len(), 1);
        // LinkedIn shows the whole caption: nothing was cut at a reserved character.
        assert_eq!(server.posts[0]["rendered"], caption);
        assert_eq!(server.posts[0]["content"]["media"]["title"], "Studio clip");
    }
    // ETags were saved part by part, before the final call.
    let etags: Vec<usize> = rec.checkpoints.iter().map(|c| c.parts.len()).collect();
    assert!(etags.windows(2).all(|w| w[0] <= w[1]) && etags.contains(&3));
    assert_eq!(rec.progress.last(), Some(&(LEN as u64, LEN as u64)));

    let m = Linkedin.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.views, m.likes, m.comments), (None, Some(12), Some(4)));

    let again = publish(&Linkedin, &mut s, &d, &mut st, &mut rec, &no_reauth).expect("again");
    assert_eq!(again, published);
    assert_eq!(state.lock().expect("lock").posts.len(), 1);
}

#[test]
fn the_contract_server_cuts_unescaped_commentary_like_linkedin() {
    // Guards the check above: without escaping, LinkedIn keeps only what precedes the '('.
    assert_eq!(rendered("New clip (finally)"), "New clip ");
    assert_eq!(rendered("see https://e.com/a_b (x)"), "see https://e.com/a_b ");
}

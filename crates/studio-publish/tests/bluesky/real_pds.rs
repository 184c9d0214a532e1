//! Sign-in, publishing, crash recovery and replies against the real PDS, read back from it.

use std::process::Command;
use std::sync::Mutex;

use serde_json::json;
use studio_publish::connector::{Connector, Draft, PublishState};
use studio_publish::connectors::bluesky::{self, record_key, Bluesky};
use studio_publish::media::MediaFile;
use studio_publish::publish::publish;
use studio_publish::rules::MediaFacts;
use studio_publish::tokens::TokenSet;
use studio_publish::{ErrorClass, PublishError, Sensitive};

use crate::common::{endpoints, no_reauth, Recorder};
use crate::pds::{account, get_blob, get_record, jti, peer, records, signed_in};
use crate::support::{image_media, session_for, POST};

#[test]
fn real_pds_signs_in_with_an_app_password_and_rotates_the_refresh_token() {
    let a = account("rotate");
    let pds = &peer().pds;
    let e = endpoints(pds);
    let t1 = bluesky::sign_in(&e, &format!("@{}", a.handle), &a.app_password).expect("sign in");
    assert_eq!(t1.user_id.as_deref(), Some(a.did.as_str()));
    assert_eq!(t1.extra["pds"], pds.as_str(), "the PDS comes from the DID document");
    assert_eq!(t1.extra["handle"], a.handle.as_str());
    assert_eq!(t1.scope.as_deref(), Some("com.atproto.appPass"));
    let now = jiff::Timestamp::now().as_second();
    let exp = t1.expires_at.expect("expiry from the JWT");
    assert!((now + 3600..=now + 7300).contains(&exp), "access JWTs live about 2 h: {exp} vs {now}");

    let s = session_for(pds, &t1);
    let me = Bluesky.account(&s).expect("getSession");
    assert_eq!((me.user_id.as_str(), me.handle.as_str()), (a.did.as_str(), format!("@{}", a.handle).as_str()));

    // refreshSession rotates both tokens; the new access token works.
    let rt1 = t1.refresh.clone().expect("refresh token");
    let t2 = bluesky::refresh(&e, &rt1).expect("refresh");
    let rt2 = t2.refresh.clone().expect("rotated refresh token");
    assert_ne!(rt2.expose(), rt1.expose());
    assert_ne!(jti(&rt2), jti(&rt1));
    assert_eq!(t2.user_id, t1.user_id);
    Bluesky.account(&session_for(pds, &t2)).expect("the renewed access token works");

    // The PDS keeps a spent refresh token usable for a 2 h grace period (REFRESH_GRACE_MS in
    // @atproto/pds account-manager.js), and a reuse yields the SAME next token id: it cannot
    // fork the session. So the old token does not fail at once; it can only reach rt2's id.
    let again = bluesky::refresh(&e, &rt1).expect("reuse inside the grace period");
    assert_eq!(jti(again.refresh.as_ref().expect("refresh")), jti(&rt2));

    // Signing out revokes the session: its refresh token is now refused, and the connector
    // asks the creator to reconnect instead of retrying.
    assert!(bluesky::sign_out(&e, &t2).expect("deleteSession"));
    let err = bluesky::refresh(&e, &rt2).expect_err("revoked");
    assert_eq!(err.class(), ErrorClass::Reconnect, "{err}");
    assert!(err.to_string().contains("Token has been revoked"), "{err}");
}

#[test]
fn real_pds_refuses_the_account_password_and_a_wrong_app_password() {
    let a = account("refuse");
    let e = endpoints(&peer().pds);
    let err = bluesky::sign_in(&e, &a.handle, &Sensitive::new(a.password.clone())).expect_err("main password");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("app password")), "{err}");
    let err = bluesky::sign_in(&e, &a.handle, &Sensitive::new("aaaa-bbbb-cccc-dddd".into())).expect_err("wrong");
    assert!(matches!(err, PublishError::Auth(ref m) if m.contains("Invalid identifier or password")), "{err}");
}

#[test]
fn real_pds_publishes_an_image_post_with_facets_and_reads_it_back() {
    let a = account("image");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, png_bytes) = image_media(dir.path(), 24, 16);
    let mut opts = serde_json::Map::new();
    opts.insert("alt_text".into(), json!("A gradient"));
    opts.insert("lang".into(), json!("fr"));
    let caption = "Café ☕ #ViralStudio — https://example.com/a?b=1.";
    let draft = Draft { caption, title: None, media: &media, options: &opts, idempotency_key: "target-image-1" };

    let mut rec = Recorder::default();
    let mut st = PublishState::default();
    let published = publish(&Bluesky, &mut s, &draft, &mut st, &mut rec, &no_reauth).expect("published");
    let rkey = record_key("target-image-1");
    assert_eq!(published.post_id, format!("at://{}/{POST}/{rkey}", a.did));
    assert_eq!(published.url.as_deref(), Some(format!("https://bsky.app/profile/{}/post/{rkey}", a.handle).as_str()));
    let first_blob = rec.checkpoints.iter().position(|c| c.extra.contains_key("blob")).expect("blob saved");
    let first_final = rec.checkpoints.iter().position(|c| c.final_sent).expect("final marked");
    assert!(first_blob < first_final, "the blob reference is saved before the final call");
    assert_eq!(rec.progress.last(), Some(&(png_bytes.len() as u64, png_bytes.len() as u64)));

    let got = get_record(&a.did, &rkey);
    let value = &got["value"];
    assert_eq!(value["text"], caption);
    assert_eq!(value["langs"], json!(["fr"]));
    assert_eq!(value["embed"]["$type"], "app.bsky.embed.images");
    let image = &value["embed"]["images"][0];
    assert_eq!(image["alt"], "A gradient");
    assert_eq!(image["aspectRatio"], json!({"width": 24, "height": 16}));
    let cid = image["image"]["ref"]["$link"].as_str().expect("blob cid");
    assert_eq!(Some(cid), st.media_id.as_deref());
    assert_eq!(image["image"]["mimeType"], "image/png");
    assert_eq!(get_blob(&a.did, cid), png_bytes, "the PDS serves back the same bytes");
    // Facets index UTF-8 bytes: each one covers exactly its text.
    let facets = value["facets"].as_array().expect("facets");
    let text = caption.as_bytes();
    let spans: Vec<&str> = facets
        .iter()
        .map(|f| {
            let (a, b) =
                (f["index"]["byteStart"].as_u64().expect("start"), f["index"]["byteEnd"].as_u64().expect("end"));
            std::str::from_utf8(&text[a as usize..b as usize]).expect("utf8 span")
        })
        .collect();
    assert_eq!(spans, vec!["#ViralStudio", "https://example.com/a?b=1"]);

    // No AppView behind this PDS: metrics prove the post exists and claim no counts.
    let m = Bluesky.metrics(&s, &published.post_id).expect("metrics");
    assert_eq!((m.likes, m.shares, m.comments, m.views), (None, None, None, None));
    assert_eq!(m.raw["appview"], false);

    // The same target again, even from a lost state: the record key is the same, so nothing new.
    let again = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("again");
    assert_eq!(again, published);
    let mut fresh = PublishState::default();
    let again = publish(&Bluesky, &mut s, &draft, &mut fresh, &mut Recorder::default(), &no_reauth).expect("again");
    assert_eq!(again.post_id, published.post_id);
    assert_eq!(records(&a.did).len(), 1, "exactly one post");
}

#[test]
fn real_pds_publishes_a_video_post_when_there_is_no_video_service() {
    let a = account("video");
    let (_, mut s) = signed_in(&a);
    // The same PDS under its IP stands in for a video service: it answers getUploadLimits with
    // 400 "No service configured", as every PDS without one does, and the MP4 goes as a blob.
    let pds_url = url::Url::parse(&peer().pds).expect("url");
    s.endpoints.upload = url::Url::parse(&format!("http://127.0.0.1:{}", pds_url.port().expect("port"))).expect("url");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("clip.mp4");
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x568:rate=30", "-t", "2"])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"])
        .arg(&path)
        .output()
        .expect("the video test needs the ffmpeg CLI");
    assert!(out.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&path).expect("mp4");
    let facts = MediaFacts {
        is_video: true,
        duration_s: Some(2.0),
        width: Some(320),
        height: Some(568),
        fps: Some(30.0),
        codec: Some("h264".into()),
        ..Default::default()
    };
    let media = MediaFile::new(&path, facts).expect("media");
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "A test card", title: None, media: &media, options: &opts, idempotency_key: "target-video-1" };
    let mut st = PublishState::default();
    let published =
        publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");

    let got = get_record(&a.did, &record_key("target-video-1"));
    assert_eq!(got["uri"], published.post_id.as_str());
    assert_eq!(got["value"]["text"], "A test card");
    let embed = &got["value"]["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.video");
    assert_eq!(embed["aspectRatio"], json!({"width": 320, "height": 568}));
    assert_eq!(embed["video"]["mimeType"], "video/mp4");
    assert_eq!(embed["video"]["size"], bytes.len());
    let cid = embed["video"]["ref"]["$link"].as_str().expect("cid");
    assert_eq!(Some(cid), st.media_id.as_deref());
    assert!(!st.extra.contains_key("video_job"), "no video job was started");
    assert_eq!(get_blob(&a.did, cid), bytes);
    assert_eq!(records(&a.did).len(), 1);
}

#[test]
fn real_pds_after_a_crash_once_final_sent_was_saved_posts_exactly_once() {
    let a = account("crash");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 8, 8);
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "crash test", title: None, media: &media, options: &opts, idempotency_key: "target-crash" };

    // Checkpoints: 1 blob, 2 media ready, 3 final_sent — the process dies right there.
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    let mut st = PublishState::default();
    publish(&Bluesky, &mut s, &draft, &mut st, &mut crashing, &no_reauth).expect_err("crashed");
    let saved = crashing.last();
    assert!(saved.final_sent && saved.media_ready && saved.post_id.is_none());
    assert!(records(&a.did).is_empty(), "the crash came before the create");

    // Restart: getRecord proves there is no post, so it posts, once.
    let mut st = saved.clone();
    let first = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("posted");
    assert_eq!(records(&a.did).len(), 1);

    // The same saved state again (as if that create had landed and the answer was lost): the
    // record is found by its key and nothing new is posted.
    let mut st = saved;
    let found = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("found");
    assert_eq!(found.post_id, first.post_id);
    assert_eq!(records(&a.did).len(), 1);
}

#[test]
fn real_pds_a_refused_access_token_is_renewed_through_refresh_session() {
    let a = account("renew");
    let (t, _) = signed_in(&a);
    let pds = &peer().pds;
    // A token the PDS cannot verify: it answers 400 {"error":"InvalidToken"}, not a 401.
    let mut broken = t.clone();
    broken.access = Sensitive::new(format!("{}x", t.access.expose()));
    let mut s = session_for(pds, &broken);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 4, 4);
    let opts = serde_json::Map::new();
    let draft =
        Draft { caption: "renewed", title: None, media: &media, options: &opts, idempotency_key: "target-renew" };
    let rt = t.refresh.clone().expect("refresh");
    let renewed = Mutex::new(None::<TokenSet>);
    let reauth = || -> Result<Sensitive<String>, PublishError> {
        let fresh = bluesky::refresh(&endpoints(pds), &rt)?;
        let access = fresh.access.clone();
        *renewed.lock().expect("lock") = Some(fresh);
        Ok(access)
    };
    publish(&Bluesky, &mut s, &draft, &mut PublishState::default(), &mut Recorder::default(), &reauth)
        .expect("published");
    let fresh = renewed.lock().expect("lock").clone().expect("refreshed once");
    assert_eq!(s.access_token.expose(), fresh.access.expose());
    assert_eq!(records(&a.did).len(), 1);
}

#[test]
fn real_pds_posts_a_thread_and_a_first_comment_as_replies_exactly_once() {
    use studio_publish::publish::{publish_replies, FollowUp};
    let a = account("thread");
    let (_, mut s) = signed_in(&a);
    let dir = tempfile::tempdir().expect("tmp");
    let (media, _) = image_media(dir.path(), 8, 8);
    let opts = serde_json::Map::new();
    let draft = Draft {
        caption: "1/3 a thread 🧵",
        title: None,
        media: &media,
        options: &opts,
        idempotency_key: "target-thread",
    };
    let mut st = PublishState::default();
    let root = publish(&Bluesky, &mut s, &draft, &mut st, &mut Recorder::default(), &no_reauth).expect("published");
    let parts = vec![
        FollowUp { text: "2/3 more on #ViralStudio".into(), comment: false },
        FollowUp { text: "3/3 the end".into(), comment: false },
        FollowUp { text: "Link: https://example.com/x".into(), comment: true },
    ];
    // The process dies right after part 3 is marked sent (checkpoints: part 2 sent, part 2 id,
    // part 3 sent).
    let mut crashing = Recorder { crash_at_checkpoint: Some(3), ..Default::default() };
    publish_replies(&Bluesky, &mut s, &root, &parts, &opts, "target-thread", &mut st, &mut crashing, &no_reauth)
        .expect_err("crashed");
    let mut st = crashing.last();
    assert!(st.replies[1].sent && st.replies[1].post_id.is_none());
    assert_eq!(records(&a.did).len(), 2, "post and part 2");

    let done = publish_replies(
        &Bluesky,
        &mut s,
        &root,
        &parts,
        &opts,
        "target-thread",
        &mut st,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("finished");
    assert_eq!(records(&a.did).len(), 4, "every part exactly once");
    let value = |uri: &str| get_record(&a.did, uri.rsplit('/').next().expect("rkey"))["value"].clone();
    let two = value(&done[0].post_id);
    let three = value(&done[1].post_id);
    let comment = value(&done[2].post_id);
    assert_eq!(two["reply"]["root"]["uri"], root.post_id.as_str());
    assert_eq!(two["reply"]["parent"]["uri"], root.post_id.as_str());
    assert_eq!(three["reply"]["root"]["uri"], root.post_id.as_str());
    assert_eq!(three["reply"]["parent"]["uri"], done[0].post_id.as_str());
    assert_eq!(comment["reply"]["parent"]["uri"], root.post_id.as_str());
    assert!(three["reply"]["parent"]["cid"].as_str().is_some_and(|c| c.starts_with("bafy")));
    assert_eq!(two["facets"][0]["features"][0]["tag"], "ViralStudio");

    // Everything again from a lost state: the record keys are the same, so nothing new.
    let mut fresh = PublishState::default();
    let again = publish_replies(
        &Bluesky,
        &mut s,
        &root,
        &parts,
        &opts,
        "target-thread",
        &mut fresh,
        &mut Recorder::default(),
        &no_reauth,
    )
    .expect("again");
    assert_eq!(again, done);
    assert_eq!(records(&a.did).len(), 4);
}

//! The publisher in-process with a hand-driven clock: what happens after sleep (the wall clock
//! jumps hours ahead of the monotonic one), and repeating posts across a DST change. SQLite on
//! disk, the real keychain, a local server following Mastodon's contract.
mod common;
#[path = "../../studio-publish/tests/common/mastodon_server.rs"]
mod mastodon_server;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use studio_api::accounts::ConnectRequest;
use studio_api::campaigns::CampaignInput;
use studio_api::posts::{PostInput, TargetInput, TargetState};
use studio_api::publisher::{self, Clock, Config};
use studio_api::status::NotificationKind;
use studio_api::Context;
use studio_core::posts::ScheduleChange;
use studio_core::progress::{CancelToken, NoProgress};
use studio_core::StudioPaths;

/// Real time plus an offset the test moves: `jump` is what a suspended laptop sees on wake.
struct ManualClock {
    start: Instant,
    offset_ms: AtomicI64,
}

impl ManualClock {
    fn jump(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        studio_core::clock::now_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
    fn mono_ms(&self) -> i64 {
        self.start.elapsed().as_millis() as i64
    }
}

fn context(dir: &std::path::Path) -> Arc<Context> {
    let paths = StudioPaths::resolve(Some(dir)).expect("paths");
    Arc::new(Context::open(paths, "test").expect("context"))
}

fn draft(ctx: &Context, campaign: &str, account: &str, asset: Option<&str>, caption: &str) -> String {
    let p = studio_api::posts::create(
        ctx,
        PostInput {
            campaign_id: campaign.into(),
            caption: caption.into(),
            title: None,
            media: asset.map(str::to_string),
            targets: vec![TargetInput { account_id: account.into(), media: None, overrides: Default::default() }],
        },
    )
    .expect("create");
    p.id
}

fn schedule_at(ctx: &Context, post: &str, at_ms: i64, tz: &str, recurrence: Option<&str>) {
    let ch = ScheduleChange {
        at_ms,
        timezone: tz,
        recurrence_json: recurrence,
        compliance_override: None,
        expected_version: None,
    };
    studio_core::posts::schedule(&mut ctx.db(), post, &ch, "test").expect("schedule");
}

fn campaign(ctx: &Context) -> String {
    let input = CampaignInput { name: "Launch".into(), timezone: Some("Europe/Berlin".into()), ..Default::default() };
    studio_api::campaigns::create(ctx, input).expect("campaign").id
}

#[test]
fn after_a_sleep_recent_posts_go_out_late_and_old_ones_wait_for_the_creator() {
    let dir = tempfile::tempdir().expect("tmp");
    std::env::set_var("STUDIO_KEYCHAIN_SERVICE", "viral-studio-test-publisher");
    let ctx = context(dir.path());
    let (srv, server) = mastodon_server::server();
    let request = ConnectRequest {
        platform: "mastodon".into(),
        instance: Some(srv.url.clone()),
        access_token: Some("tok-1".into()),
        ..Default::default()
    };
    let account = studio_api::accounts::connect(&ctx, request, &mut |_| Ok(()), &|| false).expect("connect").id;
    let clip = common::video(dir.path(), "clip.mp4", "180x320", 2);
    let report = studio_api::assets::import(&ctx, &[clip], &Default::default(), &NoProgress, &CancelToken::new())
        .expect("import");
    let asset = report.imported[0].id.clone();
    let camp = campaign(&ctx);

    let t0 = studio_core::clock::now_ms();
    let old = draft(&ctx, &camp, &account, Some(&asset), "due ten minutes after the lid closed");
    schedule_at(&ctx, &old, t0 + 10 * 60_000, "Europe/Berlin", None);
    let recent = draft(&ctx, &camp, &account, Some(&asset), "due ten minutes before waking");
    schedule_at(&ctx, &recent, t0 + 170 * 60_000, "Europe/Berlin", None);

    let clock = Arc::new(ManualClock { start: Instant::now(), offset_ms: AtomicI64::new(0) });
    let mut cfg = Config::from_env("test publisher");
    cfg.tick = Duration::from_millis(20);
    cfg.lease_ttl = Duration::from_millis(1000);
    let stop = CancelToken::new();
    let runner = {
        let (ctx, clock, stop) = (ctx.clone(), clock.clone(), stop.clone());
        std::thread::spawn(move || publisher::run(ctx, cfg, clock, stop))
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(server.lock().expect("lock").statuses.is_empty(), "nothing is due yet");

    // The machine sleeps for three hours.
    clock.jump(3 * 3600 * 1000);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = studio_api::posts::get(&ctx, &recent).expect("get");
        let o = studio_api::posts::get(&ctx, &old).expect("get");
        if r.targets[0].state == TargetState::Published && o.targets[0].state == TargetState::NeedsReview {
            let late = r.targets[0].late_by_s.expect("late by");
            assert!((600.0..700.0).contains(&late), "published about ten minutes late, said {late}");
            assert_eq!(o.targets[0].attention.as_deref(), Some("missed"));
            break;
        }
        assert!(Instant::now() < deadline, "catch-up did not happen: {r:?} / {o:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.cancel();
    runner.join().expect("thread").expect("publisher");

    assert_eq!(server.lock().expect("lock").statuses.len(), 1, "only the recent post went out");
    let events = studio_core::notifications::events(&ctx.db(), None, 50).expect("events");
    assert!(events.iter().any(|e| e.kind == "clock_jump"), "{events:?}");
    let caught_up = events.iter().any(|e| {
        e.kind == "catch_up" && e.detail.as_deref().is_some_and(|d| d.contains("1 due") && d.contains("1 older"))
    });
    assert!(caught_up, "{events:?}");
    let notes = studio_api::status::notifications_recent(&ctx, 10).expect("notifications");
    assert!(notes.iter().any(|n| n.kind == NotificationKind::Late && n.post_id.as_deref() == Some(recent.as_str())));
    assert!(notes
        .iter()
        .any(|n| n.kind == NotificationKind::NeedsAttention && n.post_id.as_deref() == Some(old.as_str())));

    // The creator decides: post the missed one now.
    let target = studio_api::posts::get(&ctx, &old).expect("get").targets[0].id.clone();
    studio_api::schedule::retry(&ctx, &target).expect("retry");
    let mut cfg = Config::from_env("test publisher");
    cfg.tick = Duration::from_millis(20);
    cfg.exit_when_idle = true;
    publisher::run(ctx.clone(), cfg, Arc::new(publisher::SystemClock::default()), CancelToken::new()).expect("run");
    assert_eq!(studio_api::posts::get(&ctx, &old).expect("get").targets[0].state, TargetState::Published);
    assert_eq!(server.lock().expect("lock").statuses.len(), 2);
}

#[test]
fn a_weekly_post_keeps_its_wall_clock_time_across_the_dst_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let ctx = context(dir.path());
    let id = common::account(&ctx, "mastodon", Some("https://masto.example"), "1");
    let camp = campaign(&ctx);
    let post = draft(&ctx, &camp, &id, None, "weekly tip");
    // Sunday 2026-03-22 18:00 in Berlin (CET, 17:00Z); summer time starts the next Sunday.
    let ts = |s: &str| s.parse::<jiff::Timestamp>().expect("time").as_millisecond();
    let first = ts("2026-03-22T17:00:00Z");
    let rule = r#"{"freq":"weekly","interval":1,"weekdays":[],"until":null,"count":3}"#;
    schedule_at(&ctx, &post, first, "Europe/Berlin", Some(rule));

    assert_eq!(publisher::spawn_due_occurrences(&ctx, first - 1).expect("spawn"), 0, "not due yet");
    assert_eq!(publisher::spawn_due_occurrences(&ctx, first + 1).expect("spawn"), 1);
    assert_eq!(publisher::spawn_due_occurrences(&ctx, first + 2).expect("spawn"), 0, "never twice");
    let list = studio_api::posts::list(&ctx, Default::default()).expect("list");
    let second = list.iter().find(|p| p.recurrence_of.as_deref() == Some(post.as_str())).expect("second").clone();
    assert_eq!(second.scheduled_local.as_deref(), Some("2026-03-29T18:00:00+02:00"));
    assert_eq!(second.scheduled_at.as_deref(), Some("2026-03-29T16:00:00.000Z"));
    assert_eq!(second.targets.len(), 1);
    assert_eq!(second.targets[0].state, TargetState::Queued);

    assert_eq!(publisher::spawn_due_occurrences(&ctx, ts("2026-03-29T16:00:00Z") + 1).expect("spawn"), 1);
    let list = studio_api::posts::list(&ctx, Default::default()).expect("list");
    assert!(
        list.iter().any(|p| p.scheduled_local.as_deref() == Some("2026-04-05T18:00:00+02:00")),
        "third at 18:00 local"
    );
    assert_eq!(
        publisher::spawn_due_occurrences(&ctx, ts("2026-04-05T16:00:00Z") + 1).expect("spawn"),
        0,
        "count of 3 reached"
    );
}

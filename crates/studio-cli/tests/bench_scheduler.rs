//! `scripts/bench-scheduler`: 1,000 posts due within the same minute across 10 accounts (ten
//! local servers following Mastodon's contract), published by the release `studio daemon`.
//! Prints the delay from each post's due time to its publish, the wall time, and duplicates.
//! Ignored in `make test`: it is a benchmark, run by the script.
mod common;
#[path = "../../studio-publish/tests/common/mastodon_server.rs"]
mod mastodon_server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use studio_api::accounts::ConnectRequest;
use studio_api::posts::{PostInput, TargetInput};
use studio_api::Context;
use studio_core::posts::ScheduleChange;
use studio_core::progress::{CancelToken, NoProgress};

const ACCOUNTS: usize = 10;
const POSTS: usize = 1000;

#[test]
#[ignore = "benchmark: scripts/bench-scheduler"]
fn bench_scheduler_1000_posts_in_one_minute() {
    let dir = tempfile::tempdir().expect("tmp");
    std::env::set_var("STUDIO_KEYCHAIN_SERVICE", "viral-studio-bench-scheduler");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Arc::new(Context::open(paths, "bench").expect("context"));
    let mut servers = Vec::new();
    let mut accounts = Vec::new();
    for _ in 0..ACCOUNTS {
        let (srv, st) = mastodon_server::server();
        st.lock().expect("lock").ignore_idempotency = true;
        let req = ConnectRequest {
            platform: "mastodon".into(),
            instance: Some(srv.url.clone()),
            access_token: Some("tok-1".into()),
            ..Default::default()
        };
        accounts.push(studio_api::accounts::connect(&ctx, req, &mut |_| Ok(()), &|| false).expect("connect").id);
        servers.push((srv, st));
    }
    let clip = common::tiny_video(dir.path(), "clip.mp4", 3);
    let report = studio_api::assets::import(&ctx, &[clip], &Default::default(), &NoProgress, &CancelToken::new())
        .expect("import");
    let asset = report.imported[0].id.clone();
    let input = studio_api::campaigns::CampaignInput {
        name: "Bench".into(),
        timezone: Some("UTC".into()),
        ..Default::default()
    };
    let campaign = studio_api::campaigns::create(&ctx, input).expect("campaign").id;

    // Due times spread over one minute starting 20 s from now (time to create the rows).
    let setup = Instant::now();
    let start = studio_core::clock::now_ms() + 20_000;
    let mut due = Vec::new();
    for i in 0..POSTS {
        let p = studio_api::posts::create(
            &ctx,
            PostInput {
                campaign_id: campaign.clone(),
                caption: format!("bench post {i}"),
                title: None,
                media: Some(asset.clone()),
                targets: vec![TargetInput {
                    account_id: accounts[i % ACCOUNTS].clone(),
                    media: None,
                    overrides: Default::default(),
                }],
            },
        )
        .expect("post");
        let at = start + (i as i64 * 60_000) / POSTS as i64;
        let ch = ScheduleChange {
            at_ms: at,
            timezone: "UTC",
            recurrence_json: None,
            compliance_override: None,
            expected_version: None,
        };
        studio_core::posts::schedule(&mut ctx.db(), &p.id, &ch, "bench").expect("schedule");
        due.push((p.id, at));
    }
    eprintln!("created {POSTS} posts in {:.1} s", setup.elapsed().as_secs_f64());
    assert!(studio_core::clock::now_ms() < start, "setup took longer than the lead time");

    let bin = assert_cmd::cargo::cargo_bin("studio");
    let mut daemon = std::process::Command::new(bin)
        .env_remove("STUDIO_DATA_DIR")
        .env("STUDIO_POLL_MS", "5")
        .env("STUDIO_METRIC_OFFSETS_MS", "3600000")
        .env("STUDIO_TICK_MS", "100")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("daemon")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("daemon");
    let deadline = start + 180_000;
    let db = rusqlite::Connection::open(dir.path().join("data").join("studio.db")).expect("db");
    loop {
        let left: i64 = db
            .query_row("SELECT count(*) FROM post_targets WHERE state <> 'published'", [], |r| r.get(0))
            .expect("count");
        if left == 0 || studio_core::clock::now_ms() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = daemon.kill();
    let _ = daemon.wait();

    let mut delays = Vec::new();
    let mut last_publish = start;
    for (post, at) in &due {
        let published: Option<i64> = db
            .query_row("SELECT published_at FROM post_targets WHERE post_id = ?1", [post], |r| r.get(0))
            .expect("row");
        if let Some(p) = published {
            delays.push((p - at) as f64 / 1000.0);
            last_publish = last_publish.max(p);
        }
    }
    delays.sort_by(f64::total_cmp);
    let pct = |q: f64| delays.get(((delays.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
    let mut copies = std::collections::HashMap::<String, usize>::new();
    for (_, st) in &servers {
        for s in &st.lock().expect("lock").statuses {
            *copies.entry(s["content"].as_str().unwrap_or_default().to_string()).or_default() += 1;
        }
    }
    let duplicates: usize = copies.values().map(|n| n.saturating_sub(1)).sum();
    let published = delays.len();
    let window_s = (last_publish - start) as f64 / 1000.0;
    println!("bench-scheduler: {published}/{POSTS} published across {ACCOUNTS} accounts, duplicates {duplicates}");
    println!("  due window 60.0 s; last publish {window_s:.1} s after the first due time");
    println!("  delay from due time: p50 {:.2} s, p95 {:.2} s, max {:.2} s", pct(0.5), pct(0.95), pct(1.0));
    let ok = published == POSTS && duplicates == 0 && window_s <= 60.0 + 2.0 && pct(0.95) < 2.0;
    println!("  goal (all within the minute, 0 duplicates, p95 < 2 s): {}", if ok { "met" } else { "NOT met" });
}

//! Scheduling renders the platform's variant ahead of time: a 16:9 asset scheduled for TikTok
//! gets its 9:16 render made by the publisher (through the crash-isolated render helper) long
//! before the post is due, and the target then posts that render.
use std::sync::Arc;
use std::time::Duration;

use studio_api::posts::{PostInput, TargetInput};
use studio_api::publisher::{self, Config, SystemClock};
use studio_api::schedule::ScheduleRequest;
use studio_api::Context;
use studio_core::progress::{CancelToken, NoProgress};

#[test]
fn a_wide_asset_scheduled_for_tiktok_is_rendered_vertical_before_its_time() {
    std::env::set_var("STUDIO_HELPER", assert_cmd::cargo::cargo_bin("studio"));
    let dir = tempfile::tempdir().expect("tmp");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Arc::new(Context::open(paths, "test").expect("ctx"));
    let clip = dir.path().join("wide.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=640x360:rate=30",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300",
        ])
        .args(["-t", "4", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-c:a", "aac", "-shortest"])
        .arg(&clip)
        .status()
        .expect("ffmpeg");
    assert!(made.success());
    let report = studio_api::assets::import(&ctx, &[clip], &Default::default(), &NoProgress, &CancelToken::new())
        .expect("import");
    let asset = report.imported[0].id.clone();
    let id = studio_core::accounts::id_for(&ctx.db(), "tiktok", None, "tt-1").expect("id");
    let acct = studio_core::accounts::NewAccount {
        platform: "tiktok",
        instance_url: None,
        platform_user_id: "tt-1",
        handle: "@creator",
        display_name: None,
        auth_mode: "oauth",
        scopes: None,
        token_expires_at: None,
        renewable: true,
    };
    studio_core::accounts::upsert(&mut ctx.db(), "test", &id, &acct).expect("account");
    let campaign = studio_api::campaigns::create(
        &ctx,
        studio_api::campaigns::CampaignInput {
            name: "Vertical".into(),
            timezone: Some("UTC".into()),
            ..Default::default()
        },
    )
    .expect("campaign")
    .id;
    let post = studio_api::posts::create(
        &ctx,
        PostInput {
            campaign_id: campaign,
            caption: "now in 9:16".into(),
            title: None,
            media: Some(asset.clone()),
            targets: vec![TargetInput { account_id: id, media: None, overrides: Default::default() }],
        },
    )
    .expect("post");
    let due = studio_core::clock::rfc3339(studio_core::clock::now_ms() + 3600 * 1000);
    let scheduled = studio_api::schedule::schedule(
        &ctx,
        ScheduleRequest { post_id: post.id.clone(), at: Some(due), ..Default::default() },
    )
    .expect("schedule");
    assert_eq!(scheduled.targets[0].media.as_deref(), Some(asset.as_str()), "the original until the render exists");

    // The publisher runs the render job now; the publish itself is an hour away.
    let mut cfg = Config::from_env("test");
    cfg.tick = Duration::from_millis(20);
    cfg.exit_when_idle = true;
    publisher::run(ctx.clone(), cfg, Arc::new(SystemClock::default()), CancelToken::new()).expect("run");

    let after = studio_api::posts::get(&ctx, &post.id).expect("get");
    let t = &after.targets[0];
    assert_eq!(t.state, studio_api::posts::TargetState::Queued, "still waiting for its time");
    let render_id = t.media.clone().expect("media");
    assert_ne!(render_id, asset, "the target now posts the render: {:?}", t.events);
    let render = studio_api::renders::get(&ctx, &render_id).expect("render");
    assert_eq!((render.width, render.height), (Some(1080), Some(1920)));
    assert!(render.output_exists);
    assert!(
        t.events.iter().any(|e| e.detail.as_deref().is_some_and(|d| d.contains("tiktok version rendered"))),
        "{:?}",
        t.events
    );
    // Valid for TikTok as it stands now.
    let check = studio_api::validate::validate(&ctx, &studio_api::schedule::input_for(&ctx, &post.id).expect("input"))
        .expect("validate");
    assert!(check.valid, "{:?}", check.targets[0].problems);
    assert_eq!(check.targets[0].media.as_ref().and_then(|m| m.render_preset.clone()), None, "nothing left to render");
}

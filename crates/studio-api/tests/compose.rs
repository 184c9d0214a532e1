//! Composing and scheduling: live validation per platform, the compliance checks that block
//! scheduling until fixed or overridden (and the audit record of an override), time rules, queue
//! slots, and target actions. SQLite on disk; no platform is contacted.
mod common;

use std::sync::Arc;

use studio_api::campaigns::CampaignInput;
use studio_api::posts::{PostInput, TargetInput, TargetOverrides, TargetState};
use studio_api::schedule::{ScheduleRequest, SlotTime, SlotsInput};
use studio_api::validate::{ComplianceCode, ComplianceSettings};
use studio_api::{Context, ErrorCode};
use studio_core::progress::{CancelToken, NoProgress};

struct Fixture {
    _dir: tempfile::TempDir,
    ctx: Arc<Context>,
    bluesky: String,
    tiktok: String,
    asset: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tmp");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Arc::new(Context::open(paths, "test").expect("ctx"));
    let clip = common::video(dir.path(), "wide clip.mp4", "320x180", 4);
    let report = studio_api::assets::import(&ctx, &[clip], &Default::default(), &NoProgress, &CancelToken::new())
        .expect("import");
    let asset = report.imported[0].id.clone();
    let bluesky = common::account(&ctx, "bluesky", None, "did:plc:one");
    let tiktok = common::account(&ctx, "tiktok", None, "tt-1");
    Fixture { _dir: dir, ctx, bluesky, tiktok, asset }
}

fn campaign(ctx: &Context, sponsored: bool) -> String {
    let input = CampaignInput {
        name: "Spring".into(),
        timezone: Some("America/New_York".into()),
        sponsored,
        ..Default::default()
    };
    studio_api::campaigns::create(ctx, input).expect("campaign").id
}

fn input(campaign: &str, caption: &str, accounts: &[&str], media: Option<&str>) -> PostInput {
    PostInput {
        campaign_id: campaign.into(),
        caption: caption.into(),
        title: None,
        media: media.map(str::to_string),
        targets: accounts
            .iter()
            .map(|a| TargetInput { account_id: (*a).into(), media: None, overrides: TargetOverrides::default() })
            .collect(),
    }
}

fn at_in(minutes: i64) -> String {
    studio_core::clock::rfc3339(studio_core::clock::now_ms() + minutes * 60_000)
}

#[test]
fn per_platform_preview_counts_in_each_platforms_unit_and_shows_the_cut() {
    let f = fixture();
    let c = campaign(&f.ctx, false);
    // 290 letters + 12 skin-toned emoji: 302 graphemes for Bluesky (limit 300), far under TikTok's 2,200.
    let caption = format!("{}{}", "a".repeat(290), "👍🏽".repeat(12));
    let mut i = input(&c, &caption, &[&f.bluesky, &f.tiktok], Some(&f.asset));
    i.targets[1].overrides.hashtags = vec!["launch".into(), "#tips".into()];
    let v = studio_api::validate::validate(&f.ctx, &i).expect("validate");
    let bsky = &v.targets[0];
    assert_eq!((bsky.caption.count, bsky.caption.limit), (302, 300));
    assert_eq!(bsky.caption.fits_chars, Some(290 + 2 * 10), "ten emoji (two chars each) still fit");
    assert!(
        bsky.problems.iter().any(|p| p.field == "caption" && p.message.contains("Bluesky allows 300")),
        "{:?}",
        bsky.problems
    );
    let tt = &v.targets[1];
    assert!(tt.caption.text.ends_with(" #launch #tips"), "{}", tt.caption.text);
    assert_eq!(tt.caption.fits_chars, None);
    let media = tt.media.as_ref().expect("media preview");
    assert_eq!(media.aspect.as_deref(), Some("16:9"));
    assert_eq!(
        media.render_preset.as_deref(),
        Some("tiktok"),
        "a 16:9 asset gets its 9:16 version rendered for TikTok"
    );
    assert!(!v.valid && !v.can_schedule);

    // Saved as a draft anyway (a draft may be over a limit); scheduling refuses with the reason.
    let p = studio_api::posts::create(&f.ctx, i).expect("draft");
    let e = studio_api::schedule::schedule(
        &f.ctx,
        ScheduleRequest { post_id: p.id.clone(), at: Some(at_in(30)), ..Default::default() },
    )
    .expect_err("over the limit");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("Bluesky"), "{}", e.message);
    assert_eq!(
        studio_api::posts::get(&f.ctx, &p.id).expect("get").state,
        studio_api::posts::PostState::Draft,
        "nothing changed"
    );
}

#[test]
fn sponsored_posts_need_a_disclosure_or_an_override_that_is_audited() {
    let f = fixture();
    let c = campaign(&f.ctx, true);
    studio_api::validate::compliance_set(
        &f.ctx,
        ComplianceSettings { banned_terms: vec!["guaranteed".into(), " ".into()], max_links: 1 },
    )
    .expect("settings");
    let i = input(&c, "Guaranteed results! https://a.example https://b.example", &[&f.bluesky], Some(&f.asset));
    let v = studio_api::validate::validate(&f.ctx, &i).expect("validate");
    let codes: Vec<ComplianceCode> = v.compliance.iter().map(|c| c.code).collect();
    assert!(codes.contains(&ComplianceCode::DisclosureMissing), "{codes:?}");
    assert!(codes.contains(&ComplianceCode::BannedTerm), "{codes:?}");
    assert!(codes.contains(&ComplianceCode::TooManyLinks), "{codes:?}");
    assert!(v.valid && !v.can_schedule);

    let p = studio_api::posts::create(&f.ctx, i).expect("draft");
    let req = ScheduleRequest { post_id: p.id.clone(), at: Some(at_in(60)), ..Default::default() };
    let e = studio_api::schedule::schedule(&f.ctx, req.clone()).expect_err("blocked");
    assert_eq!(e.code, ErrorCode::ComplianceFailed);
    let blank = ScheduleRequest { override_reason: Some("   ".into()), ..req.clone() };
    assert_eq!(
        studio_api::schedule::schedule(&f.ctx, blank).expect_err("blank reason").code,
        ErrorCode::ComplianceFailed
    );

    let with = ScheduleRequest { override_reason: Some("legal approved the wording on 2026-11-20".into()), ..req };
    let scheduled = studio_api::schedule::schedule(&f.ctx, with).expect("override");
    assert_eq!(scheduled.state, studio_api::posts::PostState::Scheduled);
    assert_eq!(scheduled.compliance_override.as_deref(), Some("legal approved the wording on 2026-11-20"));
    assert_eq!(scheduled.timezone.as_deref(), Some("America/New_York"), "the campaign's zone by default");
    let audited: i64 = f
        .ctx
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'post.compliance_override' AND entity_id = ?1
                   AND json_extract(detail_json, '$.reason') LIKE 'legal approved%'",
                [&p.id],
                |r| r.get(0),
            )?)
        })
        .expect("audit");
    assert_eq!(audited, 1);

    // Fixing it instead: a disclosure tag, no banned term, one link.
    let fixed = input(&c, "Results we saw #ad https://a.example", &[&f.bluesky], Some(&f.asset));
    assert!(studio_api::validate::validate(&f.ctx, &fixed).expect("validate").can_schedule);
}

#[test]
fn times_slots_and_target_actions() {
    let f = fixture();
    let c = campaign(&f.ctx, false);
    let p = studio_api::posts::create(
        &f.ctx,
        input(&c, "hello 👋 <script>alert(1)</script>", &[&f.bluesky], Some(&f.asset)),
    )
    .expect("draft");

    let past = ScheduleRequest { post_id: p.id.clone(), at: Some(at_in(-10)), ..Default::default() };
    assert_eq!(studio_api::schedule::schedule(&f.ctx, past).expect_err("past").code, ErrorCode::InvalidTime);
    let garbage = ScheduleRequest { post_id: p.id.clone(), at: Some("next tuesday".into()), ..Default::default() };
    assert_eq!(studio_api::schedule::schedule(&f.ctx, garbage).expect_err("garbage").code, ErrorCode::InvalidTime);
    let no_slots = ScheduleRequest { post_id: p.id.clone(), next_slot: true, ..Default::default() };
    assert_eq!(
        studio_api::schedule::schedule(&f.ctx, no_slots.clone()).expect_err("no slots").code,
        ErrorCode::InvalidTime
    );

    let bad_slot = SlotsInput {
        account_id: f.bluesky.clone(),
        timezone: "Europe/Berlin".into(),
        slots: vec![SlotTime { weekday: 1, time: "25:00".into() }],
    };
    assert_eq!(studio_api::schedule::slots_set(&f.ctx, bad_slot).expect_err("bad time").code, ErrorCode::InvalidTime);
    let slots = SlotsInput {
        account_id: f.bluesky.clone(),
        timezone: "Europe/Berlin".into(),
        slots: (1..=7).map(|d| SlotTime { weekday: d, time: "18:00".into() }).collect(),
    };
    assert_eq!(studio_api::schedule::slots_set(&f.ctx, slots).expect("slots").len(), 7);
    let first = studio_api::schedule::schedule(&f.ctx, no_slots).expect("next slot");
    let ms = |s: &Option<String>| {
        s.as_deref().and_then(|t| t.parse::<jiff::Timestamp>().ok()).map(|t| t.as_millisecond()).expect("time")
    };
    let berlin = studio_core::when::in_zone(ms(&first.scheduled_at), "Europe/Berlin").expect("zone");
    assert!(berlin.contains("T18:00:00"), "the slot is 18:00 in the slot's zone: {berlin}");

    // A second post takes the following free slot, a day later.
    let q = studio_api::posts::create(&f.ctx, input(&c, "second", &[&f.bluesky], Some(&f.asset))).expect("draft");
    let second = studio_api::schedule::schedule(
        &f.ctx,
        ScheduleRequest { post_id: q.id.clone(), next_slot: true, ..Default::default() },
    )
    .expect("slot");
    assert_eq!(ms(&second.scheduled_at) - ms(&first.scheduled_at), 24 * 3600 * 1000);

    let queue = studio_api::schedule::queue(&f.ctx, 10).expect("queue");
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0].post_id, p.id, "soonest first");

    // Cancel one target; a published one cannot be cancelled; marking as posted needs a real link.
    let t = &first.targets[0].id;
    let bad = studio_api::schedule::mark_posted(&f.ctx, t, Some("javascript:alert(1)".into())).expect_err("link");
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    let posted = studio_api::schedule::mark_posted(&f.ctx, t, Some("https://bsky.app/profile/me/post/1".into()))
        .expect("posted");
    assert_eq!(posted.targets[0].state, TargetState::Published);
    assert_eq!(posted.state, studio_api::posts::PostState::Done);
    assert_eq!(studio_api::schedule::cancel(&f.ctx, t).expect_err("published").code, ErrorCode::Conflict);
    let cancelled = studio_api::schedule::cancel(&f.ctx, &second.targets[0].id).expect("cancel");
    assert_eq!(cancelled.targets[0].state, TargetState::Cancelled);
    assert!(studio_api::schedule::queue(&f.ctx, 10).expect("queue").is_empty());

    // Unschedule a fresh one: back to draft with its job cancelled.
    let r = studio_api::posts::create(&f.ctx, input(&c, "third", &[&f.bluesky], Some(&f.asset))).expect("draft");
    studio_api::schedule::schedule(
        &f.ctx,
        ScheduleRequest { post_id: r.id.clone(), at: Some(at_in(90)), ..Default::default() },
    )
    .expect("schedule");
    let back = studio_api::schedule::unschedule(&f.ctx, &r.id).expect("unschedule");
    assert_eq!(back.state, studio_api::posts::PostState::Draft);
    assert_eq!(back.targets[0].state, TargetState::Draft);
    let (queued, ..) = studio_core::jobs::depth(&f.ctx.db(), studio_core::clock::now_ms()).expect("depth");
    assert_eq!(queued, 0);
}

#[test]
fn bad_composer_input_is_refused_and_changes_nothing() {
    let f = fixture();
    let c = campaign(&f.ctx, false);
    let none = input(&c, "no accounts", &[], Some(&f.asset));
    assert_eq!(studio_api::posts::create(&f.ctx, none).expect_err("no targets").code, ErrorCode::InvalidInput);
    let twice = input(&c, "twice", &[&f.bluesky, &f.bluesky], Some(&f.asset));
    assert_eq!(studio_api::posts::create(&f.ctx, twice).expect_err("twice").code, ErrorCode::InvalidInput);
    let missing = input(&c, "file path", &[&f.bluesky], Some("/etc/passwd"));
    assert_eq!(studio_api::posts::create(&f.ctx, missing).expect_err("not in library").code, ErrorCode::NotFound);
    let huge = input(&c, &"x".repeat(100_001), &[&f.bluesky], Some(&f.asset));
    assert_eq!(studio_api::posts::create(&f.ctx, huge).expect_err("huge").code, ErrorCode::InvalidInput);
    let unknown = input(&c, "who", &["0190f0f0-0000-7000-8000-000000000000"], Some(&f.asset));
    assert_eq!(studio_api::posts::create(&f.ctx, unknown).expect_err("account").code, ErrorCode::NotFound);
    assert!(studio_api::posts::list(&f.ctx, studio_api::posts::PostQuery { drafts: true, ..Default::default() })
        .expect("list")
        .is_empty());
    // No media: a draft is fine, scheduling says what is missing.
    let bare = studio_api::posts::create(&f.ctx, input(&c, "", &[&f.tiktok], None)).expect("draft");
    let e =
        studio_api::schedule::schedule(&f.ctx, ScheduleRequest { post_id: bare.id, now: true, ..Default::default() })
            .expect_err("no media");
    assert!(e.message.contains("needs a video"), "{}", e.message);
}

#[test]
fn thread_parts_and_first_comments_are_checked_where_the_platform_takes_replies_and_refused_where_not() {
    let f = fixture();
    let c = campaign(&f.ctx, false);
    let mut i = input(&c, "1/3 the hook", &[&f.bluesky, &f.tiktok], Some(&f.asset));
    i.targets[0].overrides.thread_parts = vec!["2/3 fine".into(), "   ".into(), "x".repeat(301)];
    i.targets[0].overrides.first_comment = Some("link: https://example.com".into());
    i.targets[1].overrides.first_comment = Some("link in bio".into());
    let v = studio_api::validate::validate(&f.ctx, &i).expect("validate");
    let bsky: Vec<(&str, &str)> =
        v.targets[0].problems.iter().map(|p| (p.field.as_str(), p.message.as_str())).collect();
    // The blank part is skipped, so the long one is part 3 (the post itself is part 1).
    assert_eq!(bsky, vec![("thread_parts", "part 3 is 301 characters, Bluesky allows 300")]);
    let tt: Vec<(&str, &str)> = v.targets[1].problems.iter().map(|p| (p.field.as_str(), p.message.as_str())).collect();
    assert_eq!(
        tt,
        vec![(
            "first_comment",
            "TikTok does not take first comments through its API; remove it or add it by hand after publishing"
        )]
    );
    let follow = studio_api::posts::follow_ups(&i.targets[0].overrides);
    assert_eq!(
        follow.iter().map(|x| (x.text.len(), x.comment)).collect::<Vec<_>>(),
        vec![(8, false), (301, false), (25, true)],
        "thread parts in order, then the comment"
    );
}

//! The score learning from published posts and their metric snapshots, in a real database: a
//! planted relationship is recovered and used, noise is refused (the prior keeps scoring), and
//! the best times follow where the account's engagement is.
mod common;

use std::sync::Arc;

use rusqlite::params;
use studio_api::campaigns::CampaignInput;
use studio_api::learning;
use studio_api::Context;
use studio_core::progress::{CancelToken, NoProgress};
use studio_score::{FactorId, Platform, ScoreInput, Scorer};

struct World {
    _dir: tempfile::TempDir,
    ctx: Arc<Context>,
    campaign: String,
    account: String,
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Arc::new(Context::open(paths, "test").expect("ctx"));
    let input = CampaignInput { name: "History".into(), timezone: Some("Europe/Berlin".into()), ..Default::default() };
    let campaign = studio_api::campaigns::create(&ctx, input).expect("campaign").id;
    let account = common::account(&ctx, "tiktok", None, "tt-learn");
    World { _dir: dir, ctx, campaign, account }
}

/// A deterministic stream in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

const DAY_MS: i64 = 86_400_000;
const START_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// A published post with one metric snapshot, as the publisher leaves it.
fn published(w: &World, i: usize, caption: &str, at_ms: i64, views: i64, engagements: i64) {
    let post = format!("post-{i}");
    let target = format!("target-{i}");
    w.ctx
        .db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO posts (id, campaign_id, caption, state, scheduled_at, timezone, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'done', ?4, 'Europe/Berlin', ?4, ?4)",
                params![post, w.campaign, caption, at_ms],
            )?;
            tx.execute(
                "INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, platform_post_id, published_at,
                                           created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'published', ?1, ?1, ?4, ?4, ?4)",
                params![target, post, w.account, at_ms],
            )?;
            tx.execute(
                "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves,
                                               created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, ?3, ?3)",
                params![format!("snap-{i}"), target, at_ms + DAY_MS, views, engagements],
            )?;
            Ok(())
        })
        .expect("insert");
}

/// Captions from one word to well past TikTok's sweet spot, so the caption-length factor spans
/// its range while the other text factors stay alike.
fn caption(r: &mut Lcg) -> String {
    let words = 1 + (r.next() * 300.0) as usize;
    vec!["steady"; words].join(" ")
}

fn length_subscore(caption: &str, at_ms: i64) -> f64 {
    let at = jiff::Timestamp::from_millisecond(at_ms).expect("ts").to_zoned(jiff::tz::TimeZone::UTC);
    let report = Scorer::prior(Platform::Tiktok).expect("prior").score(&ScoreInput {
        media: None,
        caption: Some(caption.to_string()),
        title: None,
        planned_at: Some(at),
    });
    report.factor(FactorId::CaptionLength).and_then(|f| f.subscore).expect("caption length is known")
}

#[test]
fn a_planted_relationship_is_learned_and_scores_the_accounts_posts() {
    let w = world();
    let mut r = Lcg(7);
    for i in 0..60 {
        let at = START_MS + i as i64 * DAY_MS + (r.next() * 23.0) as i64 * 3_600_000;
        let text = caption(&mut r);
        // Engagement rate follows the caption-length sub-score and nothing else.
        let rate = 0.01 * (3.0 * length_subscore(&text, at) + 0.05 * r.next()).exp();
        let views = 10_000;
        published(&w, i, &text, at, views, (rate * views as f64) as i64);
    }
    let m = learning::model(&w.ctx, &w.account, Some("Europe/Berlin")).expect("model");
    assert_eq!(m.n_posts, 60, "every published post got its score recorded: {m:?}");
    assert_eq!(m.kind, "learned", "{}", m.decision);
    let learned = m.learned_heldout_spearman.expect("evaluated");
    assert!(learned > 0.8, "held-out Spearman {learned}");
    assert!(learned >= m.prior_heldout_spearman.unwrap_or(-1.0) + 0.05, "{m:?}");
    assert_eq!(m.heldout_spearman, Some(learned), "the reported model is the one in use");
    let length = m.weights.iter().find(|x| x.id == "caption_length").expect("caption_length");
    assert!(length.coefficient.is_some_and(|c| c > 0.0), "{length:?}");
    let stored: i64 = w
        .ctx
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM scores WHERE post_target_id IS NOT NULL", [], |r| r.get(0))?))
        .expect("count");
    assert_eq!(stored, 60);
    // A second fit records nothing new.
    assert_eq!(learning::record_scores(&w.ctx, &w.account).expect("again"), 0);

    // Scoring for this account now says which model scored.
    let dir = tempfile::tempdir().expect("tmp");
    let clip = common::video(dir.path(), "clip.mp4", "180x320", 2);
    let imported = studio_api::assets::import(&w.ctx, &[clip], &Default::default(), &NoProgress, &CancelToken::new())
        .expect("import");
    let req = studio_api::score::AssetScoreRequest {
        asset_id: imported.imported[0].id.clone(),
        platform: "tiktok".into(),
        caption: Some("steady steady".into()),
        account_id: Some(w.account.clone()),
        ..Default::default()
    };
    let v = studio_api::score::score_asset(&w.ctx, &req, &NoProgress, &CancelToken::new()).expect("score");
    assert_eq!(v.model, "learned");
    assert_eq!(v.heldout_spearman, Some(learned));
    let prior = studio_api::score::score_asset(
        &w.ctx,
        &studio_api::score::AssetScoreRequest { account_id: None, ..req },
        &NoProgress,
        &CancelToken::new(),
    )
    .expect("prior score");
    assert_eq!(prior.model, "prior");
}

#[test]
fn noise_does_not_replace_the_prior_and_too_few_posts_say_so() {
    let w = world();
    let mut r = Lcg(99);
    for i in 0..5 {
        let at = START_MS + i as i64 * DAY_MS;
        published(&w, i, &caption(&mut r), at, 1000, 50);
    }
    let few = learning::model(&w.ctx, &w.account, Some("UTC")).expect("model");
    assert_eq!(few.kind, "prior");
    assert_eq!(few.n_posts, 5);
    assert!(few.decision.contains("20") || few.decision.to_lowercase().contains("posts"), "{}", few.decision);

    for i in 5..80 {
        let at = START_MS + i as i64 * DAY_MS + (r.next() * 23.0) as i64 * 3_600_000;
        let text = caption(&mut r);
        let views = 5_000;
        published(&w, i, &text, at, views, (r.next() * 400.0) as i64);
    }
    let m = learning::model(&w.ctx, &w.account, Some("UTC")).expect("model");
    assert_eq!(m.n_posts, 80);
    assert_eq!(m.kind, "prior", "noise must not replace the prior: {}", m.decision);
    assert!(m.learned_heldout_spearman.is_some(), "it was tried and judged: {m:?}");
    assert!(m.weights.iter().all(|x| x.learned.is_none()));
}

#[test]
fn best_times_follow_the_accounts_own_engagement_in_its_zone() {
    let w = world();
    // Tuesdays 18:00 Berlin time do four times better than any other slot.
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").expect("zone");
    let first_tuesday = jiff::civil::date(2026, 1, 6); // a Tuesday
    let mut i = 0;
    for week in 0..30i64 {
        for (day_offset, hour, rate) in [(0i64, 18i8, 0.2), (1, 9, 0.05), (3, 12, 0.05), (5, 20, 0.05)] {
            let date = first_tuesday.checked_add(jiff::Span::new().days(week * 7 + day_offset)).expect("date");
            let at = date.at(hour, 0, 0, 0).to_zoned(berlin.clone()).expect("zoned").timestamp().as_millisecond();
            published(&w, i, "steady", at, 1_000, (rate * 1000.0) as i64);
            i += 1;
        }
    }
    let views = learning::best_times(&w.ctx, std::slice::from_ref(&w.account), Some("Europe/Berlin")).expect("best");
    let b = &views[0];
    assert_eq!(b.n_posts, 120);
    assert!(b.data_share > 0.0);
    let top = &b.top[0];
    assert_eq!((top.day.as_str(), top.hour), ("Tue", 18), "{b:?}");
    assert_eq!(top.posts, 30);
    let next: jiff::Timestamp = top.next_at.parse().expect("rfc3339");
    let local = next.to_zoned(berlin);
    assert_eq!((local.weekday(), local.hour(), local.minute()), (jiff::civil::Weekday::Tuesday, 18, 0));
    assert!(next > jiff::Timestamp::now());
    assert_eq!(b.heat.len(), 7);
    assert!(b.heat.iter().all(|d| d.len() == 24));

    // An unknown zone is a typed error, not a panic.
    let err = learning::best_times(&w.ctx, std::slice::from_ref(&w.account), Some("Mars/Olympus")).expect_err("zone");
    assert_eq!(err.code.as_str(), "invalid_input");
}

#[test]
fn an_account_without_history_is_scored_by_the_prior() {
    let w = world();
    let m = learning::model(&w.ctx, &w.account, None).expect("model");
    assert_eq!((m.kind.as_str(), m.n_posts), ("prior", 0));
    assert_eq!(m.best_times.n_posts, 0);
    assert_eq!(m.best_times.data_share, 0.0);
    assert!(!m.best_times.top.is_empty(), "the platform prior still suggests times");
    let err = learning::model(&w.ctx, "no-such-account", None).expect_err("unknown");
    assert_eq!(err.code.as_str(), "not_found");
}

//! Rows for analytics tests, written straight into a real database on disk: published targets
//! and metric histories as the publisher would leave them, without contacting a platform.
#![allow(dead_code)] // not every test binary uses every helper

use rusqlite::params;
use studio_api::campaigns::CampaignInput;
use studio_api::Context;
use studio_core::ids::new_id;

pub fn context() -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Context::open(paths, "test").expect("context");
    (dir, ctx)
}

pub fn campaign(ctx: &Context, name: &str, tz: &str) -> String {
    let input = CampaignInput { name: name.into(), timezone: Some(tz.into()), ..Default::default() };
    studio_api::campaigns::create(ctx, input).expect("campaign").id
}

pub fn account(ctx: &Context, platform: &str, handle: &str) -> String {
    let id = new_id();
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES (?1, ?2, ?3, 0, 0)",
                params![id, platform, handle],
            )?;
            Ok(())
        })
        .expect("account");
    id
}

pub fn post(ctx: &Context, campaign: &str, caption: &str) -> String {
    let id = new_id();
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO posts (id, campaign_id, caption, state, created_at, updated_at) VALUES (?1, ?2, ?3, 'done', 0, 0)",
                params![id, campaign, caption],
            )?;
            Ok(())
        })
        .expect("post");
    id
}

/// A target of `post` on `account`: published at `published_at` (UTC ms), or a draft.
pub fn target(ctx: &Context, post: &str, account: &str, published_at: Option<i64>) -> String {
    let id = new_id();
    let state = if published_at.is_some() { "published" } else { "draft" };
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?1, ?5, 0, 0)",
                params![id, post, account, state, published_at],
            )?;
            Ok(())
        })
        .expect("target");
    id
}

/// Counts: views, likes, comments, shares, saves.
pub fn snapshot(ctx: &Context, target: &str, at: i64, c: [i64; 5]) {
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves,
                                               created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?3, ?3)",
                params![new_id(), target, at, c[0], c[1], c[2], c[3], c[4]],
            )?;
            Ok(())
        })
        .expect("snapshot");
}

/// UTC ms of an RFC 3339 instant.
pub fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().expect("instant").as_millisecond()
}

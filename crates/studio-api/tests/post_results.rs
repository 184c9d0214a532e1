//! One post's results over time, per target, from real snapshots in a real database.
mod seed;

use studio_api::post_results;
use studio_api::ErrorCode;

use seed::{account, campaign, context, ms, post, snapshot, target};

#[test]
fn each_target_gets_its_snapshots_oldest_first() {
    let (_dir, ctx) = context();
    let c = campaign(&ctx, "Growth", "UTC");
    let (tt, yt) = (account(&ctx, "tiktok", "@tt"), account(&ctx, "youtube", "@yt"));
    let at = ms("2026-05-04T10:00:00Z");
    let p = post(&ctx, &c, "Three edits");
    let on_tt = target(&ctx, &p, &tt, Some(at));
    let on_yt = target(&ctx, &p, &yt, Some(at + 60_000));
    // Written out of order: the reads come back in time order.
    snapshot(&ctx, &on_tt, at + 86_400_000, [900, 80, 9, 4, 2]);
    snapshot(&ctx, &on_tt, at + 3_600_000, [100, 10, 1, 0, 0]);
    snapshot(&ctx, &on_yt, at + 7_200_000, [40, 2, 0, 0, 0]);
    // Another post's numbers never leak in.
    let other = post(&ctx, &c, "Other");
    let t = target(&ctx, &other, &tt, Some(at));
    snapshot(&ctx, &t, at + 3_600_000, [5, 0, 0, 0, 0]);

    let r = post_results::get(&ctx, &p).expect("results");
    assert_eq!(r.post_id, p);
    let names: Vec<(&str, &str)> = r.targets.iter().map(|t| (t.platform.as_str(), t.handle.as_str())).collect();
    assert_eq!(names, [("tiktok", "@tt"), ("youtube", "@yt")]);
    let tiktok = &r.targets[0];
    assert_eq!(tiktok.target_id, on_tt);
    assert_eq!(tiktok.published_at.as_deref(), Some("2026-05-04T10:00:00.000Z"));
    let views: Vec<Option<f64>> = tiktok.points.iter().map(|x| x.views).collect();
    assert_eq!(views, [Some(100.0), Some(900.0)]);
    assert_eq!(tiktok.points[0].at, "2026-05-04T11:00:00.000Z");
    assert_eq!(tiktok.points[1].likes, Some(80.0));
    assert_eq!(r.targets[1].points.len(), 1);
}

#[test]
fn drafts_have_no_results_and_unknown_posts_are_not_found() {
    let (_dir, ctx) = context();
    let c = campaign(&ctx, "Drafts", "UTC");
    let acct = account(&ctx, "tiktok", "@tt");
    let p = post(&ctx, &c, "Not out yet");
    target(&ctx, &p, &acct, None);
    assert!(post_results::get(&ctx, &p).expect("results").targets.is_empty());
    let e = post_results::get(&ctx, "no-such-post").expect_err("unknown");
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[test]
fn an_account_without_a_handle_still_has_results_under_its_display_name() {
    let (_dir, ctx) = context();
    let c = campaign(&ctx, "Nameless", "UTC");
    let acct = account(&ctx, "bluesky", "@gone");
    // Some platforms give no handle; the account row keeps only a display name.
    ctx.db()
        .write(|tx| {
            tx.execute("UPDATE accounts SET handle = NULL, display_name = 'Studio Alex' WHERE id = ?1", [&acct])?;
            Ok(())
        })
        .expect("no handle");
    let at = ms("2026-05-04T10:00:00Z");
    let p = post(&ctx, &c, "Still counted");
    let t = target(&ctx, &p, &acct, Some(at));
    snapshot(&ctx, &t, at + 3_600_000, [12, 1, 0, 0, 0]);
    let r = post_results::get(&ctx, &p).expect("results, not a type error");
    assert_eq!(r.targets.len(), 1);
    assert_eq!(r.targets[0].handle, "Studio Alex");
    assert_eq!(r.targets[0].points.len(), 1);
}

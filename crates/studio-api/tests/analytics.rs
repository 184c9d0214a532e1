//! Analytics over a real database on disk: generated metric histories with known totals,
//! engagement-rate math, filters, zones, the heat map, score vs actual, revenue and ROI.
mod seed;

use std::collections::BTreeMap;

use studio_api::analytics::{self, AnalyticsFilter, RevenueRates};
use studio_api::revenue::{self, RevenueInput};
use studio_api::ErrorCode;

use seed::{account, campaign, context, ms, post, snapshot, target};

/// Deterministic pseudo-random numbers (the same history every run).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[derive(Default, Debug, Clone, Copy, PartialEq)]
struct Expect {
    posts: u32,
    targets: u32,
    views: i64,
    likes: i64,
    comments: i64,
    shares: i64,
    saves: i64,
}

fn filter() -> AnalyticsFilter {
    AnalyticsFilter { timezone: Some("UTC".into()), ..Default::default() }
}

#[test]
fn empty_database_gives_zeros_empty_lists_and_no_roi() {
    let (_d, ctx) = context();
    let a = analytics::overview(&ctx, &filter()).expect("analytics");
    assert_eq!(a.totals.posts, 0);
    assert_eq!(a.totals.views, 0.0);
    assert_eq!(a.totals.engagement_rate, 0.0);
    assert!(a.series.is_empty() && a.by_platform.is_empty() && a.by_account.is_empty() && a.by_campaign.is_empty());
    assert!(a.top_by_engagement.is_empty() && a.bottom_by_views.is_empty());
    assert!(a.heatmap.is_empty() && a.score_vs_actual.is_empty());
    assert!(a.revenue.currencies.is_empty());
    assert_eq!(a.revenue.roi, None);

    // An empty campaign with a date range: a series of zero days, still no error.
    let c = campaign(&ctx, "Empty", "Europe/Berlin");
    let f = AnalyticsFilter {
        campaign_id: Some(c),
        from: Some("2026-03-01".into()),
        to: Some("2026-03-03".into()),
        ..Default::default()
    };
    let a = analytics::overview(&ctx, &f).expect("analytics");
    assert_eq!(a.timezone, "Europe/Berlin", "the campaign's zone by default");
    assert_eq!(
        a.series.iter().map(|p| p.date.as_str()).collect::<Vec<_>>(),
        ["2026-03-01", "2026-03-02", "2026-03-03"]
    );
    assert!(a.series.iter().all(|p| p.metrics.published_targets == 0));
}

#[test]
fn generated_histories_add_up_exactly_under_every_filter() {
    let (_d, ctx) = context();
    let camps = [campaign(&ctx, "Spring", "UTC"), campaign(&ctx, "Summer", "UTC")];
    let accts = [account(&ctx, "tiktok", "@tt"), account(&ctx, "youtube", "@yt"), account(&ctx, "bluesky", "@bs")];
    let mut rng = Lcg(42);
    let day0 = ms("2026-03-01T00:00:00Z");
    // Expected sums per (campaign, account, day): the last snapshot of each target only.
    let mut all = Expect::default();
    let mut by_campaign: BTreeMap<usize, Expect> = BTreeMap::new();
    let mut by_account: BTreeMap<usize, Expect> = BTreeMap::new();
    let mut march_3_to_5 = Expect::default();
    for i in 0..60 {
        let ci = i % 2;
        let p = post(&ctx, &camps[ci], &format!("post {i}"));
        // Each post goes to one or two accounts; a few targets stay drafts (not counted).
        let n_targets = 1 + (i % 3 == 0) as usize;
        let mut counted_post = [false; 3];
        for k in 0..n_targets {
            let ai = (i + k) % 3;
            let day = (i % 7) as i64;
            let at = day0 + day * 86_400_000 + rng.below(86_400_000) as i64;
            let draft = i % 11 == 5;
            let t = target(&ctx, &p, &accts[ai], (!draft).then_some(at));
            let mut last = [0i64; 5];
            // 1h, 6h, 24h, 48h, 7d snapshots, growing.
            for (round, h) in [1i64, 6, 24, 48, 168].iter().enumerate() {
                let views = 100 * (round as i64 + 1) + rng.below(1000) as i64;
                let c = [views, views / 10, views / 50, views / 100, rng.below(5) as i64];
                snapshot(&ctx, &t, at + h * 3_600_000, c);
                last = c;
            }
            if draft {
                continue;
            }
            let add = |e: &mut Expect, new_post: bool| {
                e.posts += new_post as u32;
                e.targets += 1;
                e.views += last[0];
                e.likes += last[1];
                e.comments += last[2];
                e.shares += last[3];
                e.saves += last[4];
            };
            let first_in_post = !counted_post.iter().any(|x| *x);
            add(&mut all, first_in_post);
            add(by_campaign.entry(ci).or_default(), first_in_post);
            add(by_account.entry(ai).or_default(), true);
            if (2..=4).contains(&day) {
                add(&mut march_3_to_5, first_in_post);
            }
            counted_post[ai] = true;
        }
    }
    let check = |f: AnalyticsFilter, e: Expect| {
        let t = analytics::overview(&ctx, &f).expect("analytics").totals;
        let got = Expect {
            posts: t.posts,
            targets: t.published_targets,
            views: t.views as i64,
            likes: t.likes as i64,
            comments: t.comments as i64,
            shares: t.shares as i64,
            saves: t.saves as i64,
        };
        assert_eq!(got, e, "{f:?}");
        let eng = (e.likes + e.comments + e.shares + e.saves) as f64;
        assert!((t.engagement_rate - eng / e.views as f64).abs() < 1e-12);
    };
    check(filter(), all);
    for (ci, e) in &by_campaign {
        check(AnalyticsFilter { campaign_id: Some(camps[*ci].clone()), ..filter() }, *e);
    }
    for (ai, e) in &by_account {
        // An account's targets each belong to a different post.
        check(AnalyticsFilter { account_id: Some(accts[*ai].clone()), ..filter() }, *e);
    }
    check(AnalyticsFilter { platform: Some("TikTok".into()), ..filter() }, by_account[&0]);
    check(AnalyticsFilter { from: Some("2026-03-03".into()), to: Some("2026-03-05".into()), ..filter() }, march_3_to_5);

    // Breakdowns and the series add up to the totals.
    let a = analytics::overview(&ctx, &filter()).expect("analytics");
    let sum = |rows: &[studio_api::analytics::BreakdownRow]| rows.iter().map(|r| r.metrics.views).sum::<f64>();
    assert_eq!(sum(&a.by_platform), all.views as f64);
    assert_eq!(sum(&a.by_account), all.views as f64);
    assert_eq!(sum(&a.by_campaign), all.views as f64);
    assert_eq!(a.by_campaign.iter().map(|r| r.label.as_str()).collect::<std::collections::BTreeSet<_>>().len(), 2);
    assert!(a.by_account.iter().any(|r| r.label == "@tt (tiktok)"));
    assert_eq!(a.series.len(), 7);
    assert_eq!(a.series.iter().map(|p| p.metrics.views).sum::<f64>(), all.views as f64);
    assert_eq!(a.series.iter().map(|p| p.metrics.published_targets).sum::<u32>(), all.targets);

    // Rankings: the top by views is the biggest post, the lists are ordered.
    let views: Vec<f64> = a.top_by_views.iter().map(|p| p.metrics.views).collect();
    assert!(views.windows(2).all(|w| w[0] >= w[1]), "{views:?}");
    let rates: Vec<f64> = a.bottom_by_engagement.iter().map(|p| p.metrics.engagement_rate).collect();
    assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");
    assert_eq!(a.top_by_views.len(), 10);
    // The heat map counts every published target once.
    assert_eq!(a.heatmap.iter().map(|c| c.posts).sum::<u32>(), all.targets);
}

#[test]
fn engagement_rate_is_engagements_over_views_from_the_latest_snapshot() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Rates", "UTC");
    let acct = account(&ctx, "instagram", "@ig");
    let at = ms("2026-05-04T10:00:00Z");
    let p1 = post(&ctx, &c, "one");
    let t1 = target(&ctx, &p1, &acct, Some(at));
    snapshot(&ctx, &t1, at + 3_600_000, [10, 1, 0, 0, 0]);
    snapshot(&ctx, &t1, at + 86_400_000, [1000, 50, 10, 5, 5]);
    // A late-arriving older snapshot never replaces the newer one.
    snapshot(&ctx, &t1, at + 7_200_000, [20, 2, 0, 0, 0]);
    let p2 = post(&ctx, &c, "two, not seen yet");
    let t2 = target(&ctx, &p2, &acct, Some(at));
    snapshot(&ctx, &t2, at + 3_600_000, [0, 0, 0, 0, 0]);
    let p3 = post(&ctx, &c, "three, no snapshot yet");
    target(&ctx, &p3, &acct, Some(at));

    let a = analytics::overview(&ctx, &filter()).expect("analytics");
    assert_eq!((a.totals.posts, a.totals.published_targets), (3, 3));
    assert_eq!(a.totals.views, 1000.0);
    assert_eq!(a.totals.engagements, 70.0);
    assert!((a.totals.engagement_rate - 0.07).abs() < 1e-12);
    // Posts without views have no rate: they are not in the engagement rankings.
    assert_eq!(a.top_by_engagement.len(), 1);
    assert_eq!(a.top_by_engagement[0].post_id, p1);
    assert_eq!(a.bottom_by_views.len(), 3);
    let cell = a.heatmap.iter().find(|c| c.posts == 3).expect("one slot");
    assert_eq!((cell.weekday, cell.hour), (1, 10), "Monday 10:00 UTC");
    assert!((cell.mean_engagement_rate - 0.07).abs() < 1e-12, "only the target with views is averaged");

    // Deleting the newest snapshot falls back to the one before it.
    ctx.db()
        .write(|tx| {
            tx.execute("DELETE FROM metric_snapshots WHERE post_target_id = ?1 AND views = 1000", [&t1])?;
            Ok(())
        })
        .expect("delete");
    let a = analytics::overview(&ctx, &filter()).expect("analytics");
    assert_eq!(a.totals.views, 20.0);
}

#[test]
fn only_live_published_targets_count() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Live", "UTC");
    let acct = account(&ctx, "x", "@x");
    let at = ms("2026-05-04T10:00:00Z");
    let keep = post(&ctx, &c, "kept");
    let kt = target(&ctx, &keep, &acct, Some(at));
    snapshot(&ctx, &kt, at + 1, [100, 1, 1, 1, 1]);
    let gone = post(&ctx, &c, "deleted later");
    let gt = target(&ctx, &gone, &acct, Some(at));
    snapshot(&ctx, &gt, at + 1, [900, 9, 9, 9, 9]);
    let draft = post(&ctx, &c, "draft");
    let dt = target(&ctx, &draft, &acct, None);
    snapshot(&ctx, &dt, at + 1, [5000, 0, 0, 0, 0]);
    assert_eq!(analytics::overview(&ctx, &filter()).expect("a").totals.views, 1000.0);

    ctx.db()
        .write(|tx| {
            tx.execute("UPDATE posts SET deleted_at = 1 WHERE id = ?1", [&gone])?;
            // The draft gets published (mark-posted): it counts from then on, with its metrics.
            studio_core::targets::mark_posted(tx, &dt, None, at)?;
            Ok(())
        })
        .expect("update");
    let a = analytics::overview(&ctx, &filter()).expect("a");
    assert_eq!((a.totals.views, a.totals.posts), (5100.0, 2));
}

#[test]
fn days_and_hours_are_local_to_the_zone_across_dst() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Zones", "Europe/Berlin");
    let acct = account(&ctx, "tiktok", "@tt");
    let ny = account(&ctx, "tiktok", "@ny");
    // 23:30 UTC on Saturday 28 March is 00:30 on Sunday in Berlin (UTC+1, before the change);
    // 23:30 UTC on Sunday 29 March is 01:30 on Monday (UTC+2, after it).
    for at in ["2026-03-28T23:30:00Z", "2026-03-29T23:30:00Z"] {
        let p = post(&ctx, &c, at);
        target(&ctx, &p, &acct, Some(ms(at)));
    }
    // The New York account has slots in its own zone: its hours are New York's.
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO queue_slots (id, account_id, weekday, minute, timezone, created_at)
                 VALUES ('s1', ?1, 1, 600, 'America/New_York', 0)",
                [&ny],
            )?;
            Ok(())
        })
        .expect("slot");
    let p = post(&ctx, &c, "ny");
    target(&ctx, &p, &ny, Some(ms("2026-03-30T14:00:00Z"))); // 10:00 Monday in New York (EDT)

    let f = AnalyticsFilter { campaign_id: Some(c.clone()), ..Default::default() };
    let a = analytics::overview(&ctx, &f).expect("analytics");
    let days: Vec<(&str, u32)> = a.series.iter().map(|p| (p.date.as_str(), p.metrics.published_targets)).collect();
    assert_eq!(days, [("2026-03-29", 1), ("2026-03-30", 2)]);
    let cells: Vec<(u8, u8, u32)> = a.heatmap.iter().map(|c| (c.weekday, c.hour, c.posts)).collect();
    assert_eq!(cells, [(1, 1, 1), (1, 10, 1), (7, 0, 1)]);

    // A date filter is inclusive and local: only Sunday 29 March in Berlin.
    let f = AnalyticsFilter { from: Some("2026-03-29".into()), to: Some("2026-03-29".into()), ..f };
    assert_eq!(analytics::overview(&ctx, &f).expect("a").totals.published_targets, 1);
    // In UTC the same day holds the other post.
    let f = AnalyticsFilter { timezone: Some("UTC".into()), account_id: Some(acct), ..f };
    let a = analytics::overview(&ctx, &f).expect("a");
    assert_eq!(a.totals.published_targets, 1);
    assert_eq!(a.top_by_views[0].caption, "2026-03-29T23:30:00Z");
}

#[test]
fn bad_filters_are_typed_errors() {
    let (_d, ctx) = context();
    let bad = |f: AnalyticsFilter| analytics::overview(&ctx, &f).expect_err("must fail").code;
    assert_eq!(bad(AnalyticsFilter { from: Some("2026-02-30".into()), ..filter() }), ErrorCode::InvalidDate);
    assert_eq!(
        bad(AnalyticsFilter { from: Some("2026-03-05".into()), to: Some("2026-03-01".into()), ..filter() }),
        ErrorCode::InvalidDateRange
    );
    assert_eq!(bad(AnalyticsFilter { timezone: Some("Mars/Base".into()), ..filter() }), ErrorCode::InvalidTimezone);
    assert_eq!(bad(AnalyticsFilter { campaign_id: Some("nope".into()), ..filter() }), ErrorCode::NotFound);
    let missing = studio_core::ids::new_id();
    assert_eq!(bad(AnalyticsFilter { campaign_id: Some(missing), ..filter() }), ErrorCode::NotFound);
}

#[test]
fn score_vs_actual_pairs_each_scored_target_with_its_latest_score() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Scores", "UTC");
    let acct = account(&ctx, "tiktok", "@tt");
    let at = ms("2026-05-04T10:00:00Z");
    let p = post(&ctx, &c, "scored");
    let t = target(&ctx, &p, &acct, Some(at));
    snapshot(&ctx, &t, at + 1, [200, 10, 0, 0, 0]);
    let other = post(&ctx, &c, "not scored");
    target(&ctx, &other, &acct, Some(at));
    ctx.db()
        .write(|tx| {
            for (id, score, created) in [("s-old", 40.0, 1), ("s-new", 72.5, 2)] {
                tx.execute(
                    "INSERT INTO scores (id, post_target_id, platform, score, model_kind, model_version, factors_json,
                                         created_at, updated_at)
                     VALUES (?1, ?2, 'tiktok', ?3, 'prior', '1', '{}', ?4, ?4)",
                    rusqlite::params![id, t, score, created],
                )?;
            }
            Ok(())
        })
        .expect("scores");
    let pairs = analytics::overview(&ctx, &filter()).expect("a").score_vs_actual;
    assert_eq!(pairs.len(), 1);
    assert_eq!((pairs[0].score, pairs[0].views), (72.5, 200.0));
    assert!((pairs[0].engagement_rate - 0.05).abs() < 1e-12);
}

fn money(ctx: &studio_api::Context, campaign: &str, kind: &str, amount: &str, currency: &str) {
    revenue::add(
        ctx,
        RevenueInput {
            campaign_id: campaign.into(),
            kind: kind.into(),
            amount: amount.into(),
            currency: currency.into(),
            occurred_on: Some("2026-04-01".into()),
            note: None,
        },
    )
    .expect("revenue");
}

#[test]
fn roi_per_currency_without_cost_is_null_not_infinite() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Money", "UTC");
    money(&ctx, &c, "sponsorship", "1500", "EUR");
    let f = AnalyticsFilter { campaign_id: Some(c.clone()), ..filter() };
    let r = analytics::overview(&ctx, &f).expect("a").revenue;
    assert_eq!(r.currencies.len(), 1);
    assert_eq!((r.currencies[0].revenue.as_str(), r.currencies[0].cost.as_str()), ("1500.00", "0.00"));
    assert_eq!(r.currencies[0].roi, None);
    assert_eq!(r.roi, None);

    money(&ctx, &c, "cost", "600", "EUR");
    money(&ctx, &c, "affiliate", "0.50", "EUR");
    let r = analytics::overview(&ctx, &f).expect("a").revenue;
    // (1500.50 - 600) / 600 = 1.500833...
    let roi = r.currencies[0].roi.expect("roi");
    assert!((roi - 900.5 / 600.0).abs() < 1e-12, "{roi}");
    assert_eq!(r.roi, Some(roi));
    assert_eq!(r.currencies[0].net, "900.50");
    // A date range outside the entries: nothing, no error.
    let f2 = AnalyticsFilter { from: Some("2026-05-01".into()), ..f };
    assert!(analytics::overview(&ctx, &f2).expect("a").revenue.currencies.is_empty());
}

#[test]
fn currencies_stay_separate_without_rates_and_convert_with_them() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Multi", "UTC");
    money(&ctx, &c, "sponsorship", "1000", "EUR");
    money(&ctx, &c, "cost", "200", "EUR");
    money(&ctx, &c, "payout", "30000", "JPY");
    money(&ctx, &c, "cost", "10000", "JPY");
    money(&ctx, &c, "affiliate", "110", "USD");
    let f = AnalyticsFilter { campaign_id: Some(c.clone()), ..filter() };
    let r = analytics::overview(&ctx, &f).expect("a").revenue;
    let codes: Vec<&str> = r.currencies.iter().map(|m| m.currency.as_str()).collect();
    assert_eq!(codes, ["EUR", "JPY", "USD"]);
    assert_eq!(r.currencies[1].revenue, "30000", "JPY has no minor unit");
    assert_eq!(r.currencies[1].roi, Some(2.0));
    assert_eq!(r.converted, None);
    assert_eq!(r.roi, None, "no invented cross-currency ROI");

    // A rate is missing for USD: still no total.
    let mut rates = BTreeMap::new();
    rates.insert("JPY".to_string(), 0.006);
    analytics::set_rates(&ctx, RevenueRates { base: "eur".into(), rates: rates.clone() }).expect("rates");
    let r = analytics::overview(&ctx, &f).expect("a").revenue;
    assert_eq!((r.converted.clone(), r.missing_rates.clone()), (None, vec!["USD".to_string()]));

    rates.insert("USD".to_string(), 0.9);
    analytics::set_rates(&ctx, RevenueRates { base: "EUR".into(), rates }).expect("rates");
    let r = analytics::overview(&ctx, &f).expect("a").revenue;
    let cv = r.converted.expect("converted");
    // Revenue 1000 + 30000 * 0.006 + 110 * 0.9 = 1279; cost 200 + 60 = 260.
    assert_eq!(
        (cv.base.as_str(), cv.revenue.as_str(), cv.cost.as_str(), cv.net.as_str()),
        ("EUR", "1279.00", "260.00", "1019.00")
    );
    assert!((cv.roi.expect("roi") - 1019.0 / 260.0).abs() < 1e-12);
    assert_eq!(r.roi, cv.roi);
    assert_eq!(r.currencies.len(), 3, "the per-currency rows stay");
    // The Money dialog's own command gives the campaign's numbers without the rest of the screen.
    let campaign_only = AnalyticsFilter { campaign_id: Some(c.clone()), ..AnalyticsFilter::default() };
    assert_eq!(
        analytics::campaign_revenue(&ctx, &c).expect("money"),
        analytics::overview(&ctx, &campaign_only).expect("a").revenue
    );
    assert_eq!(analytics::campaign_revenue(&ctx, "nope").expect_err("unknown").code, ErrorCode::NotFound);

    let bad = analytics::set_rates(&ctx, RevenueRates { base: "EUR".into(), rates: [("XXQ".to_string(), 1.0)].into() });
    assert_eq!(bad.expect_err("unknown").code, ErrorCode::InvalidCurrency);
    let bad =
        analytics::set_rates(&ctx, RevenueRates { base: "EUR".into(), rates: [("USD".to_string(), -1.0)].into() });
    assert_eq!(bad.expect_err("negative").code, ErrorCode::InvalidAmount);
}

#[test]
fn revenue_entries_validate_list_and_soft_delete_with_audit() {
    let (_d, ctx) = context();
    let c = campaign(&ctx, "Entries", "UTC");
    let add = |kind: &str, amount: &str, currency: &str, date: Option<&str>| {
        revenue::add(
            &ctx,
            RevenueInput {
                campaign_id: c.clone(),
                kind: kind.into(),
                amount: amount.into(),
                currency: currency.into(),
                occurred_on: date.map(str::to_string),
                note: Some("  from the sponsor  ".into()),
            },
        )
    };
    let e = add("Sponsorship", "1,234.5", "eur", Some("2026-04-02")).expect("add");
    assert_eq!((e.kind.as_str(), e.amount.as_str(), e.currency.as_str()), ("sponsorship", "1234.50", "EUR"));
    assert_eq!(e.note.as_deref(), Some("from the sponsor"));
    let yen = add("payout", "3000", "JPY", None).expect("today");
    assert_eq!(yen.amount, "3000");
    assert_eq!(yen.occurred_on.len(), 10);

    let code = |r: studio_api::ApiResult<revenue::RevenueEntry>| r.expect_err("must fail").code;
    assert_eq!(code(add("sponsorship", "12", "XYZ", None)), ErrorCode::InvalidCurrency);
    assert_eq!(code(add("donation", "12", "EUR", None)), ErrorCode::InvalidKind);
    assert_eq!(code(add("payout", "12.345", "EUR", None)), ErrorCode::InvalidAmount);
    assert_eq!(code(add("payout", "1.5", "JPY", None)), ErrorCode::InvalidAmount);
    assert_eq!(code(add("payout", "-5", "EUR", None)), ErrorCode::InvalidAmount);
    assert_eq!(code(add("payout", "abc", "EUR", None)), ErrorCode::InvalidAmount);
    assert_eq!(code(add("payout", "5", "EUR", Some("2026-13-01"))), ErrorCode::InvalidDate);

    let list = revenue::list(&ctx, &c).expect("list");
    assert_eq!(list.len(), 2);
    revenue::delete(&ctx, &e.id).expect("delete");
    assert_eq!(revenue::list(&ctx, &c).expect("list").len(), 1);
    assert_eq!(revenue::delete(&ctx, &e.id).expect_err("gone").code, ErrorCode::NotFound);
    let db = ctx.db();
    let audits = db.read(|conn| studio_core::audit::count_for(conn, "revenue_entry", &e.id)).expect("audit");
    assert_eq!(audits, 2, "create and delete are audited");
}

//! `scripts/bench-analytics`: 100,000 posts and 1,000,000 metric snapshots in a temporary
//! SQLite database, then what the analytics screen asks for (`analytics::overview`, one call)
//! and each of its parts, over all time and filtered by campaign, account, platform and a 90-day
//! range. Prints the median of several runs per line with PASS/FAIL against 50 ms. Ignored in
//! `make test`: it is a benchmark, run by the script.
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use studio_api::analytics::{self as api, AnalyticsFilter};
use studio_api::Context;
use studio_core::analytics::{Dimension, Rank};

const POSTS: usize = 100_000;
const SNAPSHOTS: usize = 1_000_000;
const CAMPAIGNS: usize = 100;
const ACCOUNTS: usize = 20;
const PLATFORMS: [&str; 5] = ["tiktok", "youtube", "instagram", "bluesky", "x"];
const RUNS: usize = 7;
const BUDGET: Duration = Duration::from_millis(50);
/// 2025-01-01T00:00:00Z; posts spread over two years after it.
const EPOCH_MS: i64 = 1_735_689_600_000;
const TWO_YEARS_MS: i64 = 2 * 365 * 86_400_000;

/// A small deterministic generator (no dependency, same data every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        // Two draws: one is only 31 bits, too few for millisecond instants over two years.
        ((self.next() << 31) | self.next()) % n
    }
}

fn uuid(prefix: u32, n: usize) -> String {
    format!("{prefix:08x}-0000-7000-8000-{n:012x}")
}

fn generate(conn: &mut Connection) -> (Vec<String>, Vec<String>) {
    let tx = conn.transaction().expect("tx");
    let campaigns: Vec<String> = (0..CAMPAIGNS).map(|i| uuid(1, i)).collect();
    let accounts: Vec<String> = (0..ACCOUNTS).map(|i| uuid(2, i)).collect();
    {
        let mut c = tx
            .prepare("INSERT INTO campaigns (id, name, timezone, created_at, updated_at) VALUES (?1, ?2, 'Europe/Berlin', 0, 0)")
            .expect("prep");
        for (i, id) in campaigns.iter().enumerate() {
            c.execute(params![id, format!("Campaign {i}")]).expect("campaign");
        }
        let mut a = tx
            .prepare("INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES (?1, ?2, ?3, 0, 0)")
            .expect("prep");
        for (i, id) in accounts.iter().enumerate() {
            a.execute(params![id, PLATFORMS[i % PLATFORMS.len()], format!("creator{i}")]).expect("account");
        }
        // A quarter of the accounts post in another zone (the heat map queries those separately).
        let mut s = tx
            .prepare("INSERT INTO queue_slots (id, account_id, weekday, minute, timezone, created_at) VALUES (?1, ?2, 1, 1080, 'America/New_York', 0)")
            .expect("prep");
        for (i, id) in accounts.iter().enumerate().take(ACCOUNTS / 4) {
            s.execute(params![uuid(3, i), id]).expect("slot");
        }
    }
    let mut rng = Lcg(7);
    let mut targets: Vec<(String, i64)> = Vec::with_capacity(POSTS);
    {
        let mut p = tx
            .prepare("INSERT INTO posts (id, campaign_id, caption, state, created_at, updated_at) VALUES (?1, ?2, ?3, 'done', ?4, ?4)")
            .expect("prep");
        let mut t = tx
            .prepare(
                "INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'published', ?1, ?4, ?4, ?4)",
            )
            .expect("prep");
        for i in 0..POSTS {
            let post = uuid(4, i);
            let at = EPOCH_MS + i64::try_from(rng.below(TWO_YEARS_MS as u64)).expect("fits");
            p.execute(params![post, campaigns[rng.below(CAMPAIGNS as u64) as usize], format!("Post number {i}"), at])
                .expect("post");
            let target = uuid(5, i);
            t.execute(params![target, post, accounts[rng.below(ACCOUNTS as u64) as usize], at]).expect("target");
            targets.push((target, at));
        }
    }
    {
        // Ten snapshots per target (1h ... 30d after publish), counts growing.
        let per = SNAPSHOTS / POSTS;
        let mut m = tx
            .prepare(
                "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves,
                                               watch_time_s, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?3)",
            )
            .expect("prep");
        let mut n = 0usize;
        for (target, at) in &targets {
            let reach = 100 + rng.below(50_000) as i64;
            for k in 1..=per as i64 {
                let views = reach * k / per as i64;
                let likes = views * (2 + rng.below(8) as i64) / 100;
                m.execute(params![
                    uuid(6, n),
                    target,
                    at + k * 3_600_000 * 7,
                    views,
                    likes,
                    likes / 10,
                    likes / 20,
                    likes / 15,
                    views as f64 * 3.5
                ])
                .expect("snapshot");
                n += 1;
            }
        }
    }
    {
        let mut r = tx
            .prepare(
                "INSERT INTO revenue_entries (id, campaign_id, kind, amount_minor, currency, occurred_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)",
            )
            .expect("prep");
        let kinds = ["sponsorship", "affiliate", "payout", "other", "cost"];
        let currencies = ["EUR", "USD", "JPY"];
        for i in 0..10_000 {
            let day =
                jiff::civil::date(2025, 1, 1).checked_add(jiff::Span::new().days(rng.below(730) as i64)).expect("date");
            r.execute(params![
                uuid(7, i),
                campaigns[i % CAMPAIGNS],
                kinds[i % kinds.len()],
                1_000 + rng.below(500_000) as i64,
                currencies[i % currencies.len()],
                day.to_string()
            ])
            .expect("revenue");
        }
        let mut s = tx
            .prepare(
                "INSERT INTO scores (id, post_target_id, platform, score, model_kind, model_version, factors_json, created_at, updated_at)
                 VALUES (?1, ?2, 'tiktok', ?3, 'prior', '1', '{}', 0, 0)",
            )
            .expect("prep");
        for i in (0..POSTS).step_by(10) {
            s.execute(params![uuid(8, i), targets[i].0, rng.below(100) as f64]).expect("score");
        }
    }
    tx.commit().expect("commit");
    (campaigns, accounts)
}

thread_local! {
    /// A part timed on its own inside a larger call (see `after_pass`).
    static LAST: std::cell::Cell<Option<Duration>> = const { std::cell::Cell::new(None) };
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore = "benchmark: scripts/bench-analytics"]
fn bench_analytics_100k_posts_1m_snapshots() {
    let dir = tempfile::tempdir().expect("tmp");
    let paths = studio_core::StudioPaths::resolve(Some(dir.path())).expect("paths");
    let ctx = Context::open(paths, "bench").expect("context");
    let path = ctx.db().path().to_path_buf();
    let t0 = Instant::now();
    let (campaigns, accounts) = {
        let mut conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
        let made = generate(&mut conn);
        conn.execute_batch("ANALYZE").expect("analyze");
        made
    };
    let (rows, snaps): (i64, i64) = ctx
        .db()
        .read(|c| {
            Ok((
                c.query_row("SELECT count(*) FROM analytics_targets", [], |r| r.get(0))?,
                c.query_row("SELECT count(*) FROM metric_snapshots", [], |r| r.get(0))?,
            ))
        })
        .expect("count");
    println!(
        "generated {POSTS} posts, {snaps} snapshots ({rows} analytics rows) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(rows as usize, POSTS);
    assert_eq!(snaps as usize, SNAPSHOTS);

    // The report zone is Berlin; a quarter of the accounts post on New York's clock (heat map).
    let zone = Some("Europe/Berlin".to_string());
    let filters: Vec<(&str, AnalyticsFilter)> = vec![
        ("all time", AnalyticsFilter { timezone: zone.clone(), ..Default::default() }),
        ("campaign", AnalyticsFilter { campaign_id: Some(campaigns[3].clone()), ..Default::default() }),
        (
            "account",
            AnalyticsFilter { account_id: Some(accounts[7].clone()), timezone: zone.clone(), ..Default::default() },
        ),
        ("platform", AnalyticsFilter { platform: Some("tiktok".into()), timezone: zone.clone(), ..Default::default() }),
        (
            "90 days",
            AnalyticsFilter {
                from: Some("2025-10-28".into()),
                to: Some("2026-01-25".into()),
                timezone: zone.clone(),
                ..Default::default()
            },
        ),
    ];
    // The one pass that reads the rows and adds up totals, series, breakdowns and heat map; each
    // part that then works from its result, or needs its own query; and the whole screen.
    type Q = Box<dyn Fn(&Context, &AnalyticsFilter)>;
    let with_pass = |f: fn(&Connection, &api::Resolved, &api::Loaded)| -> Q {
        Box::new(move |ctx, filter| {
            let mut db = ctx.db();
            db.read_split(api::threads(), |c, helpers| {
                let r = api::resolve(c, filter).expect("resolve");
                let l = api::load(c, helpers, &r).expect("load");
                f(c, &r, &l);
                Ok(())
            })
            .expect("read")
        })
    };
    let after_pass = |f: fn(&Connection, &api::Resolved, &api::Loaded)| -> Q {
        // Timed without the pass: it runs once per screen, before all of these.
        Box::new(move |ctx, filter| {
            let mut db = ctx.db();
            db.read_split(api::threads(), |c, helpers| {
                let r = api::resolve(c, filter).expect("resolve");
                let l = api::load(c, helpers, &r).expect("load");
                let t = Instant::now();
                f(c, &r, &l);
                LAST.with(|last| last.set(Some(t.elapsed())));
                Ok(())
            })
            .expect("read")
        })
    };
    let alone = |f: fn(&Connection, &api::Resolved)| -> Q {
        Box::new(move |ctx, filter| {
            ctx.db()
                .read(|c| {
                    f(c, &api::resolve(c, filter).expect("resolve"));
                    Ok(())
                })
                .expect("read")
        })
    };
    let queries: Vec<(&str, Q)> = vec![
        ("pass (rows + sums)", with_pass(|_, _, l| assert!(l.summary.totals.targets >= 0))),
        ("series (per day)", after_pass(|_, r, l| drop(api::series(r, l)))),
        ("by platform", after_pass(|c, _, l| drop(api::breakdown(c, l, Dimension::Platform).expect("q")))),
        ("by account", after_pass(|c, _, l| drop(api::breakdown(c, l, Dimension::Account).expect("q")))),
        ("by campaign", after_pass(|c, _, l| drop(api::breakdown(c, l, Dimension::Campaign).expect("q")))),
        ("top by rate", after_pass(|c, _, l| drop(api::ranked(c, l, Rank::EngagementRate, true).expect("q")))),
        ("bottom by rate", after_pass(|c, _, l| drop(api::ranked(c, l, Rank::EngagementRate, false).expect("q")))),
        ("top by views", after_pass(|c, _, l| drop(api::ranked(c, l, Rank::Views, true).expect("q")))),
        ("bottom by views", after_pass(|c, _, l| drop(api::ranked(c, l, Rank::Views, false).expect("q")))),
        ("heatmap (2 zones)", after_pass(|_, _, l| assert!(!api::heatmap(l).is_empty()))),
        ("score vs actual", alone(|c, r| drop(api::score_vs_actual(c, r).expect("q")))),
        ("revenue / ROI", alone(|c, r| drop(api::revenue(c, r, None).expect("q")))),
        (
            "whole screen",
            Box::new(|ctx, filter| assert!(api::overview(ctx, filter).expect("overview").totals.posts > 0)),
        ),
    ];

    let mut failed = 0;
    println!(
        "{:<20} {:<10} {:>10}  (median of {RUNS}, budget {} ms, {} threads)",
        "query",
        "filter",
        "ms",
        BUDGET.as_millis(),
        api::threads()
    );
    for (fname, f) in &filters {
        for (qname, q) in &queries {
            q(&ctx, f); // warm the page cache
            let times: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    q(&ctx, f);
                    LAST.with(|last| last.take()).unwrap_or_else(|| t.elapsed())
                })
                .collect();
            let m = median(times);
            let ok = m <= BUDGET;
            failed += usize::from(!ok);
            println!(
                "{qname:<20} {fname:<10} {:>10.2}  {}",
                m.as_secs_f64() * 1000.0,
                if ok { "PASS" } else { "FAIL" }
            );
        }
    }
    println!("{}", if failed == 0 { "all queries within budget".to_string() } else { format!("{failed} over budget") });
    assert_eq!(failed, 0, "{failed} queries over {} ms", BUDGET.as_millis());
}

//! `scripts/bench-analytics`: 100,000 posts and 1,000,000 metric snapshots in a temporary
//! SQLite database, then every query the analytics screens run, unfiltered and filtered by
//! campaign, by account and by a 90-day range. Prints the median of several runs per query with
//! PASS/FAIL against 50 ms. Ignored in `make test`: it is a benchmark, run by the script.
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use rusqlite::{params, Connection};
use studio_core::analytics::{self as a, Accounts, Dimension, Filter, Rank};
use studio_core::Db;

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

/// A civil-date range for the revenue query (inclusive), when the filter has one.
type Days = Option<(String, String)>;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore = "benchmark: scripts/bench-analytics"]
fn bench_analytics_100k_posts_1m_snapshots() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bench.db");
    drop(Db::open(&path).expect("migrated"));
    let mut conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    // As the app's connection (db.rs).
    conn.pragma_update(None, "cache_size", -32_768).expect("cache");
    let t0 = Instant::now();
    let (campaigns, accounts) = generate(&mut conn);
    conn.execute_batch("ANALYZE").expect("analyze");
    let rows: i64 = conn.query_row("SELECT count(*) FROM analytics_targets", [], |r| r.get(0)).expect("count");
    let snaps: i64 = conn.query_row("SELECT count(*) FROM metric_snapshots", [], |r| r.get(0)).expect("count");
    println!(
        "generated {POSTS} posts, {snaps} snapshots ({rows} analytics rows) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(rows as usize, POSTS);
    assert_eq!(snaps as usize, SNAPSHOTS);

    let berlin = TimeZone::get("Europe/Berlin").expect("zone");
    let new_york = TimeZone::get("America/New_York").expect("zone");
    let elsewhere: Vec<String> = accounts[..ACCOUNTS / 4].to_vec();
    let range_from = EPOCH_MS + 300 * 86_400_000;
    // The screens always filter (campaign, account or a date range); all-time over every target is
    // printed for information and not held to the budget (see README).
    let filters: Vec<(&str, Filter, Days)> = vec![
        ("all-time", Filter::default(), None),
        ("campaign", Filter { campaign_id: Some(campaigns[3].clone()), ..Default::default() }, None),
        ("account", Filter { account_id: Some(accounts[7].clone()), ..Default::default() }, None),
        (
            "90 days",
            Filter { from_ms: Some(range_from), to_ms: Some(range_from + 90 * 86_400_000), ..Default::default() },
            Some(("2025-10-28".into(), "2026-01-25".into())),
        ),
    ];
    type Q<'a> = Box<dyn Fn(&Connection, &Filter, Option<&(String, String)>) + 'a>;
    let queries: Vec<(&str, Q<'_>)> = vec![
        ("totals", Box::new(|c, f, _| assert!(a::totals(c, f).expect("q").targets >= 0))),
        (
            "series (per day)",
            Box::new(|c, f, _| {
                let o = a::offsets(c, f, &berlin).expect("offsets");
                drop(a::daily(c, f, &o).expect("q"))
            }),
        ),
        ("by platform", Box::new(|c, f, _| drop(a::breakdown(c, f, Dimension::Platform).expect("q")))),
        ("by account", Box::new(|c, f, _| drop(a::breakdown(c, f, Dimension::Account).expect("q")))),
        ("by campaign", Box::new(|c, f, _| drop(a::breakdown(c, f, Dimension::Campaign).expect("q")))),
        ("top by rate", Box::new(|c, f, _| drop(a::ranked_posts(c, f, Rank::EngagementRate, true, 10).expect("q")))),
        (
            "bottom by rate",
            Box::new(|c, f, _| drop(a::ranked_posts(c, f, Rank::EngagementRate, false, 10).expect("q"))),
        ),
        ("top by views", Box::new(|c, f, _| drop(a::ranked_posts(c, f, Rank::Views, true, 10).expect("q")))),
        ("bottom by views", Box::new(|c, f, _| drop(a::ranked_posts(c, f, Rank::Views, false, 10).expect("q")))),
        (
            "heatmap (2 zones)",
            Box::new(|c, f, _| {
                let zones = a::account_zones(c).expect("zones");
                assert!(!zones.is_empty());
                let o = a::offsets(c, f, &berlin).expect("offsets");
                drop(a::heatmap(c, f, Accounts::Except(&elsewhere), &o).expect("q"));
                let o = a::offsets(c, f, &new_york).expect("offsets");
                drop(a::heatmap(c, f, Accounts::Only(&elsewhere), &o).expect("q"));
            }),
        ),
        ("score vs actual", Box::new(|c, f, _| drop(a::score_pairs(c, f, 500).expect("q")))),
        (
            "revenue / ROI",
            Box::new(|c, f, days| {
                let (from, to) = days.map_or((None, None), |(a, b)| (Some(a.as_str()), Some(b.as_str())));
                drop(a::revenue(c, f.campaign_id.as_deref(), from, to).expect("q"))
            }),
        ),
    ];

    let mut failed = 0;
    println!("{:<20} {:<10} {:>10}  (median of {RUNS}, budget {} ms)", "query", "filter", "ms", BUDGET.as_millis());
    for (fname, f, days) in &filters {
        for (qname, q) in &queries {
            q(&conn, f, days.as_ref()); // warm the page cache
            let times: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    q(&conn, f, days.as_ref());
                    t.elapsed()
                })
                .collect();
            let m = median(times);
            let ok = m <= BUDGET;
            let informational = *fname == "all-time";
            if !ok && !informational {
                failed += 1;
            }
            let verdict = match (informational, ok) {
                (true, _) => "(info)",
                (false, true) => "PASS",
                (false, false) => "FAIL",
            };
            println!("{qname:<20} {fname:<10} {:>10.2}  {verdict}", m.as_secs_f64() * 1000.0);
        }
    }
    println!("{}", if failed == 0 { "all queries within budget".to_string() } else { format!("{failed} over budget") });
    assert_eq!(failed, 0, "{failed} queries over {} ms", BUDGET.as_millis());
}

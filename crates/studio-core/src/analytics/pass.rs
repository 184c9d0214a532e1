//! One pass over the filtered rows, on every core the caller lends a connection for.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rusqlite::Connection;

use super::rows::{more_than, post_keys, Reader};
use super::summary::Partial;
use super::{Clocks, Filter, Summary};
use crate::error::Result;

/// Selections up to this many targets are read on one thread through the filter's own index
/// (under 10 ms here) and sorted by post in memory. Larger ones are read in post order, split by
/// post key across connections. That walks the post index over all rows, so it only pays for
/// large selections.
const ONE_THREAD_UP_TO: usize = 20_000;
/// Pieces per connection: post keys are not spread evenly over the filter (a date range picks
/// the posts of one period), so the work is cut finer than the threads and shared out.
const PIECES_PER_THREAD: i64 = 4;

/// The rows `f` selects and everything that adds up over them. `helpers` are extra read
/// connections to the same database (none: one thread); each reads its share on its own thread.
/// Parts read on different connections may see different commits when a write lands meanwhile:
/// analytics is a live view, so a metric arriving mid-read is counted or not, never twice.
pub fn summarize(conn: &Connection, helpers: &mut [Connection], f: &Filter, clocks: &Clocks) -> Result<Summary> {
    let reader = Reader::new(conn, f)?;
    // Large selections go by post even on one thread: rows arrive grouped, with nothing to sort.
    let keys = if more_than(conn, f, ONE_THREAD_UP_TO)? { post_keys(conn)? } else { None };
    let partial = match keys {
        Some((lo, hi)) => split(conn, helpers, &reader, clocks, lo, hi)?,
        None => {
            let mut p = Partial::new();
            reader.posts(conn, |post| p.add_post(post, clocks))?;
            p
        }
    };
    Ok(partial.finish(reader.platforms))
}

fn split(
    conn: &Connection,
    helpers: &mut [Connection],
    reader: &Reader,
    clocks: &Clocks,
    lo: i64,
    hi: i64,
) -> Result<Partial> {
    let threads = i64::try_from(helpers.len() + 1).unwrap_or(1);
    let pieces = threads * PIECES_PER_THREAD;
    let width = (hi.saturating_sub(lo) / pieces).max(1);
    let bounds: Vec<(i64, i64)> = (0..pieces)
        .map(|i| {
            let start = lo.saturating_add(width.saturating_mul(i));
            let end = if i == pieces - 1 { hi.saturating_add(1) } else { start.saturating_add(width) };
            (start, end)
        })
        .filter(|(s, e)| s < e)
        .collect();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Partial)>> = Mutex::new(Vec::new());
    let failed: Mutex<Option<crate::error::StoreError>> = Mutex::new(None);
    let work = |c: &Connection| {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(start, end)) = bounds.get(i) else { return };
            let mut part = Partial::new();
            match reader.posts_between(c, start, end, |post| part.add_post(post, clocks)) {
                Ok(()) => done.lock().unwrap_or_else(|p| p.into_inner()).push((i, part)),
                Err(e) => {
                    // Stop handing out pieces; the first error is the one reported.
                    next.store(bounds.len(), Ordering::Relaxed);
                    failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                    return;
                }
            }
        }
    };
    std::thread::scope(|s| {
        for h in helpers.iter_mut() {
            let work = &work;
            s.spawn(move || work(h));
        }
        work(conn);
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut pieces = done.into_inner().unwrap_or_else(|p| p.into_inner());
    // In key order, so posts (and ties in rankings) come out as on one thread.
    pieces.sort_unstable_by_key(|p| p.0);
    let mut total = Partial::new();
    for (_, part) in pieces {
        total.merge(part);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::*;
    use crate::analytics::{time_span, Offsets, Rank};
    use crate::Db;

    const DAY: i64 = 86_400_000;
    /// 2026-03-01T00:00:00Z; the posts spread over 40 days across the spring DST change.
    const START: i64 = 1_772_323_200_000;

    fn id(kind: u32, n: usize) -> String {
        format!("{kind:08x}-0000-7000-8000-{n:012x}")
    }

    /// 3 campaigns, 4 accounts on 3 platforms, 900 posts with 1 to 3 targets each (a post's
    /// targets on different days and accounts, two of them sometimes on one platform), and two
    /// snapshots per target: the later one counts.
    fn seeded() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let mut db = Db::open(&dir.path().join("studio.db")).expect("db");
        db.write(|tx| {
            for c in 0..3 {
                tx.execute(
                    "INSERT INTO campaigns (id, name, timezone, created_at, updated_at) VALUES (?1, ?2, 'UTC', 0, 0)",
                    params![id(1, c), format!("C{c}")],
                )?;
            }
            for (a, platform) in ["tiktok", "tiktok", "youtube", "bluesky"].iter().enumerate() {
                tx.execute(
                    "INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES (?1, ?2, ?3, 0, 0)",
                    params![id(2, a), platform, format!("a{a}")],
                )?;
            }
            let mut seed = 11u64;
            let mut next = |n: u64| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) % n
            };
            let mut t = 0;
            for p in 0..900 {
                tx.execute(
                    "INSERT INTO posts (id, campaign_id, caption, state, created_at, updated_at) VALUES (?1, ?2, 'x', 'done', 0, 0)",
                    params![id(3, p), id(1, p % 3)],
                )?;
                for k in 0..(1 + p % 3) {
                    let at = START + i64::try_from(next(40 * DAY as u64)).unwrap_or(0);
                    tx.execute(
                        "INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'published', ?1, ?4, 0, 0)",
                        params![id(4, t), id(3, p), id(2, (p + k) % 4), at],
                    )?;
                    for (h, scale) in [(1, 1), (48, 3)] {
                        let views = i64::try_from(next(5_000)).unwrap_or(0) * scale;
                        tx.execute(
                            "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares,
                                                           saves, watch_time_s, created_at, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)",
                            params![id(5, t * 2 + h), id(4, t), at + h as i64 * 3_600_000, views, views / 9, views / 40,
                                    views / 70, views / 55, (views * 3) as f64],
                        )?;
                    }
                    t += 1;
                }
            }
            Ok(())
        })
        .expect("seed");
        (dir, db)
    }

    #[test]
    fn split_across_connections_adds_up_exactly_as_one_thread() {
        let (_dir, mut db) = seeded();
        let zone = jiff::tz::TimeZone::get("America/New_York").expect("zone");
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").expect("zone");
        db.read_split(3, |conn, helpers| {
            assert_eq!(helpers.len(), 2, "two helper connections opened");
            let span = time_span(conn)?;
            let first_account: i64 =
                conn.query_row("SELECT k FROM analytics_keys WHERE id = ?1", [id(2, 0)], |r| r.get(0))?;
            let clocks = Clocks::new(Offsets::over(span, &zone), [(first_account, Offsets::over(span, &berlin))]);
            let filters = [
                Filter::default(),
                Filter { platform: Some("tiktok".into()), ..Filter::default() },
                Filter { from_ms: Some(START + 10 * DAY), to_ms: Some(START + 25 * DAY), ..Filter::default() },
            ];
            for f in &filters {
                let reader = Reader::new(conn, f)?;
                let mut one = Partial::new();
                reader.posts(conn, |post| one.add_post(post, &clocks))?;
                let one = one.finish(reader.platforms.clone());
                let (lo, hi) = post_keys(conn)?.expect("rows");
                let many = split(conn, helpers, &reader, &clocks, lo, hi)?.finish(reader.platforms.clone());

                assert!(one.totals.targets > one.totals.posts, "{f:?}: some posts have several targets");
                assert!(one.daily.iter().any(|(_, s)| s.targets > s.posts), "{f:?}: a post counted once a day");
                // Counts are integers and watch times whole seconds: equal, not close.
                assert_eq!(one.totals, many.totals, "{f:?}");
                assert_eq!(one.daily, many.daily, "{f:?}");
                assert_eq!(
                    (&one.by_platform, &one.by_account, &one.by_campaign),
                    (&many.by_platform, &many.by_account, &many.by_campaign)
                );
                assert_eq!(one.posts, many.posts, "{f:?}: same posts in the same order");
                assert_eq!(one.heat.len(), many.heat.len());
                for (a, b) in one.heat.iter().zip(&many.heat) {
                    assert_eq!((a.weekday, a.hour, a.targets, a.rated), (b.weekday, b.hour, b.targets, b.rated));
                    assert!((a.rate_sum - b.rate_sum).abs() < 1e-9);
                }
                for rank in [Rank::EngagementRate, Rank::Views] {
                    for best in [true, false] {
                        let ids = |s: &Summary| -> Result<Vec<String>> {
                            Ok(s.ranked_posts(conn, rank, best, 10)?.into_iter().map(|p| p.post_id).collect())
                        };
                        assert_eq!(ids(&one)?, ids(&many)?, "{f:?} {rank:?} best={best}");
                    }
                }
                // The entry point gives the same whichever way it reads.
                assert_eq!(summarize(conn, helpers, f, &clocks)?.totals, one.totals);
            }
            Ok(())
        })
        .expect("read");
    }

    #[test]
    fn helper_connections_cannot_write() {
        let (_dir, mut db) = seeded();
        db.read_split(2, |_, helpers| {
            let [h] = helpers else { panic!("one helper") };
            assert!(h.execute("DELETE FROM campaigns", []).is_err());
            let n: i64 = h.query_row("SELECT count(*) FROM campaigns", [], |r| r.get(0))?;
            assert_eq!(n, 3, "reads the same database, unchanged");
            Ok(())
        })
        .expect("read");
    }
}

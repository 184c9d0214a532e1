//! The filtered `analytics_targets` rows, read once per screen.
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params_from_iter, Connection};
use rustc_hash::FxHashMap;

use super::filter::Filter;
use crate::error::Result;

/// Each account's platform, by account key: a target's platform is its account's, so rows need
/// not carry the text (a string per row is the costliest column to read).
struct AccountPlatforms {
    names: Vec<String>,
    of: FxHashMap<i64, u16>,
}

fn account_platforms(conn: &Connection) -> Result<AccountPlatforms> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.k, a.platform FROM accounts a JOIN analytics_keys k ON k.id = a.id ORDER BY a.platform",
    )?;
    let mut q = stmt.query([])?;
    let mut out = AccountPlatforms { names: Vec::new(), of: FxHashMap::default() };
    while let Some(r) = q.next()? {
        let name: String = r.get(1)?;
        if out.names.last() != Some(&name) {
            out.names.push(name);
        }
        let i = u16::try_from(out.names.len() - 1).unwrap_or(u16::MAX);
        out.of.insert(r.get(0)?, i);
    }
    Ok(out)
}

/// One live published target with its latest counts (a missing count is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub post_k: i64,
    pub campaign_k: i64,
    pub account_k: i64,
    /// Index into the summary's platform names.
    pub platform: u16,
    /// UTC instant (ms).
    pub published_at: i64,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub saves: i64,
    pub watch_time_s: f64,
}

impl Row {
    pub fn engagements(&self) -> i64 {
        self.likes + self.comments + self.shares + self.saves
    }
}

/// What reading rows needs besides a connection: the filter as SQL and the platform of each account.
pub(super) struct Reader {
    conds: Vec<String>,
    vals: Vec<Value>,
    /// Platform names, in order of name (`Row::platform` indexes them).
    pub platforms: Vec<String>,
    platform_of: FxHashMap<i64, u16>,
}

impl Reader {
    pub fn new(conn: &Connection, f: &Filter) -> Result<Self> {
        let (conds, vals) = f.conditions(conn)?;
        let AccountPlatforms { names, of } = account_platforms(conn)?;
        Ok(Self { conds, vals, platforms: names, platform_of: of })
    }

    fn sql(&self, head: &str, index: &str, extra: &[&str]) -> String {
        let conds: Vec<&str> = self.conds.iter().map(String::as_str).chain(extra.iter().copied()).collect();
        let w = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
        format!("{head} FROM analytics_targets {index} {w}")
    }

    /// Every selected post's rows, through whichever index SQLite picks for the filter.
    pub fn posts(&self, conn: &Connection, mut each: impl FnMut(&[Row])) -> Result<()> {
        let mut rows: Vec<Row> = Vec::new();
        self.read(conn, &self.sql(COLUMNS, "", &[]), &self.vals, |r| rows.push(r))?;
        // Stable: a post's rows keep their index order. Only small selections come this way.
        rows.sort_by_key(|r| r.post_k);
        rows.chunk_by(|a, b| a.post_k == b.post_k).for_each(&mut each);
        Ok(())
    }

    /// The selected posts with keys in `lo..hi`, read in post order: each post's rows arrive
    /// together and are handed on without collecting the rest.
    pub fn posts_between(&self, conn: &Connection, lo: i64, hi: i64, mut each: impl FnMut(&[Row])) -> Result<()> {
        let n = self.vals.len();
        let range = [format!("post_k >= ?{}", n + 1), format!("post_k < ?{}", n + 2)];
        let sql = self.sql(COLUMNS, "INDEXED BY analytics_targets_by_post", &[&range[0], &range[1]]);
        let mut vals = self.vals.clone();
        vals.extend([Value::Integer(lo), Value::Integer(hi)]);
        let mut post: Vec<Row> = Vec::new();
        self.read(conn, &format!("{sql} ORDER BY post_k"), &vals, |r| {
            if post.last().is_some_and(|p| p.post_k != r.post_k) {
                each(&post);
                post.clear();
            }
            post.push(r);
        })?;
        if !post.is_empty() {
            each(&post);
        }
        Ok(())
    }

    fn read(&self, conn: &Connection, sql: &str, vals: &[Value], mut each: impl FnMut(Row)) -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut q = stmt.query(params_from_iter(vals))?;
        while let Some(r) = q.next()? {
            let int = |i: usize| -> Result<i64> { Ok(count(r.get_ref(i)?)) };
            let account_k = int(2)?;
            each(Row {
                post_k: int(0)?,
                campaign_k: int(1)?,
                account_k,
                platform: self.platform_of.get(&account_k).copied().unwrap_or(u16::MAX),
                published_at: int(3)?,
                views: int(4)?,
                likes: int(5)?,
                comments: int(6)?,
                shares: int(7)?,
                saves: int(8)?,
                watch_time_s: real(r.get_ref(9)?),
            });
        }
        Ok(())
    }
}

/// A count as stored. The schema makes them integers, but SQLite keeps a non-integral value a
/// platform sent as REAL even in an INTEGER column: count it (truncated) rather than fail the
/// whole screen.
fn count(v: ValueRef<'_>) -> i64 {
    match v {
        ValueRef::Integer(i) => i,
        ValueRef::Real(f) => f as i64,
        _ => 0,
    }
}

/// Watch time; NULL (not reported) is 0.
fn real(v: ValueRef<'_>) -> f64 {
    match v {
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(f) => f,
        _ => 0.0,
    }
}

/// Only indexed columns: every analytics index covers them, so reads never touch the table.
const COLUMNS: &str =
    "SELECT post_k, campaign_k, account_k, published_at, views, likes, comments, shares, saves, watch_time_s";

/// Whether `f` may select more than `n` rows: counted, up to `n + 1`, in the index its campaign,
/// account or dates pick. The platform is left out, as no index leads with it and counting it
/// walks every row; so this can say yes for a platform's few rows, never no for many.
pub(super) fn more_than(conn: &Connection, f: &Filter, n: usize) -> Result<bool> {
    let (w, vals) = Filter { platform: None, ..f.clone() }.clause(conn)?;
    let sql = format!("SELECT count(*) FROM (SELECT 1 FROM analytics_targets {w} LIMIT {})", n.saturating_add(1));
    let counted: i64 = conn.query_row(&sql, params_from_iter(vals), |r| r.get(0))?;
    Ok(usize::try_from(counted).unwrap_or(0) > n)
}

/// The range of post keys among all rows (from the post index: two lookups).
pub(super) fn post_keys(conn: &Connection) -> Result<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) =
        // Two subqueries: SQLite answers a lone min() or max() from the index, not both at once.
        conn.query_row(
            "SELECT (SELECT min(post_k) FROM analytics_targets), (SELECT max(post_k) FROM analytics_targets)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    Ok(lo.zip(hi))
}

/// The publish-instant span of all rows (from the time index: two lookups), for zone offsets.
pub fn time_span(conn: &Connection) -> Result<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT (SELECT min(published_at) FROM analytics_targets), (SELECT max(published_at) FROM analytics_targets)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(lo.zip(hi))
}

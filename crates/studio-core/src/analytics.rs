//! The SQL behind the analytics screens.
//!
//! Everything reads `analytics_targets` (migration 0005): one row per live published target with
//! its latest snapshot's counts, kept current by triggers, so no query joins or searches
//! snapshots. Metrics are each target's latest snapshot; engagements are likes + comments +
//! shares + saves; a missing count (a platform that does not report saves) counts as 0.
//!
//! Local days and hours depend on a time zone's offset, which SQLite cannot compute. Callers pass
//! an [`Offsets`] table (the zone's UTC offsets over the data's time span, from jiff) and the SQL
//! adds the right offset per row with a small CASE expression.
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::error::Result;

/// Which rows count: all conditions are ANDed; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub campaign_id: Option<String>,
    pub account_id: Option<String>,
    pub platform: Option<String>,
    /// Published at or after this UTC instant (ms).
    pub from_ms: Option<i64>,
    /// Published before this UTC instant (ms, exclusive).
    pub to_ms: Option<i64>,
}

/// The integer key of a post, campaign or account id (migration 0005); -1 (matches nothing) for
/// an id that was never stored.
fn key_of(conn: &Connection, id: &str) -> Result<i64> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT k FROM analytics_keys WHERE id = ?1", [id], |r| r.get(0)).optional()?.unwrap_or(-1))
}

impl Filter {
    /// `WHERE ...` over `analytics_targets` (alias-free) plus its parameters. Only present
    /// conditions are written, so SQLite can pick the matching index.
    fn clause(&self, conn: &Connection, extra: &[String]) -> Result<(String, Vec<Value>)> {
        let mut conds: Vec<String> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        let mut push = |sql: &str, v: Value| {
            vals.push(v);
            conds.push(format!("{sql} ?{}", vals.len()));
        };
        if let Some(c) = &self.campaign_id {
            push("campaign_k =", Value::Integer(key_of(conn, c)?));
        }
        if let Some(a) = &self.account_id {
            push("account_k =", Value::Integer(key_of(conn, a)?));
        }
        if let Some(p) = &self.platform {
            push("platform =", Value::Text(p.clone()));
        }
        if let Some(f) = self.from_ms {
            push("published_at >=", Value::Integer(f));
        }
        if let Some(t) = self.to_ms {
            push("published_at <", Value::Integer(t));
        }
        conds.extend(extra.iter().cloned());
        if conds.is_empty() {
            Ok((String::new(), vals))
        } else {
            Ok((format!("WHERE {}", conds.join(" AND ")), vals))
        }
    }
}

/// Sums over a set of targets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub posts: i64,
    pub targets: i64,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub saves: i64,
    pub watch_time_s: f64,
}

impl Sums {
    pub fn engagements(&self) -> i64 {
        self.likes + self.comments + self.shares + self.saves
    }

    /// Engagements per view over the whole set (view-weighted); 0 without views.
    pub fn engagement_rate(&self) -> f64 {
        if self.views > 0 {
            self.engagements() as f64 / self.views as f64
        } else {
            0.0
        }
    }
}

const SUMS: &str = "count(DISTINCT post_k), count(*), total(views), total(likes), total(comments), total(shares), \
                    total(saves), total(watch_time_s)";

fn sums_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Sums> {
    // total() is a float (never NULL): exact for integers below 2^53.
    let int = |k: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, f64>(i + k)? as i64) };
    Ok(Sums {
        posts: r.get(i)?,
        targets: r.get(i + 1)?,
        views: int(2)?,
        likes: int(3)?,
        comments: int(4)?,
        shares: int(5)?,
        saves: int(6)?,
        watch_time_s: r.get(i + 7)?,
    })
}

pub fn totals(conn: &Connection, f: &Filter) -> Result<Sums> {
    let (w, vals) = f.clause(conn, &[])?;
    let sql = format!("SELECT {SUMS} FROM analytics_targets {w}");
    Ok(conn.query_row(&sql, params_from_iter(vals), |r| sums_at(r, 0))?)
}

/// A zone's UTC offsets over a time span: `(until_ms, offset_ms)` segments in order, the last
/// one open-ended (`until_ms = i64::MAX`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets(pub Vec<(i64, i64)>);

impl Offsets {
    pub fn fixed(offset_ms: i64) -> Self {
        Self(vec![(i64::MAX, offset_ms)])
    }

    /// `published_at` shifted to local wall-clock milliseconds, as SQL. The numbers are ours
    /// (formatted integers), never user text.
    fn local_sql(&self) -> String {
        if let [(_, off)] = self.0.as_slice() {
            return format!("(published_at + {off})");
        }
        let mut segs = self.0.iter().peekable();
        let mut case = String::from("(published_at + CASE");
        while let Some((until, off)) = segs.next() {
            if segs.peek().is_none() {
                case.push_str(&format!(" ELSE {off} END)"));
            } else {
                case.push_str(&format!(" WHEN published_at < {until} THEN {off}"));
            }
        }
        if self.0.is_empty() {
            case.push_str(" ELSE 0 END)");
        }
        case
    }
}

/// The publish-instant span of the filtered rows (for computing [`Offsets`]); `None` if empty.
pub fn span(conn: &Connection, f: &Filter) -> Result<Option<(i64, i64)>> {
    let (w, vals) = f.clause(conn, &[])?;
    let sql = format!("SELECT min(published_at), max(published_at) FROM analytics_targets {w}");
    let (lo, hi): (Option<i64>, Option<i64>) =
        conn.query_row(&sql, params_from_iter(vals), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(lo.zip(hi))
}

/// The zone's UTC offsets over the filtered rows' publish span (a handful of DST segments a year).
pub fn offsets(conn: &Connection, f: &Filter, tz: &jiff::tz::TimeZone) -> Result<Offsets> {
    let Some((lo, hi)) = span(conn, f)? else { return Ok(Offsets::fixed(0)) };
    let Ok(start) = jiff::Timestamp::from_millisecond(lo) else { return Ok(Offsets::fixed(0)) };
    let ms = |o: jiff::tz::Offset| i64::from(o.seconds()) * 1000;
    let mut current = ms(tz.to_offset(start));
    let mut segs = Vec::new();
    for t in tz.following(start) {
        let at = t.timestamp().as_millisecond();
        // A pathological zone cannot make the CASE expression huge.
        if at > hi || segs.len() > 2_000 {
            break;
        }
        segs.push((at, current));
        current = ms(t.offset());
    }
    segs.push((i64::MAX, current));
    Ok(Offsets(segs))
}

const DAY_MS: i64 = 86_400_000;

/// Sums per local day of publish: `(days since 1970-01-01 in the zone, sums)`, in order.
pub fn daily(conn: &Connection, f: &Filter, offsets: &Offsets) -> Result<Vec<(i64, Sums)>> {
    let (w, vals) = f.clause(conn, &[])?;
    let sql = format!(
        "SELECT {local} / {DAY_MS} AS day, {SUMS} FROM analytics_targets {w} GROUP BY day ORDER BY day",
        local = offsets.local_sql()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| Ok((r.get(0)?, sums_at(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Platform,
    Account,
    Campaign,
}

/// One group of a breakdown: its key, a label for people, and its sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub label: String,
    pub sums: Sums,
}

/// Sums per platform, account or campaign, most views first.
pub fn breakdown(conn: &Connection, f: &Filter, by: Dimension) -> Result<Vec<Group>> {
    let (w, vals) = f.clause(conn, &[])?;
    const ID: &str = "(SELECT id FROM analytics_keys WHERE k = g.k)";
    let (col, key, label) = match by {
        Dimension::Platform => ("platform", "g.k".to_string(), "g.k".to_string()),
        Dimension::Account => (
            "account_k",
            ID.to_string(),
            format!(
                "(SELECT coalesce(a.handle, a.display_name, a.platform_user_id, a.id) || ' (' || a.platform || ')'
                  FROM accounts a WHERE a.id = {ID})"
            ),
        ),
        Dimension::Campaign => {
            ("campaign_k", ID.to_string(), format!("(SELECT c.name FROM campaigns c WHERE c.id = {ID})"))
        }
    };
    let sql = format!(
        "SELECT {key}, ifnull({label}, {key}), g.* FROM (SELECT {col} AS k, {SUMS} FROM analytics_targets {w} GROUP BY k) g
         ORDER BY 6 DESC, 1"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(vals), |r| Ok(Group { key: r.get(0)?, label: r.get(1)?, sums: sums_at(r, 3)? }))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How posts are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Engagements per view; posts without views have no rate and are left out.
    EngagementRate,
    Views,
}

/// A post's sums over its targets in the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPost {
    pub post_id: String,
    pub campaign_id: String,
    pub caption: String,
    pub title: Option<String>,
    /// The first publish of the post among the filtered targets.
    pub published_at: i64,
    /// Distinct platforms, comma-separated.
    pub platforms: String,
    /// The post's media (an asset id), if any.
    pub asset_id: Option<String>,
    pub sums: Sums,
}

/// The `limit` best (`best = true`) or worst posts by `rank`.
pub fn ranked_posts(conn: &Connection, f: &Filter, rank: Rank, best: bool, limit: u32) -> Result<Vec<RankedPost>> {
    let (w, vals) = f.clause(conn, &[])?;
    let dir = if best { "DESC" } else { "ASC" };
    let (having, order) = match rank {
        Rank::EngagementRate => ("HAVING v > 0", format!("(e * 1.0 / v) {dir}, v {dir}")),
        Rank::Views => ("", format!("v {dir}, e {dir}")),
    };
    let sql = format!(
        "SELECT p.id, (SELECT id FROM analytics_keys WHERE k = g.campaign_k), p.caption, p.title, g.first_at, g.platforms,
                (SELECT t.asset_id FROM post_targets t WHERE t.post_id = p.id AND t.asset_id IS NOT NULL LIMIT 1),
                g.targets, g.v, g.l, g.c, g.s, g.sv, g.wt
         FROM (SELECT post_k, min(campaign_k) AS campaign_k, min(published_at) AS first_at,
                      group_concat(DISTINCT platform) AS platforms, count(*) AS targets,
                      total(views) AS v, total(likes) AS l, total(comments) AS c, total(shares) AS s,
                      total(saves) AS sv, total(watch_time_s) AS wt,
                      total(likes) + total(comments) + total(shares) + total(saves) AS e
               FROM analytics_targets {w} GROUP BY post_k {having} ORDER BY {order}, post_k LIMIT {limit}) g
         JOIN analytics_keys pk ON pk.k = g.post_k
         JOIN posts p ON p.id = pk.id
         ORDER BY {order_outer}",
        order_outer = match rank {
            Rank::EngagementRate => format!("((g.l + g.c + g.s + g.sv) * 1.0 / g.v) {dir}, g.v {dir}, g.post_k"),
            Rank::Views => format!("g.v {dir}, (g.l + g.c + g.s + g.sv) {dir}, g.post_k"),
        }
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        let int = |k: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, f64>(k)? as i64) };
        Ok(RankedPost {
            post_id: r.get(0)?,
            campaign_id: r.get(1)?,
            caption: r.get(2)?,
            title: r.get(3)?,
            published_at: r.get(4)?,
            platforms: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            asset_id: r.get(6)?,
            sums: Sums {
                posts: 1,
                targets: r.get(7)?,
                views: int(8)?,
                likes: int(9)?,
                comments: int(10)?,
                shares: int(11)?,
                saves: int(12)?,
                watch_time_s: r.get(13)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One weekday × hour cell of the heat map, before averaging.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HeatCell {
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: u8,
    pub hour: u8,
    pub targets: i64,
    /// Targets with views (the ones that have an engagement rate).
    pub rated: i64,
    /// Sum of per-target engagement rates over the rated targets.
    pub rate_sum: f64,
}

/// Which accounts a heat-map query covers (each zone is queried for its own accounts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts<'a> {
    All,
    Only(&'a [String]),
    Except(&'a [String]),
}

/// Targets per local publish weekday × hour, with their per-target engagement rates summed.
pub fn heatmap(conn: &Connection, f: &Filter, accounts: Accounts<'_>, offsets: &Offsets) -> Result<Vec<HeatCell>> {
    let list = |ids: &[String]| -> String {
        // Account ids are UUIDs from our own table; quote defensively anyway.
        ids.iter().map(|i| format!("'{}'", i.replace('\'', "''"))).collect::<Vec<_>>().join(", ")
    };
    let extra = match accounts {
        Accounts::All => vec![],
        Accounts::Only(ids) => vec![format!("account_k IN (SELECT k FROM analytics_keys WHERE id IN ({}))", list(ids))],
        Accounts::Except([]) => vec![],
        Accounts::Except(ids) => {
            vec![format!("account_k NOT IN (SELECT k FROM analytics_keys WHERE id IN ({}))", list(ids))]
        }
    };
    let (w, vals) = f.clause(conn, &extra)?;
    let local = offsets.local_sql();
    // 1970-01-01 was a Thursday: (days + 3) % 7 makes Monday 0.
    let sql = format!(
        "SELECT ({local} / {DAY_MS} + 3) % 7 AS wd, ({local} / 3600000) % 24 AS hr, count(*),
                count(CASE WHEN views > 0 THEN 1 END),
                total(CASE WHEN views > 0 THEN (likes + comments + shares + saves) * 1.0 / views END)
         FROM analytics_targets {w} GROUP BY wd, hr ORDER BY wd, hr"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        Ok(HeatCell {
            weekday: u8::try_from(r.get::<_, i64>(0)?.rem_euclid(7)).unwrap_or(0),
            hour: u8::try_from(r.get::<_, i64>(1)?.rem_euclid(24)).unwrap_or(0),
            targets: r.get(2)?,
            rated: r.get(3)?,
            rate_sum: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Each account's zone where the creator gave one (its queue slots); others use the report zone.
pub fn account_zones(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT account_id, min(timezone) FROM queue_slots GROUP BY account_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A prediction and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePair {
    pub target_id: String,
    pub post_id: String,
    pub platform: String,
    pub score: f64,
    pub model_kind: String,
    pub views: i64,
    pub engagement_rate: f64,
}

/// The latest score of each published target in the filter against its actual engagement.
pub fn score_pairs(conn: &Connection, f: &Filter, limit: u32) -> Result<Vec<ScorePair>> {
    // Driven from the filtered rows, newest first in index order (no sort), one probe of
    // scores_by_target per row, stopping at `limit` pairs.
    let (w, vals) = f.clause(conn, &[])?;
    let sql = format!(
        "SELECT t.target_id, (SELECT id FROM analytics_keys WHERE k = t.post_k), t.platform, s.score, s.model_kind,
                t.views, t.likes + t.comments + t.shares + t.saves
         FROM (SELECT * FROM analytics_targets {w}) t
         JOIN scores s ON s.id = (SELECT x.id FROM scores x WHERE x.post_target_id = t.target_id
                                  AND x.deleted_at IS NULL ORDER BY x.created_at DESC, x.id DESC LIMIT 1)
         ORDER BY t.published_at DESC LIMIT {limit}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        let views: i64 = r.get(5)?;
        let eng: i64 = r.get(6)?;
        Ok(ScorePair {
            target_id: r.get(0)?,
            post_id: r.get(1)?,
            platform: r.get(2)?,
            score: r.get(3)?,
            model_kind: r.get(4)?,
            views,
            engagement_rate: if views > 0 { eng as f64 / views as f64 } else { 0.0 },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Money per currency over a campaign (or all) and a civil-date range (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoneySums {
    pub currency: String,
    /// Everything that is not a cost, in minor units.
    pub revenue_minor: i64,
    pub cost_minor: i64,
    pub entries: i64,
}

pub fn revenue(
    conn: &Connection,
    campaign_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<MoneySums>> {
    let mut conds = vec!["deleted_at IS NULL".to_string()];
    let mut vals: Vec<Value> = Vec::new();
    let mut push = |sql: &str, v: &str| {
        vals.push(Value::Text(v.to_string()));
        conds.push(format!("{sql} ?{}", vals.len()));
    };
    if let Some(c) = campaign_id {
        push("campaign_id =", c);
    }
    // Civil dates as YYYY-MM-DD compare correctly as text.
    if let Some(d) = from {
        push("occurred_on >=", d);
    }
    if let Some(d) = to {
        push("occurred_on <=", d);
    }
    let sql = format!(
        "SELECT currency, total(CASE WHEN kind <> 'cost' THEN amount_minor END),
                total(CASE WHEN kind = 'cost' THEN amount_minor END), count(*)
         FROM revenue_entries WHERE {} GROUP BY currency ORDER BY currency",
        conds.join(" AND ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        Ok(MoneySums {
            currency: r.get(0)?,
            revenue_minor: r.get::<_, f64>(1)? as i64,
            cost_minor: r.get::<_, f64>(2)? as i64,
            entries: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

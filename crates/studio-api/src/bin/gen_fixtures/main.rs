//! `make fixtures`: the in-memory backend's answers, computed by studio-api itself.
//!
//! The browser tests run against a TypeScript fake of the backend. Porting analytics and the
//! like to TypeScript made every rule live twice; instead each scenario in
//! `ui/src/backend/fixtures/seeds/*.json` (the state a test seeds, with a fixed `now`) is written
//! into a fresh SQLite database in a temporary data dir, the scenario's requests are answered by
//! studio-api, and the answers go to `ui/src/backend/fixtures/<scenario>.json` for the fake to
//! replay. `crates/studio-api/tests/fixtures_fresh.rs` fails when they are stale.
//!
//! Seeds use readable ids ("c1", "x1"); the database wants UUIDs, so every seed id is mapped to
//! a UUID in the ids' sort order (ties in the real queries break the same way) and mapped back
//! in the answers.
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_api::analytics::RevenueRates;
use studio_api::revenue::RevenueInput;
use studio_api::{ApiError, Context};

mod analytics;
/// Campaign validation: what studio-api makes of a creator's input.
mod campaigns;
mod learning;
// The money answers are keyed by what decides them, not by a scenario: see the module.
mod money;
/// Posts and accounts: platforms, target moves, validation answers.
mod posts;
mod score;

type Res<T> = Result<T, Box<dyn Error>>;

/// When the publisher reads a target's metrics after publishing, in hours (its metric offsets).
const METRIC_READS_H: [i64; 5] = [1, 6, 24, 48, 168];

#[derive(Deserialize)]
struct Seed {
    /// The instant the scenario is seen at (tests pin the clock to it).
    now: String,
    /// The viewer's zone: what a filter without a zone or campaign is read in.
    #[serde(default = "utc")]
    zone: String,
    #[serde(default)]
    campaigns: Vec<SeedCampaign>,
    #[serde(default)]
    accounts: Vec<SeedAccount>,
    #[serde(default)]
    history: Vec<SeedHistory>,
    /// Every metric read per target id; a target not listed gets its history row's counts, one
    /// listed with no reads is published but not read yet.
    #[serde(default)]
    snapshots: BTreeMap<String, Vec<SeedPoint>>,
    #[serde(default)]
    revenue: Vec<SeedRevenue>,
    #[serde(default)]
    rates: Option<RevenueRates>,
    /// The zone each account's posting slots keep.
    #[serde(default)]
    slots: Vec<SeedSlots>,
    #[serde(default)]
    requests: Requests,
}

fn utc() -> String {
    "UTC".into()
}

#[derive(Deserialize)]
struct SeedCampaign {
    id: String,
    name: String,
    #[serde(default = "utc")]
    timezone: String,
}

#[derive(Deserialize)]
struct SeedAccount {
    id: String,
    platform: String,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct SeedHistory {
    account_id: String,
    published_at: String,
    views: i64,
    likes: i64,
    comments: i64,
    shares: i64,
    saves: i64,
    #[serde(default)]
    post_id: Option<String>,
    #[serde(default)]
    target_id: Option<String>,
    #[serde(default)]
    campaign_id: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    post_url: Option<String>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    model_kind: Option<String>,
    #[serde(default)]
    watch_time_s: Option<f64>,
}

#[derive(Deserialize)]
struct SeedPoint {
    at: String,
    views: i64,
    likes: i64,
    comments: i64,
    shares: i64,
    /// Absent where the platform does not report saves (Bluesky).
    #[serde(default)]
    saves: Option<i64>,
}

#[derive(Deserialize)]
struct SeedRevenue {
    campaign_id: String,
    kind: String,
    amount: String,
    currency: String,
    occurred_on: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct SeedSlots {
    account_id: String,
    timezone: String,
}

/// What a scenario asks, each domain's requests under their own keys (`requests.analytics`, …).
#[derive(Deserialize, Default)]
struct Requests {
    #[serde(flatten)]
    analytics: analytics::Requests,
    #[serde(flatten)]
    learning: learning::Requests,
}

/// One request and what the backend said: an answer or an error, never both.
#[derive(Serialize)]
struct Answered<Q> {
    request: Q,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

/// One named list of a fixture (`"analytics"`, `"best_times"` …): one answered request a line.
type List = (&'static str, Vec<String>);

/// Every domain's answers for a scenario; a domain adds its module and one line here.
fn answer_all(ctx: &Context, seed: &Seed, ids: &Ids) -> Res<Vec<List>> {
    let mut lists = analytics::answer(ctx, seed, ids)?;
    lists.extend(learning::answer(ctx, seed, ids)?);
    lists.retain(|(_, items)| !items.is_empty());
    Ok(lists)
}

/// Seed ids ↔ UUIDs, assigned in sort order.
struct Ids {
    to_uuid: BTreeMap<String, String>,
}

impl Ids {
    fn new(ids: BTreeSet<String>) -> Self {
        let to_uuid = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, format!("00000000-0000-7000-8000-{:012x}", i + 1)))
            .collect();
        Self { to_uuid }
    }
    fn uuid(&self, id: &str) -> String {
        self.to_uuid.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
    /// The answer with every UUID spelled as its seed id again.
    fn back(&self, mut text: String) -> String {
        for (id, uuid) in &self.to_uuid {
            text = text.replace(uuid, id);
        }
        text
    }
}

fn ms(s: &str) -> Res<i64> {
    Ok(s.parse::<jiff::Timestamp>().map_err(|e| format!("{s}: {e}"))?.as_millisecond())
}

fn post_id_of(h: &SeedHistory, i: usize) -> String {
    h.post_id.clone().unwrap_or_else(|| format!("history-{}-{i}", h.account_id))
}

fn target_id_of(h: &SeedHistory, i: usize) -> String {
    h.target_id.clone().unwrap_or_else(|| format!("{}/{}", post_id_of(h, i), h.account_id))
}

/// A campaign for history rows that name none (the learning seed's shape).
const NO_CAMPAIGN: &str = "(no campaign)";

fn collect_ids(seed: &Seed) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    ids.extend(seed.campaigns.iter().map(|c| c.id.clone()));
    ids.extend(seed.accounts.iter().map(|a| a.id.clone()));
    for (i, h) in seed.history.iter().enumerate() {
        ids.insert(post_id_of(h, i));
        ids.insert(target_id_of(h, i));
        if h.campaign_id.is_none() {
            ids.insert(NO_CAMPAIGN.into());
        }
    }
    ids
}

fn load(ctx: &Context, seed: &Seed, ids: &Ids) -> Res<()> {
    let now = ms(&seed.now)?;
    let mut db = ctx.db();
    db.write(|tx| {
        let mut campaigns: Vec<(String, String, String)> =
            seed.campaigns.iter().map(|c| (c.id.clone(), c.name.clone(), c.timezone.clone())).collect();
        if seed.history.iter().any(|h| h.campaign_id.is_none()) {
            campaigns.push((NO_CAMPAIGN.into(), NO_CAMPAIGN.into(), "UTC".into()));
        }
        for (id, name, tz) in &campaigns {
            tx.execute(
                "INSERT INTO campaigns (id, name, timezone, created_at, updated_at) VALUES (?1, ?2, ?3, 0, 0)",
                params![ids.uuid(id), name, tz],
            )?;
        }
        for a in &seed.accounts {
            tx.execute(
                "INSERT INTO accounts (id, platform, handle, display_name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 0, 0)",
                params![ids.uuid(&a.id), a.platform, a.handle, a.display_name],
            )?;
        }
        for s in &seed.slots {
            tx.execute(
                "INSERT INTO queue_slots (id, account_id, weekday, minute, timezone, created_at) VALUES (?1, ?2, 1, 0, ?3, 0)",
                params![studio_core::ids::new_id(), ids.uuid(&s.account_id), s.timezone],
            )?;
        }
        Ok(())
    })?;
    let mut posts = BTreeSet::new();
    for (i, h) in seed.history.iter().enumerate() {
        let post = ids.uuid(&post_id_of(h, i));
        let target = ids.uuid(&target_id_of(h, i));
        let campaign = ids.uuid(h.campaign_id.as_deref().unwrap_or(NO_CAMPAIGN));
        let published = ms(&h.published_at)?;
        let reads: Vec<(i64, [Option<i64>; 5])> = match seed.snapshots.get(&target_id_of(h, i)) {
            Some(points) => points
                .iter()
                .map(|p| Ok((ms(&p.at)?, [Some(p.views), Some(p.likes), Some(p.comments), Some(p.shares), p.saves])))
                .collect::<Res<_>>()?,
            None => {
                // The last read of the publisher's schedule that has passed, as the real one keeps.
                let at =
                    METRIC_READS_H.iter().rev().map(|h| published + h * 3_600_000).find(|at| *at <= now).unwrap_or(now);
                vec![(at, [Some(h.views), Some(h.likes), Some(h.comments), Some(h.shares), Some(h.saves)])]
            }
        };
        let account = ids.uuid(&h.account_id);
        let platform =
            seed.accounts.iter().find(|a| a.id == h.account_id).map_or("unknown", |a| a.platform.as_str()).to_string();
        let new_post = posts.insert(post.clone());
        db.write(|tx| {
            if new_post {
                tx.execute(
                    "INSERT INTO posts (id, campaign_id, caption, title, state, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'done', 0, 0)",
                    params![post, campaign, h.caption.clone().unwrap_or_default(), h.title],
                )?;
            }
            tx.execute(
                "INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, post_url, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'published', ?1, ?4, ?5, 0, 0)",
                params![target, post, account, published, h.post_url],
            )?;
            for (at, c) in &reads {
                tx.execute(
                    "INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves, watch_time_s,
                                                   created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?3)",
                    params![studio_core::ids::new_id(), target, at, c[0], c[1], c[2], c[3], c[4], h.watch_time_s],
                )?;
            }
            if let Some(score) = h.score {
                tx.execute(
                    "INSERT INTO scores (id, post_target_id, platform, score, model_kind, model_version, factors_json, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'fixture', '[]', ?6, ?6)",
                    params![
                        studio_core::ids::new_id(),
                        target,
                        platform,
                        score,
                        h.model_kind.as_deref().unwrap_or("prior"),
                        published
                    ],
                )?;
            }
            Ok(())
        })?;
    }
    drop(db);
    for r in &seed.revenue {
        let input = RevenueInput {
            campaign_id: ids.uuid(&r.campaign_id),
            kind: r.kind.clone(),
            amount: r.amount.clone(),
            currency: r.currency.clone(),
            occurred_on: Some(r.occurred_on.clone()),
            note: r.note.clone(),
        };
        studio_api::revenue::add(ctx, input)?;
    }
    if let Some(rates) = &seed.rates {
        studio_api::analytics::set_rates(ctx, rates.clone())?;
    }
    Ok(())
}

/// A request's fixture line: the answer (or error) with seed ids again.
fn answered<Q: Serialize, T: Serialize>(ids: &Ids, request: Q, result: Result<T, ApiError>) -> Res<String> {
    let line = match result {
        Ok(v) => Answered {
            request,
            answer: Some(serde_json::from_str(&ids.back(serde_json::to_string(&v)?))?),
            error: None,
        },
        Err(mut e) => {
            e.message = ids.back(e.message);
            Answered { request, answer: None, error: Some(e) }
        }
    };
    Ok(serde_json::to_string(&line)?)
}

/// A scenario's fixture: its clock and every list of answered requests, one request a line, so
/// diffs show which answers changed without the size of pretty-printed series. Lists a scenario
/// does not ask are left out.
fn scenario(name: &str, seed: &Seed, text: &str, work: &Path) -> Res<String> {
    let ids = Ids::new(collect_ids(seed));
    let paths = studio_core::StudioPaths::resolve(Some(work))?;
    let ctx = Context::open(paths, "gen-fixtures")?;
    load(&ctx, seed, &ids)?;
    studio_core::clock::pin(Some(ms(&seed.now)?));
    let mut out = format!(
        "{{\n  \"scenario\": {},\n  \"now\": {}",
        serde_json::to_string(name)?,
        serde_json::to_string(&seed.now)?
    );
    let mut lists = answer_all(&ctx, seed, &ids)?;
    // The score section is read from the seed's text by its own module (its ids, its features).
    if let Some(s) = score::answers(&ctx, text, &|id| ids.uuid(id), &|t| ids.back(t))? {
        lists.push(("score", s.score.iter().map(serde_json::to_string).collect::<Result<_, _>>()?));
        lists.push(("variants", s.variants.iter().map(serde_json::to_string).collect::<Result<_, _>>()?));
        lists.retain(|(_, items)| !items.is_empty());
    }
    for (key, items) in lists {
        out.push_str(&format!(",\n  \"{key}\": [\n    {}\n  ]", items.join(",\n    ")));
    }
    out.push_str("\n}\n");
    Ok(out)
}

/// A book of requests any scenario shares (`ui/src/backend/fixtures/requests/<name>.json`).
fn read_requests<T: serde::de::DeserializeOwned>(repo: &Path, name: &str) -> Res<Vec<T>> {
    let path = repo.join(format!("ui/src/backend/fixtures/requests/{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// Writes answered requests to `out/<name>.json`, one a line.
fn write_lines(out: &Path, name: &str, lines: &[String]) -> Res<()> {
    let path = out.join(format!("{name}.json"));
    std::fs::write(&path, format!("[\n  {}\n]\n", lines.join(",\n  ")))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(out: &Path) -> Res<()> {
    let seeds = repo_root().join("ui/src/backend/fixtures/seeds");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .map_err(|e| format!("{}: {e}", seeds.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    std::fs::create_dir_all(out)?;
    score::write_platforms(out)?;
    for path in names {
        let name = path.file_stem().and_then(|s| s.to_str()).ok_or("seed file name")?.to_string();
        let text = std::fs::read_to_string(&path)?;
        let seed: Seed = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let work = std::env::temp_dir().join(format!("viral-studio-fixtures-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let fixture = scenario(&name, &seed, &text, &work);
        let _ = std::fs::remove_dir_all(&work);
        let fixture = fixture.map_err(|e| format!("{name}: {e}"))?;
        let target = out.join(format!("{name}.json"));
        std::fs::write(&target, fixture)?;
        println!("wrote {}", target.display());
    }
    posts::write(&repo_root(), out)?;
    campaigns::write(&repo_root(), out)?;
    money::write(&seeds, out)
}

fn main() {
    // `gen-fixtures [OUT_DIR]`: the freshness test writes into a temporary directory.
    let out = std::env::args_os().nth(1).map_or_else(|| repo_root().join("ui/src/backend/fixtures"), PathBuf::from);
    if let Err(e) = run(&out) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

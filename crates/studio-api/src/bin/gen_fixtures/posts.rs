//! Posts and accounts for the in-memory backend: the platform list with its limits, the moves a
//! creator may make on a target, and `post_validate`'s answers, all from the Rust that owns them.
//!
//! The fake used to carry a copy of `assets/platforms/*.toml`, the validation rules (caption
//! units, media shapes, compliance) and the target state machine. Now it keeps posts as plain
//! records and asks these files:
//! - `rules.json`: `accounts::platforms()`, each OAuth platform's sign-in page, and, per creator move (retry, cancel, mark as posted),
//!   the target states `studio_core::targets::Move::allows` accepts, in the UI's names
//!   (a flagged queued target is "needs_review").
//! - `validate.json`: for each request in `fixtures/requests/validate.json` (a post input
//!   plus the accounts, media, campaign and compliance settings it is checked against), what
//!   `validate::validate` answers on a database holding exactly that. The fake looks an answer up
//!   by the request's canonical JSON; a missing one fails loudly with the request to add.
//! - `schedule.json`: for each request in `fixtures/requests/schedule.json` (the request's
//!   time fields plus what decides them: the post's and campaign's zones, its accounts' slots and
//!   taken times for "next free slot", the clock to the minute), where `schedule::resolve_when`
//!   lands it (instant, zone, the repeat as stored) with that zone's local time, or its error.
use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_api::posts::PostInput;
use studio_api::validate::ComplianceSettings;
use studio_api::{ApiError, Context};
use studio_core::targets::{Move, TargetState};

type Res<T> = Result<T, Box<dyn Error>>;

#[derive(Serialize)]
struct Rules {
    platforms: Vec<studio_api::accounts::PlatformView>,
    /// Per OAuth platform: where the fake browser sign-in goes and whether disconnecting revokes.
    sign_in: BTreeMap<&'static str, SignIn>,
    target_moves: BTreeMap<&'static str, Vec<&'static str>>,
}

#[derive(Serialize)]
struct SignIn {
    authorize_url: String,
    revokes: bool,
}

/// The UI's name of a stored state with or without an attention flag (studio-api posts.rs).
fn ui_states() -> Vec<(&'static str, TargetState, bool)> {
    let mut out: Vec<_> = TargetState::ALL.into_iter().map(|s| (s.as_str(), s, false)).collect();
    out.push(("needs_review", TargetState::Queued, true));
    out
}

fn rules() -> Rules {
    let moves = [("retry", Move::Retry), ("cancel", Move::Cancel), ("mark_posted", Move::MarkPosted)];
    let target_moves = moves
        .into_iter()
        .map(|(name, m)| {
            let from = ui_states().into_iter().filter(|(_, s, flagged)| m.allows(*s, *flagged)).map(|(n, _, _)| n);
            (name, from.collect())
        })
        .collect();
    let sign_in = studio_publish::PlatformId::ALL
        .into_iter()
        .filter_map(|p| {
            let o = studio_publish::rules::rules(p).oauth.as_ref()?;
            Some((p.as_str(), SignIn { authorize_url: o.authorize_url.clone(), revokes: o.revoke_url.is_some() }))
        })
        .collect();
    Rules { platforms: studio_api::accounts::platforms(), sign_in, target_moves }
}

/// One `post_validate` request with the state it is answered in.
#[derive(Deserialize, Serialize, Clone)]
struct ValidateRequest {
    input: Value,
    accounts: Vec<ReqAccount>,
    #[serde(default)]
    media: BTreeMap<String, ReqMedia>,
    #[serde(default)]
    sponsored: bool,
    compliance: ComplianceSettings,
}

#[derive(Deserialize, Serialize, Clone)]
struct ReqAccount {
    id: String,
    platform: String,
    handle: String,
    status: String,
}

/// What the library knows of a media id: an asset, or a finished render (`render: true`).
#[derive(Deserialize, Serialize, Clone)]
struct ReqMedia {
    kind: String,
    width: Option<u32>,
    height: Option<u32>,
    duration_s: Option<f64>,
    size_bytes: f64,
    render: bool,
}

#[derive(Serialize)]
struct Answered {
    request: ValidateRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

/// Readable ids ↔ the UUIDs the store wants.
struct Ids(Vec<(String, String)>);

impl Ids {
    fn uuid(&mut self, id: &str) -> String {
        if let Some((_, u)) = self.0.iter().find(|(i, _)| i == id) {
            return u.clone();
        }
        let u = format!("00000000-0000-7000-9000-{:012x}", self.0.len() + 1);
        self.0.push((id.to_string(), u.clone()));
        u
    }
    fn back(&self, mut text: String) -> String {
        for (id, u) in &self.0 {
            text = text.replace(u, id);
        }
        text
    }
}

fn answer(req: &ValidateRequest, work: &Path) -> Res<Answered> {
    let _ = std::fs::remove_dir_all(work);
    let paths = studio_core::StudioPaths::resolve(Some(work))?;
    let ctx = Context::open(paths, "gen-fixtures")?;
    let mut ids = Ids(Vec::new());
    let mut input: PostInput = serde_json::from_value(req.input.clone())?;
    let campaign = ids.uuid(&input.campaign_id);
    input.campaign_id = campaign.clone();
    if let Some(m) = &input.media {
        input.media = Some(ids.uuid(m));
    }
    for t in &mut input.targets {
        t.account_id = ids.uuid(&t.account_id);
        if let Some(m) = &t.media {
            t.media = Some(ids.uuid(m));
        }
    }
    let accounts: Vec<(String, &ReqAccount)> = req.accounts.iter().map(|a| (ids.uuid(&a.id), a)).collect();
    let media: Vec<(String, &ReqMedia)> = req.media.iter().map(|(id, m)| (ids.uuid(id), m)).collect();
    let files = work.join("renders");
    std::fs::create_dir_all(&files)?;
    ctx.db().write(|tx| {
        tx.execute(
            "INSERT INTO campaigns (id, name, timezone, sponsored, created_at, updated_at) VALUES (?1, 'Campaign', 'UTC', ?2, 0, 0)",
            params![campaign, req.sponsored],
        )?;
        for (id, a) in &accounts {
            tx.execute(
                "INSERT INTO accounts (id, platform, handle, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 0, 0)",
                params![id, a.platform, a.handle, a.status],
            )?;
        }
        for (id, m) in &media {
            let ms = m.duration_s.map(|s| (s * 1000.0).round() as i64);
            // A render's parent asset; the render's size is its output file's.
            let asset = if m.render { studio_core::ids::new_id() } else { id.clone() };
            let kind = if m.render { "video" } else { m.kind.as_str() };
            tx.execute(
                "INSERT INTO assets (id, kind, content_hash, storage, library_path, original_name, size_bytes, width, height,
                                     duration_ms, created_at, updated_at)
                 VALUES (?1, ?2, ?1, 'copied', '/library/x', 'x', ?3, ?4, ?5, ?6, 0, 0)",
                params![asset, kind, m.size_bytes as i64, m.width, m.height, ms],
            )?;
            if m.render {
                let out = files.join(format!("{id}.mp4"));
                tx.execute(
                    "INSERT INTO renders (id, asset_id, preset, state, output_path, width, height, duration_ms, created_at, updated_at)
                     VALUES (?1, ?2, 'tiktok', 'done', ?3, ?4, ?5, ?6, 0, 0)",
                    params![id, asset, out.display().to_string(), m.width, m.height, ms],
                )?;
            }
        }
        Ok(())
    })?;
    for (id, m) in &media {
        if m.render {
            std::fs::File::create(files.join(format!("{id}.mp4")))?.set_len(m.size_bytes as u64)?;
        }
    }
    studio_api::validate::compliance_set(&ctx, req.compliance.clone())?;
    let result = studio_api::validate::validate(&ctx, &input);
    drop(ctx);
    let _ = std::fs::remove_dir_all(work);
    Ok(match result {
        Ok(v) => Answered {
            request: req.clone(),
            answer: Some(serde_json::from_str(&ids.back(serde_json::to_string(&v)?))?),
            error: None,
        },
        Err(mut e) => {
            e.message = ids.back(e.message);
            Answered { request: req.clone(), answer: None, error: Some(e) }
        }
    })
}

/// One schedule request as the fake asks it: the request's time fields and the context.
#[derive(Deserialize)]
struct WhenAsked {
    request: Value,
    context: studio_api::schedule::WhenContext,
}

/// Where it lands, with the zone's local time the post view shows.
#[derive(Serialize)]
struct Landed {
    #[serde(flatten)]
    landing: studio_api::schedule::Landing,
    local: String,
}

fn schedule_answers(repo: &Path, out: &Path) -> Res<()> {
    let asked: Vec<Value> = super::read_requests(repo, "schedule")?;
    let mut lines = Vec::new();
    for (i, raw) in asked.into_iter().enumerate() {
        let a: WhenAsked = serde_json::from_value(raw.clone()).map_err(|e| format!("schedule request {i}: {e}"))?;
        let req: studio_api::schedule::ScheduleRequest =
            serde_json::from_value(a.request).map_err(|e| format!("schedule request {i}: {e}"))?;
        let line = match studio_api::schedule::resolve_when(&req, &a.context) {
            Ok(landing) => {
                let local = studio_core::when::in_zone(landing.at_ms, &landing.timezone)
                    .ok_or("a landed time outside the calendar")?;
                serde_json::json!({ "request": raw, "answer": Landed { landing, local } })
            }
            Err(e) => serde_json::json!({ "request": raw, "error": e }),
        };
        lines.push(serde_json::to_string(&line)?);
    }
    super::write_lines(out, "schedule", &lines)
}

/// Writes `rules.json`, `validate.json` and `schedule.json` into `out`.
pub fn write(repo: &Path, out: &Path) -> Res<()> {
    let rules_path = out.join("rules.json");
    std::fs::write(&rules_path, format!("{}\n", serde_json::to_string_pretty(&rules())?))?;
    println!("wrote {}", rules_path.display());

    let requests: Vec<ValidateRequest> = super::read_requests(repo, "validate")?;
    let work = std::env::temp_dir().join(format!("viral-studio-fixtures-{}-validate", std::process::id()));
    let mut lines = Vec::new();
    for (i, req) in requests.iter().enumerate() {
        let a = answer(req, &work).map_err(|e| format!("validate request {i}: {e}"))?;
        lines.push(serde_json::to_string(&a)?);
    }
    super::write_lines(out, "validate", &lines)?;
    schedule_answers(repo, out)
}

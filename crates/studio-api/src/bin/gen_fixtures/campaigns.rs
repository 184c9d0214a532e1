//! Campaign validation for the in-memory backend: for each request in
//! `fixtures/requests/campaign.json`, what studio-api makes of a creator's input — trimmed text,
//! the canonical zone and currency, the budget in its currency's digits — or the error it gives.
//! A create is answered on a fresh database; an update creates the campaign as it stands, then
//! applies the patch (null leaves a field, "" clears it), so the fake keeps no rules of its own.
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use studio_api::campaigns::{self, Campaign, CampaignInput, CampaignPatch};
use studio_api::{ApiResult, Context};

use super::Res;

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Asked {
    Create { input: CampaignInput },
    // Boxed: a patch is much larger than an input (clippy::large_enum_variant).
    Update { current: CampaignInput, patch: Box<CampaignPatch> },
}

fn answer(asked: Asked, work: &Path) -> Res<ApiResult<Campaign>> {
    let _ = std::fs::remove_dir_all(work);
    let ctx = Context::open(studio_core::StudioPaths::resolve(Some(work))?, "gen-fixtures")?;
    let result = match asked {
        Asked::Create { input } => campaigns::create(&ctx, input),
        Asked::Update { current, patch } => match campaigns::create(&ctx, current) {
            Ok(c) => campaigns::update(&ctx, &c.id, CampaignPatch { expected_version: None, ..*patch }),
            Err(e) => Err(e),
        },
    };
    drop(ctx);
    let _ = std::fs::remove_dir_all(work);
    Ok(result)
}

/// Writes `campaign.json` into `out`: each request with the campaign's fields or the error.
pub fn write(repo: &Path, out: &Path) -> Res<()> {
    let requests: Vec<Value> = super::read_requests(repo, "campaign")?;
    let work = std::env::temp_dir().join(format!("viral-studio-fixtures-{}-campaign", std::process::id()));
    let mut lines = Vec::new();
    for (i, raw) in requests.into_iter().enumerate() {
        let asked: Asked = serde_json::from_value(raw.clone()).map_err(|e| format!("campaign request {i}: {e}"))?;
        let line = match answer(asked, &work)? {
            // What the fake keeps of the answer: the fields, not this database's id and times.
            Ok(c) => serde_json::json!({ "request": raw, "answer": {
                "name": c.name, "goal": c.goal, "starts_on": c.starts_on, "ends_on": c.ends_on, "timezone": c.timezone,
                "sponsored": c.sponsored, "budget": c.budget, "currency": c.currency, "notes": c.notes,
            }}),
            Err(e) => serde_json::json!({ "request": raw, "error": e }),
        };
        lines.push(serde_json::to_string(&line)?);
    }
    super::write_lines(out, "campaign", &lines)
}

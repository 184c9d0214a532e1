//! Learning answers: best times for the composer and an account's model card, as studio-api's
//! learning module fits them from the seeded history (the clock pinned to the scenario's `now`,
//! since best times say when a slot next starts).
use serde::{Deserialize, Serialize};
use studio_api::Context;

use super::{answered, Ids, List, Res, Seed};

#[derive(Deserialize, Default)]
pub(crate) struct Requests {
    #[serde(default)]
    best_times: Vec<BestTimesRequest>,
    #[serde(default)]
    score_model: Vec<ModelRequest>,
}

/// The `best_times` command's arguments.
#[derive(Deserialize, Serialize, Clone)]
struct BestTimesRequest {
    account_ids: Vec<String>,
    time_zone: Option<String>,
}

/// The `score_model` command's arguments.
#[derive(Deserialize, Serialize, Clone)]
struct ModelRequest {
    account_id: String,
    time_zone: Option<String>,
}

/// The zone a request without one is read in: the seed's, not the generating machine's.
fn zone<'a>(seed: &'a Seed, asked: &'a Option<String>) -> &'a str {
    asked.as_deref().filter(|z| !z.trim().is_empty()).unwrap_or(&seed.zone)
}

pub(crate) fn answer(ctx: &Context, seed: &Seed, ids: &Ids) -> Res<Vec<List>> {
    let asked = &seed.requests.learning;
    let mut best = Vec::new();
    for r in &asked.best_times {
        let real: Vec<String> = r.account_ids.iter().map(|a| ids.uuid(a)).collect();
        let result = studio_api::learning::best_times(ctx, &real, Some(zone(seed, &r.time_zone)));
        best.push(answered(ids, r.clone(), result)?);
    }
    let mut models = Vec::new();
    for r in &asked.score_model {
        let result = studio_api::learning::model(ctx, &ids.uuid(&r.account_id), Some(zone(seed, &r.time_zone)));
        models.push(answered(ids, r.clone(), result)?);
    }
    Ok(vec![("best_times", best), ("score_model", models)])
}

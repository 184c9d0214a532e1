//! Analytics answers: the overview for each asked filter and a post's results, as the Analytics,
//! Home and post detail screens ask them.
use serde::Deserialize;
use studio_api::analytics::AnalyticsFilter;
use studio_api::Context;

use super::{answered, Ids, List, Res, Seed};

#[derive(Deserialize, Default)]
pub(crate) struct Requests {
    #[serde(default)]
    analytics: Vec<AnalyticsFilter>,
    /// Post ids whose results a screen opens.
    #[serde(default)]
    post_results: Vec<String>,
}

pub(crate) fn answer(ctx: &Context, seed: &Seed, ids: &Ids) -> Res<Vec<List>> {
    let asked = &seed.requests.analytics;
    let mut analytics = Vec::new();
    for f in &asked.analytics {
        let mut real = f.clone();
        real.campaign_id = f.campaign_id.as_deref().map(|c| ids.uuid(c));
        real.account_id = f.account_id.as_deref().map(|a| ids.uuid(a));
        // The machine's zone would make the answers depend on where they were generated.
        if real.timezone.is_none() && real.campaign_id.is_none() {
            real.timezone = Some(seed.zone.clone());
        }
        analytics.push(answered(ids, f.clone(), studio_api::analytics::overview(ctx, &real))?);
    }
    let mut post_results = Vec::new();
    for p in &asked.post_results {
        post_results.push(answered(ids, p.clone(), studio_api::post_results::get(ctx, &ids.uuid(p)))?);
    }
    Ok(vec![("analytics", analytics), ("post_results", post_results)])
}

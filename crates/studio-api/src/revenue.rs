//! Revenue and cost entries of a campaign, and their wire types.
use serde::{Deserialize, Serialize};
use studio_core::clock::rfc3339;
use studio_core::revenue::{self as store, NewRevenue};

use crate::{ApiResult, Context};

/// What a revenue entry is (`revenue_entries.kind`, CHECKed by the schema); `cost` counts
/// against the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RevenueKind {
    Sponsorship,
    Affiliate,
    Payout,
    Other,
    Cost,
}

impl RevenueKind {
    pub const ALL: [RevenueKind; 5] = [Self::Sponsorship, Self::Affiliate, Self::Payout, Self::Other, Self::Cost];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sponsorship => "sponsorship",
            Self::Affiliate => "affiliate",
            Self::Payout => "payout",
            Self::Other => "other",
            Self::Cost => "cost",
        }
    }

    /// The stored kind; the schema allows no other, so anything else reads as `other`.
    pub(crate) fn of_stored(s: &str) -> Self {
        Self::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(Self::Other)
    }
}

impl std::fmt::Display for RevenueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RevenueEntry {
    pub id: String,
    pub campaign_id: String,
    pub kind: RevenueKind,
    /// Exact decimal string in `currency` ("1500.00"; no decimals for JPY).
    pub amount: String,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    pub note: Option<String>,
    /// Set for imported rows.
    pub imported: bool,
    pub created_at: String,
    pub version: u32,
}

impl From<store::RevenueEntry> for RevenueEntry {
    fn from(e: store::RevenueEntry) -> Self {
        Self {
            amount: e.amount_text(),
            id: e.id,
            campaign_id: e.campaign_id,
            kind: RevenueKind::of_stored(&e.kind),
            currency: e.currency,
            occurred_on: e.occurred_on.to_string(),
            note: e.note,
            imported: e.import_key.is_some(),
            created_at: rfc3339(e.created_at),
            version: u32::try_from(e.version).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RevenueInput {
    pub campaign_id: String,
    /// A `RevenueKind` name. A string, not the enum: any case and spacing is accepted (" Cost ")
    /// and an unknown kind answers `invalid_kind`, not a deserialization failure.
    pub kind: String,
    /// Decimal string in the currency's units ("1500.50").
    pub amount: String,
    pub currency: String,
    /// `YYYY-MM-DD`; `null`: today in the campaign's zone.
    pub occurred_on: Option<String>,
    pub note: Option<String>,
}

pub fn add(ctx: &Context, input: RevenueInput) -> ApiResult<RevenueEntry> {
    let new = NewRevenue {
        kind: input.kind,
        amount: input.amount,
        currency: input.currency,
        occurred_on: input.occurred_on,
        note: input.note,
    };
    let e = store::add(&mut ctx.db(), &input.campaign_id, &new, ctx.actor())?;
    tracing::info!(id = %e.id, campaign = %e.campaign_id, "revenue entry added");
    Ok(e.into())
}

pub fn list(ctx: &Context, campaign_id: &str) -> ApiResult<Vec<RevenueEntry>> {
    Ok(store::list(&ctx.db(), campaign_id)?.into_iter().map(RevenueEntry::from).collect())
}

pub fn delete(ctx: &Context, id: &str) -> ApiResult<()> {
    store::delete(&mut ctx.db(), id, ctx.actor())?;
    tracing::info!(%id, "revenue entry deleted");
    Ok(())
}

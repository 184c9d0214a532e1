//! Campaign operations and their wire types.
use serde::{Deserialize, Serialize};
use studio_core::campaigns::{self as store, CampaignChanges, NewCampaign};
use studio_core::clock::rfc3339;

use crate::{ApiResult, Context};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    pub goal: Option<String>,
    /// `YYYY-MM-DD` in the campaign's time zone.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// IANA zone name.
    pub timezone: String,
    pub sponsored: bool,
    /// Exact decimal string in `currency` ("1500.00"; no decimals for JPY).
    pub budget: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    pub version: u32,
}

impl From<store::Campaign> for Campaign {
    fn from(c: store::Campaign) -> Self {
        Self {
            budget: c.budget_text(),
            id: c.id,
            name: c.name,
            goal: c.goal,
            starts_on: c.starts_on.map(|d| d.to_string()),
            ends_on: c.ends_on.map(|d| d.to_string()),
            timezone: c.timezone,
            sponsored: c.sponsored,
            currency: c.currency,
            notes: c.notes,
            archived: c.archived,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            version: u32::try_from(c.version).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct CampaignInput {
    pub name: String,
    pub goal: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// `null`: the machine's time zone.
    pub timezone: Option<String>,
    pub sponsored: bool,
    pub budget: Option<String>,
    pub currency: Option<String>,
    pub notes: Option<String>,
}

/// A partial edit: `null` leaves a field unchanged; `""` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct CampaignPatch {
    pub name: Option<String>,
    pub goal: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub timezone: Option<String>,
    pub sponsored: Option<bool>,
    pub budget: Option<String>,
    pub currency: Option<String>,
    pub notes: Option<String>,
    /// The version the edit was based on; a newer stored version answers `conflict`.
    pub expected_version: Option<u32>,
}

/// `""` means "clear", anything else "set".
fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| if s.trim().is_empty() { None } else { Some(s) })
}

impl From<CampaignPatch> for CampaignChanges {
    fn from(p: CampaignPatch) -> Self {
        Self {
            name: p.name,
            goal: clearable(p.goal),
            starts_on: clearable(p.starts_on),
            ends_on: clearable(p.ends_on),
            timezone: p.timezone,
            sponsored: p.sponsored,
            budget: clearable(p.budget),
            currency: clearable(p.currency),
            notes: clearable(p.notes),
            expected_version: p.expected_version.map(i64::from),
        }
    }
}

pub fn list(ctx: &Context, include_archived: bool) -> ApiResult<Vec<Campaign>> {
    Ok(store::list(&ctx.db(), include_archived)?.into_iter().map(Campaign::from).collect())
}

pub fn get(ctx: &Context, id: &str) -> ApiResult<Campaign> {
    Ok(store::get(&ctx.db(), id)?.into())
}

pub fn create(ctx: &Context, input: CampaignInput) -> ApiResult<Campaign> {
    let new = NewCampaign {
        name: input.name,
        goal: input.goal,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        timezone: input.timezone,
        sponsored: input.sponsored,
        budget: input.budget,
        currency: input.currency,
        notes: input.notes,
    };
    let c = store::create(&mut ctx.db(), new, ctx.actor())?;
    tracing::info!(id = %c.id, "campaign created");
    Ok(c.into())
}

pub fn update(ctx: &Context, id: &str, patch: CampaignPatch) -> ApiResult<Campaign> {
    Ok(store::update(&mut ctx.db(), id, patch.into(), ctx.actor())?.into())
}

pub fn set_archived(ctx: &Context, id: &str, archived: bool) -> ApiResult<Campaign> {
    Ok(store::set_archived(&mut ctx.db(), id, archived, ctx.actor())?.into())
}

pub fn delete(ctx: &Context, id: &str) -> ApiResult<()> {
    store::delete(&mut ctx.db(), id, ctx.actor())?;
    tracing::info!(%id, "campaign deleted");
    Ok(())
}

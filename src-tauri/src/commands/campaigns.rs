use studio_api::campaigns::{self, Campaign, CampaignInput, CampaignPatch};
use studio_api::ApiError;
use tauri::{AppHandle, State};

use crate::events::{changed, Topic};
use crate::state::{blocking, AppState};

/// A campaign's name and state show in the analytics breakdowns and filters too.
const CAMPAIGN_SHOWN: &[Topic] = &[Topic::Campaigns, Topic::Analytics];

#[tauri::command]
#[specta::specta]
pub async fn campaign_list(state: State<'_, AppState>, include_archived: bool) -> Result<Vec<Campaign>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || campaigns::list(&ctx, include_archived)).await
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_get(state: State<'_, AppState>, id: String) -> Result<Campaign, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || campaigns::get(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_create(
    app: AppHandle,
    state: State<'_, AppState>,
    input: CampaignInput,
) -> Result<Campaign, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Campaigns], blocking(move || campaigns::create(&ctx, input)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    patch: CampaignPatch,
) -> Result<Campaign, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, CAMPAIGN_SHOWN, blocking(move || campaigns::update(&ctx, &id, patch)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_archive(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Result<Campaign, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, CAMPAIGN_SHOWN, blocking(move || campaigns::set_archived(&ctx, &id, archived)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_delete(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &Topic::ALL, blocking(move || campaigns::delete(&ctx, &id)).await)
}

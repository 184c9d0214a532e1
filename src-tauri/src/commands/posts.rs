use studio_api::posts::{self, PostInput, PostQuery, PostView};
use studio_api::schedule::{self, QueueItem, ScheduleRequest, SlotView, SlotsInput};
use studio_api::validate::{self, ComplianceSettings, ValidationView};
use studio_api::ApiError;
use tauri::{AppHandle, State};

use crate::events::{changed, Topic};
use crate::state::{blocking, AppState};

/// The tray lists the next posts and the window shows them: every change to the calendar
/// refreshes both.
fn refreshed<T>(app: &AppHandle, out: T) -> Result<T, ApiError> {
    crate::tray::refresh(app);
    crate::events::announce(app, &Topic::SCHEDULING);
    Ok(out)
}

#[tauri::command]
#[specta::specta]
pub async fn post_create(app: AppHandle, state: State<'_, AppState>, input: PostInput) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Posts], blocking(move || posts::create(&ctx, input)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn post_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    input: PostInput,
    expected_version: Option<u32>,
) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    changed(
        &app,
        &[Topic::Posts, Topic::Queue],
        blocking(move || posts::update(&ctx, &id, input, expected_version)).await,
    )
}

#[tauri::command]
#[specta::specta]
pub async fn post_get(state: State<'_, AppState>, id: String) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || posts::get(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn post_list(state: State<'_, AppState>, query: PostQuery) -> Result<Vec<PostView>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || posts::list(&ctx, query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn post_delete(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || posts::delete(&ctx, &id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn post_validate(state: State<'_, AppState>, input: PostInput) -> Result<ValidationView, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || validate::validate(&ctx, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn post_schedule(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ScheduleRequest,
) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || schedule::schedule(&ctx, req)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn post_unschedule(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || schedule::unschedule(&ctx, &id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn target_retry(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || schedule::retry(&ctx, &id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn target_cancel(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || schedule::cancel(&ctx, &id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn target_mark_posted(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    url: Option<String>,
) -> Result<PostView, ApiError> {
    let ctx = state.ctx()?;
    refreshed(&app, blocking(move || schedule::mark_posted(&ctx, &id, url)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn queue_list(state: State<'_, AppState>) -> Result<Vec<QueueItem>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || schedule::queue(&ctx, 200)).await
}

#[tauri::command]
#[specta::specta]
pub async fn slots_get(state: State<'_, AppState>, account_id: String) -> Result<Vec<SlotView>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || schedule::slots_get(&ctx, &account_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn slots_set(
    app: AppHandle,
    state: State<'_, AppState>,
    input: SlotsInput,
) -> Result<Vec<SlotView>, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Settings], blocking(move || schedule::slots_set(&ctx, input)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn compliance_get(state: State<'_, AppState>) -> Result<ComplianceSettings, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || validate::compliance_get(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn compliance_set(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: ComplianceSettings,
) -> Result<ComplianceSettings, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Settings], blocking(move || validate::compliance_set(&ctx, settings)).await)
}

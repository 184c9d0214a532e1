use studio_api::status::{self, NotificationView, SchedulerStatus};
use studio_api::ApiError;
use tauri::{AppHandle, State};

use crate::events::{changed, Topic};
use crate::state::{blocking, AppState};

#[tauri::command]
#[specta::specta]
pub async fn scheduler_status(state: State<'_, AppState>) -> Result<SchedulerStatus, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || status::status(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn scheduler_set_paused(
    app: AppHandle,
    state: State<'_, AppState>,
    paused: bool,
) -> Result<SchedulerStatus, ApiError> {
    let ctx = state.ctx()?;
    let out = blocking(move || {
        studio_api::publisher::set_paused(&ctx, paused)?;
        status::status(&ctx)
    })
    .await?;
    crate::tray::refresh(&app);
    changed(&app, &[Topic::Scheduler], Ok(out))
}

#[tauri::command]
#[specta::specta]
pub async fn notifications_recent(state: State<'_, AppState>, limit: u32) -> Result<Vec<NotificationView>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || status::notifications_recent(&ctx, limit)).await
}

#[tauri::command]
#[specta::specta]
pub async fn notifications_mark_read(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<(), ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Notifications], blocking(move || status::notifications_mark_read(&ctx, &ids)).await)
}

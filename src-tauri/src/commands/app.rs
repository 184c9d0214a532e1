use studio_api::app::AppInfo;
use studio_api::ApiError;
use tauri::State;

use crate::state::{blocking, AppState};

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || studio_api::app::info(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn timezone_list() -> Result<Vec<String>, ApiError> {
    blocking(studio_api::app::timezones).await
}

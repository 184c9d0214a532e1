use studio_api::progress::ProgressEvent;
use studio_api::score::{self, AssetScoreRequest, ScorePlatform, ScoreView};
use studio_api::ApiError;
use tauri::ipc::Channel;
use tauri::State;

use crate::jobs::{self, Jobs};
use crate::state::{blocking, AppState};

#[tauri::command]
#[specta::specta]
pub async fn score_platforms() -> Result<Vec<ScorePlatform>, ApiError> {
    blocking(score::platforms).await
}

/// Scores a library asset. The first look at a video measures it (progress over `on_progress`,
/// `job_cancel(job_id)` stops it); later calls, as the caption is typed, read the cache.
#[tauri::command]
#[specta::specta]
pub async fn score_asset(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: AssetScoreRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<ScoreView, ApiError> {
    let ctx = state.ctx()?;
    jobs::run(&jobs, &job_id, on_progress, move |sink, cancel| score::score_asset(&ctx, &request, sink, cancel)).await
}

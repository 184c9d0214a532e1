use studio_api::learning::{self, BestTimesView, ModelView};
use studio_api::progress::ProgressEvent;
use studio_api::score::{self, AssetScoreRequest, ScorePlatform, ScoreView, VariantView, VariantsRequest};
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

/// The model scoring an account (learned or prior), its held-out evaluation and best times.
/// Records any missing scores of published posts first, which may measure their videos.
#[tauri::command]
#[specta::specta]
pub async fn score_model(
    state: State<'_, AppState>,
    account_id: String,
    time_zone: Option<String>,
) -> Result<ModelView, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || learning::model(&ctx, &account_id, time_zone.as_deref())).await
}

/// Best times to post for each account, in `time_zone` (default: the system's).
#[tauri::command]
#[specta::specta]
pub async fn best_times(
    state: State<'_, AppState>,
    account_ids: Vec<String>,
    time_zone: Option<String>,
) -> Result<Vec<BestTimesView>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || learning::best_times(&ctx, &account_ids, time_zone.as_deref())).await
}

/// Scores several renders and/or captions of one idea side by side, best first. Videos not
/// measured yet are measured first (progress over `on_progress`, `job_cancel(job_id)` stops it).
#[tauri::command]
#[specta::specta]
pub async fn score_variants(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: VariantsRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<Vec<VariantView>, ApiError> {
    let ctx = state.ctx()?;
    jobs::run(&jobs, &job_id, on_progress, move |sink, cancel| score::score_variants(&ctx, &request, sink, cancel))
        .await
}

use std::path::PathBuf;

use studio_api::assets::{self, Asset, AssetQuery, ImportOptions, ImportReport, Storage};
use studio_api::progress::ProgressEvent;
use studio_api::ApiError;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::events::{announce, Topic};
use crate::jobs::{self, Jobs};
use crate::state::{blocking, AppState};

/// Lets the webview load thumbnails and players for these assets (and nothing else on disk).
fn expose(app: &AppHandle, list: &[Asset]) {
    let scope = app.asset_protocol_scope();
    for a in list.iter().filter(|a| a.storage == Storage::Reference) {
        let _ = scope.allow_file(&a.path);
    }
}

#[tauri::command]
#[specta::specta]
pub async fn asset_list(app: AppHandle, state: State<'_, AppState>, query: AssetQuery) -> Result<Vec<Asset>, ApiError> {
    let ctx = state.ctx()?;
    let list = blocking(move || assets::list(&ctx, &query)).await?;
    expose(&app, &list);
    Ok(list)
}

#[tauri::command]
#[specta::specta]
pub async fn asset_get(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<Asset, ApiError> {
    let ctx = state.ctx()?;
    let a = blocking(move || assets::get(&ctx, &id)).await?;
    expose(&app, std::slice::from_ref(&a));
    Ok(a)
}

/// Imports dropped or picked files and folders; progress streams over `on_progress`, and
/// `job_cancel(job_id)` stops it (files not started are reported as cancelled).
#[tauri::command]
#[specta::specta]
pub async fn asset_import(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    paths: Vec<String>,
    options: ImportOptions,
    on_progress: Channel<ProgressEvent>,
) -> Result<ImportReport, ApiError> {
    let ctx = state.ctx()?;
    let report = jobs::run(&jobs, &job_id, on_progress, move |sink, cancel| {
        let inputs: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
        assets::import(&ctx, &inputs, &options, sink, cancel)
    })
    .await;
    // Files imported before a failure are in the library too.
    announce(&app, &[Topic::Assets]);
    let report = report?;
    expose(&app, &report.imported);
    Ok(report)
}

/// Stops a running job; false when no such job is running (it may just have finished).
#[tauri::command]
#[specta::specta]
pub async fn job_cancel(jobs: State<'_, Jobs>, job_id: String) -> Result<bool, ApiError> {
    Ok(jobs.cancel(&job_id))
}

/// Folders the asset protocol may serve: the library, the thumbnail cache and the renders.
pub fn allow_library(app: &AppHandle) {
    let state = crate::state(app);
    let scope = app.asset_protocol_scope();
    for dir in [state.paths.library(), state.paths.cache.join("thumbs"), state.paths.renders()] {
        let _ = std::fs::create_dir_all(&dir);
        if let Err(e) = scope.allow_directory(&dir, true) {
            tracing::warn!(error = %e, dir = %dir.display(), "asset scope");
        }
    }
}

use studio_api::render_helper::{self, RenderProgress};
use studio_api::renders::{self, PresetInfo, RenderRecord, RenderRequest, RenderResult};
use studio_api::{ApiError, ErrorCode};
use studio_core::progress::Throttle;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::events::{announce, changed, Topic};
use crate::jobs::Jobs;
use crate::state::{blocking, AppState};

#[tauri::command]
#[specta::specta]
pub async fn render_presets(state: State<'_, AppState>) -> Result<Vec<PresetInfo>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || renders::presets(&ctx)).await
}

/// Renders in the crash-isolated helper process; progress streams over `on_progress` and
/// `job_cancel(job_id)` stops it (the partial file is removed, the history says "cancelled").
#[tauri::command]
#[specta::specta]
pub async fn render_start(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: RenderRequest,
    on_progress: Channel<RenderProgress>,
) -> Result<RenderResult, ApiError> {
    let ctx = state.ctx()?;
    let helper = render_helper::locate()?;
    let guard = jobs.start(&job_id);
    let result = blocking(move || {
        let throttle = Throttle::default();
        let forward = |p: RenderProgress| {
            if !throttle.admit(&p.stage, !p.fraction.is_some_and(|f| f < 1.0)) {
                return;
            }
            // The window went away: nobody is waiting for this render.
            if on_progress.send(p).is_err() {
                guard.token.cancel();
            }
        };
        render_helper::run(&ctx, &helper, &request, &forward, &guard.token)
    })
    .await;
    // A failed or cancelled render is in the history too.
    announce(&app, &[Topic::Renders]);
    let result = result?;
    let _ = app.asset_protocol_scope().allow_file(&result.output);
    Ok(result)
}

#[tauri::command]
#[specta::specta]
pub async fn render_list(
    app: AppHandle,
    state: State<'_, AppState>,
    asset_id: Option<String>,
) -> Result<Vec<RenderRecord>, ApiError> {
    let ctx = state.ctx()?;
    let list = blocking(move || renders::list(&ctx, asset_id.as_deref())).await?;
    // Renders saved outside the renders folder (CLI --out) still play in the list.
    let scope = app.asset_protocol_scope();
    for out in list.iter().filter(|r| r.output_exists).filter_map(|r| r.output.as_deref()) {
        let _ = scope.allow_file(out);
    }
    Ok(list)
}

#[tauri::command]
#[specta::specta]
pub async fn render_delete(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<RenderRecord, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, &[Topic::Renders], blocking(move || renders::delete(&ctx, &id)).await)
}

/// The render's file, when it is still where the history says.
async fn output_of(state: &State<'_, AppState>, id: String) -> Result<String, ApiError> {
    let ctx = state.ctx()?;
    let r = blocking(move || renders::get(&ctx, &id)).await?;
    match r.output {
        Some(p) if r.output_exists => Ok(p),
        Some(p) => Err(ApiError::new(ErrorCode::NotFound, format!("{p} was moved or deleted."))),
        None => Err(ApiError::new(ErrorCode::NotFound, "This render has no file (it did not finish).")),
    }
}

/// Opens the render in the system's default video player.
#[tauri::command]
#[specta::specta]
pub async fn render_open(state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let path = output_of(&state, id).await?;
    tauri_plugin_opener::open_path(&path, None::<&str>)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot open {path}: {e}")))
}

/// Shows the render selected in the system's file manager.
#[tauri::command]
#[specta::specta]
pub async fn render_reveal(state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let path = output_of(&state, id).await?;
    tauri_plugin_opener::reveal_item_in_dir(&path)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot show {path}: {e}")))
}

use studio_api::accounts::{self, AccountView, ConnectRequest, Disconnected, PlatformView};
use studio_api::progress::ProgressEvent;
use studio_api::publish::{self, PublishNowRequest, PublishedView};
use studio_api::ApiError;
use studio_core::progress::Progress;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::events::{changed, Topic};
use crate::jobs::{self, Jobs};
use crate::state::{blocking, AppState};

#[tauri::command]
#[specta::specta]
pub async fn account_platforms() -> Result<Vec<PlatformView>, ApiError> {
    blocking(|| Ok(accounts::platforms())).await
}

#[tauri::command]
#[specta::specta]
pub async fn account_list(state: State<'_, AppState>) -> Result<Vec<AccountView>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || accounts::list(&ctx)).await
}

/// Connects an account: OAuth platforms open the system browser and wait for the loopback
/// redirect; `job_cancel(job_id)` stops waiting. The sign-in URL is also sent over `on_progress`
/// (stage "browser") so the window can offer to copy it when no browser opens.
#[tauri::command]
#[specta::specta]
pub async fn account_connect(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: ConnectRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<AccountView, ApiError> {
    let ctx = state.ctx()?;
    let out = jobs::run(&jobs, &job_id, on_progress, move |sink, cancel| {
        let mut open = |url: &str| {
            sink.report(Progress { item: url.to_string(), stage: "browser", done: 0, total: 1, fraction: None });
            if let Err(e) = tauri_plugin_opener::open_url(url, None::<&str>) {
                tracing::warn!(error = %e, "could not open the browser for sign-in");
            }
            Ok(())
        };
        accounts::connect(&ctx, request, &mut open, &|| cancel.is_cancelled())
    })
    .await;
    changed(&app, &[Topic::Accounts], out)
}

#[tauri::command]
#[specta::specta]
pub async fn account_disconnect(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<Disconnected, ApiError> {
    let ctx = state.ctx()?;
    let out = blocking(move || accounts::disconnect(&ctx, &id)).await;
    changed(&app, &[Topic::Accounts, Topic::Posts, Topic::Queue, Topic::Scheduler], out)
}

/// Publishes to one account now, with upload progress; `job_cancel(job_id)` stops before the
/// final call (never during it).
#[tauri::command]
#[specta::specta]
pub async fn publish_now(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: PublishNowRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<PublishedView, ApiError> {
    let ctx = state.ctx()?;
    let out = jobs::run(&jobs, &job_id, on_progress, move |sink, cancel| {
        let item = request.input.clone();
        let mut progress = |done: u64, total: u64| {
            let fraction = (total > 0).then(|| done as f64 / total as f64);
            sink.report(Progress { item: item.clone(), stage: "uploading", done: 0, total: 1, fraction });
        };
        publish::publish_now(&ctx, request, &mut progress, &|| cancel.is_cancelled())
    })
    .await;
    // A refused token marks the account, whatever the outcome.
    crate::events::announce(&app, &[Topic::Accounts, Topic::Posts, Topic::Queue, Topic::Scheduler, Topic::Analytics]);
    out
}

//! Analytics, revenue, export and report commands: one-line wrappers over studio-api.
use std::path::PathBuf;

use studio_api::analytics::{self, Analytics, AnalyticsFilter, RevenueRates, RevenueSummary};
use studio_api::export::{self, ExportKind, ExportReport};
use studio_api::post_results::{self, PostResults};
use studio_api::report::{self, ReportFile};
use studio_api::revenue::{self, RevenueEntry, RevenueInput};
use studio_api::revenue_import::{self, RevenueImportPreview, RevenueImportReport, RevenueImportRequest};
use studio_api::ApiError;
use tauri::{AppHandle, State};

use crate::events::{changed, Topic};
use crate::state::{blocking, AppState};

/// Money shows in the money views and in the analytics totals (ROI).
const MONEY: &[Topic] = &[Topic::Revenue, Topic::Analytics];

#[tauri::command]
#[specta::specta]
pub async fn analytics_get(state: State<'_, AppState>, filter: AnalyticsFilter) -> Result<Analytics, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || analytics::overview(&ctx, &filter)).await
}

/// One campaign's revenue, cost and ROI (the Money dialog), without the rest of the analytics.
#[tauri::command]
#[specta::specta]
pub async fn revenue_summary(state: State<'_, AppState>, campaign_id: String) -> Result<RevenueSummary, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || analytics::campaign_revenue(&ctx, &campaign_id)).await
}

/// One post's metric snapshots per target, for its results chart.
#[tauri::command]
#[specta::specta]
pub async fn post_results(state: State<'_, AppState>, post_id: String) -> Result<PostResults, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || post_results::get(&ctx, &post_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_rates_get(state: State<'_, AppState>) -> Result<Option<RevenueRates>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || analytics::rates(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_rates_set(
    app: AppHandle,
    state: State<'_, AppState>,
    rates: RevenueRates,
) -> Result<RevenueRates, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, MONEY, blocking(move || analytics::set_rates(&ctx, rates)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: RevenueInput,
) -> Result<RevenueEntry, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, MONEY, blocking(move || revenue::add(&ctx, input)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_list(state: State<'_, AppState>, campaign_id: String) -> Result<Vec<RevenueEntry>, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || revenue::list(&ctx, &campaign_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_delete(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let ctx = state.ctx()?;
    changed(&app, MONEY, blocking(move || revenue::delete(&ctx, &id)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_import_preview(path: String) -> Result<RevenueImportPreview, ApiError> {
    blocking(move || revenue_import::preview(&PathBuf::from(path))).await
}

#[tauri::command]
#[specta::specta]
pub async fn revenue_import(
    app: AppHandle,
    state: State<'_, AppState>,
    request: RevenueImportRequest,
) -> Result<RevenueImportReport, ApiError> {
    let ctx = state.ctx()?;
    changed(&app, MONEY, blocking(move || revenue_import::import(&ctx, &request)).await)
}

#[tauri::command]
#[specta::specta]
pub async fn export_csv(state: State<'_, AppState>, kind: ExportKind, path: String) -> Result<ExportReport, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || export::csv(&ctx, kind, &PathBuf::from(path))).await
}

#[tauri::command]
#[specta::specta]
pub async fn report_html(
    state: State<'_, AppState>,
    campaign_id: String,
    path: String,
) -> Result<ReportFile, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || report::html(&ctx, &campaign_id, &PathBuf::from(path))).await
}

#[tauri::command]
#[specta::specta]
pub async fn report_csv(
    state: State<'_, AppState>,
    campaign_id: String,
    path: String,
) -> Result<ExportReport, ApiError> {
    let ctx = state.ctx()?;
    blocking(move || report::csv(&ctx, &campaign_id, &PathBuf::from(path))).await
}

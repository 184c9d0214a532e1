//! The typed command surface and its generated TypeScript (ui/src/backend/bindings.ts).
//!
//! `make bindings` writes the file; a test regenerates it into a temp file and fails when the
//! committed copy differs, so the UI can never call a command with a stale signature.
use std::path::{Path, PathBuf};

use crate::commands;

pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::app::app_info,
            commands::app::timezone_list,
            commands::campaigns::campaign_list,
            commands::campaigns::campaign_get,
            commands::campaigns::campaign_create,
            commands::campaigns::campaign_update,
            commands::campaigns::campaign_archive,
            commands::campaigns::campaign_delete,
            commands::assets::asset_list,
            commands::assets::asset_get,
            commands::assets::asset_import,
            commands::assets::job_cancel,
            commands::renders::render_presets,
            commands::renders::render_start,
            commands::renders::render_list,
            commands::renders::render_delete,
            commands::renders::render_open,
            commands::renders::render_reveal,
            commands::score::score_platforms,
            commands::score::score_asset,
            commands::score::score_model,
            commands::score::best_times,
            commands::score::score_variants,
            commands::accounts::account_platforms,
            commands::accounts::account_list,
            commands::accounts::account_connect,
            commands::accounts::account_disconnect,
            commands::accounts::publish_now,
            commands::posts::post_create,
            commands::posts::post_update,
            commands::posts::post_get,
            commands::posts::post_list,
            commands::posts::post_delete,
            commands::posts::post_validate,
            commands::posts::post_schedule,
            commands::posts::post_unschedule,
            commands::posts::target_retry,
            commands::posts::target_cancel,
            commands::posts::target_mark_posted,
            commands::posts::queue_list,
            commands::posts::slots_get,
            commands::posts::slots_set,
            commands::posts::compliance_get,
            commands::posts::compliance_set,
            commands::scheduler::scheduler_status,
            commands::scheduler::scheduler_set_paused,
            commands::scheduler::notifications_recent,
            commands::scheduler::notifications_mark_read,
            commands::analytics::analytics_get,
            commands::analytics::revenue_summary,
            commands::analytics::post_results,
            commands::analytics::revenue_rates_get,
            commands::analytics::revenue_rates_set,
            commands::analytics::revenue_add,
            commands::analytics::revenue_list,
            commands::analytics::revenue_delete,
            commands::analytics::revenue_import_preview,
            commands::analytics::revenue_import,
            commands::analytics::export_csv,
            commands::analytics::report_html,
            commands::analytics::report_csv,
        ])
        // rc.21 strips its placeholder TAURI_CHANNEL type only while collecting events; without this
        // call the generated file redeclares TAURI_CHANNEL and fails tsc.
        .events(tauri_specta::collect_events![crate::events::DataChanged])
}

pub fn default_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/backend/bindings.ts")
}

pub fn export(path: &Path) -> Result<(), String> {
    builder().export(specta_typescript::Typescript::default(), path).map_err(|e| e.to_string())
}

//! Facts about this installation the UI shows in Settings and uses for defaults.
use serde::{Deserialize, Serialize};
use studio_core::civil;

use crate::{ApiResult, Context};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub log_dir: String,
    /// The machine's IANA zone; new campaigns and schedules start in it.
    pub default_timezone: String,
}

pub fn info(ctx: &Context) -> ApiResult<AppInfo> {
    let p = ctx.paths();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: p.data.display().to_string(),
        database_path: p.database().display().to_string(),
        log_dir: p.logs.display().to_string(),
        default_timezone: civil::system_timezone(),
    })
}

pub fn timezones() -> ApiResult<Vec<String>> {
    Ok(civil::all_timezones())
}

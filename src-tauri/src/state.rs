//! App-wide state. A database that cannot open (damaged, from a newer build) does not stop the
//! window: every command answers with that error, so the creator reads what happened and what to
//! do instead of seeing the app vanish.
use std::sync::Arc;

use studio_api::{ApiError, ApiResult, Context, ErrorCode};
use studio_core::StudioPaths;

pub struct AppState {
    pub paths: StudioPaths,
    ctx: Result<Arc<Context>, ApiError>,
}

impl AppState {
    pub fn open(paths: StudioPaths) -> Self {
        let ctx = Context::open(paths.clone(), "desktop").map(Arc::new);
        if let Err(e) = &ctx {
            tracing::error!(code = e.code.as_str(), message = %e.message, "database unavailable");
        }
        Self { paths, ctx }
    }

    pub fn ctx(&self) -> ApiResult<Arc<Context>> {
        self.ctx.clone()
    }
}

/// Runs blocking studio-api work off the async runtime's worker threads, so a slow disk never
/// stalls IPC for other commands.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::new(ErrorCode::Internal, format!("the operation stopped unexpectedly: {e}"))))
}

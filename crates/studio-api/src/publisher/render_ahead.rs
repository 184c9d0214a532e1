//! A render job: a target's platform version (e.g. 9:16) rendered ahead of its time, so the
//! publish does not wait for it; the publish job of that target is not claimed while this one is
//! pending. A failed render is not a failed post: the original is posted instead.
use studio_core::jobs::{self, Claimed};
use studio_core::targets;

use super::shared::{load, Shared};
use crate::ApiError;

pub(super) fn run(shared: &Shared, job: &Claimed) -> Result<(), ApiError> {
    let (t, post) = load(shared, &job.ref_id)?;
    let now = shared.clock.now_ms();
    let preset = jobs::get(&shared.ctx.db(), &job.id)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload_json).ok())
        .and_then(|v| v.get("preset").and_then(|p| p.as_str().map(str::to_string)));
    let asset = t.asset_id.clone().or_else(|| post.media_ref.clone());
    let (Some(preset), Some(asset)) = (preset, asset) else {
        let _ = shared
            .ctx
            .db()
            .write(|tx| jobs::settle(tx, &job.id, &shared.owner, "cancelled", Some("nothing to render"), now));
        return Ok(());
    };
    let request = crate::renders::RenderRequest { input: asset, preset: preset.clone(), ..Default::default() };
    let cancel = studio_core::progress::CancelToken::new();
    let result = crate::render_helper::locate()
        .and_then(|helper| crate::render_helper::run(&shared.ctx, &helper, &request, &|_| {}, &cancel));
    let now = shared.clock.now_ms();
    shared.ctx.db().write(|tx| {
        match &result {
            Ok(r) => {
                if !jobs::settle(tx, &job.id, &shared.owner, "done", None, now)? {
                    return Ok(());
                }
                if let Some(render_id) = &r.render_id {
                    targets::set_render(tx, &t.id, render_id, now)?;
                }
                let detail = format!("{preset} version rendered ({}x{})", r.width, r.height);
                targets::event(tx, &t.id, t.state.as_str(), Some(&detail), now)?;
            }
            Err(e) => {
                if !jobs::settle(tx, &job.id, &shared.owner, "failed", Some(&e.message), now)? {
                    return Ok(());
                }
                let detail =
                    format!("the {preset} version could not be rendered ({}); posting the original", e.message);
                targets::event(tx, &t.id, t.state.as_str(), Some(&detail), now)?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

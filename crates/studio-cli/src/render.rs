//! `studio render`, `studio presets`
use std::io::{IsTerminal, Write};

use studio_api::render_helper::{self, HelperOutcome};
use studio_api::renders::{self, RenderRecord, RenderRequest};
use studio_api::{ApiError, Context};
use studio_core::progress::{CancelToken, NoProgress, Progress, ProgressSink, Throttle};

use crate::args::{RenderArgs, RendersCmd};
use crate::output::{table, Out};

/// A percentage on one overwritten line, for people (redrawn through the one progress throttle).
#[derive(Default)]
struct Bar(Throttle);

impl ProgressSink for Bar {
    fn report(&self, p: Progress) {
        if !self.0.admit(p.stage, !p.fraction.is_some_and(|f| f < 1.0)) {
            return;
        }
        let pct = p.fraction.unwrap_or(0.0) * 100.0;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Krendering {pct:5.1}%  {}", p.item.escape_default());
        let _ = err.flush();
    }
}

pub fn run(ctx: &Context, a: RenderArgs, out: &Out) -> Result<(), ApiError> {
    let req = RenderRequest {
        input: a.input,
        preset: a.preset,
        output: a.out,
        trim: a.trim,
        reframe: a.reframe,
        encoder: Some(a.encoder),
        x264_preset: a.x264_preset,
        crf: a.crf,
        captions: a.captions,
        hook_text: a.hook_text,
        hook_seconds: a.hook_seconds,
        music: a.music,
    };
    let live = !out.json && !a.progress_json && std::io::stderr().is_terminal();
    let json_lines = render_helper::JsonLines::default();
    let sink: &dyn ProgressSink = if a.progress_json {
        &json_lines
    } else if live {
        &Bar::default()
    } else {
        &NoProgress
    };
    let r = renders::render(ctx, &req, sink, &CancelToken::new());
    if live {
        eprint!("\r\x1b[2K");
    }
    let r = r?;
    out.value(&r, || {
        format!(
            "Rendered {} ({}x{} {} fps, {:.2} s, {}; loudness {} → gain {:+.1} dB)",
            r.output,
            r.width,
            r.height,
            r.fps,
            r.duration_s,
            r.encoder,
            r.source_loudness_lufs.map_or_else(|| "silent".into(), |l| format!("{l:.1} LUFS")),
            r.gain_db
        )
    })
}

pub fn presets(ctx: &Context, out: &Out) -> Result<(), ApiError> {
    let list = renders::presets(ctx)?;
    out.value(&list, || {
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|p| vec![p.name.clone(), p.label.clone(), format!("{}x{}", p.width, p.height), p.fps.to_string()])
            .collect();
        table(&["NAME", "PLATFORM", "SIZE", "FPS"], &rows)
    })
}

/// `studio render-helper`: one render for the app, crash-isolated from it.
pub fn helper(ctx: &Context) -> crate::Status {
    let outcome = render_helper::serve(ctx, std::io::stdin());
    let ok = matches!(outcome, HelperOutcome::Ok(_));
    match serde_json::to_string(&outcome) {
        Ok(line) => println!("{line}"),
        Err(e) => eprintln!("error: cannot encode the outcome: {e}"),
    }
    if ok {
        crate::Status::Ok
    } else {
        crate::Status::Partial
    }
}

pub fn run_renders(ctx: &Context, cmd: RendersCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        RendersCmd::List { asset } => {
            let list = renders::list(ctx, asset.as_deref())?;
            out.value(&list, || {
                let rows: Vec<Vec<String>> = list.iter().map(row).collect();
                table(&["ID", "PRESET", "STATE", "SIZE", "CREATED", "OUTPUT"], &rows)
            })
        }
        RendersCmd::Delete { id } => {
            let r = renders::delete(ctx, &id)?;
            out.value(&r, || format!("Deleted render {}", r.id))
        }
    }
}

fn row(r: &RenderRecord) -> Vec<String> {
    let size = match (r.width, r.height) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        _ => String::new(),
    };
    let output = match (&r.output, r.output_exists) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{p} (missing)"),
        (None, _) => r.error_message.clone().unwrap_or_default(),
    };
    vec![r.id.clone(), r.preset.clone(), r.state.to_string(), size, r.created_at.clone(), output]
}

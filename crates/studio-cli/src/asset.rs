//! `studio import` and `studio asset ...`
use std::io::{IsTerminal, Write};

use studio_api::assets::{self, Asset, AssetKind, AssetQuery, ImportOptions};
use studio_api::{ApiError, Context};
use studio_core::progress::{CancelToken, NoProgress, Progress, ProgressSink, Throttle};

use crate::args::{AssetCmd, ImportArgs};
use crate::output::{table, Out};
use crate::Status;

/// One overwritten status line on stderr, only when a person is watching (through the one
/// progress throttle).
#[derive(Default)]
struct TerminalProgress(Throttle);

impl ProgressSink for TerminalProgress {
    fn report(&self, p: Progress) {
        if !self.0.admit_progress(&p) {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{}/{}] {:<10} {}", p.done, p.total, p.stage, p.item.escape_default());
        let _ = err.flush();
    }
}

pub fn import(ctx: &Context, a: ImportArgs, out: &Out) -> Result<Status, ApiError> {
    let opts = ImportOptions { campaign_id: a.campaign, reference: a.reference };
    let live = !out.json && std::io::stderr().is_terminal();
    let sink: &dyn ProgressSink = if live { &TerminalProgress::default() } else { &NoProgress };
    let report = assets::import(ctx, &a.paths, &opts, sink, &CancelToken::new())?;
    if live {
        eprint!("\r\x1b[2K");
    }
    out.value(&report, || {
        let mut s = format!(
            "Imported {}, skipped {}, failed {}.",
            report.imported.len(),
            report.skipped.len(),
            report.failed.len()
        );
        for i in &report.imported {
            s.push_str(&format!("\n  + {}  {}  {}", i.id, kind(i), i.original_name.escape_default()));
        }
        for k in &report.skipped {
            s.push_str(&format!("\n  = {}  ({})", k.path.escape_default(), k.reason));
        }
        for f in &report.failed {
            s.push_str(&format!("\n  ! {}  [{}] {}", f.path.escape_default(), f.code, f.message));
        }
        s
    })?;
    Ok(if report.failed.is_empty() { Status::Ok } else { Status::Partial })
}

fn kind(a: &Asset) -> &'static str {
    match a.kind {
        AssetKind::Video => "video",
        AssetKind::Image => "image",
        AssetKind::Audio => "audio",
    }
}

fn size(a: &Asset) -> String {
    match (a.width, a.height) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        _ => "-".into(),
    }
}

fn duration(a: &Asset) -> String {
    a.duration_s.map_or_else(|| "-".into(), |d| format!("{}:{:05.2}", (d / 60.0).floor() as u64, d % 60.0))
}

pub fn run(ctx: &Context, cmd: AssetCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        AssetCmd::List { kind: k, campaign, search } => {
            let q = AssetQuery {
                kind: k.as_deref().and_then(|k| match k {
                    "video" => Some(AssetKind::Video),
                    "image" => Some(AssetKind::Image),
                    "audio" => Some(AssetKind::Audio),
                    _ => None,
                }),
                campaign_id: campaign,
                search,
            };
            let list = assets::list(ctx, &q)?;
            out.value(&list, || {
                if list.is_empty() {
                    return "No media yet. Import some with: studio import PATH...".into();
                }
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|a| vec![a.id.clone(), kind(a).into(), size(a), duration(a), a.original_name.clone()])
                    .collect();
                table(&["ID", "KIND", "SIZE", "DURATION", "NAME"], &rows)
            })
        }
        AssetCmd::Show { id } => {
            let a = assets::get(ctx, &id)?;
            out.value(&a, || {
                format!(
                    "{}  ({})\n  kind       {}\n  size       {}\n  duration   {}\n  codecs     {} / {}\n  fps        {}{}\n  rotation   {}°\n  file       {}",
                    a.original_name.escape_default(),
                    a.id,
                    kind(&a),
                    size(&a),
                    duration(&a),
                    a.video_codec.as_deref().unwrap_or("-"),
                    a.audio_codec.as_deref().unwrap_or("-"),
                    a.fps.map_or_else(|| "-".into(), |f| format!("{f:.3}")),
                    if a.variable_frame_rate { " (variable)" } else { "" },
                    a.rotation,
                    a.path
                )
            })
        }
    }
}

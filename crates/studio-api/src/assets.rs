//! The media library: importing files (deduplicated by content) and reading assets back.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use studio_core::assets::{self as store, AssetFilter, AssetKind as StoreKind, Inserted, NewAsset};
use studio_core::clock::rfc3339;
use studio_core::progress::{CancelToken, Progress, ProgressSink};
/// Part of [`Asset`]: re-exported so callers need not depend on studio-media.
pub use studio_media::import::Storage;
use studio_media::import::{self, Layout};
use studio_media::probe::{MediaKind, Probe};
use studio_media::MediaError;

use crate::{ApiError, ApiResult, Context};

/// Files worked on at once: decoding is multi-threaded already, and disks prefer few streams.
const MAX_WORKERS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Video,
    Image,
    Audio,
}

impl From<StoreKind> for AssetKind {
    fn from(k: StoreKind) -> Self {
        match k {
            StoreKind::Video => Self::Video,
            StoreKind::Image => Self::Image,
            StoreKind::Audio => Self::Audio,
        }
    }
}

impl From<AssetKind> for StoreKind {
    fn from(k: AssetKind) -> Self {
        match k {
            AssetKind::Video => Self::Video,
            AssetKind::Image => Self::Image,
            AssetKind::Audio => Self::Audio,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Asset {
    pub id: String,
    pub kind: AssetKind,
    /// Where the bytes are read from (inside the library folder unless referenced).
    pub path: String,
    pub original_name: String,
    pub storage: Storage,
    pub size_bytes: f64,
    pub content_hash: String,
    pub campaign_id: Option<String>,
    /// As displayed (rotation applied).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    pub fps: Option<f64>,
    pub variable_frame_rate: bool,
    pub rotation: u32,
    /// The detected format, as a file extension ("mp4", "png", "wav").
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub audio_channels: Option<u32>,
    pub sample_rate: Option<u32>,
    pub poster: Option<String>,
    pub filmstrip: Option<String>,
    pub waveform: Option<String>,
    pub created_at: String,
}

fn layout(ctx: &Context) -> Layout {
    Layout { library: ctx.paths().library(), thumbs: ctx.paths().cache.join("thumbs") }
}

fn existing(p: PathBuf) -> Option<String> {
    p.is_file().then(|| p.display().to_string())
}

fn to_api(a: store::Asset, layout: &Layout) -> Asset {
    let probe: Option<Probe> = a.probe_json.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let thumbs = layout.thumbs_dir(&a.content_hash);
    let v = probe.as_ref().and_then(|p| p.video.as_ref());
    let au = probe.as_ref().and_then(|p| p.audio.as_ref());
    Asset {
        id: a.id,
        kind: a.kind.into(),
        path: a.library_path,
        original_name: a.original_name,
        // The schema CHECKs the two names; a copy is the default import.
        storage: Storage::parse(&a.storage).unwrap_or(Storage::Copy),
        size_bytes: a.size_bytes as f64,
        campaign_id: a.campaign_id,
        width: a.width.and_then(|w| u32::try_from(w).ok()),
        height: a.height.and_then(|h| u32::try_from(h).ok()),
        duration_s: a.duration_ms.map(|ms| ms as f64 / 1000.0),
        fps: v.and_then(|v| v.fps),
        variable_frame_rate: v.is_some_and(|v| v.variable_frame_rate),
        rotation: v.map_or(0, |v| v.rotation),
        // libav names demuxers by family ("mov,mp4,m4a,3gp,3g2,mj2"); people know the format.
        container: probe.as_ref().map(|p| p.extension.clone()),
        video_codec: v.map(|v| v.codec.clone()),
        audio_codec: au.map(|a| a.codec.clone()),
        audio_channels: au.map(|a| u32::from(a.channels)),
        sample_rate: au.map(|a| a.sample_rate),
        poster: existing(thumbs.join("poster.jpg")),
        filmstrip: existing(thumbs.join("filmstrip.jpg")),
        waveform: existing(thumbs.join("waveform.png")),
        created_at: rfc3339(a.created_at),
        content_hash: a.content_hash,
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ImportOptions {
    pub campaign_id: Option<String>,
    /// Keep files where they are instead of copying them into the library.
    pub reference: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportSkipped {
    pub path: String,
    pub reason: String,
    /// The asset that already holds these bytes.
    pub existing_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportFailed {
    pub path: String,
    /// Stable: empty_file, unreadable, unsupported_format, corrupt_media, image_too_large,
    /// cancelled, io, or an API error code.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportReport {
    pub imported: Vec<Asset>,
    pub skipped: Vec<ImportSkipped>,
    pub failed: Vec<ImportFailed>,
}

enum Outcome {
    Imported(Box<Asset>),
    Skipped { reason: String, existing_id: Option<String> },
    Failed { code: String, message: String },
}

impl From<MediaError> for Outcome {
    fn from(e: MediaError) -> Self {
        Outcome::Failed { code: e.code().to_string(), message: e.to_string() }
    }
}

impl From<ApiError> for Outcome {
    fn from(e: ApiError) -> Self {
        Outcome::Failed { code: e.code.as_str().to_string(), message: e.message }
    }
}

fn display_name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Imports files and folders. Good files are imported even when others fail; each bad file is
/// reported with a typed code and leaves nothing behind.
/// How long a library file may exist without its row before it counts as an orphan. Another
/// process's import holds that gap for milliseconds (at most the database busy timeout).
const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Deletes library files left by an import killed between moving them into place and committing.
fn sweep_orphans(ctx: &Context, layout: &Layout) {
    let known = match store::library_paths(&ctx.db()) {
        Ok(k) => k,
        Err(e) => return tracing::warn!(error = %e, "orphan sweep skipped"),
    };
    for orphan in layout.orphans(ORPHAN_GRACE, |p| known.contains(&p.display().to_string())) {
        match std::fs::remove_file(&orphan) {
            Ok(()) => tracing::info!(path = %orphan.display(), "removed an orphaned library file"),
            Err(e) => tracing::warn!(error = %e, path = %orphan.display(), "orphaned library file not removed"),
        }
    }
}

pub fn import(
    ctx: &Context,
    inputs: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> ApiResult<ImportReport> {
    if let Some(c) = &opts.campaign_id {
        crate::campaigns::get(ctx, c)?;
    }
    let layout = layout(ctx);
    layout.sweep_stale_staging();
    sweep_orphans(ctx, &layout);
    let (files, missing) = import::collect(inputs);
    let total = files.len() as u64;
    let done = AtomicU64::new(0);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, PathBuf, Outcome)>> = Mutex::new(Vec::with_capacity(files.len()));
    let storage = if opts.reference { Storage::Reference } else { Storage::Copy };
    let workers = files.len().clamp(1, MAX_WORKERS);

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(file) = files.get(i) else { break };
                let report = |stage| {
                    progress.report(Progress {
                        item: display_name(file),
                        stage,
                        done: done.load(Ordering::SeqCst),
                        total,
                        fraction: None,
                    })
                };
                let outcome = if cancel.is_cancelled() {
                    MediaError::Cancelled.into()
                } else {
                    import_one(ctx, &layout, file, storage, opts, &report, cancel)
                };
                done.fetch_add(1, Ordering::SeqCst);
                report("done");
                results.lock().unwrap_or_else(|p| p.into_inner()).push((i, file.clone(), outcome));
            });
        }
    });

    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _, _)| *i);
    let mut rep = ImportReport::default();
    for (path, e) in missing {
        rep.failed.push(ImportFailed {
            path: path.display().to_string(),
            code: e.code().into(),
            message: e.to_string(),
        });
    }
    for (_, path, outcome) in results {
        let path = path.display().to_string();
        match outcome {
            Outcome::Imported(a) => rep.imported.push(*a),
            Outcome::Skipped { reason, existing_id } => rep.skipped.push(ImportSkipped { path, reason, existing_id }),
            Outcome::Failed { code, message } => rep.failed.push(ImportFailed { path, code, message }),
        }
    }
    tracing::info!(
        imported = rep.imported.len(),
        skipped = rep.skipped.len(),
        failed = rep.failed.len(),
        "import finished"
    );
    Ok(rep)
}

fn import_one(
    ctx: &Context,
    layout: &Layout,
    file: &Path,
    storage: Storage,
    opts: &ImportOptions,
    report: &dyn Fn(&'static str),
    cancel: &CancelToken,
) -> Outcome {
    // Before any read: opening a FIFO or device would block or never end.
    if let Err(e) = studio_media::probe::check_readable(file) {
        return e.into();
    }
    report("hashing");
    let (hash, size) = match studio_media::hash::hash_file(file, cancel) {
        Ok(h) => h,
        Err(e) => return e.into(),
    };
    if size == 0 {
        return MediaError::Empty.into();
    }
    let already = ctx.db().read(|c| store::find_by_hash(c, &hash));
    match already {
        Ok(Some(a)) => return Outcome::Skipped { reason: "already in the library".into(), existing_id: Some(a.id) },
        Ok(None) => {}
        Err(e) => return ApiError::from(e).into(),
    }
    report("probing");
    let prepared = match import::prepare(file, hash, size, layout, storage, cancel) {
        Ok(p) => p,
        Err(e) => return e.into(),
    };
    report("saving");
    let probe = &prepared.probe;
    let new = NewAsset {
        campaign_id: opts.campaign_id.clone(),
        kind: match probe.kind {
            MediaKind::Video => StoreKind::Video,
            MediaKind::Image => StoreKind::Image,
            MediaKind::Audio => StoreKind::Audio,
        },
        content_hash: prepared.hash.clone(),
        storage: prepared.storage.as_str(),
        library_path: prepared.media_path.display().to_string(),
        original_name: display_name(file),
        size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
        width: probe.width.map(i64::from),
        height: probe.height.map(i64::from),
        duration_ms: probe.duration_s.map(|d| (d * 1000.0).round() as i64),
        probe_json: serde_json::to_string(probe).unwrap_or_else(|_| "{}".into()),
    };
    let mut committed = None;
    let inserted = store::insert_unless_present(&mut ctx.db(), new, ctx.actor(), || {
        let c = prepared
            .commit()
            .map_err(|source| studio_core::StoreError::Io { path: PathBuf::from("library"), source })?;
        committed = Some(c);
        Ok(())
    });
    match inserted {
        Ok(Inserted::New(a)) => Outcome::Imported(Box::new(to_api(a, layout))),
        Ok(Inserted::Existing(a)) => {
            Outcome::Skipped { reason: "already in the library".into(), existing_id: Some(a.id) }
        }
        Err(e) => {
            if let Some(c) = committed {
                c.undo();
            }
            ApiError::from(e).into()
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct AssetQuery {
    pub kind: Option<AssetKind>,
    pub campaign_id: Option<String>,
    pub search: Option<String>,
}

pub fn list(ctx: &Context, q: &AssetQuery) -> ApiResult<Vec<Asset>> {
    let f = AssetFilter {
        kind: q.kind.map(Into::into),
        campaign_id: q.campaign_id.clone(),
        search: q.search.clone().filter(|s| !s.trim().is_empty()),
    };
    let layout = layout(ctx);
    Ok(store::list(&ctx.db(), &f)?.into_iter().map(|a| to_api(a, &layout)).collect())
}

pub fn get(ctx: &Context, id: &str) -> ApiResult<Asset> {
    Ok(to_api(store::get(&ctx.db(), id)?, &layout(ctx)))
}

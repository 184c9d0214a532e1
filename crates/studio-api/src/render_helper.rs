//! Renders in a child process (`studio render-helper`), so a codec crash cannot take the app or
//! the scheduler down.
//!
//! The protocol is small and lives here so both ends agree on it:
//! - the parent writes the [`RenderRequest`] as one JSON line on the child's stdin, then keeps
//!   stdin open; a `cancel` line, or stdin closing (the parent died), cancels the render;
//! - the child reports [`HelperEvent`] JSON lines on stderr (other stderr lines are logs);
//! - the child prints one [`HelperOutcome`] JSON line on stdout and exits.
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use studio_core::progress::{CancelToken, Progress, ProgressSink, Throttle};

use crate::renders::{self, RenderRequest, RenderResult};
use crate::{ApiError, ApiResult, Context, ErrorCode};

/// A progress line from the helper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum HelperEvent {
    /// The render has a row in the history (only when the input is an asset).
    Started {
        render_id: String,
    },
    Progress {
        stage: String,
        fraction: Option<f64>,
    },
}

/// The helper's last word, on stdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelperOutcome {
    Ok(Box<RenderResult>),
    Error(ApiError),
}

/// Render progress as the app shows it: a stage, how far, and how long is left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenderProgress {
    pub render_id: Option<String>,
    /// "starting", "measuring" (loudness), "analyzing" (smart reframe), "rendering".
    pub stage: String,
    pub fraction: Option<f64>,
    pub elapsed_s: f64,
    /// Estimated seconds left in the render, once it can be estimated.
    pub eta_s: Option<f64>,
}

impl HelperEvent {
    pub fn from_progress(p: &Progress) -> Self {
        if p.stage == "started" {
            Self::Started { render_id: p.item.clone() }
        } else {
            Self::Progress { stage: p.stage.to_string(), fraction: p.fraction }
        }
    }
}

/// Writes progress as [`HelperEvent`] JSON lines on stderr, at most ~20 a second (stage changes
/// and the end of a stage always go out). Twice the window's rate, so the app's own throttle
/// still has the latest value to pick from.
pub struct JsonLines {
    throttle: Throttle,
}

impl Default for JsonLines {
    fn default() -> Self {
        Self { throttle: Throttle::new(Duration::from_millis(50)) }
    }
}

impl ProgressSink for JsonLines {
    fn report(&self, p: Progress) {
        if !self.throttle.admit(p.stage, !p.fraction.is_some_and(|f| f < 1.0)) {
            return;
        }
        if let Ok(line) = serde_json::to_string(&HelperEvent::from_progress(&p)) {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{line}");
            let _ = err.flush();
        }
    }
}

/// The child side: reads the request from `input`, renders, and returns the outcome to print.
/// A `cancel` line or the end of `input` cancels.
pub fn serve(ctx: &Context, input: impl Read + Send + 'static) -> HelperOutcome {
    let mut lines = BufReader::new(input).lines();
    let req: RenderRequest = match lines.next() {
        Some(Ok(l)) => match serde_json::from_str(&l) {
            Ok(r) => r,
            Err(e) => return HelperOutcome::Error(ApiError::new(ErrorCode::InvalidInput, format!("bad request: {e}"))),
        },
        _ => return HelperOutcome::Error(ApiError::new(ErrorCode::InvalidInput, "no render request on stdin")),
    };
    let cancel = CancelToken::new();
    let watch = cancel.clone();
    // Detached on purpose: it blocks on stdin until the parent writes or goes away.
    std::thread::spawn(move || {
        for line in lines {
            match line {
                Ok(l) if l.trim() == "cancel" => break,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        watch.cancel();
    });
    match renders::render(ctx, &req, &JsonLines::default(), &cancel) {
        Ok(r) => HelperOutcome::Ok(Box::new(r)),
        Err(e) => HelperOutcome::Error(e),
    }
}

/// Turns helper events into what the app shows (elapsed time and an ETA for the long stages).
struct Tracker {
    start: Instant,
    stage_start: Instant,
    render_id: Option<String>,
    stage: String,
}

impl Tracker {
    fn new() -> Self {
        let now = Instant::now();
        Self { start: now, stage_start: now, render_id: None, stage: "starting".into() }
    }

    fn update(&mut self, e: HelperEvent) -> RenderProgress {
        let fraction = match e {
            HelperEvent::Started { render_id } => {
                self.render_id = Some(render_id);
                None
            }
            HelperEvent::Progress { stage, fraction } => {
                if stage != self.stage {
                    self.stage = stage;
                    self.stage_start = Instant::now();
                }
                fraction
            }
        };
        let in_stage = self.stage_start.elapsed().as_secs_f64();
        // Too early an estimate swings wildly; wait for 3% and a second of evidence.
        let eta_s = fraction.filter(|f| *f >= 0.03 && *f < 1.0 && in_stage >= 1.0).map(|f| in_stage * (1.0 - f) / f);
        RenderProgress {
            render_id: self.render_id.clone(),
            stage: self.stage.clone(),
            fraction,
            elapsed_s: self.start.elapsed().as_secs_f64(),
            eta_s,
        }
    }
}

/// How long a helper told to cancel gets to clean up before it is killed.
const CANCEL_GRACE: Duration = Duration::from_secs(10);
/// Lines of the helper's own stderr kept for the error message when it dies.
const STDERR_TAIL: usize = 12;

/// The parent side: runs `binary render-helper`, streams its progress, cancels it on request and
/// closes the history record when it dies without a word.
pub fn run(
    ctx: &Context,
    binary: &Path,
    req: &RenderRequest,
    on_progress: &(dyn Fn(RenderProgress) + Sync),
    cancel: &CancelToken,
) -> ApiResult<RenderResult> {
    let helper_err = |what: &str, e: std::io::Error| {
        ApiError::new(ErrorCode::Internal, format!("the render helper ({}) {what}: {e}", binary.display()))
    };
    let mut command = Command::new(binary);
    // The helper must open the same data folder as this process (the daemon may run with
    // --data-dir while the environment names another).
    if let Some(root) = &ctx.paths().root {
        command.arg("--data-dir").arg(root);
    }
    let mut child = command
        .arg("render-helper")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| helper_err("could not start", e))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        return Err(ApiError::new(ErrorCode::Internal, "the render helper has no pipes"));
    };
    let request = serde_json::to_string(req).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    if let Err(e) = writeln!(stdin, "{request}").and_then(|()| stdin.flush()) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(helper_err("did not take the request", e));
    }
    let tail = Mutex::new(std::collections::VecDeque::<String>::new());
    let render_id = Mutex::new(None::<String>);

    let (status, stdout_text) = std::thread::scope(|s| {
        let out = s.spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stdout).read_to_string(&mut text);
            text
        });
        s.spawn(|| {
            let mut tracker = Tracker::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                match serde_json::from_str::<HelperEvent>(&line) {
                    Ok(e) => {
                        let p = tracker.update(e);
                        if let Some(id) = &p.render_id {
                            render_id.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert_with(|| id.clone());
                        }
                        on_progress(p);
                    }
                    Err(_) => {
                        tracing::debug!(target: "render_helper", "{line}");
                        let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                        t.push_back(line);
                        if t.len() > STDERR_TAIL {
                            t.pop_front();
                        }
                    }
                }
            }
        });
        let mut told = None::<Instant>;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(e) => break Err(e),
            }
            if cancel.is_cancelled() {
                match told {
                    None => {
                        // Asking lets the helper delete its partial file and record "cancelled".
                        let _ = writeln!(stdin, "cancel").and_then(|()| stdin.flush());
                        told = Some(Instant::now());
                    }
                    Some(t) if t.elapsed() > CANCEL_GRACE => {
                        tracing::warn!("render helper ignored cancel; killing it");
                        let _ = child.kill();
                    }
                    Some(_) => {}
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        drop(stdin);
        (status, out.join().unwrap_or_default())
    });
    let status = status.map_err(|e| helper_err("could not be watched", e))?;
    let outcome = stdout_text.lines().rev().find_map(|l| serde_json::from_str::<HelperOutcome>(l).ok());
    match outcome {
        Some(HelperOutcome::Ok(r)) => Ok(*r),
        Some(HelperOutcome::Error(e)) => Err(e),
        None => {
            let tail: Vec<String> = tail.into_inner().unwrap_or_else(|p| p.into_inner()).into();
            let why = if cancel.is_cancelled() {
                "The render was cancelled.".to_string()
            } else {
                format!("The render helper stopped unexpectedly ({status}). {}", tail.join(" ").trim())
            };
            let code = if cancel.is_cancelled() { ErrorCode::Cancelled } else { ErrorCode::RenderFailed };
            if let Some(id) = render_id.into_inner().unwrap_or_else(|p| p.into_inner()) {
                if let Err(e) = renders::abandon(ctx, &id, code, &why) {
                    tracing::warn!(error = %e.message, "render history not closed");
                }
            }
            Err(ApiError::new(code, why.trim().to_string()))
        }
    }
}

/// Where the `studio` helper is: `STUDIO_HELPER` when set, else beside the running executable
/// (how the app is bundled and how cargo lays out a build).
pub fn locate() -> ApiResult<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("STUDIO_HELPER").filter(|v| !v.is_empty()) {
        return Ok(p.into());
    }
    let exe = std::env::current_exe()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot locate this program: {e}")))?;
    let name = format!("studio{}", std::env::consts::EXE_SUFFIX);
    let dir = exe.parent().unwrap_or(Path::new("."));
    let p = dir.join(&name);
    if p.is_file() {
        Ok(p)
    } else {
        Err(ApiError::new(
            ErrorCode::Internal,
            format!("The render helper {name} is missing from {}. Reinstall Viral Studio.", dir.display()),
        ))
    }
}

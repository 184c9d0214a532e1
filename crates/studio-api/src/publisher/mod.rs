//! The publisher: the loop that runs inside the desktop app (window open or closed) and as
//! `studio daemon`, publishing due posts exactly once.
//!
//! - Only the holder of the SQLite publisher lease claims jobs; the lease is heartbeated and its
//!   running jobs' leases with it, so a crashed holder's work is taken over once they expire.
//! - Workers run claimed jobs; a supervisor restarts a worker thread that died and puts its job
//!   back in the queue (the target's checkpoint says where to resume).
//! - Catch-up: on start and on wake (the wall clock jumped ahead of the monotonic one) due jobs
//!   are run; a first attempt later than the grace window is not published but held for review.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use studio_core::jobs::{self, Claimed, Limits};
use studio_core::leases::{self, PUBLISHER};
use studio_core::notifications;
use studio_core::progress::CancelToken;

use crate::{ApiResult, Context};

pub mod fault;
mod recurrence;
mod replies;

/// Attention flag of a published target whose thread parts or first comment did not all post.
pub const REPLIES_FAILED: &str = replies::ATTENTION;
mod worker;

pub use recurrence::spawn_due_occurrences;

/// Wall-clock and monotonic time, separately: their difference is how sleep is detected. Tests
/// drive both by hand.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn mono_ms(&self) -> i64;
}

pub struct SystemClock {
    start: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        Self { start: Instant::now() }
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        studio_core::clock::now_ms()
    }

    fn mono_ms(&self) -> i64 {
        i64::try_from(self.start.elapsed().as_millis()).unwrap_or(i64::MAX)
    }
}

fn env_ms(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Who holds the lease, for people: "Viral Studio app (pid 4242)".
    pub label: String,
    pub lease_ttl: Duration,
    pub tick: Duration,
    pub limits: Limits,
    /// First backoff step after a retryable failure; doubles up to `backoff_cap`, with jitter.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Runs of one target before it is failed (retryable failures only).
    pub max_attempts: i64,
    /// Metric snapshots after publishing, as offsets from the publish time.
    pub metric_offsets: Vec<Duration>,
    /// A wall-clock jump larger than this beyond monotonic time is a wake from sleep.
    pub jump_threshold: Duration,
    /// Stop when nothing is running or due within a minute (tests, one-shot runs).
    pub exit_when_idle: bool,
}

impl Config {
    /// Defaults, with overrides from the environment (tests shorten every wait).
    pub fn from_env(label: impl Into<String>) -> Self {
        let offsets = std::env::var("STUDIO_METRIC_OFFSETS_MS")
            .ok()
            .map(|v| v.split(',').filter_map(|x| x.trim().parse::<u64>().ok()).map(Duration::from_millis).collect())
            .unwrap_or_else(|| [1u64, 6, 24, 48, 168].iter().map(|h| Duration::from_secs(h * 3600)).collect());
        let total = usize::try_from(env_ms("STUDIO_PUBLISH_WORKERS", 8)).unwrap_or(8).clamp(1, 64);
        Self {
            label: label.into(),
            lease_ttl: Duration::from_millis(env_ms("STUDIO_LEASE_TTL_MS", 15_000).max(500)),
            tick: Duration::from_millis(env_ms("STUDIO_TICK_MS", 500).max(10)),
            limits: Limits {
                total,
                per_account: usize::try_from(env_ms("STUDIO_PER_ACCOUNT", 1)).unwrap_or(1).max(1),
                per_platform: usize::try_from(env_ms("STUDIO_PER_PLATFORM", 4)).unwrap_or(4).max(1),
            },
            backoff_base: Duration::from_millis(env_ms("STUDIO_BACKOFF_BASE_MS", 30_000)),
            backoff_cap: Duration::from_millis(env_ms("STUDIO_BACKOFF_CAP_MS", 30 * 60_000)),
            max_attempts: i64::try_from(env_ms("STUDIO_MAX_ATTEMPTS", 10)).unwrap_or(10).max(1),
            metric_offsets: offsets,
            jump_threshold: Duration::from_secs(60),
            exit_when_idle: false,
        }
    }
}

const PAUSED_KEY: &str = "scheduler.paused";
const GRACE_KEY: &str = "scheduler.grace_minutes";
/// Posts found due this late or less after sleep or downtime are published (and said to be late).
pub const DEFAULT_GRACE_MINUTES: i64 = 30;

pub fn is_paused(ctx: &Context) -> ApiResult<bool> {
    Ok(studio_core::settings::get::<bool>(&ctx.db(), PAUSED_KEY)?.unwrap_or(false))
}

pub fn set_paused(ctx: &Context, paused: bool) -> ApiResult<()> {
    studio_core::settings::set(&mut ctx.db(), PAUSED_KEY, &paused)?;
    let now = studio_core::clock::now_ms();
    notifications::log_event(&mut ctx.db(), ctx.actor(), if paused { "paused" } else { "resumed" }, None, now)?;
    Ok(())
}

pub fn grace_ms(ctx: &Context) -> ApiResult<i64> {
    let minutes = studio_core::settings::get::<i64>(&ctx.db(), GRACE_KEY)?.unwrap_or(DEFAULT_GRACE_MINUTES);
    Ok(minutes.clamp(0, 7 * 24 * 60) * 60_000)
}

/// What workers share.
pub(crate) struct Shared {
    pub ctx: Arc<Context>,
    pub cfg: Config,
    pub owner: String,
    pub clock: Arc<dyn Clock>,
    pub stop: CancelToken,
}

/// A worker thread and the job it is running (so the supervisor can requeue it if it dies).
struct Worker {
    handle: JoinHandle<()>,
    current: Arc<Mutex<Option<String>>>,
}

fn spawn_worker(
    shared: &Arc<Shared>,
    rx: &Arc<Mutex<Receiver<Claimed>>>,
    done: &Sender<()>,
    busy: &Arc<AtomicUsize>,
) -> std::io::Result<Worker> {
    let current = Arc::new(Mutex::new(None::<String>));
    let (shared, rx, done, busy, slot) = (shared.clone(), rx.clone(), done.clone(), busy.clone(), current.clone());
    let handle = std::thread::Builder::new().name("publisher-worker".into()).spawn(move || loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv()
        };
        let Ok(job) = job else { return };
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(job.id.clone());
        worker::run(&shared, &job);
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = None;
        busy.fetch_sub(1, Ordering::SeqCst);
        let _ = done.send(());
    })?;
    Ok(Worker { handle, current })
}

/// Runs the publisher until `stop` is cancelled (or, with `exit_when_idle`, until nothing is
/// left to do). Blocking: run it on its own thread.
pub fn run(ctx: Arc<Context>, cfg: Config, clock: Arc<dyn Clock>, stop: CancelToken) -> ApiResult<()> {
    let owner = studio_core::ids::new_id();
    let shared = Arc::new(Shared {
        ctx: ctx.clone(),
        cfg: cfg.clone(),
        owner: owner.clone(),
        clock: clock.clone(),
        stop: stop.clone(),
    });
    let log = |kind: &str, detail: Option<String>| {
        let r = notifications::log_event(&mut ctx.db(), &cfg.label, kind, detail.as_deref(), clock.now_ms());
        if let Err(e) = r {
            tracing::warn!(error = %e, kind, "cannot record a scheduler event");
        }
    };
    log("started", Some(format!("workers {}, lease {} ms", cfg.limits.total, cfg.lease_ttl.as_millis())));
    tracing::info!(label = %cfg.label, "publisher started");

    let (job_tx, job_rx) = mpsc::channel::<Claimed>();
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let busy = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..cfg.limits.total {
        workers.push(spawn_worker(&shared, &job_rx, &done_tx, &busy).map_err(io_err)?);
    }

    let ttl_ms = i64::try_from(cfg.lease_ttl.as_millis()).unwrap_or(15_000);
    let beat_every = ttl_ms / 3;
    let mut holding = false;
    let mut last_beat = i64::MIN;
    let (mut last_wall, mut last_mono) = (clock.now_ms(), clock.mono_ms());
    let lost = AtomicBool::new(false);
    loop {
        if stop.is_cancelled() {
            break;
        }
        let now = clock.now_ms();
        let mono = clock.mono_ms();
        // Sleep detection: wall time ran ahead of monotonic time (suspended machine) or jumped.
        let jump = (now - last_wall) - (mono - last_mono);
        if jump.abs() > i64::try_from(cfg.jump_threshold.as_millis()).unwrap_or(60_000) {
            log("clock_jump", Some(format!("{} s", jump / 1000)));
            tracing::info!(jump_s = jump / 1000, "clock jump: catching up");
            if holding {
                catch_up_report(&shared, now, "wake");
            }
        }
        (last_wall, last_mono) = (now, mono);

        if !holding {
            // Bound before matching: the arms lock the database again.
            let acquired = leases::acquire(&mut ctx.db(), PUBLISHER, &owner, &cfg.label, now, ttl_ms);
            match acquired {
                Ok(true) => {
                    holding = true;
                    last_beat = now;
                    lost.store(false, Ordering::SeqCst);
                    log("lease_acquired", None);
                    fault::point("lease_acquired");
                    catch_up_report(&shared, now, "start");
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "cannot take the publisher lease"),
            }
        } else if now - last_beat >= beat_every || now < last_beat {
            let beat = leases::heartbeat(&mut ctx.db(), PUBLISHER, &owner, now, ttl_ms);
            match beat {
                Ok(true) => {
                    last_beat = now;
                    fault::point("heartbeat");
                }
                Ok(false) => {
                    holding = false;
                    lost.store(true, Ordering::SeqCst);
                    log("lease_lost", None);
                    tracing::warn!("publisher lease lost; another process publishes now");
                }
                Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
            }
        }

        // Supervisor: a worker thread that died is replaced and its job goes back to the queue.
        for w in workers.iter_mut() {
            if w.handle.is_finished() {
                let job = w.current.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(job_id) = &job {
                    busy.fetch_sub(1, Ordering::SeqCst);
                    worker::requeue_after_crash(&shared, job_id);
                }
                log("worker_restart", Some(job.map_or_else(|| "idle worker".to_string(), |j| format!("job {j}"))));
                tracing::error!("a publisher worker died; restarted it");
                match spawn_worker(&shared, &job_rx, &done_tx, &busy) {
                    Ok(nw) => *w = nw,
                    Err(e) => tracing::error!(error = %e, "cannot restart a worker"),
                }
            }
        }

        let paused = is_paused(&ctx).unwrap_or(false);
        if holding && !paused {
            if let Err(e) = recurrence::spawn_due_occurrences(&ctx, now) {
                tracing::warn!(code = e.code.as_str(), error = %e.message, "cannot create the next occurrence");
            }
            let free = cfg.limits.total.saturating_sub(busy.load(Ordering::SeqCst));
            if free > 0 {
                let limits = Limits { total: cfg.limits.total, ..cfg.limits };
                let claimed = jobs::claim_due(
                    &mut ctx.db(),
                    PUBLISHER,
                    &owner,
                    &["publish", "metrics", "render", "replies"],
                    now,
                    ttl_ms,
                    limits,
                );
                match claimed {
                    Ok(claimed) => {
                        for job in claimed {
                            busy.fetch_add(1, Ordering::SeqCst);
                            if job_tx.send(job).is_err() {
                                busy.fetch_sub(1, Ordering::SeqCst);
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot claim jobs"),
                }
            }
        }

        if cfg.exit_when_idle && busy.load(Ordering::SeqCst) == 0 {
            // Idle: nothing running and nothing due within a minute (retries after a short
            // backoff count; next week's posts do not).
            let idle = jobs::depth(&ctx.db(), now + 60_000)
                .map(|(_, due, running, _)| due == 0 && running == 0)
                .unwrap_or(false);
            if idle {
                break;
            }
        }
        match done_rx.recv_timeout(cfg.tick) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }

    // Shutdown: no new jobs; running ones finish (a publish is interrupted only before its final
    // call, through `stop`), then the lease is released for the next process.
    drop(job_tx);
    for w in workers {
        let _ = w.handle.join();
    }
    if holding {
        let _ = leases::release(&mut ctx.db(), PUBLISHER, &owner);
    }
    log("stopped", None);
    tracing::info!("publisher stopped");
    Ok(())
}

fn io_err(e: std::io::Error) -> crate::ApiError {
    crate::ApiError::new(crate::ErrorCode::Internal, format!("cannot start a publisher worker: {e}"))
}

/// Records how much was due when the publisher (re)gained its footing; the claim loop does the
/// work, the grace rule lives in the worker.
fn catch_up_report(shared: &Shared, now: i64, why: &str) {
    let ctx = &shared.ctx;
    let grace = grace_ms(ctx).unwrap_or(DEFAULT_GRACE_MINUTES * 60_000);
    let counts = ctx.db().read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FILTER (WHERE coalesce(due_at, run_at) >= ?1 - ?2),
                    count(*) FILTER (WHERE coalesce(due_at, run_at) < ?1 - ?2)
               FROM jobs WHERE kind = 'publish' AND state = 'queued' AND run_at <= ?1 AND attempts = 0",
            rusqlite::params![now, grace],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?)
    });
    if let Ok((late, missed)) = counts {
        if late + missed > 0 {
            let detail =
                format!("{why}: {late} due (publishing now), {missed} older than the grace window (held for review)");
            let _ = notifications::log_event(&mut ctx.db(), &shared.cfg.label, "catch_up", Some(&detail), now);
            tracing::info!(%detail, "catch-up");
        }
    }
}

//! The publisher: the loop that runs inside the desktop app (window open or closed) and as
//! `studio daemon`, publishing due posts exactly once.
//!
//! - Only the holder of the SQLite publisher lease claims jobs; the lease is heartbeated and its
//!   running jobs' leases with it, so a crashed holder's work is taken over once they expire.
//! - Workers run claimed jobs; a supervisor restarts a worker thread that died and puts its job
//!   back in the queue (the target's checkpoint says where to resume).
//! - Catch-up: on start and on wake (the wall clock jumped ahead of the monotonic one) due jobs
//!   are run; a first attempt later than the grace window is not published but held for review.
//!
//! Layout: the lease is taken, heartbeated and released in [`run`] below; `dispatch` hands each
//! claimed job to its kind's file (`publish`, `replies`, `metrics`, `render_ahead`), which share
//! `shared` (target loading, backoff), `progress` (checkpoints) and `outcome` (failed attempts).
//! A target's state changes only through `studio_core::targets`.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use studio_core::jobs::{self, Claimed, Limits};
use studio_core::leases::{self, PUBLISHER};
use studio_core::notifications;
use studio_core::progress::CancelToken;
use studio_core::targets::JobKind;

use crate::{ApiError, ApiResult, Context, ErrorCode};

mod config;
pub mod fault;
mod metrics;
mod outcome;
mod progress;
mod publish;
mod recurrence;
mod render_ahead;
mod replies;
mod shared;

pub use config::{grace_ms, is_paused, set_paused, Clock, Config, SystemClock, DEFAULT_GRACE_MINUTES};
pub use recurrence::spawn_due_occurrences;
use shared::Shared;

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
        dispatch(&shared, &job);
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
                    requeue_after_crash(&shared, job_id);
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
                let claimed =
                    jobs::claim_due(&mut ctx.db(), PUBLISHER, &owner, &JobKind::PUBLISHER, now, ttl_ms, limits);
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

fn io_err(e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("cannot start a publisher worker: {e}"))
}

/// Runs one claimed job to an outcome in the file of its kind. Every outcome is recorded in one
/// transaction that also settles the job, and only while this process still owns its lease.
fn dispatch(shared: &Shared, job: &Claimed) {
    let started = Instant::now();
    let result = match JobKind::parse(&job.kind) {
        Some(JobKind::Publish) => publish::run(shared, job),
        Some(JobKind::Metrics) => metrics::run(shared, job),
        Some(JobKind::Render) => render_ahead::run(shared, job),
        Some(JobKind::Replies) => replies::run(shared, job),
        Some(JobKind::PublishNow) | None => {
            Err(ApiError::new(ErrorCode::Internal, format!("unknown job kind {}", job.kind)))
        }
    };
    if let Err(e) = result {
        // Only bookkeeping failures land here (the database is busy or gone); the job's lease
        // runs out and the next claim resumes it from the checkpoint.
        tracing::error!(job = %job.id, kind = %job.kind, code = e.code.as_str(), error = %e.message, "job could not be recorded");
    }
    tracing::debug!(job = %job.id, kind = %job.kind, ms = started.elapsed().as_millis() as u64, "job finished");
}

/// A worker died while running `job_id`: put it back so the next claim resumes it.
fn requeue_after_crash(shared: &Shared, job_id: &str) {
    let now = shared.clock.now_ms();
    let r = shared.ctx.db().write(|tx| {
        jobs::requeue(tx, job_id, &shared.owner, now, Some("the worker running it crashed; resuming"), now)?;
        Ok(())
    });
    if let Err(e) = r {
        tracing::error!(error = %e, "cannot requeue the job of a crashed worker");
    }
}

/// Records how much was due when the publisher (re)gained its footing; the claim loop does the
/// work, the grace rule lives in the worker.
fn catch_up_report(shared: &Shared, now: i64, why: &str) {
    let ctx = &shared.ctx;
    let grace = grace_ms(ctx).unwrap_or(DEFAULT_GRACE_MINUTES * 60_000);
    let counts = jobs::due_first_attempts(&ctx.db(), now, grace);
    if let Ok((late, missed)) = counts {
        if late + missed > 0 {
            let detail =
                format!("{why}: {late} due (publishing now), {missed} older than the grace window (held for review)");
            let _ = notifications::log_event(&mut ctx.db(), &shared.cfg.label, "catch_up", Some(&detail), now);
            tracing::info!(%detail, "catch-up");
        }
    }
}

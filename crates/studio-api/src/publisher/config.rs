//! The publisher's settings: clocks (tests drive them by hand), limits and waits (tests shorten
//! them through the environment), and the creator's pause switch and grace window.
use std::time::{Duration, Instant};

use studio_core::jobs::Limits;
use studio_core::notifications;

use crate::{ApiResult, Context};

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

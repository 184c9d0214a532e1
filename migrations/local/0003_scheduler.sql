-- The scheduler and publisher (issue 6).
--
-- post_targets keep the state machine; a publish is a row in `jobs` (kind 'publish', ref_id =
-- the target) claimed under a lease. Only the holder of the process-wide publisher lease in
-- `leases` claims jobs, so the tray app and `studio daemon` never both publish.

ALTER TABLE jobs ADD COLUMN ref_id TEXT;
ALTER TABLE jobs ADD COLUMN heartbeat_at INTEGER;
-- The first time this job was due (scheduled_at of its post); run_at moves with backoff.
ALTER TABLE jobs ADD COLUMN due_at INTEGER;
CREATE INDEX jobs_by_ref ON jobs (ref_id, kind);
CREATE INDEX jobs_claimable ON jobs (kind, state, run_at);

-- The full write-ahead record of a publish (every platform-side id), mirrored into the
-- dedicated columns for queries.
ALTER TABLE post_targets ADD COLUMN publish_state_json TEXT;
ALTER TABLE post_targets ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_targets ADD COLUMN next_attempt_at INTEGER;
-- Set when only the creator can decide (a post missed while the machine slept, an outcome the
-- platform cannot confirm); cleared by their decision.
ALTER TABLE post_targets ADD COLUMN attention TEXT;
ALTER TABLE post_targets ADD COLUMN late_by_ms INTEGER;
CREATE INDEX post_targets_by_post ON post_targets (post_id);

-- Recurring posts: each occurrence is its own post (own targets, own idempotency keys); the
-- unique pair makes spawning the next occurrence idempotent across crashes.
ALTER TABLE posts ADD COLUMN recurrence_of TEXT REFERENCES posts (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN occurrence INTEGER;
ALTER TABLE posts ADD COLUMN media_ref TEXT;
CREATE UNIQUE INDEX posts_occurrence ON posts (recurrence_of, occurrence) WHERE recurrence_of IS NOT NULL;

-- The timeline a creator reads in post detail: every state a target went through.
CREATE TABLE target_events (
    id          TEXT PRIMARY KEY NOT NULL,
    target_id   TEXT NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    state       TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX target_events_by_target ON target_events (target_id, at);

CREATE TABLE leases (
    name          TEXT PRIMARY KEY NOT NULL,
    owner         TEXT NOT NULL,
    owner_label   TEXT NOT NULL,
    acquired_at   INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);

-- Queue slots: "Mon/Wed/Fri 18:00 in the account's zone".
CREATE TABLE queue_slots (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),   -- ISO: 1 = Monday
    minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439), -- minutes after local midnight
    timezone    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (account_id, weekday, minute)
);

-- What the creator must be told (published, failed, needs attention). The app shows unseen
-- ones as OS notifications; a headless daemon leaves them for the app and `studio status`.
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('published', 'failed', 'needs_attention', 'late')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    target_id   TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
    -- One notification per (target, kind, key): bookkeeping repeated after a crash cannot
    -- notify twice.
    dedupe_key  TEXT NOT NULL UNIQUE,
    shown_at    INTEGER,
    read_at     INTEGER
);
CREATE INDEX notifications_unshown ON notifications (shown_at, at);

-- Scheduler history for the health panel: worker restarts, catch-up runs, clock jumps, lease
-- changes.
CREATE TABLE scheduler_events (
    id      TEXT PRIMARY KEY NOT NULL,
    at      INTEGER NOT NULL,
    owner   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    detail  TEXT
);
CREATE INDEX scheduler_events_by_kind ON scheduler_events (kind, at);

-- Per-account pause after a 429: no job of the account is claimed before this instant.
ALTER TABLE accounts ADD COLUMN paused_until INTEGER;
ALTER TABLE accounts ADD COLUMN last_error TEXT;
ALTER TABLE accounts ADD COLUMN last_error_at INTEGER;

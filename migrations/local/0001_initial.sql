-- Viral Studio desktop database, version 1.
--
-- Every synced table carries: a UUIDv7 text id (time-ordered, generated on any device),
-- created_at / updated_at as UTC unix milliseconds, a version bumped on every change (optimistic
-- concurrency and sync), and deleted_at for soft deletes (a delete must sync like an edit).
-- Secrets (tokens, client secrets) never live here: accounts only name their keychain entry.

CREATE TABLE campaigns (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    goal          TEXT,
    -- Civil dates (YYYY-MM-DD) in the campaign's own time zone: a campaign "ends on the 31st"
    -- wherever the creator happens to be.
    starts_on     TEXT,
    ends_on       TEXT,
    timezone      TEXT NOT NULL,
    sponsored     INTEGER NOT NULL DEFAULT 0 CHECK (sponsored IN (0, 1)),
    -- Money in the currency's minor units (cents; yen have none), exact integer arithmetic.
    budget_minor  INTEGER CHECK (budget_minor IS NULL OR budget_minor >= 0),
    currency      TEXT CHECK (currency IS NULL OR length(currency) = 3),
    notes         TEXT,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    deleted_at    INTEGER,
    CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((budget_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX campaigns_by_name ON campaigns (archived, name COLLATE NOCASE) WHERE deleted_at IS NULL;

CREATE TABLE assets (
    id             TEXT PRIMARY KEY NOT NULL,
    campaign_id    TEXT REFERENCES campaigns (id) ON DELETE SET NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('video', 'image', 'audio')),
    content_hash   TEXT NOT NULL,                 -- BLAKE3 hex of the bytes
    storage        TEXT NOT NULL CHECK (storage IN ('copied', 'referenced')),
    library_path   TEXT NOT NULL,                 -- where the bytes are read from
    original_name  TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    width          INTEGER,
    height         INTEGER,
    duration_ms    INTEGER,
    probe_json     TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    deleted_at     INTEGER
);
CREATE UNIQUE INDEX assets_by_hash ON assets (content_hash) WHERE deleted_at IS NULL;
CREATE INDEX assets_by_campaign ON assets (campaign_id);

CREATE TABLE renders (
    id             TEXT PRIMARY KEY NOT NULL,
    asset_id       TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    preset         TEXT NOT NULL,
    settings_json  TEXT NOT NULL DEFAULT '{}',
    state          TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    output_path    TEXT,
    width          INTEGER,
    height         INTEGER,
    duration_ms    INTEGER,
    encoder        TEXT,
    error_code     TEXT,
    error_message  TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    deleted_at     INTEGER
);
CREATE INDEX renders_by_asset ON renders (asset_id);

CREATE TABLE accounts (
    id                TEXT PRIMARY KEY NOT NULL,
    platform          TEXT NOT NULL,
    instance_url      TEXT,                       -- Mastodon / Bluesky self-hosted servers
    platform_user_id  TEXT,
    handle            TEXT,
    display_name      TEXT,
    status            TEXT NOT NULL DEFAULT 'connected'
                      CHECK (status IN ('connected', 'expiring', 'needs_reconnect', 'disconnected')),
    auth_mode         TEXT,
    scopes            TEXT,
    token_expires_at  INTEGER,
    -- Name of the keychain entry holding this account's secrets; never the secret itself.
    keychain_ref      TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    deleted_at        INTEGER
);
CREATE UNIQUE INDEX accounts_identity ON accounts (platform, ifnull(instance_url, ''), platform_user_id)
    WHERE deleted_at IS NULL AND platform_user_id IS NOT NULL;

CREATE TABLE posts (
    id             TEXT PRIMARY KEY NOT NULL,
    campaign_id    TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    caption        TEXT NOT NULL DEFAULT '',
    title          TEXT,
    state          TEXT NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'scheduled', 'publishing', 'done', 'cancelled')),
    scheduled_at   INTEGER,                       -- UTC instant
    timezone       TEXT,                          -- IANA zone the creator scheduled in
    recurrence     TEXT,                          -- rule evaluated in that zone's wall-clock time
    compliance_override TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    deleted_at     INTEGER
);
CREATE INDEX posts_by_campaign ON posts (campaign_id);
CREATE INDEX posts_by_schedule ON posts (scheduled_at) WHERE deleted_at IS NULL;

-- One row per (post, account): the unit that is published, with its own state machine.
CREATE TABLE post_targets (
    id                  TEXT PRIMARY KEY NOT NULL,
    post_id             TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    asset_id            TEXT REFERENCES assets (id),
    render_id           TEXT REFERENCES renders (id),
    overrides_json      TEXT NOT NULL DEFAULT '{}',
    state               TEXT NOT NULL DEFAULT 'draft'
                        CHECK (state IN ('draft', 'queued', 'uploading', 'processing', 'published',
                                         'failed', 'unconfirmed', 'needs_reconnect', 'cancelled')),
    upload_progress     REAL,
    -- Every platform-side id is written the moment it is known (never a double post).
    idempotency_key     TEXT NOT NULL UNIQUE,
    upload_session_url  TEXT,
    platform_media_id   TEXT,
    platform_container_id TEXT,
    platform_publish_id TEXT,
    platform_post_id    TEXT,
    post_url            TEXT,
    published_at        INTEGER,
    failure_code        TEXT,
    failure_message     TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    deleted_at          INTEGER,
    UNIQUE (post_id, account_id)
);
CREATE INDEX post_targets_by_account ON post_targets (account_id, state);

CREATE TABLE scores (
    id              TEXT PRIMARY KEY NOT NULL,
    asset_id        TEXT REFERENCES assets (id) ON DELETE CASCADE,
    render_id       TEXT REFERENCES renders (id) ON DELETE CASCADE,
    post_target_id  TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
    platform        TEXT NOT NULL,
    score           REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    model_kind      TEXT NOT NULL CHECK (model_kind IN ('prior', 'learned')),
    model_version   TEXT NOT NULL,
    factors_json    TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    deleted_at      INTEGER
);
CREATE INDEX scores_by_asset ON scores (asset_id);

-- Durable job queue. A claim is a lease (owner + expiry) so the tray app and `studio daemon`
-- can never both run the same job.
CREATE TABLE jobs (
    id                TEXT PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL,
    kind_version      INTEGER NOT NULL DEFAULT 1,
    state             TEXT NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'needs_review')),
    run_at            INTEGER NOT NULL,           -- UTC instant
    timezone          TEXT,
    payload_json      TEXT NOT NULL DEFAULT '{}',
    checkpoint_json   TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL DEFAULT 5,
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    deleted_at        INTEGER
);
CREATE INDEX jobs_due ON jobs (state, run_at);

CREATE TABLE metric_snapshots (
    id              TEXT PRIMARY KEY NOT NULL,
    post_target_id  TEXT NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    captured_at     INTEGER NOT NULL,
    views           INTEGER,
    likes           INTEGER,
    comments        INTEGER,
    shares          INTEGER,
    saves           INTEGER,
    watch_time_s    REAL,
    raw_json        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    deleted_at      INTEGER
);
CREATE INDEX metric_snapshots_by_target ON metric_snapshots (post_target_id, captured_at);

CREATE TABLE revenue_entries (
    id            TEXT PRIMARY KEY NOT NULL,
    campaign_id   TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('sponsorship', 'affiliate', 'payout', 'other', 'cost')),
    amount_minor  INTEGER NOT NULL,
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    occurred_on   TEXT NOT NULL,                  -- civil date
    note          TEXT,
    import_key    TEXT UNIQUE,                    -- dedupes re-imported payout exports
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    deleted_at    INTEGER
);
CREATE INDEX revenue_by_campaign ON revenue_entries (campaign_id, occurred_on);

-- Append-only record of what was changed, by whom, and why (e.g. a compliance override).
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY NOT NULL,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT,
    detail_json  TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted_at   INTEGER
);
CREATE INDEX audit_by_entity ON audit_log (entity_type, entity_id, at);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value_json  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    deleted_at  INTEGER
);

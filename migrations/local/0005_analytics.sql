-- Analytics, revenue and the learning loop (issue 7).
--
-- The analytics screens aggregate 100k+ published targets in well under 50 ms. Joining
-- post_targets -> posts -> accounts and finding each target's newest of ~10 snapshots per query
-- costs several B-tree seeks per target (hundreds of ms at that size), so one denormalised row per
-- live published target is kept current by triggers instead: its dimensions (campaign, account,
-- platform, publish instant) and its latest snapshot's counts. Queries scan only this table.
--
-- Ids in the rollup are small integers from `analytics_keys` (UUID text -> integer): rows are a
-- third of the size, and counting distinct posts compares integers instead of 36-byte strings.
--
-- A row exists exactly while the target is published and neither it, its post nor its campaign
-- is deleted. Every trigger below "refreshes" the affected targets with the same statement pair:
-- delete their rows, then re-insert whatever the source tables say now.

CREATE TABLE analytics_keys (
    k   INTEGER PRIMARY KEY,
    id  TEXT NOT NULL UNIQUE
);

CREATE TABLE analytics_targets (
    target_id     TEXT NOT NULL UNIQUE REFERENCES post_targets (id) ON DELETE CASCADE,
    post_k        INTEGER NOT NULL,               -- analytics_keys.k of the post
    campaign_k    INTEGER NOT NULL,
    account_k     INTEGER NOT NULL,
    platform      TEXT NOT NULL,
    published_at  INTEGER NOT NULL,               -- UTC instant
    captured_at   INTEGER,                        -- of the latest snapshot; NULL: none yet
    views         INTEGER NOT NULL DEFAULT 0,
    likes         INTEGER NOT NULL DEFAULT 0,
    comments      INTEGER NOT NULL DEFAULT 0,
    shares        INTEGER NOT NULL DEFAULT 0,
    saves         INTEGER NOT NULL DEFAULT 0,
    watch_time_s  REAL
);
-- Filters: by campaign, by account, by date range. Each index covers every column the queries
-- read, so a filtered query reads one contiguous run of index entries and never the table, and a
-- breakdown groups in index order instead of sorting.
CREATE INDEX analytics_targets_by_campaign ON analytics_targets
    (campaign_k, published_at, account_k, platform, post_k, views, likes, comments, shares, saves, watch_time_s);
CREATE INDEX analytics_targets_by_account ON analytics_targets
    (account_k, published_at, campaign_k, platform, post_k, views, likes, comments, shares, saves, watch_time_s);
CREATE INDEX analytics_targets_by_time ON analytics_targets
    (published_at, campaign_k, account_k, platform, post_k, views, likes, comments, shares, saves, watch_time_s);
CREATE INDEX analytics_targets_by_post ON analytics_targets (post_k);

-- Score vs actual: scores written for a published target.
CREATE INDEX scores_by_target ON scores (post_target_id, created_at, id)
    WHERE post_target_id IS NOT NULL AND deleted_at IS NULL;
-- Revenue lists and sums skip soft-deleted rows.
CREATE INDEX revenue_live_by_campaign ON revenue_entries (campaign_id, occurred_on, currency, kind, amount_minor)
    WHERE deleted_at IS NULL;

-- Every post, campaign and account gets its key when it is created (keys are never reused).
CREATE TRIGGER analytics_key_post AFTER INSERT ON posts
BEGIN
    INSERT OR IGNORE INTO analytics_keys (id) VALUES (NEW.id);
END;
CREATE TRIGGER analytics_key_campaign AFTER INSERT ON campaigns
BEGIN
    INSERT OR IGNORE INTO analytics_keys (id) VALUES (NEW.id);
END;
CREATE TRIGGER analytics_key_account AFTER INSERT ON accounts
BEGIN
    INSERT OR IGNORE INTO analytics_keys (id) VALUES (NEW.id);
END;

CREATE TRIGGER analytics_target_inserted AFTER INSERT ON post_targets
BEGIN
    INSERT INTO analytics_targets (target_id, post_k, campaign_k, account_k, platform, published_at,
                                   captured_at, views, likes, comments, shares, saves, watch_time_s)
    SELECT t.id, (SELECT k FROM analytics_keys WHERE id = t.post_id), (SELECT k FROM analytics_keys WHERE id = p.campaign_id),
           (SELECT k FROM analytics_keys WHERE id = t.account_id), a.platform, coalesce(t.published_at, t.updated_at),
           m.captured_at, ifnull(m.views, 0), ifnull(m.likes, 0), ifnull(m.comments, 0), ifnull(m.shares, 0),
           ifnull(m.saves, 0), m.watch_time_s
    FROM post_targets t
    JOIN posts p ON p.id = t.post_id
    JOIN accounts a ON a.id = t.account_id
    JOIN campaigns c ON c.id = p.campaign_id
    LEFT JOIN metric_snapshots m ON m.id = (
        SELECT s.id FROM metric_snapshots s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
        ORDER BY s.captured_at DESC, s.id DESC LIMIT 1)
    WHERE t.id = NEW.id AND t.state = 'published' AND t.deleted_at IS NULL
      AND p.deleted_at IS NULL AND c.deleted_at IS NULL;
END;

CREATE TRIGGER analytics_target_changed
AFTER UPDATE OF state, published_at, deleted_at, account_id, post_id ON post_targets
BEGIN
    DELETE FROM analytics_targets WHERE target_id = NEW.id;
    INSERT INTO analytics_targets (target_id, post_k, campaign_k, account_k, platform, published_at,
                                   captured_at, views, likes, comments, shares, saves, watch_time_s)
    SELECT t.id, (SELECT k FROM analytics_keys WHERE id = t.post_id), (SELECT k FROM analytics_keys WHERE id = p.campaign_id),
           (SELECT k FROM analytics_keys WHERE id = t.account_id), a.platform, coalesce(t.published_at, t.updated_at),
           m.captured_at, ifnull(m.views, 0), ifnull(m.likes, 0), ifnull(m.comments, 0), ifnull(m.shares, 0),
           ifnull(m.saves, 0), m.watch_time_s
    FROM post_targets t
    JOIN posts p ON p.id = t.post_id
    JOIN accounts a ON a.id = t.account_id
    JOIN campaigns c ON c.id = p.campaign_id
    LEFT JOIN metric_snapshots m ON m.id = (
        SELECT s.id FROM metric_snapshots s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
        ORDER BY s.captured_at DESC, s.id DESC LIMIT 1)
    WHERE t.id = NEW.id AND t.state = 'published' AND t.deleted_at IS NULL
      AND p.deleted_at IS NULL AND c.deleted_at IS NULL;
END;

CREATE TRIGGER analytics_post_changed AFTER UPDATE OF campaign_id, deleted_at ON posts
BEGIN
    DELETE FROM analytics_targets WHERE post_k = (SELECT k FROM analytics_keys WHERE id = NEW.id);
    INSERT INTO analytics_targets (target_id, post_k, campaign_k, account_k, platform, published_at,
                                   captured_at, views, likes, comments, shares, saves, watch_time_s)
    SELECT t.id, (SELECT k FROM analytics_keys WHERE id = t.post_id), (SELECT k FROM analytics_keys WHERE id = p.campaign_id),
           (SELECT k FROM analytics_keys WHERE id = t.account_id), a.platform, coalesce(t.published_at, t.updated_at),
           m.captured_at, ifnull(m.views, 0), ifnull(m.likes, 0), ifnull(m.comments, 0), ifnull(m.shares, 0),
           ifnull(m.saves, 0), m.watch_time_s
    FROM post_targets t
    JOIN posts p ON p.id = t.post_id
    JOIN accounts a ON a.id = t.account_id
    JOIN campaigns c ON c.id = p.campaign_id
    LEFT JOIN metric_snapshots m ON m.id = (
        SELECT s.id FROM metric_snapshots s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
        ORDER BY s.captured_at DESC, s.id DESC LIMIT 1)
    WHERE t.post_id = NEW.id AND t.state = 'published' AND t.deleted_at IS NULL
      AND p.deleted_at IS NULL AND c.deleted_at IS NULL;
END;

CREATE TRIGGER analytics_campaign_changed AFTER UPDATE OF deleted_at ON campaigns
BEGIN
    DELETE FROM analytics_targets WHERE campaign_k = (SELECT k FROM analytics_keys WHERE id = NEW.id);
    INSERT INTO analytics_targets (target_id, post_k, campaign_k, account_k, platform, published_at,
                                   captured_at, views, likes, comments, shares, saves, watch_time_s)
    SELECT t.id, (SELECT k FROM analytics_keys WHERE id = t.post_id), (SELECT k FROM analytics_keys WHERE id = p.campaign_id),
           (SELECT k FROM analytics_keys WHERE id = t.account_id), a.platform, coalesce(t.published_at, t.updated_at),
           m.captured_at, ifnull(m.views, 0), ifnull(m.likes, 0), ifnull(m.comments, 0), ifnull(m.shares, 0),
           ifnull(m.saves, 0), m.watch_time_s
    FROM posts p
    JOIN post_targets t ON t.post_id = p.id
    JOIN accounts a ON a.id = t.account_id
    JOIN campaigns c ON c.id = p.campaign_id
    LEFT JOIN metric_snapshots m ON m.id = (
        SELECT s.id FROM metric_snapshots s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
        ORDER BY s.captured_at DESC, s.id DESC LIMIT 1)
    WHERE p.campaign_id = NEW.id AND t.state = 'published' AND t.deleted_at IS NULL
      AND p.deleted_at IS NULL AND c.deleted_at IS NULL;
END;

-- The common case (the publisher's metrics job appends a snapshot) is one cheap update: the new
-- snapshot wins unless an older-dated one arrived late.
CREATE TRIGGER analytics_snapshot_inserted AFTER INSERT ON metric_snapshots WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE analytics_targets
    SET captured_at = NEW.captured_at, views = ifnull(NEW.views, 0), likes = ifnull(NEW.likes, 0),
        comments = ifnull(NEW.comments, 0), shares = ifnull(NEW.shares, 0), saves = ifnull(NEW.saves, 0),
        watch_time_s = NEW.watch_time_s
    WHERE target_id = NEW.post_target_id AND (captured_at IS NULL OR captured_at <= NEW.captured_at);
END;

-- A removed or edited snapshot may have been the latest: take the target's newest again.
CREATE TRIGGER analytics_snapshot_deleted AFTER DELETE ON metric_snapshots
BEGIN
    UPDATE analytics_targets
    SET (captured_at, views, likes, comments, shares, saves, watch_time_s) = (
        SELECT s.captured_at, ifnull(s.views, 0), ifnull(s.likes, 0), ifnull(s.comments, 0), ifnull(s.shares, 0),
               ifnull(s.saves, 0), s.watch_time_s
        FROM (SELECT 1) LEFT JOIN metric_snapshots s ON s.id = (
            SELECT x.id FROM metric_snapshots x WHERE x.post_target_id = OLD.post_target_id AND x.deleted_at IS NULL
            ORDER BY x.captured_at DESC, x.id DESC LIMIT 1))
    WHERE target_id = OLD.post_target_id;
END;

CREATE TRIGGER analytics_snapshot_changed
AFTER UPDATE OF captured_at, views, likes, comments, shares, saves, watch_time_s, deleted_at ON metric_snapshots
BEGIN
    UPDATE analytics_targets
    SET (captured_at, views, likes, comments, shares, saves, watch_time_s) = (
        SELECT s.captured_at, ifnull(s.views, 0), ifnull(s.likes, 0), ifnull(s.comments, 0), ifnull(s.shares, 0),
               ifnull(s.saves, 0), s.watch_time_s
        FROM (SELECT 1) LEFT JOIN metric_snapshots s ON s.id = (
            SELECT x.id FROM metric_snapshots x WHERE x.post_target_id = NEW.post_target_id AND x.deleted_at IS NULL
            ORDER BY x.captured_at DESC, x.id DESC LIMIT 1))
    WHERE target_id = NEW.post_target_id;
END;

-- Rows created before this migration.
INSERT OR IGNORE INTO analytics_keys (id) SELECT id FROM campaigns;
INSERT OR IGNORE INTO analytics_keys (id) SELECT id FROM accounts;
INSERT OR IGNORE INTO analytics_keys (id) SELECT id FROM posts;
INSERT INTO analytics_targets (target_id, post_k, campaign_k, account_k, platform, published_at,
                               captured_at, views, likes, comments, shares, saves, watch_time_s)
SELECT t.id, (SELECT k FROM analytics_keys WHERE id = t.post_id), (SELECT k FROM analytics_keys WHERE id = p.campaign_id),
           (SELECT k FROM analytics_keys WHERE id = t.account_id), a.platform, coalesce(t.published_at, t.updated_at),
       m.captured_at, ifnull(m.views, 0), ifnull(m.likes, 0), ifnull(m.comments, 0), ifnull(m.shares, 0),
       ifnull(m.saves, 0), m.watch_time_s
FROM post_targets t
JOIN posts p ON p.id = t.post_id
JOIN accounts a ON a.id = t.account_id
JOIN campaigns c ON c.id = p.campaign_id
LEFT JOIN metric_snapshots m ON m.id = (
    SELECT s.id FROM metric_snapshots s WHERE s.post_target_id = t.id AND s.deleted_at IS NULL
    ORDER BY s.captured_at DESC, s.id DESC LIMIT 1)
WHERE t.state = 'published' AND t.deleted_at IS NULL AND p.deleted_at IS NULL AND c.deleted_at IS NULL;

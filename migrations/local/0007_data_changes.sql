-- Which kinds of data changed, counted by the database itself (issue 16: pushed updates).
--
-- The app tells its window what changed through one `DataChanged { topics }` event. Its commands
-- know what they changed, but commits by the publisher thread, the CLI or a `studio daemon` are
-- only visible as "something was committed" (`PRAGMA data_version`). Each trigger below bumps the
-- counters of the topics its table feeds, so the app's watcher reads 11 small rows and announces
-- exactly the topics that moved, whoever committed.
--
-- Heartbeats are left out on purpose (`UPDATE OF` lists): the publisher renews its lease and its
-- running jobs' leases every few seconds, and counting those would make the window refetch its
-- queue and analytics on every beat, which is polling by another name.
--
-- The topic names are the app's `Topic` enum (src-tauri/src/events.rs); a test there checks that
-- both lists agree.

CREATE TABLE data_changes (
    topic  TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO data_changes (topic) VALUES ('campaigns'), ('assets'), ('renders'), ('accounts'), ('posts'), ('queue'), ('scheduler'), ('notifications'), ('analytics'), ('revenue'), ('settings');

CREATE TRIGGER data_changes_campaigns_insert AFTER INSERT ON campaigns
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('campaigns', 'analytics'); END;
CREATE TRIGGER data_changes_campaigns_update AFTER UPDATE ON campaigns
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('campaigns', 'analytics'); END;
CREATE TRIGGER data_changes_campaigns_delete AFTER DELETE ON campaigns
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('campaigns', 'analytics'); END;

CREATE TRIGGER data_changes_assets_insert AFTER INSERT ON assets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'assets'; END;
CREATE TRIGGER data_changes_assets_update AFTER UPDATE ON assets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'assets'; END;
CREATE TRIGGER data_changes_assets_delete AFTER DELETE ON assets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'assets'; END;

CREATE TRIGGER data_changes_renders_insert AFTER INSERT ON renders
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'renders'; END;
CREATE TRIGGER data_changes_renders_update AFTER UPDATE ON renders
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'renders'; END;
CREATE TRIGGER data_changes_renders_delete AFTER DELETE ON renders
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'renders'; END;

CREATE TRIGGER data_changes_accounts_insert AFTER INSERT ON accounts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'accounts'; END;
CREATE TRIGGER data_changes_accounts_update AFTER UPDATE ON accounts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'accounts'; END;
CREATE TRIGGER data_changes_accounts_delete AFTER DELETE ON accounts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'accounts'; END;

CREATE TRIGGER data_changes_posts_insert AFTER INSERT ON posts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;
CREATE TRIGGER data_changes_posts_update AFTER UPDATE ON posts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;
CREATE TRIGGER data_changes_posts_delete AFTER DELETE ON posts
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;

CREATE TRIGGER data_changes_post_targets_insert AFTER INSERT ON post_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;
CREATE TRIGGER data_changes_post_targets_update AFTER UPDATE ON post_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;
CREATE TRIGGER data_changes_post_targets_delete AFTER DELETE ON post_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('posts', 'queue'); END;

CREATE TRIGGER data_changes_target_events_insert AFTER INSERT ON target_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'posts'; END;
CREATE TRIGGER data_changes_target_events_update AFTER UPDATE ON target_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'posts'; END;
CREATE TRIGGER data_changes_target_events_delete AFTER DELETE ON target_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'posts'; END;

CREATE TRIGGER data_changes_scores_insert AFTER INSERT ON scores
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;
CREATE TRIGGER data_changes_scores_update AFTER UPDATE ON scores
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;
CREATE TRIGGER data_changes_scores_delete AFTER DELETE ON scores
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;

CREATE TRIGGER data_changes_jobs_insert AFTER INSERT ON jobs
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'queue'; END;
CREATE TRIGGER data_changes_jobs_update AFTER UPDATE OF state, run_at, due_at, attempts, last_error, ref_id ON jobs
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'queue'; END;
CREATE TRIGGER data_changes_jobs_delete AFTER DELETE ON jobs
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'queue'; END;

CREATE TRIGGER data_changes_analytics_targets_insert AFTER INSERT ON analytics_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;
CREATE TRIGGER data_changes_analytics_targets_update AFTER UPDATE ON analytics_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;
CREATE TRIGGER data_changes_analytics_targets_delete AFTER DELETE ON analytics_targets
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'analytics'; END;

CREATE TRIGGER data_changes_revenue_entries_insert AFTER INSERT ON revenue_entries
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('revenue', 'analytics'); END;
CREATE TRIGGER data_changes_revenue_entries_update AFTER UPDATE ON revenue_entries
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('revenue', 'analytics'); END;
CREATE TRIGGER data_changes_revenue_entries_delete AFTER DELETE ON revenue_entries
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('revenue', 'analytics'); END;

CREATE TRIGGER data_changes_settings_insert AFTER INSERT ON settings
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'scheduler', 'revenue', 'analytics'); END;
CREATE TRIGGER data_changes_settings_update AFTER UPDATE ON settings
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'scheduler', 'revenue', 'analytics'); END;
CREATE TRIGGER data_changes_settings_delete AFTER DELETE ON settings
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'scheduler', 'revenue', 'analytics'); END;

CREATE TRIGGER data_changes_queue_slots_insert AFTER INSERT ON queue_slots
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'queue'); END;
CREATE TRIGGER data_changes_queue_slots_update AFTER UPDATE ON queue_slots
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'queue'); END;
CREATE TRIGGER data_changes_queue_slots_delete AFTER DELETE ON queue_slots
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic IN ('settings', 'queue'); END;

CREATE TRIGGER data_changes_leases_insert AFTER INSERT ON leases
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;
CREATE TRIGGER data_changes_leases_update AFTER UPDATE OF owner, owner_label, acquired_at ON leases
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;
CREATE TRIGGER data_changes_leases_delete AFTER DELETE ON leases
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;

CREATE TRIGGER data_changes_notifications_insert AFTER INSERT ON notifications
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'notifications'; END;
CREATE TRIGGER data_changes_notifications_update AFTER UPDATE ON notifications
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'notifications'; END;
CREATE TRIGGER data_changes_notifications_delete AFTER DELETE ON notifications
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'notifications'; END;

CREATE TRIGGER data_changes_scheduler_events_insert AFTER INSERT ON scheduler_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;
CREATE TRIGGER data_changes_scheduler_events_update AFTER UPDATE ON scheduler_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;
CREATE TRIGGER data_changes_scheduler_events_delete AFTER DELETE ON scheduler_events
    BEGIN UPDATE data_changes SET seq = seq + 1 WHERE topic = 'scheduler'; END;

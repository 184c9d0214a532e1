-- Large analytics selections are read in post order, split by post key across cores (each post's
-- targets arrive together, so distinct posts are counted without sorting). The index covers
-- every column the analytics pass reads, so the read never touches the table. It replaces the
-- post_k-only index from 0005, which the triggers' `DELETE ... WHERE post_k = ?` uses just as well.
DROP INDEX analytics_targets_by_post;
CREATE INDEX analytics_targets_by_post ON analytics_targets
    (post_k, published_at, campaign_k, account_k, platform, views, likes, comments, shares, saves, watch_time_s);

-- The publisher looks for due repeating posts on every tick; without this it scans every post.
CREATE INDEX posts_recurring_due ON posts (scheduled_at) WHERE recurrence IS NOT NULL AND deleted_at IS NULL;

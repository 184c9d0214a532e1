-- Whether an account's sign-in renews itself (a refresh token, or a token that never expires).
-- Accounts that cannot renew (Meta long-lived tokens without a refresh grant) show as
-- "expiring" ahead of time so the creator reconnects before a scheduled post fails.
ALTER TABLE accounts ADD COLUMN renewable INTEGER NOT NULL DEFAULT 1 CHECK (renewable IN (0, 1));

//! The names: a target's states and the kinds of background job that act on targets. Stored as
//! the snake_case strings the migrations' CHECK constraints list, so the database stays readable
//! with plain SQL.
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Where one account's copy of a post stands (`post_targets.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetState {
    Draft,
    Queued,
    Uploading,
    Processing,
    Published,
    Failed,
    Unconfirmed,
    NeedsReconnect,
    Cancelled,
}

impl TargetState {
    pub const ALL: [TargetState; 9] = [
        Self::Draft,
        Self::Queued,
        Self::Uploading,
        Self::Processing,
        Self::Published,
        Self::Failed,
        Self::Unconfirmed,
        Self::NeedsReconnect,
        Self::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Queued => "queued",
            Self::Uploading => "uploading",
            Self::Processing => "processing",
            Self::Published => "published",
            Self::Failed => "failed",
            Self::Unconfirmed => "unconfirmed",
            Self::NeedsReconnect => "needs_reconnect",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The publisher is done with it: nothing runs for it again on its own.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Published | Self::Failed | Self::NeedsReconnect | Self::Cancelled)
    }

    /// A publish has started: its content can no longer be edited.
    pub fn has_started(self) -> bool {
        matches!(self, Self::Uploading | Self::Processing | Self::Published | Self::Unconfirmed)
    }

    /// A publish may be talking to the platform right now (or may have, unconfirmed).
    pub fn is_in_flight(self) -> bool {
        matches!(self, Self::Uploading | Self::Processing | Self::Unconfirmed)
    }

    /// Not yet picked up by the publisher.
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Draft | Self::Queued)
    }
}

impl std::fmt::Display for TargetState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for TargetState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for TargetState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Self::parse(s).ok_or_else(|| FromSqlError::Other(format!("unknown target state {s:?}").into()))
    }
}

/// What a row in `jobs` does. Every kind but `PublishNow` is run by the publisher
/// (studio-api `publisher/`); `PublishNow` records a "publish now" the caller runs itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Publish a target at its time (the target's state machine).
    Publish,
    /// Post a published target's thread parts and first comment.
    Replies,
    /// Fetch a metric snapshot of a published target.
    Metrics,
    /// Render a target's platform version ahead of its time.
    Render,
    /// A creator's "publish now", run in the foreground.
    PublishNow,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [Self::Publish, Self::Replies, Self::Metrics, Self::Render, Self::PublishNow];
    /// The kinds the publisher claims.
    pub const PUBLISHER: [JobKind; 4] = [Self::Publish, Self::Metrics, Self::Render, Self::Replies];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Replies => "replies",
            Self::Metrics => "metrics",
            Self::Render => "render",
            Self::PublishNow => "publish_now",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for JobKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in TargetState::ALL {
            assert_eq!(TargetState::parse(s.as_str()), Some(s));
        }
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(TargetState::parse("needs_review"), None, "a flag on queued, not a stored state");
        assert_eq!(JobKind::parse("nope"), None);
    }

    #[test]
    fn every_state_the_schema_allows_is_named() {
        let sql = include_str!("../../../../migrations/local/0001_initial.sql");
        let start = sql.find("CREATE TABLE post_targets").expect("table");
        let check = &sql[start..];
        let check = &check[check.find("CHECK (state IN (").expect("check")..];
        let check = &check[..check.find("))").expect("end")];
        let names: Vec<&str> = check.split('\'').skip(1).step_by(2).collect();
        let ours: Vec<&str> = TargetState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ours);
    }
}

//! Time-ordered UUIDv7 ids: generated offline on any device, they sort by creation and merge
//! without collisions when the team server syncs them.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Accepts any UUID spelling a user might paste; returns the canonical lowercase form.
pub fn parse_id(s: &str) -> Option<String> {
    uuid::Uuid::parse_str(s.trim()).ok().map(|u| u.to_string())
}

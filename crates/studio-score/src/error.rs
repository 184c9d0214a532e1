//! Typed errors. Scoring itself never fails on odd media or text (those become unknown or
//! zero-scored factors with advice); errors are for things the caller must fix: a platform or
//! time zone name nobody knows, or platform data that does not hold together.

/// Everything that can go wrong in this crate. Front doors map variants to stable codes; never
/// compare the message text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error(
        "\"{0}\" is not a platform the score knows. Use one of: tiktok, instagram, youtube_shorts, youtube, x, \
         linkedin, facebook, bluesky, threads, pinterest, snapchat."
    )]
    UnknownPlatform(String),
    #[error("\"{0}\" is not a known time zone. Use an IANA name such as Europe/Berlin or America/New_York.")]
    UnknownTimeZone(String),
    #[error("The score data for {platform} is invalid: {reason}")]
    BadPlatformData { platform: String, reason: String },
    #[error("This account model was made for {model}, not {platform}.")]
    ModelMismatch { model: String, platform: String },
}

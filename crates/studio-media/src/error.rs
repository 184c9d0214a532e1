//! Why a file cannot be used, in words a creator understands, with a stable code.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("The file is empty (0 bytes).")]
    Empty,
    #[error("The file cannot be read: {0}")]
    Unreadable(#[source] std::io::Error),
    #[error("Not a video, image or audio file Viral Studio can open{}.", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    UnsupportedFormat { detail: Option<String> },
    #[error("The file looks like {what} but is damaged or incomplete: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("The image claims to be {width}x{height} pixels, more than the {max}x{max} Viral Studio accepts.")]
    ImageTooLarge { width: u32, height: u32, max: u32 },
    #[error("No render preset named \"{name}\" (known: {known}).")]
    UnknownPreset { name: String, known: String },
    #[error("The preset {name} cannot be used: {reason}.")]
    InvalidPreset { name: String, reason: String },
    #[error("The captions file cannot be used{}: {reason}", if *line > 0 { format!(" (line {line})") } else { String::new() })]
    BadCaptions { line: usize, reason: String },
    #[error("Invalid render settings: {0}")]
    InvalidSettings(String),
    #[error("No usable H.264 encoder: {0}")]
    NoEncoder(String),
    #[error("The render failed: {0}")]
    RenderFailed(String),
    #[error("The {encoder} encoder failed mid-render: {detail}")]
    EncoderFailed { encoder: String, detail: String },
    #[error("Cancelled.")]
    Cancelled,
    #[error("Could not write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl MediaError {
    /// Stable machine-readable code (CLI `--json`, UI branching).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::Unreadable(_) => "unreadable",
            Self::UnsupportedFormat { .. } => "unsupported_format",
            Self::Corrupt { .. } => "corrupt_media",
            Self::ImageTooLarge { .. } => "image_too_large",
            Self::UnknownPreset { .. } => "unknown_preset",
            Self::InvalidPreset { .. } => "invalid_preset",
            Self::InvalidSettings(_) => "invalid_settings",
            Self::BadCaptions { .. } => "invalid_captions",
            Self::NoEncoder(_) => "no_encoder",
            Self::RenderFailed(_) => "render_failed",
            Self::EncoderFailed { .. } => "encoder_failed",
            Self::Cancelled => "cancelled",
            Self::Write { .. } => "io",
        }
    }

    pub(crate) fn corrupt(what: &'static str, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt { what, detail: detail.to_string() }
    }

    pub(crate) fn render_failed(what: &str, detail: impl std::fmt::Display) -> Self {
        Self::RenderFailed(format!("{what}: {detail}"))
    }
}

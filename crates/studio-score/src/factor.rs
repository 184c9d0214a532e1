//! The factors the score is made of and the explanation each one carries.
use serde::{Deserialize, Serialize};

/// One thing the score looks at. The snake_case name is the key in the platform data files,
/// in stored score rows and in the JSON the CLI prints, so renaming one is a data migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FactorId {
    HookMotion,
    HookCut,
    HookSpeech,
    HookLoudness,
    HookText,
    CutRate,
    StaticStretch,
    Brightness,
    Contrast,
    Colourfulness,
    Sharpness,
    BlackFrames,
    FrozenFrames,
    Loudness,
    LoudnessRange,
    Silence,
    SoundPresence,
    Duration,
    Aspect,
    Resolution,
    FrameRate,
    Captions,
    CaptionLength,
    CaptionHook,
    CallToAction,
    Hashtags,
    Readability,
    Emoji,
    TitleLength,
    Schedule,
}

/// Which part of a post a factor is about; the app groups factor bars by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FactorGroup {
    Hook,
    Pacing,
    Picture,
    Sound,
    Format,
    Text,
    Schedule,
}

impl FactorGroup {
    /// The stable snake_case name the app groups by.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hook => "hook",
            Self::Pacing => "pacing",
            Self::Picture => "picture",
            Self::Sound => "sound",
            Self::Format => "format",
            Self::Text => "text",
            Self::Schedule => "schedule",
        }
    }
}

/// Compares with the stable name, as the CLI's JSON spells it.
impl PartialEq<&str> for FactorGroup {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Compares with the stable id, so callers can find a factor by the name the data files use.
impl PartialEq<&str> for FactorId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl FactorId {
    /// Every factor, in the order reports list them.
    pub const ALL: [FactorId; 30] = [
        FactorId::HookMotion,
        FactorId::HookCut,
        FactorId::HookSpeech,
        FactorId::HookLoudness,
        FactorId::HookText,
        FactorId::CutRate,
        FactorId::StaticStretch,
        FactorId::Brightness,
        FactorId::Contrast,
        FactorId::Colourfulness,
        FactorId::Sharpness,
        FactorId::BlackFrames,
        FactorId::FrozenFrames,
        FactorId::Loudness,
        FactorId::LoudnessRange,
        FactorId::Silence,
        FactorId::SoundPresence,
        FactorId::Duration,
        FactorId::Aspect,
        FactorId::Resolution,
        FactorId::FrameRate,
        FactorId::Captions,
        FactorId::CaptionLength,
        FactorId::CaptionHook,
        FactorId::CallToAction,
        FactorId::Hashtags,
        FactorId::Readability,
        FactorId::Emoji,
        FactorId::TitleLength,
        FactorId::Schedule,
    ];

    /// The stable snake_case id.
    pub fn as_str(self) -> &'static str {
        self.meta().0
    }

    /// A short human label for factor bars.
    pub fn label(self) -> &'static str {
        self.meta().1
    }

    /// The unit of the factor's measured value.
    pub fn unit(self) -> &'static str {
        self.meta().2
    }

    pub fn group(self) -> FactorGroup {
        self.meta().3
    }

    fn meta(self) -> (&'static str, &'static str, &'static str, FactorGroup) {
        use FactorGroup as G;
        match self {
            FactorId::HookMotion => ("hook_motion", "First motion", "s", G::Hook),
            FactorId::HookCut => ("hook_cut", "First cut", "s", G::Hook),
            FactorId::HookSpeech => ("hook_speech", "Speech starts", "s", G::Hook),
            FactorId::HookLoudness => ("hook_loudness", "Opening loudness", "LUFS", G::Hook),
            FactorId::HookText => ("hook_text", "Text on screen early", "yes/no", G::Hook),
            FactorId::CutRate => ("cut_rate", "Cuts per minute", "cuts/min", G::Pacing),
            FactorId::StaticStretch => ("static_stretch", "Longest static stretch", "s", G::Pacing),
            FactorId::Brightness => ("brightness", "Brightness", "0-1", G::Picture),
            FactorId::Contrast => ("contrast", "Contrast", "0-1", G::Picture),
            FactorId::Colourfulness => ("colourfulness", "Colourfulness", "M", G::Picture),
            FactorId::Sharpness => ("sharpness", "Sharpness", "Laplacian variance", G::Picture),
            FactorId::BlackFrames => ("black_frames", "Black frames", "share", G::Picture),
            FactorId::FrozenFrames => ("frozen_frames", "Frozen frames", "share", G::Picture),
            FactorId::Loudness => ("loudness", "Loudness", "LUFS", G::Sound),
            FactorId::LoudnessRange => ("loudness_range", "Loudness range", "LU", G::Sound),
            FactorId::Silence => ("silence", "Silence", "share", G::Sound),
            FactorId::SoundPresence => ("sound_presence", "Speech or music", "share", G::Sound),
            FactorId::Duration => ("duration", "Duration", "s", G::Format),
            FactorId::Aspect => ("aspect", "Aspect ratio", "w/h", G::Format),
            FactorId::Resolution => ("resolution", "Resolution", "px (short side)", G::Format),
            FactorId::FrameRate => ("frame_rate", "Frame rate", "fps", G::Format),
            FactorId::Captions => ("captions", "Captions", "yes/no", G::Format),
            FactorId::CaptionLength => ("caption_length", "Caption length", "characters", G::Text),
            FactorId::CaptionHook => ("caption_hook", "Caption hook", "signals", G::Text),
            FactorId::CallToAction => ("call_to_action", "Call to action", "yes/no", G::Text),
            FactorId::Hashtags => ("hashtags", "Hashtags", "count", G::Text),
            FactorId::Readability => ("readability", "Readability", "LIX", G::Text),
            FactorId::Emoji => ("emoji", "Emoji", "count", G::Text),
            FactorId::TitleLength => ("title_length", "Title length", "characters", G::Text),
            FactorId::Schedule => ("schedule", "Posting time", "heat 0-1", G::Schedule),
        }
    }
}

impl std::fmt::Display for FactorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One factor of one score, with everything needed to explain it.
///
/// `contribution` is in score points: the contributions of all known factors add up to the
/// score. `potential` is the points this factor would add if it were perfect, which is how
/// advice is ranked. An unknown factor (not measured, not given) has `value`, `subscore` and
/// `contribution` empty or zero, keeps its `weight` for display, and does not pull the score
/// down: the score is normalised over known factors only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub id: FactorId,
    pub label: String,
    pub group: FactorGroup,
    /// The measured value in `unit` (booleans as 1 or 0).
    pub value: Option<f64>,
    pub unit: String,
    /// 0 (bad) to 1 (on target); `None` when unknown.
    pub subscore: Option<f64>,
    /// The weight from the platform data or the learned model.
    pub weight: f64,
    /// Points this factor adds to the score.
    pub contribution: f64,
    /// Points to gain by bringing this factor on target.
    pub potential: f64,
    /// What to change, with numbers. `None` when on target or unknown.
    pub advice: Option<String>,
    /// The platform would reject or cut the post as it stands (caption over the limit, video
    /// longer than allowed, no picture). Blocking factors are also listed in the report.
    pub blocking: bool,
}

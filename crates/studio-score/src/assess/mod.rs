//! One assessment per factor: the measured value, its sub-score against the platform's targets,
//! and advice a creator can act on. Weights are not known here; the model combines these.
use jiff::Zoned;

use crate::factor::FactorId;
use crate::features::MediaFeatures;
use crate::platform::PlatformProfile;
use crate::text::TextFeatures;

mod media;
mod schedule;
mod text;

/// What one factor measured. `subscore: None` means unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Assessed {
    pub value: Option<f64>,
    pub subscore: Option<f64>,
    pub advice: Option<String>,
    pub blocking: bool,
    /// Replaces the factor's usual unit where the platform counts differently (YouTube counts a
    /// description in bytes).
    pub unit: Option<&'static str>,
}

impl Assessed {
    pub fn unknown() -> Assessed {
        Assessed::default()
    }

    /// A known value with its sub-score; `advise` is asked for words only when off target.
    pub fn scored(value: f64, subscore: f64, advise: impl FnOnce() -> String) -> Assessed {
        let subscore = subscore.clamp(0.0, 1.0);
        let advice = (subscore < 0.999).then(advise);
        Assessed { value: Some(value), subscore: Some(subscore), advice, blocking: false, unit: None }
    }

    pub fn blocked(value: Option<f64>, advice: String) -> Assessed {
        Assessed { value, subscore: Some(0.0), advice: Some(advice), blocking: true, unit: None }
    }
}

/// Everything one score looks at, already parsed.
pub(crate) struct Subject<'a> {
    pub profile: &'a PlatformProfile,
    pub media: Option<&'a MediaFeatures>,
    pub caption: Option<&'a TextFeatures>,
    pub title: Option<&'a TextFeatures>,
    pub planned_at: Option<&'a Zoned>,
    /// Audience activity `[weekday][hour]`, 0..1: the account's own when learned, else the prior.
    pub heat: &'a [[f64; 24]; 7],
}

/// Assesses every factor the platform weighs. The platform's prior weights decide which factors
/// exist, not a learned model: a factor an account's history gave no weight still shows, so a
/// caption over the limit is never hidden.
pub(crate) fn assess_all(s: &Subject<'_>) -> Vec<(FactorId, Assessed)> {
    FactorId::ALL.iter().filter(|id| s.profile.weight(**id) > 0.0).map(|id| (*id, assess(*id, s))).collect()
}

fn assess(id: FactorId, s: &Subject<'_>) -> Assessed {
    use FactorId as F;
    match id {
        F::CaptionLength | F::CaptionHook | F::CallToAction | F::Hashtags | F::Readability | F::Emoji => {
            text::caption(id, s.profile, s.caption)
        }
        F::TitleLength => text::title(s.profile, s.title),
        F::Schedule => schedule::assess(s.planned_at, s.heat),
        _ => match s.media {
            Some(m) => media::assess(id, s.profile, m),
            None => Assessed::unknown(),
        },
    }
}

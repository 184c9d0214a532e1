//! One assessment per factor: the measured value, its sub-score against the platform's targets,
//! and advice a creator can act on. Weights are not known here; the model combines these.
use jiff::Zoned;

use crate::factor::FactorId;
use crate::features::MediaFeatures;
use crate::platform::PlatformProfile;
use crate::text::TextFeatures;

mod assessed;
mod media;
mod schedule;
mod text;

use assessed::Assessed;

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

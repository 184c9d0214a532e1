//! The transparent additive model: score = weighted mean of the known factors' sub-scores, in
//! points out of 100. Each factor's contribution is its share of those points, so a creator can
//! add the bars up and see where every point came from.
//!
//! Unknown factors (not measured, caption not given, no planned time) are listed with their
//! weight and leave the score alone: the mean is taken over known factors only, and `coverage`
//! says how much of the total weight that was.
use std::collections::BTreeMap;

use jiff::Zoned;
use serde::{Deserialize, Serialize};

use crate::assess::{assess_all, Subject};
use crate::best_time::BestTimes;
use crate::error::ScoreError;
use crate::factor::{Factor, FactorId};
use crate::features::MediaFeatures;
use crate::platform::{Platform, PlatformProfile};
use crate::text::TextFeatures;

/// One post as it would go out: any part may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreInput {
    /// Measured by studio-media; `None` scores text and schedule only (e.g. while typing).
    pub media: Option<MediaFeatures>,
    /// `None`: not written yet (unknown). `Some("")`: deliberately empty (scored as empty).
    pub caption: Option<String>,
    pub title: Option<String>,
    /// The planned time, in the creator's time zone.
    pub planned_at: Option<Zoned>,
}

/// Which weights scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The platform's prior weights from the data files.
    Prior,
    /// Weights learned from this account's published posts.
    Learned,
}

impl ModelKind {
    /// The stable snake_case name (stored in `scores.model_kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prior => "prior",
            Self::Learned => "learned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Prior, Self::Learned].into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the stored name, so callers can check a kind read from JSON or SQL.
impl PartialEq<&str> for ModelKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Which model scored, and how well it did on the account's later posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub kind: ModelKind,
    /// The prior data version, plus the learning run for learned models.
    pub version: String,
    /// Spearman rank correlation of this model's scores with engagement on held-out later
    /// posts; `None` before any evaluation.
    pub heldout_spearman: Option<f64>,
    /// Published posts with metrics the evaluation used (0 for an unevaluated prior).
    pub n_posts: usize,
}

/// A scored post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreReport {
    /// 0 to 100; `None` when not a single factor is known.
    pub score: Option<f64>,
    pub platform: Platform,
    /// Every factor the platform weighs, known or not, in a fixed order.
    pub factors: Vec<Factor>,
    pub model: ModelInfo,
    /// Share of the total weight that was known, 0 to 1.
    pub coverage: f64,
    /// Advice of the factors that would make the platform reject or cut the post.
    pub blockers: Vec<String>,
    /// Inputs that were ignored (impossible feature values), so a caller can fix its extractor.
    pub warnings: Vec<String>,
}

impl ScoreReport {
    pub fn factor(&self, id: FactorId) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }

    /// The factors with advice, most points to gain first: "what to change".
    pub fn top_advice(&self, n: usize) -> Vec<&Factor> {
        let mut with: Vec<&Factor> = self.factors.iter().filter(|f| f.advice.is_some()).collect();
        with.sort_by(|a, b| b.blocking.cmp(&a.blocking).then(b.potential.total_cmp(&a.potential)));
        with.truncate(n);
        with
    }
}

/// Scores posts for one platform with one set of weights (prior or learned) and one audience
/// heat map (prior or the account's own).
/// Weights learned for one account on one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedModel {
    pub platform: Platform,
    /// Scoring weights: the positive part of the coefficients, rescaled to the prior's total so
    /// factor bars stay comparable.
    pub weights: BTreeMap<FactorId, f64>,
    /// Raw ridge coefficients (change in log engagement per unit sub-score), for inspection.
    pub coefficients: BTreeMap<FactorId, f64>,
    pub info: ModelInfo,
}

#[derive(Debug, Clone)]
pub struct Scorer {
    profile: PlatformProfile,
    weights: BTreeMap<FactorId, f64>,
    model: ModelInfo,
    heat: [[f64; 24]; 7],
}

impl Scorer {
    /// The platform's built-in prior.
    pub fn prior(platform: Platform) -> Result<Scorer, ScoreError> {
        Ok(Scorer::from_profile(PlatformProfile::builtin(platform)?.clone()))
    }

    /// A prior from any profile (for example a creator's override file).
    pub fn from_profile(profile: PlatformProfile) -> Scorer {
        let model = ModelInfo {
            kind: ModelKind::Prior,
            version: format!("prior-{}", profile.version),
            heldout_spearman: None,
            n_posts: 0,
        };
        Scorer { weights: profile.weights.clone(), heat: profile.schedule, model, profile }
    }

    /// Uses an account's learned weights. Fails if the model was learned for another platform.
    pub fn with_learned(mut self, learned: &LearnedModel) -> Result<Scorer, ScoreError> {
        if learned.platform != self.profile.id {
            return Err(ScoreError::ModelMismatch {
                model: learned.platform.to_string(),
                platform: self.profile.id.to_string(),
            });
        }
        self.weights = learned.weights.clone();
        self.model = learned.info.clone();
        Ok(self)
    }

    /// Uses an account's own audience heat map for the schedule factor.
    pub fn with_best_times(mut self, best: &BestTimes) -> Result<Scorer, ScoreError> {
        if best.platform != self.profile.id {
            return Err(ScoreError::ModelMismatch {
                model: best.platform.to_string(),
                platform: self.profile.id.to_string(),
            });
        }
        self.heat = best.heat;
        Ok(self)
    }

    pub fn profile(&self) -> &PlatformProfile {
        &self.profile
    }

    pub fn model(&self) -> &ModelInfo {
        &self.model
    }

    pub fn weights(&self) -> &BTreeMap<FactorId, f64> {
        &self.weights
    }

    /// Scores one post. Never fails: what cannot be measured is reported as unknown.
    pub fn score(&self, input: &ScoreInput) -> ScoreReport {
        let (media, dropped) = match &input.media {
            Some(m) => {
                let (clean, dropped) = m.sanitized();
                (Some(clean), dropped)
            }
            None => (None, Vec::new()),
        };
        let caption = input.caption.as_deref().map(TextFeatures::from_text);
        let title = input.title.as_deref().map(TextFeatures::from_text);
        let subject = Subject {
            profile: &self.profile,
            media: media.as_ref(),
            caption: caption.as_ref(),
            title: title.as_ref(),
            planned_at: input.planned_at.as_ref(),
            heat: &self.heat,
        };
        let assessed = assess_all(&subject);
        let weight = |id: &FactorId| self.weights.get(id).copied().unwrap_or(0.0);
        let total: f64 = assessed.iter().map(|(id, _)| weight(id)).sum();
        let known: f64 = assessed.iter().filter(|(_, a)| a.subscore.is_some()).map(|(id, _)| weight(id)).sum();
        let points = |w: f64, s: f64| if known > 0.0 { 100.0 * w * s / known } else { 0.0 };

        let mut blockers = Vec::new();
        let factors: Vec<Factor> = assessed
            .into_iter()
            .map(|(id, a)| {
                let w = weight(&id);
                if a.blocking {
                    blockers.extend(a.advice.clone());
                }
                Factor {
                    id,
                    label: id.label().to_string(),
                    group: id.group(),
                    value: a.value,
                    unit: a.unit.unwrap_or(id.unit()).to_string(),
                    subscore: a.subscore,
                    weight: w,
                    contribution: a.subscore.map_or(0.0, |s| points(w, s)),
                    potential: a.subscore.map_or(0.0, |s| points(w, 1.0 - s)),
                    advice: a.advice,
                    blocking: a.blocking,
                }
            })
            .collect();
        let score = (known > 0.0).then(|| factors.iter().map(|f| f.contribution).sum::<f64>().clamp(0.0, 100.0));
        ScoreReport {
            score,
            platform: self.profile.id,
            factors,
            model: self.model.clone(),
            coverage: if total > 0.0 { known / total } else { 0.0 },
            blockers,
            warnings: dropped.iter().map(|f| format!("ignored an impossible value for {f}")).collect(),
        }
    }
}

/// Scores `input` for `platform` with the built-in prior.
pub fn score(platform: Platform, input: &ScoreInput) -> Result<ScoreReport, ScoreError> {
    Ok(Scorer::prior(platform)?.score(input))
}

//! Per-account learning: which factors actually went with engagement for this creator.
//!
//! Ridge regression of the factor sub-scores against log engagement rate relative to the
//! account's median, shrunk toward the platform prior (so a few posts nudge the weights, many
//! posts can move them). It is judged the honest way: fitted on the older posts, evaluated by
//! Spearman rank correlation on the newest 30% it never saw, next to the prior on the same posts.
//! The learned weights are used only when they beat the prior by a margin, the correlation is
//! unlikely to be luck, and there are enough posts; otherwise the prior keeps scoring and the
//! report says why.
//!
//! Engagement rate, not views: follower count dominates raw views, and the score ranks a
//! creator's own options rather than predicting reach.
use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::factor::FactorId;
// Both types were born here; they moved so best times and the scorer can use them without
// importing the learner (which imports the scorer). Their old paths stay.
pub use crate::metrics::PostMetrics;
pub use crate::model::LearnedModel;
use crate::model::{ModelInfo, ModelKind, ScoreReport};
use crate::platform::PlatformProfile;
use crate::stats::{median, ridge_toward, spearman};

/// A published post with the sub-scores it had when it went out and what it earned since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedPost {
    pub published_at: Timestamp,
    pub subscores: BTreeMap<FactorId, f64>,
    pub metrics: PostMetrics,
}

impl PublishedPost {
    /// Keeps the known sub-scores of the report the post was scored with.
    pub fn from_report(report: &ScoreReport, published_at: Timestamp, metrics: PostMetrics) -> PublishedPost {
        let subscores = report.factors.iter().filter_map(|f| f.subscore.map(|s| (f.id, s))).collect();
        PublishedPost { published_at, subscores, metrics }
    }
}

/// When learning may replace the prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnConfig {
    /// Posts with metrics needed before learning is tried at all.
    pub min_posts: usize,
    /// Share of the newest posts held out for evaluation.
    pub holdout_share: f64,
    /// Ridge penalty toward the prior, in "posts' worth" of evidence per factor.
    pub ridge_lambda: f64,
    /// How much higher the learned held-out Spearman must be than the prior's.
    pub min_gain: f64,
    /// One-sided z the learned held-out Spearman must reach (ρ·√(n−1)); 1.645 ≈ 5% chance that
    /// pure noise passes.
    pub min_z: f64,
}

impl Default for LearnConfig {
    fn default() -> Self {
        LearnConfig { min_posts: 20, holdout_share: 0.3, ridge_lambda: 3.0, min_gain: 0.05, min_z: 1.645 }
    }
}

/// The outcome of a learning run: the model to score with and the evidence for the choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnReport {
    /// The model that should score (learned if accepted, else the prior with its evaluation).
    pub model: ModelInfo,
    /// Present only when accepted.
    pub learned: Option<LearnedModel>,
    pub prior_heldout_spearman: Option<f64>,
    pub learned_heldout_spearman: Option<f64>,
    pub n_train: usize,
    pub n_holdout: usize,
    /// Why the prior was kept or replaced, in a sentence.
    pub decision: String,
}

struct Fit {
    coefficients: Vec<f64>,
    weights: Vec<f64>,
}

/// Learns from `history` (any order; posts without views are skipped).
pub fn learn(profile: &PlatformProfile, history: &[PublishedPost], cfg: &LearnConfig) -> LearnReport {
    let mut posts: Vec<(&PublishedPost, f64)> =
        history.iter().filter_map(|p| p.metrics.engagement_rate().map(|r| (p, r))).collect();
    posts.sort_by_key(|(p, _)| p.published_at);
    let n = posts.len();
    let prior_info = |heldout: Option<f64>| ModelInfo {
        kind: ModelKind::Prior,
        version: format!("prior-{}", profile.version),
        heldout_spearman: heldout,
        n_posts: n,
    };
    let keep_prior = |heldout, learned, n_train, n_holdout, why: String| LearnReport {
        model: prior_info(heldout),
        learned: None,
        prior_heldout_spearman: heldout,
        learned_heldout_spearman: learned,
        n_train,
        n_holdout,
        decision: why,
    };
    if n < cfg.min_posts.max(2) {
        return keep_prior(
            None,
            None,
            0,
            0,
            format!("kept the prior: {n} posts with metrics, learning needs at least {}", cfg.min_posts),
        );
    }
    let rates: Vec<f64> = posts.iter().map(|(_, r)| *r).collect();
    let Some(mid) = median(&rates) else {
        return keep_prior(None, None, 0, 0, "kept the prior: no usable engagement rates".into());
    };
    let y: Vec<f64> = rates.iter().map(|r| (r / mid).ln()).collect();
    let factors: Vec<FactorId> = profile.weights.iter().filter(|(_, w)| **w > 0.0).map(|(id, _)| *id).collect();
    let prior_w: Vec<f64> = factors.iter().map(|id| profile.weight(*id)).collect();
    let rows: Vec<Vec<Option<f64>>> =
        posts.iter().map(|(p, _)| factors.iter().map(|id| p.subscores.get(id).copied()).collect()).collect();

    let n_holdout = ((n as f64 * cfg.holdout_share.clamp(0.05, 0.9)).ceil() as usize).clamp(1, n - 1);
    let n_train = n - n_holdout;
    let (train_rows, hold_rows) = rows.split_at(n_train);
    let (train_y, hold_y) = y.split_at(n_train);

    let prior_pred: Vec<f64> = hold_rows.iter().map(|r| weighted_mean(r, &prior_w)).collect();
    let prior_rho = spearman(&prior_pred, hold_y);
    let Some(fit) = fit(train_rows, train_y, &prior_w, cfg.ridge_lambda) else {
        return keep_prior(
            prior_rho,
            None,
            n_train,
            n_holdout,
            "kept the prior: no factor went with engagement".into(),
        );
    };
    let learned_pred: Vec<f64> = hold_rows.iter().map(|r| weighted_mean(r, &fit.weights)).collect();
    let learned_rho = spearman(&learned_pred, hold_y);

    let z = learned_rho.map_or(0.0, |r| r * ((n_holdout as f64) - 1.0).max(0.0).sqrt());
    let gain = learned_rho.unwrap_or(0.0) - prior_rho.unwrap_or(0.0);
    let fmt = |r: Option<f64>| r.map_or("n/a".to_string(), |r| format!("{r:.2}"));
    if gain < cfg.min_gain || z < cfg.min_z {
        let why = format!(
            "kept the prior: on the newest {n_holdout} posts the learned weights ranked engagement at \
             Spearman {} against the prior's {} (needs +{:.2} and z >= {:.2}, had z {z:.2})",
            fmt(learned_rho),
            fmt(prior_rho),
            cfg.min_gain,
            cfg.min_z
        );
        return keep_prior(prior_rho, learned_rho, n_train, n_holdout, why);
    }

    // Evaluation passed; the weights that score from now on use every post.
    let final_fit = fit_or(&rows, &y, &prior_w, cfg.ridge_lambda, fit);
    let info = ModelInfo {
        kind: ModelKind::Learned,
        version: format!("learned-{}-n{n}", profile.version),
        heldout_spearman: learned_rho,
        n_posts: n,
    };
    let to_map = |v: &[f64]| factors.iter().copied().zip(v.iter().copied()).collect::<BTreeMap<_, _>>();
    let learned = LearnedModel {
        platform: profile.id,
        weights: to_map(&final_fit.weights),
        coefficients: to_map(&final_fit.coefficients),
        info: info.clone(),
    };
    LearnReport {
        model: info,
        learned: Some(learned),
        prior_heldout_spearman: prior_rho,
        learned_heldout_spearman: learned_rho,
        n_train,
        n_holdout,
        decision: format!(
            "learned: on the newest {n_holdout} posts the learned weights ranked engagement at Spearman {} \
             against the prior's {}",
            fmt(learned_rho),
            fmt(prior_rho)
        ),
    }
}

fn fit_or(rows: &[Vec<Option<f64>>], y: &[f64], prior_w: &[f64], lambda: f64, fallback: Fit) -> Fit {
    fit(rows, y, prior_w, lambda).unwrap_or(fallback)
}

/// The score the model would give: weighted mean of the known sub-scores.
fn weighted_mean(row: &[Option<f64>], w: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (s, w) in row.iter().zip(w) {
        if let Some(s) = s {
            num += w * s;
            den += w;
        }
    }
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

fn fit(rows: &[Vec<Option<f64>>], y: &[f64], prior_w: &[f64], lambda: f64) -> Option<Fit> {
    let k = prior_w.len();
    let n = rows.len();
    if n < 2 || k == 0 {
        return None;
    }
    // Missing sub-scores take the column mean: after centring they carry no signal, and a
    // factor never measured keeps exactly its prior coefficient.
    let means: Vec<f64> = (0..k)
        .map(|j| {
            let known: Vec<f64> = rows.iter().filter_map(|r| r[j]).collect();
            if known.is_empty() {
                0.5
            } else {
                known.iter().sum::<f64>() / known.len() as f64
            }
        })
        .collect();
    let centred: Vec<Vec<f64>> =
        rows.iter().map(|r| r.iter().zip(&means).map(|(s, m)| s.unwrap_or(*m) - m).collect()).collect();
    let y_mean = y.iter().sum::<f64>() / n as f64;
    let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();

    // The prior as coefficients: the scale that best turns the prior score into log engagement
    // on these posts, spread over the factors in proportion to the prior weights. A prior that
    // does not predict at all shrinks toward zero instead.
    let p: Vec<f64> = rows.iter().map(|r| weighted_mean(r, prior_w)).collect();
    let pm = p.iter().sum::<f64>() / n as f64;
    let (cov, var) = p.iter().zip(&yc).fold((0.0, 0.0), |(c, v), (pi, yi)| (c + (pi - pm) * yi, v + (pi - pm).powi(2)));
    let scale = if var > 0.0 { (cov / var).max(0.0) } else { 0.0 };
    let total_w: f64 = prior_w.iter().sum();
    let beta0: Vec<f64> = prior_w.iter().map(|w| scale * w / total_w).collect();

    let beta = ridge_toward(&centred, &yc, lambda.max(1e-6), &beta0)?;
    let positive: Vec<f64> = beta.iter().map(|b| b.max(0.0)).collect();
    let sum: f64 = positive.iter().sum();
    if sum <= 0.0 {
        return None;
    }
    let weights = positive.iter().map(|b| b * total_w / sum).collect();
    Some(Fit { coefficients: beta, weights })
}

//! Several versions of one idea (renders, captions, times) scored side by side, best first, each
//! with the one factor that separates it most from its neighbour in the ranking, so "why is B
//! behind A" has a one-line answer.
use serde::{Deserialize, Serialize};

use crate::factor::FactorId;
use crate::model::{ScoreInput, ScoreReport, Scorer};

/// One option to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub label: String,
    pub input: ScoreInput,
}

/// The factor that differs most between two variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The variant compared against (the one ranked just above; for the winner, the runner-up).
    pub against: String,
    pub factor: FactorId,
    pub factor_label: String,
    /// This variant's contribution minus the other's, in score points.
    pub points: f64,
    /// This variant's advice for that factor, if any.
    pub advice: Option<String>,
}

/// A variant with its rank (1 = best) and report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedVariant {
    pub rank: usize,
    pub label: String,
    pub report: ScoreReport,
    pub differs_most: Option<Difference>,
}

/// Scores and ranks `variants`. Unscorable ones (no known factor) go last; ties keep the input
/// order.
pub fn rank(scorer: &Scorer, variants: &[Variant]) -> Vec<RankedVariant> {
    let mut scored: Vec<(String, ScoreReport)> =
        variants.iter().map(|v| (v.label.clone(), scorer.score(&v.input))).collect();
    scored.sort_by(|a, b| match (a.1.score, b.1.score) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let n = scored.len();
    (0..n)
        .map(|i| {
            let other = if i == 0 { 1 } else { i - 1 };
            let differs_most = scored.get(other).filter(|_| other != i).and_then(|(label, o)| {
                let (_, me) = &scored[i];
                difference(me, o, label)
            });
            RankedVariant { rank: i + 1, label: scored[i].0.clone(), report: scored[i].1.clone(), differs_most }
        })
        .collect()
}

fn difference(me: &ScoreReport, other: &ScoreReport, other_label: &str) -> Option<Difference> {
    me.factors
        .iter()
        .filter_map(|f| other.factor(f.id).map(|o| (f, f.contribution - o.contribution)))
        .filter(|(_, d)| d.abs() > 1e-9)
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .map(|(f, d)| Difference {
            against: other_label.to_string(),
            factor: f.id,
            factor_label: f.label.clone(),
            points: d,
            advice: f.advice.clone(),
        })
}

//! Per-account learning on generated, seeded histories: it finds a planted relationship, and it
//! refuses to replace the prior when the history is noise or too short.
mod common;

use std::collections::BTreeMap;

use common::{good_video, Rng};
use jiff::{SignedDuration, Timestamp};
use studio_score::{
    learn, FactorId, LearnConfig, ModelKind, Platform, PlatformProfile, PostMetrics, PublishedPost, ScoreInput, Scorer,
};

fn profile() -> &'static PlatformProfile {
    PlatformProfile::builtin(Platform::Tiktok).expect("built-in data parses")
}

/// `n` posts a day apart with random sub-scores for every factor TikTok weighs (10% missing),
/// whose log engagement is `signal(subscores)` plus Gaussian noise.
fn history(seed: u64, n: usize, noise: f64, signal: impl Fn(&BTreeMap<FactorId, f64>) -> f64) -> Vec<PublishedPost> {
    let mut rng = Rng::new(seed);
    let start = Timestamp::from_second(1_767_225_600).expect("2026-01-01");
    let factors: Vec<FactorId> = profile().weights.iter().filter(|(_, w)| **w > 0.0).map(|(id, _)| *id).collect();
    (0..n)
        .map(|i| {
            let mut subscores = BTreeMap::new();
            for id in &factors {
                let s = rng.unit();
                if rng.unit() > 0.1 {
                    subscores.insert(*id, s);
                }
            }
            let full: BTreeMap<FactorId, f64> =
                factors.iter().map(|id| (*id, subscores.get(id).copied().unwrap_or(0.5))).collect();
            let log_rate = (0.05f64).ln() + signal(&full) + noise * rng.normal();
            let views = 20_000u64;
            let engagements = (log_rate.exp() * views as f64).round() as u64;
            PublishedPost {
                published_at: start + SignedDuration::from_hours(24 * i as i64),
                subscores,
                metrics: PostMetrics { views, likes: engagements, ..Default::default() },
            }
        })
        .collect()
}

fn planted(s: &BTreeMap<FactorId, f64>) -> f64 {
    // Captions and the first cut matter a lot for this creator; the prior weighs many things.
    2.0 * s[&FactorId::Captions] + 1.5 * s[&FactorId::HookCut]
}

#[test]
fn learning_recovers_a_planted_relationship() {
    let posts = history(7, 150, 0.25, planted);
    let report = learn(profile(), &posts, &LearnConfig::default());
    assert_eq!(report.model.kind, ModelKind::Learned, "{}", report.decision);
    assert_eq!((report.n_train, report.n_holdout), (105, 45));
    assert_eq!(report.model.n_posts, 150);
    let (prior, learned) =
        (report.prior_heldout_spearman.unwrap_or(0.0), report.learned_heldout_spearman.unwrap_or(0.0));
    assert!(learned >= prior + 0.05 && learned > 0.6, "learned {learned:.2} vs prior {prior:.2}");
    assert_eq!(report.model.heldout_spearman, report.learned_heldout_spearman);

    let model = report.learned.expect("accepted");
    let mut by_weight: Vec<(FactorId, f64)> = model.weights.iter().map(|(k, v)| (*k, *v)).collect();
    by_weight.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<FactorId> = by_weight.iter().take(2).map(|(k, _)| *k).collect();
    assert!(top.contains(&FactorId::Captions) && top.contains(&FactorId::HookCut), "{by_weight:?}");
    assert!(model.coefficients[&FactorId::Captions] > model.coefficients[&FactorId::HookCut]);
    // Rescaled to the prior's total, so bars stay comparable.
    let total: f64 = model.weights.values().sum();
    let prior_total: f64 = profile().weights.values().sum();
    assert!((total - prior_total).abs() < 1e-6);

    // The scorer now says which model scored, and the learned weights move the score: a video
    // without captions loses more than under the prior.
    let scorer = Scorer::prior(Platform::Tiktok).expect("prior").with_learned(&model).expect("same platform");
    assert_eq!(scorer.model().kind, ModelKind::Learned);
    let mut bare = good_video();
    bare.format.has_captions = Some(false);
    let input = |m| ScoreInput { media: Some(m), ..Default::default() };
    let prior_scorer = Scorer::prior(Platform::Tiktok).expect("prior");
    let drop = |s: &Scorer| {
        s.score(&input(good_video())).score.unwrap_or(0.0) - s.score(&input(bare.clone())).score.unwrap_or(0.0)
    };
    assert!(drop(&scorer) > drop(&prior_scorer), "{} vs {}", drop(&scorer), drop(&prior_scorer));
    assert_eq!(scorer.score(&input(good_video())).model.kind, ModelKind::Learned);
}

#[test]
fn learning_refuses_to_replace_the_prior_on_noise() {
    let report = learn(profile(), &history(11, 150, 0.5, |_| 0.0), &LearnConfig::default());
    assert_eq!(report.model.kind, ModelKind::Prior);
    assert!(report.learned.is_none());
    assert!(report.decision.starts_with("kept the prior"), "{}", report.decision);
    assert!(report.model.version.starts_with("prior-"));

    // Across many seeds noise almost never passes (the gate allows ~5% by chance).
    let accepted = (100..120)
        .filter(|seed| {
            learn(profile(), &history(*seed, 120, 0.5, |_| 0.0), &LearnConfig::default()).model.kind
                == ModelKind::Learned
        })
        .count();
    assert!(accepted <= 2, "noise accepted {accepted} of 20 times");
}

#[test]
fn learning_needs_enough_posts_with_views() {
    let short = history(3, 12, 0.1, planted);
    let report = learn(profile(), &short, &LearnConfig::default());
    assert_eq!(report.model.kind, ModelKind::Prior);
    assert!(report.decision.contains("at least 20"), "{}", report.decision);

    // Posts without views do not count.
    let mut viewless = history(3, 40, 0.1, planted);
    for p in viewless.iter_mut().skip(10) {
        p.metrics = PostMetrics::default();
    }
    let report = learn(profile(), &viewless, &LearnConfig::default());
    assert_eq!(report.model.n_posts, 10);
    assert_eq!(report.model.kind, ModelKind::Prior);
    assert!(learn(profile(), &[], &LearnConfig::default()).learned.is_none());
}

#[test]
fn hold_out_is_the_newest_posts_whatever_the_input_order() {
    let mut posts = history(7, 150, 0.25, planted);
    let sorted = learn(profile(), &posts, &LearnConfig::default());
    posts.reverse();
    let reversed = learn(profile(), &posts, &LearnConfig::default());
    assert_eq!(sorted, reversed);

    // A creator whose audience changed: old posts rewarded captions, the newest reward the cut.
    // Fitting on the old posts does not carry to the new ones, so the prior stays.
    let old = history(21, 105, 0.2, |s| 3.0 * s[&FactorId::Captions] - 3.0 * s[&FactorId::HookCut]);
    let new = history(22, 45, 0.2, |s| 3.0 * s[&FactorId::HookCut] - 3.0 * s[&FactorId::Captions]);
    let shift = SignedDuration::from_hours(24 * 200);
    let changed: Vec<PublishedPost> = old
        .into_iter()
        .chain(new.into_iter().map(|mut p| {
            p.published_at += shift;
            p
        }))
        .collect();
    let report = learn(profile(), &changed, &LearnConfig::default());
    assert_eq!(report.model.kind, ModelKind::Prior, "{}", report.decision);
}

#[test]
fn shrinkage_pulls_toward_the_prior_weights() {
    let posts = history(7, 150, 0.25, planted);
    let cfg = LearnConfig { ridge_lambda: 1e7, min_gain: -10.0, min_z: -10.0, ..LearnConfig::default() };
    let report = learn(profile(), &posts, &cfg);
    let model = report.learned.expect("gate opened for the test");
    for (id, w) in &model.weights {
        let prior = profile().weight(*id);
        assert!((w - prior).abs() < 0.05 * prior.max(1.0), "{id}: learned {w} vs prior {prior}");
    }
}

#[test]
fn a_model_only_scores_its_own_platform() {
    let report = learn(profile(), &history(7, 150, 0.25, planted), &LearnConfig::default());
    let model = report.learned.expect("accepted");
    let err = Scorer::prior(Platform::Instagram).expect("prior").with_learned(&model);
    assert!(err.is_err());
}

#[test]
fn published_posts_keep_the_known_subscores_of_their_report() {
    let scorer = Scorer::prior(Platform::Tiktok).expect("prior");
    let report = scorer.score(&ScoreInput { media: Some(good_video()), ..Default::default() });
    let at = Timestamp::from_second(1_767_225_600).expect("valid");
    let post = PublishedPost::from_report(&report, at, PostMetrics { views: 100, likes: 5, ..Default::default() });
    assert_eq!(post.subscores.len(), report.factors.iter().filter(|f| f.subscore.is_some()).count());
    assert!(!post.subscores.contains_key(&FactorId::CaptionLength));
    assert_eq!(post.metrics.engagement_rate(), Some(5.5 / 101.0));
}

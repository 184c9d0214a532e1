//! Variants of one idea scored side by side.
mod common;

use common::good_video;
use studio_score::{rank, FactorId, Platform, ScoreInput, Scorer, Variant};

#[test]
fn variants_are_sorted_and_explained_by_the_factor_that_differs_most() {
    let caption = Some("3 edits that save you an hour?\nComment your favourite #editing #tips #creator".to_string());
    let mut no_captions = good_video();
    no_captions.format.has_captions = Some(false);
    let mut quiet = good_video();
    quiet.sound.integrated_lufs = Some(-30.0);
    let v = |label: &str, m| Variant {
        label: label.into(),
        input: ScoreInput { media: Some(m), caption: caption.clone(), ..Default::default() },
    };
    let variants = vec![
        v("quiet mix", quiet),
        v("no captions", no_captions),
        v("final cut", good_video()),
        Variant { label: "nothing yet".into(), input: ScoreInput::default() },
    ];
    let ranked = rank(&Scorer::prior(Platform::Tiktok).expect("prior"), &variants);
    let labels: Vec<&str> = ranked.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels[0], "final cut");
    assert_eq!(labels[3], "nothing yet");
    assert_eq!(ranked.iter().map(|r| r.rank).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    for w in ranked.windows(2).take(2) {
        assert!(w[0].report.score >= w[1].report.score);
    }

    let flaw = |label: &str| if label == "no captions" { FactorId::Captions } else { FactorId::Loudness };
    let winner = ranked[0].differs_most.as_ref().expect("compared with the runner-up");
    assert_eq!(winner.against, ranked[1].label);
    assert_eq!(winner.factor, flaw(&ranked[1].label));
    assert!(winner.points > 0.0);
    // The runner-up is explained by its own flaw against the winner, with that flaw's advice.
    let second = ranked[1].differs_most.as_ref().expect("compared");
    assert_eq!(second.against, "final cut");
    assert_eq!(second.factor, flaw(&ranked[1].label));
    assert!(second.points < 0.0 && second.advice.is_some());
    // The third differs from the second in two factors; the bigger one is named.
    let third = ranked[2].differs_most.as_ref().expect("compared");
    assert_eq!(third.against, ranked[1].label);
    assert!([FactorId::Captions, FactorId::Loudness].contains(&third.factor));
}

#[test]
fn ranking_nothing_or_one() {
    let scorer = Scorer::prior(Platform::X).expect("prior");
    assert!(rank(&scorer, &[]).is_empty());
    let one = rank(&scorer, &[Variant { label: "only".into(), input: ScoreInput::default() }]);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].differs_most, None);
}

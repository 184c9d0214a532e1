//! Comparing versions measures each video once, under one progress bar that only moves forward.
mod common;

use std::sync::Mutex;

use studio_api::score::{score_variants, VariantsRequest};
use studio_api::Context;
use studio_core::progress::{CancelToken, Progress};

#[test]
fn one_bar_runs_once_from_zero_to_one_across_every_video() {
    let dir = tempfile::tempdir().expect("tmp");
    let paths = studio_core::StudioPaths::resolve(Some(&dir.path().join("data"))).expect("paths");
    let ctx = Context::open(paths, "test").expect("ctx");
    // Different files: the same content would be measured once and read from the cache.
    let inputs: Vec<String> = [("a.mp4", "320x180"), ("b.mp4", "180x320"), ("c.mp4", "240x240")]
        .iter()
        .map(|(n, size)| common::video(dir.path(), n, size, 5).display().to_string())
        .collect();
    let seen = Mutex::new(Vec::<Progress>::new());
    let record = |p: Progress| seen.lock().expect("lock").push(p);
    let req = VariantsRequest {
        inputs,
        captions: vec!["Watch this 👀".into(), String::new()],
        platform: "tiktok".into(),
        title: None,
        at: None,
        account_id: None,
    };
    let ranked = score_variants(&ctx, &req, &record, &CancelToken::new()).expect("ranked");
    assert_eq!(ranked.len(), 6);
    let seen = seen.into_inner().expect("lock");
    let fractions: Vec<f64> = seen.iter().filter_map(|p| p.fraction).collect();
    assert!(fractions.windows(2).all(|w| w[1] >= w[0] - 1e-9), "the bar went back: {fractions:?}");
    assert_eq!(fractions.last().copied(), Some(1.0));
    assert!(seen.iter().all(|p| p.total == 3), "{seen:?}");
    // Each video reports as its own step while it is measured.
    for k in 0..3 {
        assert!(seen.iter().any(|p| p.done == k && p.fraction.is_some_and(|f| f < 1.0)), "video {k}: {seen:?}");
    }
}

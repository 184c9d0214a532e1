//! `studio score` on generated pairs that differ in one thing: the matching factor moves the right
//! way and the overall score orders the pair. Odd inputs get defined results, not crashes.
use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{fixtures, studio};

/// Scores fixtures/score/NAME... for `platform`; returns each report by file name.
fn score(data: &Path, names: &[&str], extra: &[&str]) -> HashMap<String, Value> {
    let out = studio(data)
        .arg("score")
        .args(names.iter().map(|n| fixtures().join("score").join(n)))
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
    list.into_iter()
        .map(|r| {
            let name = r["input"].as_str().and_then(|p| p.rsplit('/').next()).unwrap_or_default().to_string();
            (name, r)
        })
        .collect()
}

fn value(r: &Value, id: &str) -> Option<f64> {
    r["factors"].as_array()?.iter().find(|f| f["id"] == id)?["value"].as_f64()
}

fn subscore(r: &Value, id: &str) -> f64 {
    r["factors"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["id"] == id))
        .and_then(|f| f["subscore"].as_f64())
        .unwrap_or(f64::NAN)
}

fn total(r: &Value) -> f64 {
    r["score"].as_f64().unwrap_or(f64::NAN)
}

/// (better, worse, the factor that tells them apart, what its measured value should look like).
#[test]
fn each_pair_moves_its_factor_and_orders_the_score() {
    let data = tempfile::tempdir().expect("tempdir");
    type Check = fn(f64, f64) -> bool;
    let pairs: [(&str, &str, &str, Check); 4] = [
        ("cuts.mp4", "static.mp4", "cut_rate", |good, bad| good >= 40.0 && bad == 0.0),
        ("loud.mp4", "quiet.mp4", "loudness", |good, bad| (good + 14.0).abs() < 1.5 && (bad + 40.0).abs() < 1.5),
        ("motion-at-0.5.mp4", "motion-at-6.mp4", "hook_motion", |good, bad| {
            (good - 0.5).abs() <= 0.11 && (bad - 6.0).abs() <= 0.11
        }),
        ("vertical.mp4", "horizontal.mp4", "aspect", |good, bad| {
            (good - 0.5625).abs() < 0.01 && (bad - 1.778).abs() < 0.01
        }),
    ];
    let names: Vec<&str> = pairs.iter().flat_map(|p| [p.0, p.1]).collect();
    let r = score(data.path(), &names, &["--platform", "tiktok"]);
    for (good, bad, factor, check) in pairs {
        let (g, b) = (&r[good], &r[bad]);
        let (gv, bv) = (value(g, factor).unwrap_or(f64::NAN), value(b, factor).unwrap_or(f64::NAN));
        assert!(check(gv, bv), "{factor}: {good} measured {gv}, {bad} measured {bv}");
        assert!(subscore(g, factor) > subscore(b, factor), "{factor} sub-score: {good} vs {bad}");
        assert!(total(g) > total(b), "score: {good} {} vs {bad} {}", total(g), total(b));
    }
    // Advice is concrete and numeric.
    let quiet_advice = r["quiet.mp4"]["factors"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["id"] == "loudness"))
        .and_then(|f| f["advice"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(quiet_advice.contains("-40") && quiet_advice.contains("-14"), "{quiet_advice}");
}

#[test]
fn captions_and_a_hooky_caption_raise_the_score() {
    let data = tempfile::tempdir().expect("tempdir");
    // Burned captions are known from the render that made the file.
    let imp = studio(data.path()).arg("import").arg(fixtures().join("score/vertical.mp4")).output().expect("import");
    let id = serde_json::from_slice::<Value>(&imp.stdout).expect("json")["imported"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let srt = data.path().join("caps.srt");
    std::fs::write(&srt, "1\n00:00:00,200 --> 00:00:05,000\nThree edits you can do today\n").expect("srt");
    let mut renders = Vec::new();
    for captions in [true, false] {
        let mut cmd = studio(data.path());
        cmd.args(["render", &id, "--preset", "tiktok", "--x264-preset", "ultrafast"]);
        if captions {
            cmd.arg("--captions").arg(&srt);
        }
        let out = cmd.output().expect("render");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        renders.push(v["render_id"].as_str().expect("render id").to_string());
    }
    let out = studio(data.path()).arg("score").args(&renders).output().expect("score");
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list[0]["features"]["format"]["has_captions"], true);
    assert_eq!(list[1]["features"]["format"]["has_captions"], false);
    assert!(total(&list[0]) > total(&list[1]), "{} vs {}", total(&list[0]), total(&list[1]));

    let hooky = "3 edits that fix your videos today? Follow for part 2 #edit #video #tips";
    let with = score(data.path(), &["vertical.mp4"], &["--caption", hooky]);
    let without = score(data.path(), &["vertical.mp4"], &["--caption", ""]);
    assert!(total(&with["vertical.mp4"]) > total(&without["vertical.mp4"]));
    assert_eq!(without["vertical.mp4"]["cached"], true, "the second look at the same bytes reads the cache");
}

#[test]
fn odd_inputs_have_defined_results() {
    let data = tempfile::tempdir().expect("tempdir");
    let r = score(data.path(), &["audio-only.m4a", "one-frame.mp4"], &[]);
    let audio = &r["audio-only.m4a"];
    assert_eq!(audio["features"]["format"]["has_video"], false);
    assert!(audio["blockers"].as_array().is_some_and(|b| !b.is_empty()), "an audio-only TikTok is blocked: {audio}");
    assert!(value(audio, "loudness").is_some());
    let one = &r["one-frame.mp4"];
    assert!(one["blockers"].as_array().is_some_and(|b| !b.is_empty()), "a one-frame video is too short: {one}");
    assert!(total(one).is_finite());

    // Not media, an image, a missing input, a bad platform or time: typed errors, exit 1.
    let bad = |args: &[&str], code: &str| {
        let out = studio(data.path()).arg("score").args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["code"], code, "{args:?}: {v}");
    };
    let fx = fixtures();
    bad(&[fx.join("bad/random.mp4").to_str().expect("utf-8")], "invalid_media");
    bad(&[fx.join("good/still.png").to_str().expect("utf-8")], "invalid_input");
    bad(&["no-such-thing"], "not_found");
    let v = fx.join("score/vertical.mp4");
    bad(&[v.to_str().expect("utf-8"), "--platform", "myspace"], "invalid_input");
    bad(&[v.to_str().expect("utf-8"), "--at", "tomorrow"], "invalid_input");
}

/// The app's path: a library asset is measured once, then re-scored from the cache (no hashing)
/// as the caption changes; only the caption factors move.
#[test]
fn an_asset_rescored_as_the_caption_is_typed_reads_the_cache() {
    use studio_api::score::{score_asset, AssetScoreRequest};
    use studio_core::progress::{CancelToken, NoProgress};
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = studio_api::Context::open(studio_core::StudioPaths::under(root.path()), "test").expect("context");
    let report = studio_api::assets::import(
        &ctx,
        &[fixtures().join("score/vertical.mp4")],
        &Default::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .expect("import");
    let req = |caption: &str| AssetScoreRequest {
        asset_id: report.imported[0].id.clone(),
        platform: "tiktok".into(),
        caption: Some(caption.into()),
        ..Default::default()
    };
    let first = score_asset(&ctx, &req(""), &NoProgress, &CancelToken::new()).expect("score");
    let typed = score_asset(
        &ctx,
        &req("3 edits you can do today? Follow for more #edit #tips #video"),
        &NoProgress,
        &CancelToken::new(),
    )
    .expect("score");
    assert!(!first.cached && typed.cached);
    assert!(typed.score > first.score, "{:?} vs {:?}", typed.score, first.score);
    for (a, b) in first.factors.iter().zip(&typed.factors) {
        if a.group != "text" {
            assert_eq!(a.value, b.value, "{} moved although only the caption changed", a.id);
        }
    }
    let e = score_asset(
        &ctx,
        &AssetScoreRequest { platform: "myspace".into(), ..req("") },
        &NoProgress,
        &CancelToken::new(),
    )
    .expect_err("bad platform");
    assert_eq!(e.code, studio_api::ErrorCode::InvalidInput);
}

#[test]
fn variants_are_ranked_side_by_side_with_what_sets_them_apart() {
    let data = tempfile::tempdir().expect("tempdir");
    let r = score(data.path(), &["static.mp4", "cuts.mp4"], &[]);
    assert_eq!((r["cuts.mp4"]["rank"].as_u64(), r["static.mp4"]["rank"].as_u64()), (Some(1), Some(2)));
    let d = &r["cuts.mp4"]["differs_most"];
    assert!(d["against"].as_str().is_some_and(|a| a.ends_with("static.mp4")), "{d}");
    assert!(d["points"].as_f64().is_some_and(|p| p > 0.0), "{d}");
}

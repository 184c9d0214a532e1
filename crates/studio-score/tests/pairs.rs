//! Controlled pairs: two posts that differ in exactly one thing. The factor that measures that
//! thing must move the right way, and so must the overall score.
mod common;

use common::good_video;
use studio_score::{score, FactorId, MediaFeatures, Platform, ScoreInput, ScoreReport};

const CAPTION: &str = "3 edits that save you an hour?\nComment your favourite 👇 #editing #tips #creator";

fn post(media: MediaFeatures, caption: &str) -> ScoreInput {
    ScoreInput { media: Some(media), caption: Some(caption.to_string()), ..Default::default() }
}

fn scored(platform: Platform, input: &ScoreInput) -> ScoreReport {
    score(platform, input).expect("built-in data parses")
}

fn sub(r: &ScoreReport, id: FactorId) -> f64 {
    r.factor(id).and_then(|f| f.subscore).unwrap_or_else(|| panic!("{id} unknown in {r:#?}"))
}

/// `better` must beat `worse` on `id` and on the total.
fn assert_pair(
    platform: Platform,
    id: FactorId,
    better: &ScoreInput,
    worse: &ScoreInput,
) -> (ScoreReport, ScoreReport) {
    let (b, w) = (scored(platform, better), scored(platform, worse));
    assert!(sub(&b, id) > sub(&w, id), "{id}: {} vs {}", sub(&b, id), sub(&w, id));
    let (sb, sw) = (b.score.expect("scored"), w.score.expect("scored"));
    assert!(sb > sw, "{id}: total {sb:.1} vs {sw:.1}");
    // Everything else was equal, so no other factor moved.
    for f in &b.factors {
        if f.id != id {
            assert_eq!(f.subscore, w.factor(f.id).and_then(|g| g.subscore), "{} moved too", f.id);
        }
    }
    (b, w)
}

#[test]
fn fast_cuts_beat_a_static_shot() {
    let fast = good_video();
    let mut still = good_video();
    still.pacing.cuts_per_minute = Some(0.0);
    let (_, w) = assert_pair(Platform::Tiktok, FactorId::CutRate, &post(fast, CAPTION), &post(still, CAPTION));
    let advice = w.factor(FactorId::CutRate).and_then(|f| f.advice.clone()).unwrap_or_default();
    assert_eq!(advice, "0 cuts per minute — aim for 10–40 on TikTok");
}

#[test]
fn target_loudness_beats_a_quiet_mix() {
    let loud = good_video();
    let mut quiet = good_video();
    quiet.sound.integrated_lufs = Some(-40.0);
    assert_pair(Platform::Tiktok, FactorId::Loudness, &post(loud, CAPTION), &post(quiet, CAPTION));

    let mut mid = good_video();
    mid.sound.integrated_lufs = Some(-28.0);
    let r = scored(Platform::Tiktok, &post(mid, CAPTION));
    assert_eq!(
        r.factor(FactorId::Loudness).and_then(|f| f.advice.as_deref()),
        Some("integrated loudness -28 LUFS, target -14 — raise it")
    );
}

#[test]
fn captions_beat_none_where_video_plays_muted() {
    for platform in [Platform::Tiktok, Platform::Instagram, Platform::Facebook, Platform::Linkedin] {
        let with = good_video();
        let mut without = good_video();
        without.format.has_captions = Some(false);
        let (_, w) = assert_pair(platform, FactorId::Captions, &post(with, CAPTION), &post(without, CAPTION));
        assert_eq!(
            w.factor(FactorId::Captions).and_then(|f| f.advice.as_deref()),
            Some("no captions: most feed video plays muted — burn in captions")
        );
    }
}

#[test]
fn early_motion_beats_a_slow_open() {
    let mut early = good_video();
    early.hook.first_motion_s = Some(0.5);
    let mut late = good_video();
    late.hook.first_motion_s = Some(6.0);
    let (_, w) = assert_pair(Platform::Tiktok, FactorId::HookMotion, &post(early, CAPTION), &post(late, CAPTION));
    assert_eq!(
        w.factor(FactorId::HookMotion).and_then(|f| f.advice.as_deref()),
        Some("first motion at 6.0 s — move within 1.0 s: open on the action, not the set-up")
    );
}

#[test]
fn an_early_cut_beats_a_late_one() {
    let early = good_video();
    let mut late = good_video();
    late.hook.first_cut_s = Some(4.2);
    let (_, w) = assert_pair(Platform::Tiktok, FactorId::HookCut, &post(early, CAPTION), &post(late, CAPTION));
    assert_eq!(
        w.factor(FactorId::HookCut).and_then(|f| f.advice.as_deref()),
        Some("first cut at 4.2 s — cut within 1.5 s")
    );
}

#[test]
fn vertical_beats_landscape_on_tiktok_and_the_reverse_on_youtube() {
    let vertical = good_video();
    let mut landscape = good_video();
    landscape.format.width = Some(1920);
    landscape.format.height = Some(1080);
    let (_, w) = assert_pair(
        Platform::Tiktok,
        FactorId::Aspect,
        &post(vertical.clone(), CAPTION),
        &post(landscape.clone(), CAPTION),
    );
    assert_eq!(
        w.factor(FactorId::Aspect).and_then(|f| f.advice.as_deref()),
        Some("16:9 landscape — TikTok wants 9:16 vertical: reframe")
    );
    assert_pair(Platform::Youtube, FactorId::Aspect, &post(landscape, CAPTION), &post(vertical, CAPTION));
}

#[test]
fn a_hooky_caption_beats_an_empty_one() {
    let hooky = post(good_video(), CAPTION);
    let empty = post(good_video(), "");
    let (b, w) = (scored(Platform::Tiktok, &hooky), scored(Platform::Tiktok, &empty));
    assert!(sub(&b, FactorId::CaptionHook) > sub(&w, FactorId::CaptionHook));
    assert!(sub(&b, FactorId::CaptionLength) > sub(&w, FactorId::CaptionLength));
    assert!(b.score > w.score, "{:?} vs {:?}", b.score, w.score);
    assert_eq!(
        w.factor(FactorId::CaptionLength).and_then(|f| f.advice.as_deref()),
        Some("no caption — add one line that says what the viewer gets")
    );
    // And a flat first line loses to the hook on the hook factor alone.
    let flat = post(good_video(), "a day at the lake\nComment your favourite 👇 #editing #tips #creator");
    let f = scored(Platform::Tiktok, &flat);
    assert!(sub(&b, FactorId::CaptionHook) > sub(&f, FactorId::CaptionHook));
    assert!(b.score > f.score);
}

#[test]
fn hashtag_counts_against_the_sweet_spot_and_the_limit() {
    let none = scored(Platform::Tiktok, &post(good_video(), "How I edit?"));
    assert_eq!(none.factor(FactorId::Hashtags).and_then(|f| f.advice.as_deref()), Some("0 hashtags; 3–5 work best"));
    let seven = "How I edit? #a1 #b2 #c3 #d4 #e5 #f6 #g7";
    let tiktok = scored(Platform::Tiktok, &post(good_video(), seven));
    assert!(!tiktok.factor(FactorId::Hashtags).is_some_and(|f| f.blocking));
    let ig = scored(Platform::Instagram, &post(good_video(), seven));
    let f = ig.factor(FactorId::Hashtags).expect("weighed");
    assert!(f.blocking);
    assert_eq!(f.advice.as_deref(), Some("7 hashtags; Instagram Reels allows 5"));
    assert_eq!(ig.blockers, vec!["7 hashtags; Instagram Reels allows 5".to_string()]);
}

#[test]
fn contributions_add_up_and_unknowns_keep_their_weight() {
    let mut media = good_video();
    media.picture = Default::default();
    let r = scored(Platform::Tiktok, &post(media, CAPTION));
    let total: f64 = r.factors.iter().map(|f| f.contribution).sum();
    assert!((total - r.score.unwrap_or(-1.0)).abs() < 1e-9);
    let b = r.factor(FactorId::Brightness).expect("listed although unknown");
    assert_eq!((b.subscore, b.value, b.contribution), (None, None, 0.0));
    assert!(b.weight > 0.0);
    assert!(r.coverage > 0.5 && r.coverage < 1.0, "{}", r.coverage);
    // Unknown picture factors do not drag a perfect video down.
    assert!(r.factors.iter().filter(|f| f.group == studio_score::FactorGroup::Picture).all(|f| f.potential == 0.0));
}

#[test]
fn the_report_serialises_to_the_documented_shape() {
    let r = scored(Platform::Tiktok, &post(good_video(), CAPTION));
    let v = serde_json::to_value(&r).expect("serialises");
    assert!(v["score"].is_number());
    assert_eq!(v["platform"], "tiktok");
    assert_eq!(v["model"]["kind"], "prior");
    assert!(v["model"]["version"].as_str().is_some_and(|s| s.starts_with("prior-")));
    let f = &v["factors"][0];
    for key in ["id", "label", "value", "unit", "subscore", "weight", "contribution", "advice"] {
        assert!(f.get(key).is_some(), "factor JSON lacks {key}: {f}");
    }
    assert_eq!(
        r.factor(FactorId::CaptionLength).map(|f| f.unit.as_str()),
        Some("characters (UTF-16)"),
        "TikTok's API counts UTF-16 units"
    );
    let back: ScoreReport = serde_json::from_value(v).expect("round-trips");
    assert_eq!(back, r);
}

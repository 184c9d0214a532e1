//! Odd media and odd text give defined, documented results (never a panic) on every platform.
mod common;

use common::good_video;
use studio_score::{
    score, FactorGroup, FactorId, FormatFeatures, MediaFeatures, Platform, PlatformProfile, ScoreInput, ScoreReport,
    SoundFeatures, TextFeatures,
};

fn all(input: &ScoreInput) -> Vec<ScoreReport> {
    Platform::ALL.iter().map(|p| score(*p, input).expect("built-in data parses")).collect()
}

fn media(m: MediaFeatures) -> ScoreInput {
    ScoreInput { media: Some(m), ..Default::default() }
}

#[test]
fn audio_only_file_blocks_on_the_missing_picture() {
    let m = MediaFeatures {
        sound: SoundFeatures {
            integrated_lufs: Some(-16.0),
            loudness_range_lu: Some(5.0),
            silence_ratio: Some(0.1),
            speech_ratio: Some(0.8),
            music_presence: Some(0.0),
        },
        format: FormatFeatures {
            duration_s: Some(45.0),
            has_video: Some(false),
            has_audio: Some(true),
            ..Default::default()
        },
        ..Default::default()
    };
    for r in all(&media(m.clone())) {
        let aspect = r.factor(FactorId::Aspect).expect("every platform weighs aspect");
        assert!(aspect.blocking, "{}", r.platform);
        assert_eq!(aspect.subscore, Some(0.0));
        assert!(aspect.advice.as_deref().is_some_and(|a| a.starts_with("no video stream")));
        assert!(r.factors.iter().filter(|f| f.group == FactorGroup::Picture).all(|f| f.subscore.is_none()));
        assert!(r.factor(FactorId::Loudness).and_then(|f| f.subscore).is_some());
        assert!(r.score.is_some());
        assert_eq!(r.blockers.len(), 1);
    }
}

#[test]
fn silent_video_says_no_audio_once() {
    let mut m = good_video();
    m.sound = SoundFeatures::default();
    m.format.has_audio = Some(false);
    for r in all(&media(m.clone())) {
        let loud = r.factor(FactorId::Loudness).expect("weighed");
        assert_eq!(loud.subscore, Some(0.0));
        assert_eq!(loud.value, None);
        assert!(loud.advice.as_deref().is_some_and(|a| a.starts_with("no audio track")));
        for id in [FactorId::Silence, FactorId::SoundPresence, FactorId::LoudnessRange] {
            assert!(r.factor(id).is_none_or(|f| f.subscore.is_none()), "{id} scored without audio");
        }
    }
}

#[test]
fn one_frame_file_is_too_short_everywhere() {
    let m = MediaFeatures {
        picture: studio_score::PictureFeatures { brightness: Some(0.4), ..Default::default() },
        format: FormatFeatures {
            duration_s: Some(0.04),
            width: Some(1080),
            height: Some(1920),
            has_video: Some(true),
            has_audio: Some(false),
            ..Default::default()
        },
        ..Default::default()
    };
    for r in all(&media(m.clone())) {
        let d = r.factor(FactorId::Duration).expect("weighed");
        assert!(d.blocking, "{}: {d:?}", r.platform);
        assert_eq!(d.subscore, Some(0.0));
        assert!(r.score.is_some_and(|s| (0.0..=100.0).contains(&s)));
    }
    let tiktok = score(Platform::Tiktok, &media(m)).expect("scores");
    assert_eq!(tiktok.blockers[0], "0.04 s long — TikTok accepts 3.0 s to 10:00");
}

#[test]
fn nothing_known_means_no_score() {
    for r in all(&ScoreInput::default()) {
        assert_eq!(r.score, None);
        assert_eq!(r.coverage, 0.0);
        assert!(r.factors.iter().all(|f| f.subscore.is_none() && f.contribution == 0.0));
    }
    // An all-unknown feature set is the same as no features.
    for r in all(&media(MediaFeatures::default())) {
        assert_eq!(r.score, None);
    }
}

#[test]
fn impossible_feature_values_are_ignored_and_reported() {
    let mut m = good_video();
    m.sound.integrated_lufs = Some(f64::NAN);
    m.picture.black_ratio = Some(7.0);
    m.format.duration_s = Some(f64::INFINITY);
    let r = score(Platform::Tiktok, &media(m)).expect("scores");
    assert_eq!(r.factor(FactorId::Loudness).and_then(|f| f.subscore), None);
    assert_eq!(r.warnings.len(), 3, "{:?}", r.warnings);
    assert!(r.score.is_some_and(|s| s.is_finite()));
}

/// `n` copies of `s`.
fn text(s: &str, n: usize) -> String {
    s.repeat(n)
}

#[test]
fn caption_limits_are_enforced_in_each_platforms_unit() {
    for p in Platform::ALL {
        let profile = PlatformProfile::builtin(p).expect("parses");
        let Some(max) = profile.text.caption_max else { continue };
        let max = max as usize;
        let at = |caption: String| {
            let r = score(p, &ScoreInput { caption: Some(caption), ..Default::default() }).expect("scores");
            r.factor(FactorId::CaptionLength).is_some_and(|f| f.blocking)
        };
        assert!(!at(text("a", max)), "{p}: exactly the limit must pass");
        assert!(at(text("a", max + 1)), "{p}: one over must block");
    }
    // X: an emoji weighs 2, so 140 fit and 141 do not.
    let x = |n| {
        let r = score(Platform::X, &ScoreInput { caption: Some(text("🔥", n)), ..Default::default() }).expect("scores");
        r.factor(FactorId::CaptionLength).is_some_and(|f| f.blocking)
    };
    assert!(!x(140) && x(141));
    // Bluesky counts graphemes: 300 family emoji (2,400+ bytes) still fit.
    let bsky =
        score(Platform::Bluesky, &ScoreInput { caption: Some(text("👨‍👩‍👧", 300)), ..Default::default() }).expect("scores");
    assert!(!bsky.factor(FactorId::CaptionLength).is_some_and(|f| f.blocking));
    // Threads counts an emoji by its UTF-8 bytes: 125 four-byte emoji are 500, 126 are over.
    let threads = |n| {
        let r = score(Platform::Threads, &ScoreInput { caption: Some(text("😀", n)), ..Default::default() })
            .expect("scores");
        r.factor(FactorId::CaptionLength).is_some_and(|f| f.blocking)
    };
    assert!(!threads(125) && threads(126));
}

#[test]
fn over_limit_advice_names_both_numbers() {
    let caption = text("word ", 496); // 2,480 characters
    let r = score(Platform::Tiktok, &ScoreInput { caption: Some(caption), ..Default::default() }).expect("scores");
    assert_eq!(r.blockers, vec!["caption 2,480 characters, TikTok allows 2,200".to_string()]);
}

#[test]
fn a_megabyte_caption_is_measured_not_choked_on() {
    let caption = text("Ünïcødé 👩🏽‍💻 #tag words here. ", 1 << 15);
    assert!(caption.len() > 1_000_000);
    let f = TextFeatures::from_text(&caption);
    assert_eq!(f.hashtags, 1 << 15);
    assert_eq!(f.emoji, 1 << 15);
    // One platform per way of counting, and one without a limit (debug builds are slow on 1 MB).
    let input = ScoreInput { caption: Some(caption), ..Default::default() };
    for p in
        [Platform::Tiktok, Platform::Bluesky, Platform::X, Platform::Threads, Platform::Youtube, Platform::Snapchat]
    {
        let r = score(p, &input).expect("scores");
        assert!(r.score.is_some_and(|s| s.is_finite()));
        let blocked = r.factor(FactorId::CaptionLength).is_some_and(|f| f.blocking);
        assert_eq!(blocked, p != Platform::Snapchat, "{p}");
    }
}

#[test]
fn unicode_captions_of_every_kind_score() {
    let captions = [
        "",
        "   ",
        "\n\n\n",
        "مرحبا بكم! هل تريد أن تتعلم؟ #تعليم",
        "今日はいい天気ですね。フォローしてね #日本",
        "नमस्ते दोस्तों #भारत",
        "e\u{301}\u{301}\u{301} zalgo t\u{336}e\u{336}x\u{336}t",
        "🏳️‍🌈🏳️‍⚧️👨‍👩‍👧‍👦🇺🇦1️⃣",
        "\u{200B}\u{FEFF}\u{202E}reversed",
        "#####@@@@",
        "\0\u{7}control\u{1b}[31m",
    ];
    for c in captions {
        for r in all(&ScoreInput { caption: Some(c.to_string()), ..Default::default() }) {
            assert!(r.score.is_none_or(|s| (0.0..=100.0).contains(&s)), "{c:?} on {}", r.platform);
            for f in &r.factors {
                assert!(f.subscore.is_none_or(|s| (0.0..=1.0).contains(&s)));
                assert!(f.contribution.is_finite() && f.potential.is_finite());
            }
        }
    }
}

#[test]
fn youtube_wants_a_title_and_checks_its_length() {
    let no_title = ScoreInput { caption: Some("Full tutorial below".into()), ..Default::default() };
    // Not written yet: unknown, like a caption nobody typed.
    let r = score(Platform::Youtube, &no_title).expect("scores");
    assert!(r.factor(FactorId::TitleLength).is_some_and(|f| f.subscore.is_none() && !f.blocking));
    let empty = ScoreInput { title: Some(" ".into()), ..no_title.clone() };
    let r = score(Platform::Youtube, &empty).expect("scores");
    assert_eq!(r.blockers, vec!["no title — YouTube requires one; 30–70 characters".to_string()]);
    let long = ScoreInput { title: Some("t".repeat(101)), ..no_title.clone() };
    let r = score(Platform::Youtube, &long).expect("scores");
    assert_eq!(r.blockers, vec!["title 101 characters, YouTube allows 100".to_string()]);
    let good = ScoreInput { title: Some("How I colour grade a whole video in 10 minutes".into()), ..no_title };
    let r = score(Platform::Youtube, &good).expect("scores");
    assert!(r.blockers.is_empty());
    // TikTok has no title field, so no title factor.
    assert!(score(Platform::Tiktok, &good).expect("scores").factor(FactorId::TitleLength).is_none());
}

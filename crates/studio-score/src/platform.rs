//! Per-platform limits, targets, weights and posting-time priors, kept as data: one TOML file per
//! platform in `data/`, each layered over `data/defaults.toml`. Platforms change their limits;
//! a reviewer should see such a change as a one-line diff with its source next to it, not hunt
//! constants in code.
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::curve::{Band, Ramp};
use crate::error::ScoreError;
use crate::factor::FactorId;
use crate::text::CountUnit;

/// A place a video is posted to. Instagram means Reels and Facebook means Reels on a Page,
/// because those are the short-form video surfaces this app publishes to.
///
/// Not the publishing platforms (studio-publish's `PlatformId`): YouTube Shorts and Snapchat are
/// scored apart, Mastodon is not scored. The app sees it as `ScorePlatformId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[specta(rename = "ScorePlatformId")]
pub enum Platform {
    Tiktok,
    Instagram,
    YoutubeShorts,
    Youtube,
    X,
    Linkedin,
    Facebook,
    Bluesky,
    Threads,
    Pinterest,
    Snapchat,
}

impl Platform {
    pub const ALL: [Platform; 11] = [
        Platform::Tiktok,
        Platform::Instagram,
        Platform::YoutubeShorts,
        Platform::Youtube,
        Platform::X,
        Platform::Linkedin,
        Platform::Facebook,
        Platform::Bluesky,
        Platform::Threads,
        Platform::Pinterest,
        Platform::Snapchat,
    ];

    /// The stable snake_case id (also the data file's name).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Tiktok => "tiktok",
            Platform::Instagram => "instagram",
            Platform::YoutubeShorts => "youtube_shorts",
            Platform::Youtube => "youtube",
            Platform::X => "x",
            Platform::Linkedin => "linkedin",
            Platform::Facebook => "facebook",
            Platform::Bluesky => "bluesky",
            Platform::Threads => "threads",
            Platform::Pinterest => "pinterest",
            Platform::Snapchat => "snapchat",
        }
    }

    fn data(self) -> &'static str {
        match self {
            Platform::Tiktok => include_str!("../data/tiktok.toml"),
            Platform::Instagram => include_str!("../data/instagram.toml"),
            Platform::YoutubeShorts => include_str!("../data/youtube_shorts.toml"),
            Platform::Youtube => include_str!("../data/youtube.toml"),
            Platform::X => include_str!("../data/x.toml"),
            Platform::Linkedin => include_str!("../data/linkedin.toml"),
            Platform::Facebook => include_str!("../data/facebook.toml"),
            Platform::Bluesky => include_str!("../data/bluesky.toml"),
            Platform::Threads => include_str!("../data/threads.toml"),
            Platform::Pinterest => include_str!("../data/pinterest.toml"),
            Platform::Snapchat => include_str!("../data/snapchat.toml"),
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = ScoreError;

    /// Accepts the ids, the render preset names (`reels`, `shorts`) and common spellings.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '-' | '_')).collect();
        let p = match key.as_str() {
            "tiktok" => Platform::Tiktok,
            "instagram" | "reels" | "instagramreels" | "ig" => Platform::Instagram,
            "youtubeshorts" | "shorts" => Platform::YoutubeShorts,
            "youtube" | "yt" => Platform::Youtube,
            "x" | "twitter" => Platform::X,
            "linkedin" => Platform::Linkedin,
            "facebook" | "facebookreels" | "fb" => Platform::Facebook,
            "bluesky" | "bsky" => Platform::Bluesky,
            "threads" => Platform::Threads,
            "pinterest" => Platform::Pinterest,
            "snapchat" | "spotlight" | "snapchatspotlight" => Platform::Snapchat,
            _ => return Err(ScoreError::UnknownPlatform(s.to_string())),
        };
        Ok(p)
    }
}

/// Caption and title rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRules {
    /// The platform's hard caption limit, in `caption_unit`; `None` where none is published.
    #[serde(default)]
    pub caption_max: Option<u32>,
    pub caption_unit: CountUnit,
    #[serde(default)]
    pub title_max: Option<u32>,
    pub title_unit: CountUnit,
    /// The platform rejects a post without a title (YouTube).
    pub title_required: bool,
    #[serde(default)]
    pub hashtags_max: Option<u32>,
    /// About how many characters of the first line the feed shows before "more".
    pub first_line_max: u32,
}

/// Video rules. Aspect ratios are written "W:H".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    pub duration_min_s: f64,
    pub duration_max_s: f64,
    pub duration_best_s: [f64; 2],
    pub aspect_best: String,
    pub aspects_ok: Vec<String>,
}

/// Sub-scores for something measured to be absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    pub captions: f64,
    pub hook_text: f64,
    pub call_to_action: f64,
    pub caption: f64,
    pub title: f64,
    pub audio: f64,
}

/// Where each measured value earns full marks; see `curve` for the shapes and EVIDENCE.md for
/// where the numbers come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub first_motion_s: Ramp,
    pub first_cut_s: Ramp,
    pub speech_onset_s: Ramp,
    pub hook_loudness_lufs: Ramp,
    pub cuts_per_minute: Band,
    pub longest_static_s: Ramp,
    pub brightness: Band,
    pub contrast: Band,
    pub colourfulness: Ramp,
    pub sharpness: Ramp,
    pub black_ratio: Ramp,
    pub frozen_ratio: Ramp,
    /// Integrated loudness target, LUFS.
    pub loudness_lufs: f64,
    /// Sub-score by distance from `loudness_lufs`, LU.
    pub loudness_error_lu: Ramp,
    pub loudness_range_lu: Ramp,
    pub silence_ratio: Ramp,
    /// Sub-score by the larger of speech ratio and music presence.
    pub sound_presence: Ramp,
    /// Sub-score by |ln(aspect / best aspect)|.
    pub aspect_log_error: Ramp,
    /// Sub-score for an aspect in `aspects_ok`.
    pub aspect_ok_subscore: f64,
    pub short_side_px: Ramp,
    pub fps: Ramp,
    /// Sub-score at the shortest and longest allowed duration.
    pub duration_edge: f64,
    /// Caption length in the platform's count unit.
    pub caption_length: Band,
    pub hashtags: Band,
    pub lix: Ramp,
    pub emoji: Band,
    pub title_length: Band,
    pub absent: Absent,
}

/// Everything the score knows about one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformProfile {
    pub id: Platform,
    pub label: String,
    /// Version of the prior data, stored with every score.
    pub version: String,
    pub text: TextRules,
    pub video: VideoRules,
    pub targets: Targets,
    pub weights: BTreeMap<FactorId, f64>,
    /// Prior audience activity, `[weekday Monday=0][hour]`, 0 to 1 (1 = busiest hour of the week).
    pub schedule: [[f64; 24]; 7],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleRows {
    mon: String,
    tue: String,
    wed: String,
    thu: String,
    fri: String,
    sat: String,
    sun: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: Platform,
    label: String,
    version: String,
    text: TextRules,
    video: VideoRules,
    targets: Targets,
    weights: BTreeMap<FactorId, f64>,
    schedule: ScheduleRows,
}

const DEFAULTS: &str = include_str!("../data/defaults.toml");

impl PlatformProfile {
    /// The built-in profile of `platform`, parsed once.
    pub fn builtin(platform: Platform) -> Result<&'static PlatformProfile, ScoreError> {
        static BUILTIN: OnceLock<Vec<Result<PlatformProfile, ScoreError>>> = OnceLock::new();
        let all = BUILTIN.get_or_init(|| Platform::ALL.iter().map(|p| Self::from_toml(p.data())).collect());
        let idx = Platform::ALL.iter().position(|p| *p == platform).unwrap_or(0);
        match all.get(idx) {
            Some(Ok(profile)) => Ok(profile),
            Some(Err(e)) => Err(e.clone()),
            None => Err(ScoreError::UnknownPlatform(platform.to_string())),
        }
    }

    /// A profile from a platform TOML document layered over the built-in defaults, so a
    /// creator's override file only needs the keys it changes.
    pub fn from_toml(platform_toml: &str) -> Result<PlatformProfile, ScoreError> {
        let bad = |platform: &str, reason: String| ScoreError::BadPlatformData { platform: platform.into(), reason };
        let base: toml::Table = toml::from_str(DEFAULTS).map_err(|e| bad("defaults", e.to_string()))?;
        let over: toml::Table = toml::from_str(platform_toml).map_err(|e| bad("(unparsed)", e.to_string()))?;
        let name = over.get("id").and_then(|v| v.as_str()).unwrap_or("(no id)").to_string();
        let mut merged = base;
        merge(&mut merged, over);
        let raw: RawProfile = toml::Value::Table(merged).try_into().map_err(|e| bad(&name, e.to_string()))?;
        let profile = PlatformProfile {
            id: raw.id,
            label: raw.label,
            version: raw.version,
            text: raw.text,
            video: raw.video,
            targets: raw.targets,
            weights: raw.weights,
            schedule: parse_schedule(&raw.schedule).map_err(|e| bad(&name, e))?,
        };
        profile.check().map_err(|e| bad(&name, e))?;
        Ok(profile)
    }

    /// The weight of `factor`, 0 when the data leaves it out.
    pub fn weight(&self, factor: FactorId) -> f64 {
        self.weights.get(&factor).copied().unwrap_or(0.0)
    }

    /// The preferred aspect ratio as width / height.
    pub fn aspect_best(&self) -> f64 {
        parse_aspect(&self.video.aspect_best).unwrap_or(9.0 / 16.0)
    }

    /// The acceptable aspect ratios as width / height.
    pub fn aspects_ok(&self) -> Vec<f64> {
        self.video.aspects_ok.iter().filter_map(|a| parse_aspect(a)).collect()
    }

    fn check(&self) -> Result<(), String> {
        for (id, w) in &self.weights {
            if !w.is_finite() || *w < 0.0 {
                return Err(format!("weight of {id} is {w}; weights are finite and not negative"));
            }
        }
        if self.weights.values().sum::<f64>() <= 0.0 {
            return Err("all weights are zero".into());
        }
        let t = &self.targets;
        let ramps = [
            ("first_motion_s", t.first_motion_s),
            ("first_cut_s", t.first_cut_s),
            ("speech_onset_s", t.speech_onset_s),
            ("hook_loudness_lufs", t.hook_loudness_lufs),
            ("longest_static_s", t.longest_static_s),
            ("colourfulness", t.colourfulness),
            ("sharpness", t.sharpness),
            ("black_ratio", t.black_ratio),
            ("frozen_ratio", t.frozen_ratio),
            ("loudness_error_lu", t.loudness_error_lu),
            ("loudness_range_lu", t.loudness_range_lu),
            ("silence_ratio", t.silence_ratio),
            ("sound_presence", t.sound_presence),
            ("aspect_log_error", t.aspect_log_error),
            ("short_side_px", t.short_side_px),
            ("fps", t.fps),
            ("lix", t.lix),
        ];
        for (name, r) in ramps {
            r.check().map_err(|e| format!("targets.{name}: {e}"))?;
        }
        let bands = [
            ("cuts_per_minute", t.cuts_per_minute),
            ("brightness", t.brightness),
            ("contrast", t.contrast),
            ("caption_length", t.caption_length),
            ("hashtags", t.hashtags),
            ("emoji", t.emoji),
            ("title_length", t.title_length),
        ];
        for (name, b) in bands {
            b.check().map_err(|e| format!("targets.{name}: {e}"))?;
        }
        let a = &t.absent;
        let unit = [t.aspect_ok_subscore, t.duration_edge, a.captions, a.hook_text, a.call_to_action, a.caption];
        if unit.iter().chain([a.title, a.audio].iter()).any(|v| !(0.0..=1.0).contains(v)) {
            return Err("sub-scores in targets must lie in 0..1".into());
        }
        if !t.loudness_lufs.is_finite() {
            return Err("targets.loudness_lufs must be finite".into());
        }
        let v = &self.video;
        let [lo, hi] = v.duration_best_s;
        if !(0.0 < v.duration_min_s && v.duration_min_s <= lo && lo <= hi && hi <= v.duration_max_s) {
            return Err(format!(
                "durations must satisfy 0 < min <= best low <= best high <= max (got {} {lo} {hi} {})",
                v.duration_min_s, v.duration_max_s
            ));
        }
        for a in std::iter::once(&v.aspect_best).chain(v.aspects_ok.iter()) {
            parse_aspect(a).ok_or_else(|| format!("aspect \"{a}\" is not W:H"))?;
        }
        Ok(())
    }
}

/// Tables merge key by key; anything else in `over` replaces what `base` had.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn parse_schedule(rows: &ScheduleRows) -> Result<[[f64; 24]; 7], String> {
    let named = [
        ("mon", &rows.mon),
        ("tue", &rows.tue),
        ("wed", &rows.wed),
        ("thu", &rows.thu),
        ("fri", &rows.fri),
        ("sat", &rows.sat),
        ("sun", &rows.sun),
    ];
    let mut out = [[0.0; 24]; 7];
    for (d, (name, row)) in named.iter().enumerate() {
        let digits: Vec<u32> = row.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 24 || row.chars().count() != 24 {
            return Err(format!("schedule.{name} must be 24 digits 0-9, one per hour"));
        }
        for (h, v) in digits.iter().enumerate() {
            out[d][h] = f64::from(*v);
        }
    }
    let max = out.iter().flatten().copied().fold(0.0, f64::max);
    if max <= 0.0 {
        return Err("schedule is all zero".into());
    }
    for v in out.iter_mut().flatten() {
        *v /= max;
    }
    Ok(out)
}

/// "9:16" -> 0.5625.
pub(crate) fn parse_aspect(s: &str) -> Option<f64> {
    let (w, h) = s.split_once(':')?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()).then(|| w / h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses_and_checks() {
        for p in Platform::ALL {
            let profile = PlatformProfile::builtin(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(profile.id, p, "{p}.toml has the wrong id");
            assert!(!profile.label.is_empty());
        }
    }

    #[test]
    fn published_limits_are_in_the_data() {
        let limit = |p: Platform| PlatformProfile::builtin(p).map(|x| x.text.caption_max).ok().flatten();
        assert_eq!(limit(Platform::Tiktok), Some(2200));
        assert_eq!(limit(Platform::Instagram), Some(2200));
        assert_eq!(limit(Platform::X), Some(280));
        assert_eq!(limit(Platform::Linkedin), Some(3000));
        assert_eq!(limit(Platform::Youtube), Some(5000));
        assert_eq!(limit(Platform::Bluesky), Some(300));
        assert_eq!(limit(Platform::Threads), Some(500));
        assert_eq!(limit(Platform::Pinterest), Some(500));
        assert_eq!(limit(Platform::Snapchat), None);
        let yt = PlatformProfile::builtin(Platform::Youtube).expect("youtube");
        assert_eq!(yt.text.title_max, Some(100));
        assert!(yt.text.title_required);
        let bsky = PlatformProfile::builtin(Platform::Bluesky).expect("bluesky");
        assert_eq!(bsky.text.caption_unit, CountUnit::Graphemes);
    }

    #[test]
    fn overrides_layer_over_defaults() {
        let p = PlatformProfile::from_toml(
            "id = \"tiktok\"\nlabel = \"Mine\"\n[targets]\nfirst_cut_s = { good = 0.5, bad = 3.0 }\n",
        )
        .expect("valid override");
        assert_eq!(p.targets.first_cut_s, Ramp { good: 0.5, bad: 3.0 });
        assert_eq!(p.targets.loudness_lufs, -14.0);
        assert!(p.weight(FactorId::HookMotion) > 0.0);
    }

    #[test]
    fn bad_data_is_refused_with_a_reason() {
        let cases = [
            "id = \"tiktok\"\nlabel = \"x\"\n[weights]\nhook_cut = -1.0\n",
            "id = \"tiktok\"\nlabel = \"x\"\n[weights]\nmystery = 1.0\n",
            "id = \"tiktok\"\nlabel = \"x\"\n[schedule]\nmon = \"123\"\n",
            "id = \"tiktok\"\nlabel = \"x\"\n[video]\naspect_best = \"wide\"\n",
            "id = \"tiktok\"\nlabel = \"x\"\n[video]\nduration_best_s = [90.0, 10.0]\n",
            "id = \"myspace\"\nlabel = \"x\"\n",
            "not toml at all [",
        ];
        for c in cases {
            assert!(matches!(PlatformProfile::from_toml(c), Err(ScoreError::BadPlatformData { .. })), "accepted: {c}");
        }
    }

    #[test]
    fn platform_names_and_aliases() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p));
        }
        assert_eq!("reels".parse::<Platform>(), Ok(Platform::Instagram));
        assert_eq!("Shorts".parse::<Platform>(), Ok(Platform::YoutubeShorts));
        assert_eq!("YouTube-Shorts".parse::<Platform>(), Ok(Platform::YoutubeShorts));
        assert_eq!("twitter".parse::<Platform>(), Ok(Platform::X));
        assert!("myspace".parse::<Platform>().is_err());
    }
}

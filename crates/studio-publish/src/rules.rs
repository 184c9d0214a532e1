//! Per-platform rules as data (`assets/platforms/*.toml`): sign-in settings and what a post must
//! satisfy. Checked before anything is sent, so an over-long caption costs no upload.
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use studio_score::text::{CountUnit, TextFeatures};

use crate::platform::PlatformId;
use crate::PublishError;

#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub id: PlatformId,
    pub name: String,
    /// `oauth`, `mastodon` (per-instance app + OAuth, or a pasted token) or `app_password`.
    pub auth: String,
    pub register_url: String,
    /// The guided app setup shown on the Accounts screen, one step per line.
    pub setup: Vec<String>,
    #[serde(default)]
    pub needs_media_relay: bool,
    #[serde(default)]
    pub oauth: Option<OauthRules>,
    pub caption: CaptionRules,
    pub media: MediaRules,
    #[serde(default)]
    pub video: VideoRules,
}

#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct OauthRules {
    pub authorize_url: String,
    pub token_url: String,
    #[serde(default)]
    pub revoke_url: Option<String>,
    /// `required`, `optional` or `none`: whether the token call needs a client secret.
    pub client_secret: String,
    /// `any_port` (RFC 8252 §7.3) or `fixed` (the platform matches the redirect URI exactly).
    pub redirect: String,
    #[serde(default)]
    pub fixed_port: Option<u16>,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub scope_separator: Option<String>,
    #[serde(default)]
    pub client_id_param: Option<String>,
    /// `s256` (base64url, RFC 7636) or `s256_hex` (TikTok desktop).
    #[serde(default)]
    pub pkce: Option<String>,
    /// `body` (default) or `basic`: how the client authenticates at the token endpoint.
    #[serde(default)]
    pub client_auth: Option<String>,
    #[serde(default)]
    pub extra_authorize_params: BTreeMap<String, String>,
}

impl OauthRules {
    pub fn secret_required(&self) -> bool {
        self.client_secret == "required"
    }

    pub fn fixed_port(&self) -> Option<u16> {
        (self.redirect == "fixed").then_some(self.fixed_port.unwrap_or(8757))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct CaptionRules {
    pub max: u32,
    /// chars, graphemes, utf16, utf8_bytes or x_weighted.
    pub unit: String,
    #[serde(default)]
    pub url_length: Option<u32>,
    #[serde(default)]
    pub hashtags_max: Option<u32>,
    #[serde(default)]
    pub mentions_max: Option<u32>,
    #[serde(default)]
    pub links_max: Option<u32>,
    #[serde(default)]
    pub title_max: Option<u32>,
    #[serde(default)]
    pub title_required: bool,
    #[serde(default)]
    pub forbidden_chars: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct MediaRules {
    pub videos_max: u32,
    pub images_max: u32,
    #[serde(default)]
    pub image_size_max_bytes: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    pub duration_min_s: Option<f64>,
    pub duration_max_s: Option<f64>,
    pub size_max_mb: Option<f64>,
    pub fps_min: Option<f64>,
    pub fps_max: Option<f64>,
    /// "9:16": the only aspect ratio accepted (within 2%).
    pub aspect: Option<String>,
    #[serde(default)]
    pub codecs: Vec<String>,
}

/// What is known about a file before it is sent (from the media probe).
#[derive(Debug, Clone, Default)]
pub struct MediaFacts {
    pub is_video: bool,
    pub size_bytes: u64,
    pub duration_s: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    /// libav codec name (h264, hevc, vp9, …).
    pub codec: Option<String>,
}

const FILES: [(PlatformId, &str); 10] = [
    (PlatformId::Youtube, include_str!("../../../assets/platforms/youtube.toml")),
    (PlatformId::Tiktok, include_str!("../../../assets/platforms/tiktok.toml")),
    (PlatformId::Instagram, include_str!("../../../assets/platforms/instagram.toml")),
    (PlatformId::Facebook, include_str!("../../../assets/platforms/facebook.toml")),
    (PlatformId::X, include_str!("../../../assets/platforms/x.toml")),
    (PlatformId::Linkedin, include_str!("../../../assets/platforms/linkedin.toml")),
    (PlatformId::Threads, include_str!("../../../assets/platforms/threads.toml")),
    (PlatformId::Pinterest, include_str!("../../../assets/platforms/pinterest.toml")),
    (PlatformId::Mastodon, include_str!("../../../assets/platforms/mastodon.toml")),
    (PlatformId::Bluesky, include_str!("../../../assets/platforms/bluesky.toml")),
];

/// The built-in rules of a platform. The files are compiled in and checked by a test, so a
/// broken file fails the build's tests, never a creator's publish.
pub fn rules(platform: PlatformId) -> &'static Rules {
    static ALL: OnceLock<Vec<Rules>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(id, text)| {
                let r: Rules = toml::from_str(text).unwrap_or_else(|e| panic!("assets/platforms/{id}.toml: {e}"));
                assert_eq!(r.id, *id, "assets/platforms/{id}.toml names another platform");
                r
            })
            .collect()
    });
    // Every PlatformId has a file (FILES lists ALL, checked by a test).
    all.iter().find(|r| r.id == platform).unwrap_or(&all[0])
}

impl Rules {
    /// How long `text` is as this platform counts it.
    pub fn caption_length(&self, text: &str) -> usize {
        let features = TextFeatures::from_text(text);
        let unit = match self.caption.unit.as_str() {
            "graphemes" => CountUnit::Graphemes,
            "utf16" => CountUnit::Utf16,
            "utf8_bytes" => CountUnit::Utf8Bytes,
            "x_weighted" => CountUnit::XWeighted,
            _ => CountUnit::Chars,
        };
        match self.caption.url_length {
            // Mastodon: each URL counts a fixed 23 whatever its length.
            Some(url_len) => {
                let mut n = 0usize;
                for (i, token) in text.split_inclusive(char::is_whitespace).enumerate() {
                    let _ = i;
                    let word = token.trim_end();
                    if is_link(word) {
                        n += url_len as usize + (token.len() - word.len());
                    } else {
                        n += TextFeatures::from_text(token).length(unit);
                    }
                }
                n
            }
            None => features.length(unit),
        }
    }

    /// The unit captions are counted in, in words ("UTF-16 units").
    pub fn unit_label(&self) -> &'static str {
        match self.caption.unit.as_str() {
            "graphemes" => "characters",
            "utf16" => "UTF-16 units",
            "utf8_bytes" => "bytes",
            "x_weighted" => "weighted characters",
            _ => "characters",
        }
    }

    /// Every problem with a caption and title, in words a creator can act on; empty when fine.
    pub fn check_text(&self, caption: &str, title: Option<&str>) -> Vec<String> {
        let mut problems = Vec::new();
        let name = &self.name;
        let len = self.caption_length(caption);
        if len > self.caption.max as usize {
            problems.push(format!(
                "caption is {} {}, {name} allows {}",
                group(len),
                self.unit_label(),
                group(self.caption.max as usize)
            ));
        }
        let words: Vec<&str> = caption.split_whitespace().collect();
        let count = |f: &dyn Fn(&str) -> bool| words.iter().filter(|w| f(w)).count();
        if let Some(max) = self.caption.hashtags_max {
            let n = count(&|w| w.starts_with('#') && w.len() > 1);
            if n > max as usize {
                problems.push(format!("{n} hashtags, {name} allows {max}"));
            }
        }
        if let Some(max) = self.caption.mentions_max {
            let n = count(&|w| w.starts_with('@') && w.len() > 1);
            if n > max as usize {
                problems.push(format!("{n} mentions, {name} allows {max}"));
            }
        }
        if let Some(max) = self.caption.links_max {
            let n = count(&|w| is_link(w));
            if n > max as usize {
                problems.push(format!("{n} links, {name} allows {max}"));
            }
        }
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        match (title, self.caption.title_max) {
            (None, _) if self.caption.title_required => problems.push(format!("{name} needs a title")),
            (Some(t), Some(max)) if t.chars().count() > max as usize => {
                problems.push(format!("title is {} characters, {name} allows {max}", t.chars().count()))
            }
            _ => {}
        }
        if let Some(bad) = &self.caption.forbidden_chars {
            for text in [Some(caption), title].into_iter().flatten() {
                if let Some(c) = text.chars().find(|c| bad.contains(*c)) {
                    problems.push(format!("{name} does not accept the character '{c}' in titles and descriptions"));
                    break;
                }
            }
        }
        problems
    }

    /// Every problem with the media file; empty when fine.
    pub fn check_media(&self, m: &MediaFacts) -> Vec<String> {
        let mut problems = Vec::new();
        let name = &self.name;
        if m.size_bytes == 0 {
            problems.push("the file is empty".to_string());
            return problems;
        }
        if !m.is_video {
            if self.media.images_max == 0 {
                problems.push(format!("{name} takes videos only"));
            }
            if let Some(max) = self.media.image_size_max_bytes {
                if m.size_bytes as f64 > max {
                    problems.push(format!("image is {}, {name} allows {}", bytes(m.size_bytes as f64), bytes(max)));
                }
            }
            return problems;
        }
        if self.media.videos_max == 0 {
            problems.push(format!("{name} takes images only"));
            return problems;
        }
        let v = &self.video;
        if let Some(d) = m.duration_s {
            if let Some(min) = v.duration_min_s.filter(|min| d < *min) {
                problems.push(format!("video is {d:.1} s, {name} needs at least {min} s"));
            }
            if let Some(max) = v.duration_max_s.filter(|max| d > *max) {
                problems.push(format!("video is {d:.1} s, {name} allows at most {}", seconds(max)));
            }
        }
        if let Some(max) = v.size_max_mb.map(|mb| mb * 1024.0 * 1024.0) {
            if m.size_bytes as f64 > max {
                problems.push(format!("video is {}, {name} allows {}", bytes(m.size_bytes as f64), bytes(max)));
            }
        }
        if let Some(fps) = m.fps {
            if let Some(min) = v.fps_min.filter(|min| fps + 0.01 < *min) {
                problems.push(format!("video is {fps:.0} fps, {name} needs at least {min:.0}"));
            }
            if let Some(max) = v.fps_max.filter(|max| fps > *max + 0.01) {
                problems.push(format!("video is {fps:.0} fps, {name} allows at most {max:.0}"));
            }
        }
        if let (Some(codec), false) = (&m.codec, v.codecs.is_empty()) {
            if !v.codecs.iter().any(|c| c == codec) {
                problems.push(format!("video is {codec}, {name} takes {}", v.codecs.join(", ")));
            }
        }
        if let (Some(aspect), Some(w), Some(h)) = (&v.aspect, m.width, m.height) {
            if let Some((aw, ah)) =
                aspect.split_once(':').and_then(|(a, b)| Some((a.parse::<f64>().ok()?, b.parse::<f64>().ok()?)))
            {
                let want = aw / ah;
                let have = f64::from(w) / f64::from(h.max(1));
                if (have / want - 1.0).abs() > 0.02 {
                    problems.push(format!("video is {w}x{h}, {name} takes {aspect}"));
                }
            }
        }
        problems
    }

    /// Both checks as one error, or `Ok` when the post can be sent.
    pub fn validate(&self, caption: &str, title: Option<&str>, media: &MediaFacts) -> crate::Result<()> {
        let mut problems = self.check_text(caption, title);
        problems.extend(self.check_media(media));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PublishError::Invalid(format!("cannot post to {}: {}", self.name, problems.join("; "))))
        }
    }
}

fn is_link(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    w.starts_with("http://") || w.starts_with("https://")
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bytes(b: f64) -> String {
    let mb = b / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else if mb >= 1.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.0} KB", b / 1024.0)
    }
}

fn seconds(s: f64) -> String {
    if s >= 120.0 && s % 60.0 == 0.0 {
        format!("{} min", s / 60.0)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_valid_rules() {
        for p in PlatformId::ALL {
            let r = rules(p);
            assert_eq!(r.id, p);
            assert!(r.caption.max > 0, "{p}");
            assert!(!r.setup.is_empty(), "{p}");
            if r.auth == "oauth" {
                assert!(r.oauth.is_some(), "{p} signs in with OAuth but has no [oauth] table");
            }
        }
    }

    #[test]
    fn captions_count_the_way_each_platform_does() {
        // A family emoji is one grapheme but 11 UTF-16 units.
        let family = "👨‍👩‍👧‍👦";
        assert_eq!(rules(PlatformId::Bluesky).caption_length(family), 1);
        assert_eq!(rules(PlatformId::Tiktok).caption_length(family), 11);
        // Mastodon: a URL is 23 whatever its length.
        let long_url = format!("see https://example.com/{}", "a".repeat(200));
        assert_eq!(rules(PlatformId::Mastodon).caption_length(&long_url), 4 + 23);
        let over = "x".repeat(2201);
        let problems = rules(PlatformId::Tiktok).check_text(&over, None);
        assert_eq!(problems, vec!["caption is 2,201 UTF-16 units, TikTok allows 2,200".to_string()]);
        assert!(rules(PlatformId::Tiktok).check_text(&"x".repeat(2200), None).is_empty());
    }

    #[test]
    fn titles_and_tags_are_checked() {
        let yt = rules(PlatformId::Youtube);
        assert_eq!(yt.check_text("desc", None), vec!["YouTube needs a title".to_string()]);
        assert!(yt.check_text("desc", Some("a <b>")).iter().any(|p| p.contains("'<'")));
        let tags: String = (0..31).map(|i| format!("#t{i} ")).collect();
        assert_eq!(
            rules(PlatformId::Instagram).check_text(&tags, None),
            vec!["31 hashtags, Instagram allows 30".to_string()]
        );
    }

    #[test]
    fn media_limits_are_checked() {
        let fb = rules(PlatformId::Facebook);
        let landscape = MediaFacts {
            is_video: true,
            size_bytes: 10_000_000,
            duration_s: Some(95.0),
            width: Some(1920),
            height: Some(1080),
            fps: Some(30.0),
            codec: Some("h264".into()),
        };
        let problems = fb.check_media(&landscape);
        assert!(problems.iter().any(|p| p.contains("95.0 s")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("takes 9:16")), "{problems:?}");
        let ok = MediaFacts { duration_s: Some(30.0), width: Some(1080), height: Some(1920), ..landscape.clone() };
        assert!(fb.check_media(&ok).is_empty());
        let image = MediaFacts { is_video: false, size_bytes: 2_000_000, ..Default::default() };
        assert_eq!(rules(PlatformId::Youtube).check_media(&image), vec!["YouTube takes videos only".to_string()]);
        assert!(rules(PlatformId::Bluesky).check_media(&image)[0].contains("Bluesky allows"));
        assert_eq!(rules(PlatformId::X).check_media(&MediaFacts::default()), vec!["the file is empty".to_string()]);
    }
}

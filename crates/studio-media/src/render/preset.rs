//! Render presets are data: one TOML file per platform in assets/presets (built in), plus the
//! creator's own in the config folder's `presets/`. Platforms change their specs; a reviewer
//! should see those changes as a one-line diff, not hunt constants.
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::MediaError;

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reframe {
    /// Whole picture, centred over a blurred, enlarged copy of itself.
    Blur,
    /// Fill the frame, cropping the overflow equally.
    Center,
    /// Fill the frame with a crop that follows motion and salient detail, smoothed.
    Smart,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    pub label: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub crf: u8,
    pub x264_preset: String,
    pub audio_bitrate: u32,
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
    pub reframe: Reframe,
    pub safe_top: u32,
    pub safe_bottom: u32,
    pub safe_left: u32,
    pub safe_right: u32,
}

const X264_PRESETS: [&str; 10] =
    ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

fn invalid(name: &str, why: impl std::fmt::Display) -> MediaError {
    MediaError::InvalidPreset { name: name.to_string(), reason: why.to_string() }
}

impl Preset {
    /// Rules every output must satisfy (H.264 yuv420p needs even sides; sane ranges).
    pub fn validate(&self) -> Result<(), MediaError> {
        let n = &self.name;
        if !(16..=4096).contains(&self.width) || !(16..=4096).contains(&self.height) {
            return Err(invalid(n, format!("size {}x{} outside 16..4096", self.width, self.height)));
        }
        if !self.width.is_multiple_of(2) || !self.height.is_multiple_of(2) {
            return Err(invalid(n, format!("size {}x{} must be even for H.264 4:2:0", self.width, self.height)));
        }
        if !(1..=120).contains(&self.fps) {
            return Err(invalid(n, format!("frame rate {} outside 1..120", self.fps)));
        }
        if self.crf > 51 {
            return Err(invalid(n, format!("crf {} above 51", self.crf)));
        }
        if !X264_PRESETS.contains(&self.x264_preset.as_str()) {
            return Err(invalid(
                n,
                format!("x264 preset \"{}\" is not one of {}", self.x264_preset, X264_PRESETS.join(", ")),
            ));
        }
        if !(32_000..=512_000).contains(&self.audio_bitrate) {
            return Err(invalid(n, format!("audio bit rate {} outside 32000..512000", self.audio_bitrate)));
        }
        if !(-40.0..=-5.0).contains(&self.loudness_lufs) || !(-9.0..=0.0).contains(&self.true_peak_dbtp) {
            return Err(invalid(n, "loudness target outside -40..-5 LUFS or true peak outside -9..0 dBTP"));
        }
        if self.safe_top + self.safe_bottom >= self.height || self.safe_left + self.safe_right >= self.width {
            return Err(invalid(n, "safe margins leave no room"));
        }
        Ok(())
    }

    pub fn is_valid_x264_preset(p: &str) -> bool {
        X264_PRESETS.contains(&p)
    }
}

fn parse(name: &str, text: &str) -> Result<Preset, MediaError> {
    let p: Preset = toml::from_str(text).map_err(|e| invalid(name, e.message()))?;
    p.validate()?;
    Ok(p)
}

/// Built-in presets followed by the user's (a user preset with a built-in's name replaces it).
pub fn all(user_dir: Option<&Path>) -> Result<Vec<Preset>, MediaError> {
    let mut out: Vec<Preset> = BUILTIN.iter().map(|(n, t)| parse(n, t)).collect::<Result<_, _>>()?;
    if let Some(dir) = user_dir {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for f in files {
            let label = f.display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|e| invalid(&label, e))?;
            let p = parse(&label, &text)?;
            out.retain(|q| q.name != p.name);
            out.push(p);
        }
    }
    Ok(out)
}

pub fn find(name: &str, user_dir: Option<&Path>) -> Result<Preset, MediaError> {
    let all = all(user_dir)?;
    let names: Vec<String> = all.iter().map(|p| p.name.clone()).collect();
    all.into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| MediaError::UnknownPreset { name: name.to_string(), known: names.join(", ") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_cover_the_platforms() {
        let all = all(None).expect("built-in presets are valid");
        for name in ["tiktok", "reels", "shorts", "youtube", "square", "portrait", "x", "linkedin"] {
            assert!(all.iter().any(|p| p.name == name), "{name} missing");
        }
        let t = find("tiktok", None).expect("tiktok");
        assert_eq!((t.width, t.height, t.fps), (1080, 1920, 30));
    }

    #[test]
    fn impossible_presets_are_refused() {
        let base = find("square", None).expect("square");
        for bad in [
            Preset { width: 1081, ..base.clone() },
            Preset { fps: 0, ..base.clone() },
            Preset { x264_preset: "warp9".into(), ..base.clone() },
            Preset { crf: 60, ..base.clone() },
            Preset { safe_top: 600, safe_bottom: 600, ..base.clone() },
        ] {
            assert!(matches!(bad.validate(), Err(MediaError::InvalidPreset { .. })), "{bad:?}");
        }
        assert!(matches!(find("myspace", None), Err(MediaError::UnknownPreset { .. })));
    }

    #[test]
    fn user_presets_extend_and_override() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = BUILTIN
            .iter()
            .find(|(n, _)| *n == "square")
            .expect("square")
            .1
            .replace("name = \"square\"", "name = \"mine\"");
        std::fs::write(dir.path().join("mine.toml"), text).expect("write");
        assert!(find("mine", Some(dir.path())).is_ok());
        std::fs::write(dir.path().join("broken.toml"), "name = 3").expect("write");
        assert!(matches!(all(Some(dir.path())), Err(MediaError::InvalidPreset { .. })));
    }
}

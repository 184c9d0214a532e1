//! Captions: SRT in, styled ASS out with a word-by-word highlight (karaoke timing), burned in by
//! libass with a bundled font, inside the platform's safe area. The hook text is one more ASS
//! style at the top for the first seconds.
use std::path::{Path, PathBuf};

use super::preset::Preset;
use crate::MediaError;

/// Inter Extra Bold (SIL Open Font License 1.1, assets/fonts/Inter-LICENSE.txt).
const FONT: &[u8] = include_bytes!("../../../../assets/fonts/Inter-ExtraBold.otf");
/// libass matches this full name; asking for family "Inter" + bold falls back to a system face.
const FONT_NAME: &str = "Inter Extra Bold";

const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
const MAX_CUES: usize = 20_000;
const MAX_CUE_CHARS: usize = 500;
pub const MAX_HOOK_CHARS: usize = 120;

#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

fn bad(line: usize, reason: impl Into<String>) -> MediaError {
    MediaError::BadCaptions { line, reason: reason.into() }
}

/// "00:01:02,345" (or with a dot) → seconds.
fn timestamp(s: &str, line: usize) -> Result<f64, MediaError> {
    let s = s.trim();
    let err = || bad(line, format!("\"{s}\" is not a time like 00:01:02,345"));
    let (hms, ms) = s.split_once([',', '.']).ok_or_else(err)?;
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = parts.as_slice() else { return Err(err()) };
    let num = |v: &str| v.trim().parse::<u32>().map_err(|_| err());
    let (h, m, sec) = (num(h)?, num(m)?, num(sec)?);
    if m > 59 || sec > 59 || ms.is_empty() || ms.len() > 3 || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let frac: f64 = format!("0.{ms}").parse().map_err(|_| err())?;
    Ok(f64::from(h) * 3600.0 + f64::from(m) * 60.0 + f64::from(sec) + frac)
}

/// Drops SRT's inline markup (<i>, <font ...>) and ASS override blocks (`{\an8}`) some editors
/// leave in; other braces are the creator's text and stay.
fn plain(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let closing = |close: char| chars[i..].iter().position(|&x| x == close).map(|p| i + p);
        let skip_to = match c {
            '<' if chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') => closing('>'),
            '{' if chars.get(i + 1) == Some(&'\\') => closing('}'),
            _ => None,
        };
        match skip_to {
            Some(end) => i = end + 1,
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

pub fn parse_srt(text: &str) -> Result<Vec<Cue>, MediaError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n").replace('\r', "\n");
    let mut cues = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // The index line is optional in the wild; the timing line is not.
        let (n, timing) = if line.contains("-->") {
            (i, line.to_string())
        } else {
            match lines.next() {
                Some((j, t)) if t.contains("-->") => (j, t.trim().to_string()),
                _ => {
                    return Err(bad(
                        i + 1,
                        format!("expected a timing line like 00:00:01,000 --> 00:00:02,500 after \"{line}\""),
                    ))
                }
            }
        };
        let (a, b) = timing.split_once("-->").ok_or_else(|| bad(n + 1, "missing -->"))?;
        // Some files put position hints after the end time ("X1:... Y1:...").
        let b = b.split_whitespace().next().unwrap_or_default();
        let (start, end) = (timestamp(a, n + 1)?, timestamp(b, n + 1)?);
        if end <= start {
            return Err(bad(n + 1, "the cue ends before it starts"));
        }
        let mut body = Vec::new();
        while let Some((_, l)) = lines.peek() {
            if l.trim().is_empty() {
                break;
            }
            body.push(plain(l.trim()));
            lines.next();
        }
        let text = body.join("\n").trim().to_string();
        if text.chars().count() > MAX_CUE_CHARS {
            return Err(bad(
                n + 1,
                format!("a cue of {} characters (at most {MAX_CUE_CHARS} fit on screen)", text.chars().count()),
            ));
        }
        if !text.is_empty() {
            cues.push(Cue { start, end, text });
        }
        if cues.len() > MAX_CUES {
            return Err(bad(n + 1, format!("more than {MAX_CUES} cues")));
        }
    }
    if cues.is_empty() {
        return Err(bad(0, "the file has no captions"));
    }
    Ok(cues)
}

pub fn read_srt(path: &Path) -> Result<Vec<Cue>, MediaError> {
    let meta = std::fs::metadata(path).map_err(MediaError::Unreadable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad(0, format!("the file is {} MB; caption files are at most 5 MB", meta.len() / 1_000_000)));
    }
    let bytes = std::fs::read(path).map_err(MediaError::Unreadable)?;
    // SRT from old tools is often Latin-1 / Windows-1252; decode it rather than refuse it.
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    };
    parse_srt(&text)
}

/// ASS text cannot contain raw braces or backslashes (they start override codes).
fn ass_text(s: &str) -> String {
    s.replace('\\', "\u{29f5}").replace('{', "(").replace('}', ")").replace('\n', "\\N")
}

fn ass_time(t: f64) -> String {
    let cs = (t.max(0.0) * 100.0).round() as u64;
    format!("{}:{:02}:{:02}.{:02}", cs / 360_000, (cs / 6000) % 60, (cs / 100) % 60, cs % 100)
}

/// Word-by-word highlight: each word's share of the cue is proportional to its length.
fn karaoke(cue: &Cue) -> String {
    let words: Vec<&str> = cue.text.split_whitespace().collect();
    let total_cs = ((cue.end - cue.start) * 100.0).round().max(1.0);
    let weights: Vec<f64> = words.iter().map(|w| w.chars().count().max(1) as f64 + 1.0).collect();
    let sum: f64 = weights.iter().sum();
    let mut out = String::new();
    let mut used = 0.0;
    for (i, (w, weight)) in words.iter().zip(&weights).enumerate() {
        let k =
            if i + 1 == words.len() { (total_cs - used).max(1.0) } else { (total_cs * weight / sum).round().max(1.0) };
        used += k;
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{{\\k{}}}{}", k as u64, ass_text(w)));
    }
    out
}

/// The ASS document for `cues` (already on the output's timeline) and an optional hook.
pub fn to_ass(cues: &[Cue], hook: Option<(&str, f64)>, p: &Preset) -> String {
    let (w, h) = (p.width, p.height);
    let base = w.min(h) as f64;
    let size = (base * 0.068).round();
    let hook_size = (base * 0.085).round();
    let mut s = format!(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {w}\nPlayResY: {h}\nWrapStyle: 0\nScaledBorderAndShadow: yes\n\n\
         [V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
         Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Caption,{FONT_NAME},{size},&H0000E5FF,&H00FFFFFF,&H00000000,&H96000000,0,0,0,0,100,100,0,0,1,{outline},{shadow},2,{ml},{mr},{mv},1\n\
         Style: Hook,{FONT_NAME},{hook_size},&H00FFFFFF,&H00FFFFFF,&H007A40EC,&H00000000,0,0,0,0,100,100,0,0,3,{pad},0,8,{ml},{mr},{mt},1\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        outline = (size * 0.09).round(),
        shadow = (size * 0.04).round(),
        pad = (hook_size * 0.25).round(),
        ml = p.safe_left + 40,
        mr = p.safe_right + 40,
        mv = p.safe_bottom + 40,
        mt = p.safe_top + 40,
    );
    if let Some((text, secs)) = hook {
        s.push_str(&format!(
            "Dialogue: 1,{},{},Hook,,0,0,0,,{{\\fad(150,250)}}{}\n",
            ass_time(0.0),
            ass_time(secs),
            ass_text(text)
        ));
    }
    for c in cues {
        s.push_str(&format!("Dialogue: 0,{},{},Caption,,0,0,0,,{}\n", ass_time(c.start), ass_time(c.end), karaoke(c)));
    }
    s
}

/// Moves cues onto the output timeline of a trimmed render, dropping those outside it.
pub fn shift(cues: Vec<Cue>, window: (f64, f64)) -> Vec<Cue> {
    cues.into_iter()
        .filter(|c| c.end > window.0 && c.start < window.1)
        .map(|c| Cue { start: (c.start - window.0).max(0.0), end: c.end.min(window.1) - window.0, text: c.text })
        .collect()
}

pub fn validate_hook(text: &str) -> Result<String, MediaError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(MediaError::InvalidSettings("the hook text is empty".into()));
    }
    let n = t.chars().count();
    if n > MAX_HOOK_CHARS {
        return Err(MediaError::InvalidSettings(format!(
            "the hook text has {n} characters; at most {MAX_HOOK_CHARS} fit the screen"
        )));
    }
    if t.lines().count() > 3 {
        return Err(MediaError::InvalidSettings("the hook text has more than 3 lines".into()));
    }
    Ok(t.to_string())
}

/// Escapes a value for a libavfilter option inside a filter graph string (two levels: the
/// option's own quoting, then the graph's).
pub fn filter_escape(v: &str) -> String {
    let mut level1 = String::new();
    for c in v.chars() {
        if matches!(c, '\\' | '\'' | ':') {
            level1.push('\\');
        }
        level1.push(c);
    }
    let mut level2 = String::new();
    for c in level1.chars() {
        if matches!(c, '\\' | '\'' | '[' | ']' | ',' | ';') {
            level2.push('\\');
        }
        level2.push(c);
    }
    level2
}

/// A private folder holding the ASS files and the font libass loads.
pub struct Overlay {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

impl Overlay {
    pub fn new() -> Result<Self, MediaError> {
        let dir = tempfile::Builder::new().prefix("studio-captions").tempdir().map_err(MediaError::Unreadable)?;
        // libass loads every file in fontsdir as a font: keep the ASS files out of it.
        let fonts = dir.path().join("fonts");
        std::fs::create_dir(&fonts).map_err(|source| MediaError::Write { path: fonts.clone(), source })?;
        let font = fonts.join("Inter-ExtraBold.otf");
        std::fs::write(&font, FONT).map_err(|source| MediaError::Write { path: font.clone(), source })?;
        Ok(Self { dir, files: Vec::new() })
    }

    pub fn add(&mut self, name: &str, ass: &str) -> Result<(), MediaError> {
        let path = self.dir.path().join(name);
        std::fs::write(&path, ass).map_err(|source| MediaError::Write { path: path.clone(), source })?;
        self.files.push(path);
        Ok(())
    }

    pub fn add_file(&mut self, name: &str, src: &Path) -> Result<(), MediaError> {
        let path = self.dir.path().join(name);
        std::fs::copy(src, &path).map_err(MediaError::Unreadable)?;
        self.files.push(path);
        Ok(())
    }

    /// ",ass=...,ass=..." for the video graph; empty when there is nothing to burn.
    pub fn filters(&self) -> String {
        let fonts = filter_escape(&self.dir.path().join("fonts").display().to_string());
        self.files
            .iter()
            .map(|f| format!(",ass=filename={}:fontsdir={fonts}", filter_escape(&f.display().to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_messy_srt() {
        let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> world\r\n\r\n\
                   00:00:03.000 --> 00:00:04.000 X1:10\nno index line\n\n\n3\n00:00:05,000 --> 00:00:06,000\n{\\an8}Top\n";
        let cues = parse_srt(srt).expect("parses");
        assert_eq!(cues.len(), 3);
        assert_eq!(cues[0], Cue { start: 1.0, end: 2.5, text: "Hello world".into() });
        assert_eq!(cues[1].text, "no index line");
        assert_eq!(cues[2].text, "Top");
        assert_eq!(plain("Three {secret} tricks <b>now</b> 2 < 3"), "Three {secret} tricks now 2 < 3");
    }

    #[test]
    fn refuses_what_is_not_srt() {
        for bad_srt in [
            "",
            "\n\n",
            "1\nhello\n",
            "1\n00:00:02,000 --> 00:00:01,000\nback\n",
            "1\n00:61:00,000 --> 00:62:00,000\nx\n",
        ] {
            assert!(matches!(parse_srt(bad_srt), Err(MediaError::BadCaptions { .. })), "{bad_srt:?}");
        }
        let long = format!("1\n00:00:01,000 --> 00:00:02,000\n{}\n", "x".repeat(600));
        assert!(matches!(parse_srt(&long), Err(MediaError::BadCaptions { .. })));
    }

    #[test]
    fn karaoke_durations_add_up_and_text_is_safe() {
        let c = Cue { start: 0.0, end: 2.0, text: "one {two} three\\".into() };
        let k = karaoke(&c);
        let total: u64 = k.split("{\\k").skip(1).filter_map(|p| p.split('}').next()?.parse::<u64>().ok()).sum();
        assert_eq!(total, 200);
        assert!(k.contains("(two)") && !k.contains("three\\"), "{k}");
    }

    #[test]
    fn escaping_survives_hostile_paths() {
        assert_eq!(filter_escape("/tmp/a"), "/tmp/a");
        assert_eq!(filter_escape("C:\\x"), "C\\\\:\\\\\\\\x");
        assert_eq!(filter_escape("a,b"), "a\\,b");
    }
}

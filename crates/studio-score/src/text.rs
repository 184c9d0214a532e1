//! Caption and title features computed from the text alone, fast enough to recompute on every
//! keystroke (one linear pass for counts, a handful of substring scans for calls to action).
//!
//! Platforms do not agree on what a "character" is, so every count a platform uses is kept:
//! Bluesky counts grapheme clusters, TikTok's API counts UTF-16 code units, YouTube's description
//! limit is in UTF-8 bytes, X weights code points (most non-Latin scripts and every emoji count
//! twice) and Threads counts an emoji by its UTF-8 bytes.
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

/// How a platform counts characters against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountUnit {
    /// User-perceived characters (extended grapheme clusters): one emoji, however built, is one.
    Graphemes,
    /// Unicode scalar values.
    Chars,
    /// UTF-16 code units: an emoji outside the BMP is two, a ZWJ family more.
    Utf16,
    /// UTF-8 bytes.
    Utf8Bytes,
    /// X's weighted length (twitter-text v3): Latin and common punctuation 1, other code points
    /// and each emoji 2, every URL 23. NFC normalisation is not applied, so decomposed accents
    /// may count one extra.
    XWeighted,
    /// Threads: characters, but an emoji counts its UTF-8 bytes.
    CharsEmojiUtf8,
}

/// Which hook signals the first line carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookSignals {
    pub question: bool,
    pub number: bool,
    /// Speaks to the viewer ("you", "your", ...).
    pub you: bool,
    /// Opens with a strong word or phrase ("how", "stop", "POV", "I tried", ...).
    pub opener: bool,
}

impl HookSignals {
    pub fn count(&self) -> usize {
        [self.question, self.number, self.you, self.opener].iter().filter(|b| **b).count()
    }
}

/// Everything the score reads from a caption or title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextFeatures {
    /// Nothing but whitespace.
    pub is_empty: bool,
    pub graphemes: usize,
    pub chars: usize,
    pub utf16_units: usize,
    pub utf8_bytes: usize,
    pub x_weighted: usize,
    pub chars_emoji_utf8: usize,
    pub lines: usize,
    /// Graphemes in the first non-blank line (what the feed shows before "more").
    pub first_line_graphemes: usize,
    pub hook: HookSignals,
    pub has_question: bool,
    pub has_number: bool,
    /// The first call-to-action phrase found ("comment", "link in bio", ...).
    pub call_to_action: Option<String>,
    pub hashtags: usize,
    pub mentions: usize,
    pub urls: usize,
    pub emoji: usize,
    /// Words counted for readability (alphabetic-script words, not hashtags, mentions or URLs).
    pub words: usize,
    pub sentences: usize,
    pub avg_words_per_sentence: Option<f64>,
    /// Share of words longer than six letters.
    pub long_word_share: Option<f64>,
    /// Björnsson's LIX readability index: words per sentence + 100 × long-word share. Under 30
    /// reads very easily, 40 is everyday prose, over 60 is dense. `None` without enough words
    /// in a space-separated script.
    pub lix: Option<f64>,
}

/// How much of the first line hook detection reads.
const HOOK_SCAN_CHARS: usize = 500;

const YOU_WORDS: &[&str] =
    &["you", "your", "you're", "youre", "you'll", "you've", "you'd", "yourself", "yours", "u", "ur"];

const OPENER_WORDS: &[&str] = &[
    "how",
    "why",
    "what",
    "stop",
    "don't",
    "dont",
    "never",
    "nobody",
    "everyone",
    "this",
    "these",
    "here's",
    "heres",
    "watch",
    "wait",
    "pov",
    "psa",
    "secret",
    "finally",
    "imagine",
    "if",
    "warning",
    "storytime",
    "new",
];

const OPENER_PHRASES: &[&str] = &[
    "i tried",
    "i tested",
    "i spent",
    "i made",
    "hot take",
    "unpopular opinion",
    "the secret",
    "the truth",
    "the biggest",
    "the best",
    "the worst",
    "the only",
    "most people",
];

/// Phrases that ask the viewer to do something. Matched on word boundaries, case-insensitively.
const CALLS_TO_ACTION: &[&str] = &[
    "link in bio",
    "follow",
    "comment",
    "comment below",
    "in the comments",
    "share",
    "save this",
    "save it",
    "save for later",
    "tag a friend",
    "tag someone",
    "tag your",
    "subscribe",
    "double tap",
    "let me know",
    "tell me",
    "drop a",
    "dm me",
    "send this",
    "send it to",
    "click the link",
    "sign up",
    "repost",
    "duet",
    "stitch",
    "turn on notifications",
    "part 2",
];

impl TextFeatures {
    /// Measures `text`. Linear in its length; safe on any input, including megabytes of text.
    pub fn from_text(text: &str) -> TextFeatures {
        let mut f = TextFeatures {
            is_empty: text.trim().is_empty(),
            chars: text.chars().count(),
            utf16_units: text.encode_utf16().count(),
            utf8_bytes: text.len(),
            ..TextFeatures::default()
        };
        let first_line = text.lines().find(|l| !l.trim().is_empty()).map(str::trim);
        // Byte range of the first line inside `text`, so one grapheme pass counts both.
        let first_range = first_line.map_or(0..0, |l| {
            let start = l.as_ptr() as usize - text.as_ptr() as usize;
            start..start + l.len()
        });
        for (at, g) in text.grapheme_indices(true) {
            f.graphemes += 1;
            if first_range.contains(&at) {
                f.first_line_graphemes += 1;
            }
            if is_emoji_cluster(g) {
                f.emoji += 1;
                f.x_weighted += 2;
                f.chars_emoji_utf8 += g.len();
            } else {
                f.x_weighted += g.chars().map(x_weight).sum::<usize>();
                f.chars_emoji_utf8 += g.chars().count();
            }
        }
        f.has_question = text.chars().any(is_question_mark);
        f.has_number = text.chars().any(char::is_numeric);
        f.lines = text.lines().count();

        let mut readable_words = 0usize;
        let mut long_words = 0usize;
        let mut sentence_open = false;
        for line in text.lines() {
            for token in line.split_whitespace() {
                if is_url(token) {
                    f.urls += 1;
                    // X counts every link as 23, whatever its length.
                    let w: usize = token.graphemes(true).map(|g| g.chars().map(x_weight).sum::<usize>()).sum();
                    f.x_weighted = f.x_weighted.saturating_sub(w) + 23;
                    continue;
                }
                let (tags, mentions) = count_tags(token);
                f.hashtags += tags;
                f.mentions += mentions;
                if token.starts_with(['#', '@', '＃']) {
                    continue;
                }
                let letters = token.chars().filter(|c| c.is_alphabetic()).count();
                let has_word = token.chars().any(char::is_alphanumeric);
                if has_word && !token.chars().any(is_unspaced_script) {
                    readable_words += 1;
                    if letters > 6 {
                        long_words += 1;
                    }
                    sentence_open = true;
                }
                if sentence_open && ends_sentence(token) {
                    f.sentences += 1;
                    sentence_open = false;
                }
            }
            // Captions break lines instead of writing full stops.
            if sentence_open {
                f.sentences += 1;
                sentence_open = false;
            }
        }
        f.words = readable_words;
        if readable_words > 0 && f.sentences > 0 {
            let wps = readable_words as f64 / f.sentences as f64;
            let long = long_words as f64 / readable_words as f64;
            f.avg_words_per_sentence = Some(wps);
            f.long_word_share = Some(long);
            // Too few words make LIX noise; "Wow." is not hard or easy to read.
            if readable_words >= 3 {
                f.lix = Some(wps + 100.0 * long);
            }
        }

        if let Some(first) = first_line {
            // Only the start of the line can hook: the feed shows 80-300 characters of it.
            let head = first.char_indices().nth(HOOK_SCAN_CHARS).map_or(first, |(i, _)| &first[..i]);
            f.hook = hook_signals(head);
        }
        f.call_to_action = find_call_to_action(text);
        f
    }

    /// The length as `unit` counts it.
    pub fn length(&self, unit: CountUnit) -> usize {
        match unit {
            CountUnit::Graphemes => self.graphemes,
            CountUnit::Chars => self.chars,
            CountUnit::Utf16 => self.utf16_units,
            CountUnit::Utf8Bytes => self.utf8_bytes,
            CountUnit::XWeighted => self.x_weighted,
            CountUnit::CharsEmojiUtf8 => self.chars_emoji_utf8,
        }
    }
}

fn is_question_mark(c: char) -> bool {
    matches!(c, '?' | '¿' | '？' | '؟')
}

fn ends_sentence(token: &str) -> bool {
    let trimmed = token.trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']);
    trimmed.ends_with(|c: char| matches!(c, '.' | '!' | '…' | '。' | '！') || is_question_mark(c))
}

fn is_url(token: &str) -> bool {
    let t = token.trim_start_matches(['(', '<', '"']);
    let starts = |p: &str| t.as_bytes().get(..p.len()).is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()));
    starts("http://") || starts("https://") || starts("www.")
}

/// Scripts written without spaces between words; LIX's word-length rule means nothing there.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0EFF | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Hashtags and mentions inside one whitespace-free token. A marker counts only at a word start
/// (so "C#" and e-mail addresses do not) and only when followed by a word that is not all
/// digits ("#1" is a rank, not a tag, on every platform we know).
fn count_tags(token: &str) -> (usize, usize) {
    if !token.contains(['#', '＃', '@']) {
        return (0, 0);
    }
    let chars: Vec<char> = token.chars().collect();
    let (mut tags, mut mentions) = (0, 0);
    let mut i = 0;
    // "#one#two" is two tags: a marker right after a tag starts the next one.
    let mut tag_end = None;
    while i < chars.len() {
        let c = chars[i];
        let at_start = i == 0
            || tag_end == Some(i)
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '&');
        if (c == '#' || c == '＃' || c == '@') && at_start {
            let mut j = i + 1;
            let mut any_letter = false;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || is_mark(chars[j])) {
                any_letter |= !chars[j].is_numeric();
                j += 1;
            }
            if j > i + 1 && any_letter {
                tag_end = Some(j);
                if c == '@' {
                    mentions += 1;
                } else {
                    tags += 1;
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    (tags, mentions)
}

/// Combining marks that belong inside a tag (Devanagari vowel signs, Arabic harakat, ...).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0900..=0x0DFF | 0x200C | 0x200D)
        && !c.is_whitespace()
}

/// A grapheme cluster is an emoji when it starts with a pictographic code point, or when a
/// text-style symbol is turned into one by VS16 or a keycap (❤️, 1️⃣, ©️).
fn is_emoji_cluster(g: &str) -> bool {
    let Some(first) = g.chars().next() else { return false };
    is_pictographic(first) || g.contains('\u{FE0F}') || g.contains('\u{20E3}')
}

fn is_pictographic(c: char) -> bool {
    matches!(
        c as u32,
        0x1F000..=0x1FAFF
            | 0x2600..=0x27BF
            | 0x231A..=0x231B
            | 0x23E9..=0x23F3
            | 0x23F8..=0x23FA
            | 0x2B1B..=0x2B1C
            | 0x2B50
            | 0x2B55
    )
}

/// twitter-text v3 ranges that weigh 1; everything else weighs 2.
fn x_weight(c: char) -> usize {
    match c as u32 {
        0..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
        _ => 2,
    }
}

fn clean_word(token: &str) -> String {
    token.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').replace('’', "'").to_lowercase()
}

fn hook_signals(line: &str) -> HookSignals {
    let words: Vec<String> = line.split_whitespace().map(clean_word).filter(|w| !w.is_empty()).collect();
    let first_two = words.iter().take(2).cloned().collect::<Vec<_>>().join(" ");
    HookSignals {
        question: line.chars().any(is_question_mark),
        number: line.chars().any(char::is_numeric),
        you: words.iter().any(|w| YOU_WORDS.contains(&w.as_str())),
        opener: words.first().is_some_and(|w| OPENER_WORDS.contains(&w.as_str()))
            || OPENER_PHRASES.contains(&first_two.as_str()),
    }
}

fn find_call_to_action(text: &str) -> Option<String> {
    // The phrases are ASCII, so ASCII case folding finds them and keeps byte offsets intact.
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let boundary = |i: usize| -> bool {
        // Byte-level check is enough: every phrase starts and ends with an ASCII letter or digit.
        bytes.get(i).is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    };
    let mut best: Option<(usize, &str)> = None;
    for phrase in CALLS_TO_ACTION {
        let hit = lower.match_indices(phrase).find(|(i, _)| (*i == 0 || boundary(i - 1)) && boundary(i + phrase.len()));
        if let Some((i, _)) = hit {
            if best.is_none_or(|(b, _)| i < b) {
                best = Some((i, phrase));
            }
        }
    }
    best.map(|(_, p)| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_differ_by_unit() {
        let f = TextFeatures::from_text("Hi 👋🏽 👨‍👩‍👧");
        assert_eq!(f.graphemes, 6);
        assert_eq!(f.emoji, 2);
        assert_eq!(f.chars, 3 + 2 + 1 + 5);
        assert_eq!(f.utf16_units, 3 + 4 + 1 + 8);
        // "Hi " = 3, each emoji 2, the space between them 1.
        assert_eq!(f.x_weighted, 3 + 2 + 1 + 2);
        assert_eq!(f.length(CountUnit::Utf8Bytes), "Hi 👋🏽 👨‍👩‍👧".len());
    }

    #[test]
    fn x_counts_cjk_double_and_links_as_23() {
        assert_eq!(TextFeatures::from_text("日本語").x_weighted, 6);
        let f = TextFeatures::from_text("see https://example.com/a/very/long/path/that/goes/on/and/on");
        assert_eq!(f.urls, 1);
        assert_eq!(f.x_weighted, 4 + 23);
    }

    #[test]
    fn tags_and_mentions_only_at_word_starts() {
        let f = TextFeatures::from_text("Learn C# fast #coding #1 #top10 mail me@x.com @studio https://x.com/#frag");
        assert_eq!(f.hashtags, 2);
        assert_eq!(f.mentions, 1);
        assert_eq!(TextFeatures::from_text("#a#b #ü #日本").hashtags, 3 + 1);
    }

    #[test]
    fn hook_signals_come_from_the_first_line() {
        let f = TextFeatures::from_text("\n  How I cut 3 hours from your edit?\nrest of the caption");
        assert_eq!(f.hook, HookSignals { question: true, number: true, you: true, opener: true });
        assert_eq!(f.first_line_graphemes, 33);
        let flat = TextFeatures::from_text("a sunset at the lake");
        assert_eq!(flat.hook.count(), 0);
        assert!(TextFeatures::from_text("I tried editing on a phone").hook.opener);
    }

    #[test]
    fn calls_to_action_on_word_boundaries() {
        assert_eq!(TextFeatures::from_text("Comment your city 👇").call_to_action.as_deref(), Some("comment"));
        assert_eq!(TextFeatures::from_text("Grab it, LINK IN BIO").call_to_action.as_deref(), Some("link in bio"));
        assert_eq!(TextFeatures::from_text("my followers and shared comments").call_to_action, None);
    }

    #[test]
    fn readability_uses_lix() {
        let easy = TextFeatures::from_text("I made a cake. It was good. You can too.");
        assert_eq!(easy.sentences, 3);
        assert!(easy.lix.is_some_and(|l| l < 20.0), "{:?}", easy.lix);
        let dense = TextFeatures::from_text(
            "Comprehensive methodological considerations notwithstanding, organisational \
             transformation initiatives necessitate extraordinarily sophisticated implementation",
        );
        assert!(dense.lix.is_some_and(|l| l > 60.0), "{:?}", dense.lix);
        assert_eq!(TextFeatures::from_text("今日はいい天気ですね。").lix, None);
    }

    #[test]
    fn empty_and_blank_captions() {
        for s in ["", "   \n\t "] {
            let f = TextFeatures::from_text(s);
            assert!(f.is_empty);
            assert_eq!(f.hook.count(), 0);
            assert_eq!(f.lix, None);
        }
    }

    #[test]
    fn keycaps_and_flags_are_emoji() {
        let f = TextFeatures::from_text("1️⃣ 🇩🇪 ❤️ ok");
        assert_eq!(f.emoji, 3);
        assert_eq!(f.graphemes, 8);
    }
}

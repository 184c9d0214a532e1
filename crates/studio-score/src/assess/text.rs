//! Factors read from the caption and the title.
use super::assessed::Assessed;
use crate::factor::FactorId;
use crate::platform::PlatformProfile;
use crate::text::{CountUnit, TextFeatures};
use crate::wording::{range, thousands, trim};

/// `None` caption means "not given yet" (unknown); `Some` empty caption is a known, empty one.
pub(super) fn caption(id: FactorId, p: &PlatformProfile, caption: Option<&TextFeatures>) -> Assessed {
    let Some(c) = caption else { return Assessed::unknown() };
    match id {
        FactorId::CaptionLength => Assessed { unit: Some(unit_name(p.text.caption_unit)), ..length(p, c) },
        FactorId::CaptionHook => hook(p, c),
        FactorId::CallToAction => match &c.call_to_action {
            Some(_) => Assessed::scored(1.0, 1.0, String::new),
            None => Assessed::scored(0.0, p.targets.absent.call_to_action, || {
                "no call to action — ask for a comment, a share or a follow".into()
            }),
        },
        FactorId::Hashtags => hashtags(p, c),
        FactorId::Readability => match c.lix {
            Some(lix) => Assessed::scored(lix, p.targets.lix.at(lix), || {
                format!(
                    "dense text (LIX {lix:.0}) — shorter sentences and words (aim under {})",
                    trim(p.targets.lix.good)
                )
            }),
            None => Assessed::unknown(),
        },
        FactorId::Emoji => {
            let band = p.targets.emoji;
            let n = c.emoji as f64;
            Assessed::scored(n, band.at(n), || {
                format!("{} emoji — {} work best", c.emoji, range(band.low.max(1.0), band.high, false))
            })
        }
        _ => Assessed::unknown(),
    }
}

/// The unit a caption length is reported in.
fn unit_name(unit: CountUnit) -> &'static str {
    match unit {
        CountUnit::Utf8Bytes => "bytes",
        CountUnit::XWeighted => "weighted characters",
        CountUnit::Utf16 => "characters (UTF-16)",
        CountUnit::CharsEmojiUtf8 => "characters (emoji as bytes)",
        CountUnit::Graphemes | CountUnit::Chars => "characters",
    }
}

fn unit_word(unit: CountUnit) -> &'static str {
    match unit {
        CountUnit::Utf8Bytes => "bytes",
        _ => "characters",
    }
}

fn length(p: &PlatformProfile, c: &TextFeatures) -> Assessed {
    let t = &p.targets;
    if c.is_empty {
        return Assessed::scored(0.0, t.absent.caption, || {
            "no caption — add one line that says what the viewer gets".into()
        });
    }
    let unit = p.text.caption_unit;
    let n = c.length(unit);
    let word = unit_word(unit);
    if let Some(max) = p.text.caption_max {
        if n > max as usize {
            return Assessed::blocked(
                Some(n as f64),
                format!("caption {} {word}, {} allows {}", thousands(n), p.label, thousands(max as usize)),
            );
        }
    }
    let band = t.caption_length;
    let v = n as f64;
    Assessed::scored(v, band.at(v), || {
        let aim = format!("{} {word} work best", range(band.low, band.high, false));
        if v < band.low {
            format!("caption {} {word} — say a little more: {aim}", thousands(n))
        } else {
            format!("caption {} {word} — {aim}; the feed shows about the first {}", thousands(n), p.text.first_line_max)
        }
    })
}

fn hook(p: &PlatformProfile, c: &TextFeatures) -> Assessed {
    if c.is_empty {
        return Assessed::scored(0.0, 0.0, || "no first line — open with a question, a number or \"you\"".into());
    }
    let max = p.text.first_line_max as usize;
    let short = c.first_line_graphemes <= max;
    let signals = c.hook.count();
    // A line exists (0.2), fits before "more" (0.2), and each of up to three signals adds 0.2.
    let sub = 0.2 + if short { 0.2 } else { 0.0 } + 0.2 * signals.min(3) as f64;
    Assessed::scored(signals as f64, sub, || {
        if !short {
            format!(
                "first line is {} characters — the feed shows about {max} before \"more\": put the hook there",
                thousands(c.first_line_graphemes)
            )
        } else {
            let plural = if signals == 1 { "" } else { "s" };
            format!("first line has {signals} hook signal{plural} — add a question, a number or \"you\"")
        }
    })
}

fn hashtags(p: &PlatformProfile, c: &TextFeatures) -> Assessed {
    let n = c.hashtags;
    if let Some(max) = p.text.hashtags_max {
        if n > max as usize {
            return Assessed::blocked(Some(n as f64), format!("{n} hashtags; {} allows {max}", p.label));
        }
    }
    let band = p.targets.hashtags;
    let v = n as f64;
    Assessed::scored(v, band.at(v), || {
        let plural = if n == 1 { "" } else { "s" };
        format!("{n} hashtag{plural}; {} work best", range(band.low.max(1.0), band.high.max(1.0), false))
    })
}

pub(super) fn title(p: &PlatformProfile, title: Option<&TextFeatures>) -> Assessed {
    let t = &p.targets;
    let band = t.title_length;
    let aim = range(band.low, band.high, false);
    // `None` is "not written yet" (unknown), like a caption; an empty title is a known problem.
    let Some(title) = title else { return Assessed::unknown() };
    if title.is_empty {
        if p.text.title_required {
            return Assessed::blocked(None, format!("no title — {} requires one; {aim} characters", p.label));
        }
        return Assessed::scored(0.0, t.absent.title, || format!("no title — {aim} characters work best"));
    }
    let n = title.length(p.text.title_unit);
    if let Some(max) = p.text.title_max {
        if n > max as usize {
            return Assessed::blocked(
                Some(n as f64),
                format!("title {} characters, {} allows {}", thousands(n), p.label, thousands(max as usize)),
            );
        }
    }
    let v = n as f64;
    Assessed::scored(v, band.at(v), || format!("title {} characters — {aim} work best", thousands(n)))
}

//! Live checks for the composer: each platform's rules (as data) with a preview of how the
//! caption is counted and where it would be cut, and the campaign's compliance checks (sponsored
//! disclosure, banned terms, link count) that block scheduling unless overridden.
use serde::{Deserialize, Serialize};
use studio_core::{accounts, campaigns, settings};
use studio_publish::rules::{rules, MediaFacts, Rules};
use studio_publish::PlatformId;

use crate::accounts::parse_platform;
use crate::posts::{effective_caption, effective_title, PostInput, TargetOverrides};
use crate::{ApiResult, Context};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CaptionPreview {
    /// The caption this account posts (its override or the base, with its hashtags).
    pub text: String,
    pub count: u32,
    pub limit: u32,
    pub unit: String,
    /// When over the limit: how many leading characters fit.
    pub fits_chars: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Problem {
    /// caption, title, media, account, first_comment or thread_parts.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct MediaPreview {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    /// "9:16", "16:9", "1:1", or "W:H" reduced.
    pub aspect: Option<String>,
    pub required_aspect: Option<String>,
    pub aspect_ok: bool,
    /// The preset scheduling renders for this platform (the video's shape does not fit it).
    pub render_preset: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TargetCheck {
    pub account_id: String,
    pub platform: PlatformId,
    pub platform_name: String,
    pub handle: String,
    pub caption: CaptionPreview,
    pub title: Option<String>,
    pub media: Option<MediaPreview>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceCode {
    DisclosureMissing,
    BannedTerm,
    TooManyLinks,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ComplianceIssue {
    pub code: ComplianceCode,
    pub message: String,
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ValidationView {
    pub targets: Vec<TargetCheck>,
    pub compliance: Vec<ComplianceIssue>,
    /// No platform would refuse it.
    pub valid: bool,
    /// Valid and compliant: scheduling needs no override.
    pub can_schedule: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ComplianceSettings {
    /// Words or phrases that must not appear (case-insensitive).
    pub banned_terms: Vec<String>,
    /// Most links one caption may carry (platform limits apply on top).
    pub max_links: u32,
}

impl Default for ComplianceSettings {
    fn default() -> Self {
        Self { banned_terms: Vec::new(), max_links: 2 }
    }
}

const COMPLIANCE_KEY: &str = "compliance";

pub fn compliance_get(ctx: &Context) -> ApiResult<ComplianceSettings> {
    Ok(settings::get(&ctx.db(), COMPLIANCE_KEY)?.unwrap_or_default())
}

pub fn compliance_set(ctx: &Context, mut s: ComplianceSettings) -> ApiResult<ComplianceSettings> {
    s.banned_terms = s.banned_terms.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    s.banned_terms.sort_by_key(|t| t.to_lowercase());
    s.banned_terms.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    settings::set(&mut ctx.db(), COMPLIANCE_KEY, &s)?;
    Ok(s)
}

/// The preset that makes a platform's preferred shape, where one is worth rendering ahead.
pub fn variant_preset(platform: PlatformId) -> Option<&'static str> {
    match platform {
        PlatformId::Tiktok => Some("tiktok"),
        PlatformId::Instagram | PlatformId::Facebook => Some("reels"),
        _ => None,
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn aspect_label(w: u32, h: u32) -> String {
    const KNOWN: [(&str, f64); 6] =
        [("9:16", 0.5625), ("16:9", 1.7778), ("1:1", 1.0), ("4:5", 0.8), ("4:3", 1.3333), ("3:4", 0.75)];
    let r = f64::from(w) / f64::from(h.max(1));
    if let Some((label, _)) = KNOWN.iter().find(|(_, k)| (r - k).abs() / k < 0.02) {
        return (*label).to_string();
    }
    let g = gcd(w, h).max(1);
    format!("{}:{}", w / g, h / g)
}

fn ratio(label: &str) -> Option<f64> {
    let (a, b) = label.split_once(':')?;
    Some(a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?)
}

fn caption_preview(r: &Rules, text: &str) -> CaptionPreview {
    let count = r.caption_length(text);
    let limit = r.caption.max as usize;
    let fits_chars = (count > limit).then(|| {
        // The longest prefix (in chars) the platform still accepts: binary search, since every
        // unit (graphemes, UTF-16, X weights, fixed-length URLs) grows with the prefix.
        let idx: Vec<usize> = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
        let (mut lo, mut hi) = (0usize, idx.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if r.caption_length(&text[..idx[mid]]) <= limit {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        u32::try_from(lo).unwrap_or(u32::MAX)
    });
    CaptionPreview {
        text: text.to_string(),
        count: u32::try_from(count).unwrap_or(u32::MAX),
        limit: r.caption.max,
        unit: r.unit_label().to_string(),
        fits_chars,
    }
}

/// What the library knows of a media id, without reading the file.
fn media_facts(ctx: &Context, media: &str) -> Option<(MediaFacts, bool)> {
    if let Ok(a) = crate::assets::get(ctx, media) {
        let is_video = matches!(a.kind, crate::assets::AssetKind::Video);
        let facts = MediaFacts {
            is_video,
            size_bytes: a.size_bytes as u64,
            duration_s: a.duration_s,
            width: a.width,
            height: a.height,
            fps: a.fps,
            codec: a.video_codec.clone(),
        };
        return Some((facts, true));
    }
    let r = crate::renders::get(ctx, media).ok()?;
    let facts = MediaFacts {
        is_video: true,
        size_bytes: r.size_bytes.unwrap_or(0.0) as u64,
        duration_s: r.duration_s,
        width: r.width,
        height: r.height,
        fps: None,
        codec: Some("h264".into()),
    };
    Some((facts, false))
}

/// Wider than the platforms' own link count (rules.rs): the creator's link limit also counts
/// `www.` links and links wrapped in punctuation.
fn is_link(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != ':' && c != '.');
    w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.")
}

fn has_disclosure(caption: &str, o: &TargetOverrides) -> bool {
    let flag = o.options.get("branded_content").is_some_and(|v| v == "true" || v == "1");
    flag || caption.split(|c: char| c.is_whitespace() || c == ',' || c == '.').any(|w| {
        let w = w.to_lowercase();
        w == "#ad" || w == "#sponsored" || w == "#anzeige" || w == "#publicidad" || w == "#paidpartnership"
    })
}

pub fn validate(ctx: &Context, input: &PostInput) -> ApiResult<ValidationView> {
    let sponsored = campaigns::get(&ctx.db(), &input.campaign_id).map(|c| c.sponsored).unwrap_or(false);
    let compliance_rules = compliance_get(ctx)?;
    let mut targets = Vec::new();
    let mut compliance = Vec::new();
    for t in &input.targets {
        let account = accounts::get(&ctx.db(), &t.account_id)?;
        let platform = parse_platform(&account.platform)?;
        let r = rules(platform);
        let caption = effective_caption(&input.caption, &t.overrides);
        let title = effective_title(input.title.as_deref(), &t.overrides);
        let mut problems: Vec<Problem> = r
            .check_text(&caption, title.as_deref())
            .into_iter()
            .map(|m| Problem {
                field: if m.starts_with("title") || m.contains("needs a title") { "title" } else { "caption" }.into(),
                message: m,
            })
            .collect();
        if account.status == "needs_reconnect" {
            problems.push(Problem {
                field: "account".into(),
                message: format!("{} needs reconnecting before it can post", r.name),
            });
        }
        problems.extend(follow_up_problems(platform, r, &t.overrides));
        let media_ref = t.media.as_deref().or(input.media.as_deref());
        let media = match media_ref {
            None => {
                problems
                    .push(Problem { field: "media".into(), message: format!("{} needs a video or an image", r.name) });
                None
            }
            Some(m) => match media_facts(ctx, m) {
                None => {
                    problems.push(Problem {
                        field: "media".into(),
                        message: format!("\"{m}\" is not in the library any more"),
                    });
                    None
                }
                Some((facts, is_asset)) => {
                    let aspect = facts.width.zip(facts.height).map(|(w, h)| aspect_label(w, h));
                    let required = r.video.aspect.clone();
                    let real = facts.width.zip(facts.height).map(|(w, h)| f64::from(w) / f64::from(h.max(1)));
                    let aspect_ok = match (required.as_deref().and_then(ratio), real) {
                        (Some(want), Some(have)) => (have - want).abs() / want <= 0.02,
                        _ => true,
                    };
                    // An asset whose shape is not the platform's preferred vertical one gets
                    // that variant rendered when the post is scheduled.
                    let render_preset = variant_preset(platform)
                        .filter(|_| is_asset && facts.is_video)
                        .filter(|_| real.is_some_and(|have| (have - 0.5625).abs() / 0.5625 > 0.02));
                    let mut media_problems = r.check_media(&facts);
                    if render_preset.is_some() {
                        // The render fixes shape problems; only the rest count.
                        media_problems.retain(|m| !m.contains(" takes "));
                    }
                    problems.extend(media_problems.into_iter().map(|m| Problem { field: "media".into(), message: m }));
                    Some(MediaPreview {
                        width: facts.width,
                        height: facts.height,
                        duration_s: facts.duration_s,
                        aspect,
                        required_aspect: required,
                        aspect_ok: aspect_ok || render_preset.is_some(),
                        render_preset: render_preset.map(str::to_string),
                    })
                }
            },
        };
        if sponsored && !has_disclosure(&caption, &t.overrides) {
            compliance.push(ComplianceIssue {
                code: ComplianceCode::DisclosureMissing,
                message: format!(
                    "this campaign is sponsored: the {} caption needs #ad or #sponsored, or the branded-content option",
                    r.name
                ),
                account_id: Some(account.id.clone()),
            });
        }
        let lower = caption.to_lowercase();
        for term in &compliance_rules.banned_terms {
            if lower.contains(&term.to_lowercase()) {
                compliance.push(ComplianceIssue {
                    code: ComplianceCode::BannedTerm,
                    message: format!("the {} caption contains the banned term \"{term}\"", r.name),
                    account_id: Some(account.id.clone()),
                });
            }
        }
        let links = caption.split_whitespace().filter(|w| is_link(w)).count();
        if links > compliance_rules.max_links as usize {
            compliance.push(ComplianceIssue {
                code: ComplianceCode::TooManyLinks,
                message: format!(
                    "the {} caption has {links} links; your limit is {}",
                    r.name, compliance_rules.max_links
                ),
                account_id: Some(account.id.clone()),
            });
        }
        targets.push(TargetCheck {
            account_id: account.id,
            platform,
            platform_name: r.name.clone(),
            handle: account.handle.unwrap_or_default(),
            caption: caption_preview(r, &caption),
            title,
            media,
            problems,
        });
    }
    let valid = !targets.is_empty() && targets.iter().all(|t| t.problems.is_empty());
    Ok(ValidationView { can_schedule: valid && compliance.is_empty(), valid, targets, compliance })
}

/// Thread parts and the first comment: posted as replies where the platform's API takes them,
/// each counted against the platform's own limit.
fn follow_up_problems(
    platform: studio_publish::PlatformId,
    r: &studio_publish::rules::Rules,
    o: &crate::posts::TargetOverrides,
) -> Vec<Problem> {
    let comment = o.first_comment.as_deref().filter(|c| !c.trim().is_empty());
    let parts: Vec<&String> = o.thread_parts.iter().filter(|p| !p.trim().is_empty()).collect();
    if comment.is_none() && parts.is_empty() {
        return Vec::new();
    }
    let replies = studio_publish::connectors::connector(platform).is_some_and(|c| c.supports_replies());
    let mut problems = Vec::new();
    if !replies {
        if comment.is_some() {
            problems.push(Problem {
                field: "first_comment".into(),
                message: format!(
                    "{} does not take first comments through its API; remove it or add it by hand after publishing",
                    r.name
                ),
            });
        }
        if !parts.is_empty() {
            problems.push(Problem {
                field: "thread_parts".into(),
                message: format!(
                    "{} has no threads through its API; post the first part now and the rest by hand",
                    r.name
                ),
            });
        }
        return problems;
    }
    for (i, part) in parts.iter().enumerate() {
        for m in r.check_text(part, None) {
            problems.push(Problem { field: "thread_parts".into(), message: reworded(&format!("part {}", i + 2), &m) });
        }
    }
    if let Some(c) = comment {
        for m in r.check_text(c, None) {
            problems.push(Problem { field: "first_comment".into(), message: reworded("the first comment", &m) });
        }
    }
    problems
}

/// "caption is 620 characters, …" said of a thread part or the first comment.
fn reworded(what: &str, m: &str) -> String {
    match m.strip_prefix("caption is ") {
        Some(rest) => format!("{what} is {rest}"),
        None => format!("{what}: {m}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_point_is_the_longest_prefix_that_fits() {
        let r = rules(PlatformId::Bluesky); // 300 graphemes
        let text = format!("{}{}", "a".repeat(298), "👍🏽👍🏽👍🏽");
        let p = caption_preview(r, &text);
        assert_eq!(p.count, 301);
        // 298 letters + two skin-toned emoji (2 chars each) make 300; the third does not fit.
        assert_eq!(p.fits_chars, Some(302));
        assert_eq!(caption_preview(r, "short").fits_chars, None);
    }

    #[test]
    fn aspect_labels_and_disclosure() {
        assert_eq!(aspect_label(1080, 1920), "9:16");
        assert_eq!(aspect_label(1920, 1080), "16:9");
        assert_eq!(aspect_label(1000, 300), "10:3");
        let none = TargetOverrides::default();
        assert!(has_disclosure("Great tools #AD", &none));
        assert!(has_disclosure("thanks to @brand. #sponsored.", &none));
        assert!(!has_disclosure("#adventure time", &none));
        let mut flagged = TargetOverrides::default();
        flagged.options.insert("branded_content".into(), "true".into());
        assert!(has_disclosure("no tag", &flagged));
    }
}

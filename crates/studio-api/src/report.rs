//! A campaign report to send a sponsor: one self-contained HTML file (inline CSS, print styles,
//! thumbnails embedded as data: URIs, so it opens and prints anywhere offline), or the same
//! numbers as CSV.
//!
//! Every piece of text that came from a person or a platform (names, captions, handles) goes
//! through [`escape`]: a caption like `<script>` shows as text, it never becomes markup.
use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use studio_core::clock::{now_ms, rfc3339};
use studio_publish::rules::rules;
use studio_publish::PlatformId;

use crate::analytics::{self, Analytics, AnalyticsFilter, RankedPost};
use crate::campaigns::{self, Campaign};
use crate::export::{defuse, write_csv, ExportReport};
use crate::{ApiError, ApiResult, Context, ErrorCode};

/// Thumbnails bigger than this are left out (a report should stay small enough to e-mail).
const MAX_THUMB_BYTES: u64 = 512 * 1024;
const BEST_POSTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReportFile {
    pub path: String,
    pub bytes: u32,
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// "TikTok" for "tiktok"; an id this build does not know stays as it is.
fn platform_name(id: &str) -> String {
    PlatformId::parse(id).map_or_else(|| id.to_string(), |p| rules(p).name.clone())
}

/// An RFC 3339 instant as the campaign's wall clock ("2026-03-10 18:00"), which is how a sponsor
/// reads a posting time; unreadable input is shown as it is.
fn local_time(at: &str, zone: &TimeZone) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn pct(rate: f64) -> String {
    format!("{:.2} %", rate * 100.0)
}

fn roi_text(roi: Option<f64>) -> String {
    roi.map_or_else(|| "–".to_string(), |r| format!("{:+.1} %", r * 100.0))
}

/// Whole numbers with thin grouping ("1 234 567"), readable in every locale.
fn count(n: f64) -> String {
    let s = format!("{:.0}", n);
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

/// The poster thumbnail of a post's asset as a data: URI, if it is on disk.
fn thumbnail(ctx: &Context, asset_id: Option<&str>) -> Option<String> {
    let asset = studio_core::assets::get(&ctx.db(), asset_id?).ok()?;
    let path = ctx.paths().cache.join("thumbs").join(&asset.content_hash).join("poster.jpg");
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_THUMB_BYTES {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    Some(format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn data(ctx: &Context, campaign_id: &str) -> ApiResult<(Campaign, Analytics)> {
    let campaign = campaigns::get(ctx, campaign_id)?;
    let a =
        analytics::overview(ctx, &AnalyticsFilter { campaign_id: Some(campaign.id.clone()), ..Default::default() })?;
    Ok((campaign, a))
}

const STYLE: &str = "
:root { --ink:#1b1f24; --muted:#5b6470; --line:#e3e6ea; --accent:#d6336c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 960px; padding: 32px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 20px; font-weight: 600; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.thumb { width: 54px; height: 96px; object-fit: cover; border-radius: 4px; background: var(--line); }
.caption { max-width: 420px; overflow-wrap: anywhere; }
@page { size: A4; margin: 14mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .card, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
";

fn card(out: &mut String, k: &str, v: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
        escape(k),
        escape(v)
    );
}

fn post_row(ctx: &Context, out: &mut String, p: &RankedPost, zone: &TimeZone) {
    let img = thumbnail(ctx, p.asset_id.as_deref()).map_or_else(
        || "<div class=\"thumb\"></div>".to_string(),
        |uri| format!("<img class=\"thumb\" alt=\"\" src=\"{uri}\">"),
    );
    let text: String = p.title.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| p.caption.clone());
    let short: String = text.chars().take(160).collect();
    let _ = write!(
        out,
        "<tr><td>{img}</td><td class=\"caption\">{}<div class=\"muted\">{} · {}</div></td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        escape(&short),
        escape(&p.platforms.iter().map(|id| platform_name(id.as_str())).collect::<Vec<_>>().join(", ")),
        escape(&local_time(&p.published_at, zone)),
        count(p.metrics.views),
        count(p.metrics.engagements),
        pct(p.metrics.engagement_rate)
    );
}

/// The report as an HTML document.
pub fn render_html(ctx: &Context, campaign_id: &str) -> ApiResult<String> {
    let (c, a) = data(ctx, campaign_id)?;
    // The campaign's zone was checked when it was saved; UTC only if the system lost it since.
    let zone = TimeZone::get(&c.timezone).unwrap_or(TimeZone::UTC);
    let mut h = String::with_capacity(64 * 1024);
    let dates = match (&c.starts_on, &c.ends_on) {
        (None, None) => String::new(),
        (s, e) => format!("{} – {} · ", s.as_deref().unwrap_or("…"), e.as_deref().unwrap_or("…")),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{name} — campaign report</title><style>{STYLE}</style></head><body>\
         <h1>{name}</h1><div class=\"muted\">{dates}{zone} · generated {at}</div>",
        name = escape(&c.name),
        dates = escape(&dates),
        zone = escape(&c.timezone),
        at = escape(&local_time(&rfc3339(now_ms()), &zone)),
    );
    if let Some(goal) = &c.goal {
        let _ = write!(h, "<p>{}</p>", escape(goal));
    }

    h.push_str("<h2>Reach and engagement</h2><div class=\"cards\">");
    let t = &a.totals;
    card(&mut h, "Posts", &count(f64::from(t.posts)));
    card(&mut h, "Published", &count(f64::from(t.published_targets)));
    card(&mut h, "Views", &count(t.views));
    card(&mut h, "Engagement rate", &pct(t.engagement_rate));
    card(&mut h, "Likes", &count(t.likes));
    card(&mut h, "Comments", &count(t.comments));
    card(&mut h, "Shares", &count(t.shares));
    card(&mut h, "Saves", &count(t.saves));
    h.push_str("</div>");

    h.push_str("<h2>Spend, revenue and ROI</h2>");
    if let (Some(b), Some(cur)) = (&c.budget, &c.currency) {
        let _ = write!(h, "<p class=\"muted\">Budget: {} {}</p>", escape(b), escape(cur));
    }
    if a.revenue.currencies.is_empty() {
        h.push_str("<p class=\"muted\">No revenue or costs recorded.</p>");
    } else {
        h.push_str("<table><thead><tr><th>Currency</th><th class=\"n\">Spend</th><th class=\"n\">Revenue</th><th class=\"n\">Net</th><th class=\"n\">ROI</th></tr></thead><tbody>");
        for m in &a.revenue.currencies {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&m.currency),
                escape(&m.cost),
                escape(&m.revenue),
                escape(&m.net),
                roi_text(m.roi)
            );
        }
        if let Some(cv) = &a.revenue.converted {
            let _ = write!(
                h,
                "<tr><td><b>All in {}</b></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&cv.base),
                escape(&cv.cost),
                escape(&cv.revenue),
                escape(&cv.net),
                roi_text(cv.roi)
            );
        }
        h.push_str("</tbody></table>");
    }

    if !a.by_platform.is_empty() {
        h.push_str("<h2>By platform</h2><table><thead><tr><th>Platform</th><th class=\"n\">Posts</th><th class=\"n\">Views</th><th class=\"n\">Engagements</th><th class=\"n\">Rate</th></tr></thead><tbody>");
        for b in &a.by_platform {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&platform_name(&b.key)),
                count(f64::from(b.metrics.published_targets)),
                count(b.metrics.views),
                count(b.metrics.engagements),
                pct(b.metrics.engagement_rate)
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str("<h2>Best posts</h2>");
    if a.top_by_engagement.is_empty() {
        h.push_str("<p class=\"muted\">No published posts with views yet.</p>");
    } else {
        h.push_str("<table><thead><tr><th></th><th>Post</th><th class=\"n\">Views</th><th class=\"n\">Engagements</th><th class=\"n\">Rate</th></tr></thead><tbody>");
        for p in a.top_by_engagement.iter().take(BEST_POSTS) {
            post_row(ctx, &mut h, p, &zone);
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("<p class=\"muted\">Engagement = likes + comments + shares + saves; rate = engagements / views, from each post's latest metrics. ROI = (revenue − spend) / spend.</p></body></html>\n");
    Ok(h)
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("Cannot write {}: {e}", path.display()))
}

/// Writes the HTML report (temp file + rename: never half a report under the name).
pub fn html(ctx: &Context, campaign_id: &str, out: &Path) -> ApiResult<ReportFile> {
    let doc = render_html(ctx, campaign_id)?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.part", out.file_name().map_or("report".into(), |n| n.to_string_lossy())));
    std::fs::write(&tmp, doc.as_bytes()).map_err(|e| write_err(&tmp, e))?;
    std::fs::rename(&tmp, out).map_err(|e| write_err(out, e))?;
    Ok(ReportFile { path: out.display().to_string(), bytes: u32::try_from(doc.len()).unwrap_or(u32::MAX) })
}

/// The report's numbers as CSV in long form: `section, name, value, unit`.
pub fn csv(ctx: &Context, campaign_id: &str, out: &Path) -> ApiResult<ExportReport> {
    let (c, a) = data(ctx, campaign_id)?;
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut push = |section: &str, name: &str, value: String, unit: &str| {
        rows.push([section.to_string(), name.to_string(), value, unit.to_string()]);
    };
    push("campaign", "name", defuse(&c.name), "");
    push("campaign", "timezone", c.timezone.clone(), "");
    let t = &a.totals;
    for (k, v) in [
        ("posts", f64::from(t.posts)),
        ("published_targets", f64::from(t.published_targets)),
        ("views", t.views),
        ("likes", t.likes),
        ("comments", t.comments),
        ("shares", t.shares),
        ("saves", t.saves),
        ("engagements", t.engagements),
    ] {
        push("totals", k, format!("{v:.0}"), "");
    }
    push("totals", "engagement_rate", format!("{:.6}", t.engagement_rate), "ratio");
    for m in &a.revenue.currencies {
        push("money", "spend", m.cost.clone(), &m.currency);
        push("money", "revenue", m.revenue.clone(), &m.currency);
        push("money", "net", m.net.clone(), &m.currency);
        push("money", "roi", m.roi.map(|r| format!("{r:.6}")).unwrap_or_default(), &m.currency);
    }
    if let Some(cv) = &a.revenue.converted {
        push("money_converted", "spend", cv.cost.clone(), &cv.base);
        push("money_converted", "revenue", cv.revenue.clone(), &cv.base);
        push("money_converted", "roi", cv.roi.map(|r| format!("{r:.6}")).unwrap_or_default(), &cv.base);
    }
    for b in &a.by_platform {
        let section = format!("platform:{}", b.key);
        push(&section, "views", format!("{:.0}", b.metrics.views), "");
        push(&section, "engagement_rate", format!("{:.6}", b.metrics.engagement_rate), "ratio");
    }
    for p in a.top_by_engagement.iter().take(BEST_POSTS) {
        let section = format!("best_post:{}", p.post_id);
        push(&section, "caption", defuse(&p.caption), "");
        push(&section, "views", format!("{:.0}", p.metrics.views), "");
        push(&section, "engagement_rate", format!("{:.6}", p.metrics.engagement_rate), "ratio");
    }
    let n = write_csv(out, |w| {
        w.write_record(["section", "name", "value", "unit"]).map_err(|e| write_err(out, e))?;
        for r in &rows {
            w.write_record(r).map_err(|e| write_err(out, e))?;
        }
        Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
    })?;
    Ok(ExportReport { path: out.display().to_string(), rows: n })
}

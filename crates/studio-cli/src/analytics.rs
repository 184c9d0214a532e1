//! `studio analytics`, `studio revenue ...`, `studio export csv`, `studio report`.
use std::collections::BTreeMap;
use std::path::Path;

use studio_api::analytics::{self, Analytics, AnalyticsFilter, BreakdownRow, RevenueRates};
use studio_api::export::{self, ExportKind};
use studio_api::revenue::{self, RevenueEntry, RevenueInput};
use studio_api::revenue_import::{self, RevenueImportReport, RevenueImportRequest};
use studio_api::{report, ApiError, Context, ErrorCode};

use crate::args::{AnalyticsArgs, ExportCmd, ReportArgs, RevenueCmd};
use crate::output::{table, Out};
use crate::Status;

pub fn show(ctx: &Context, a: AnalyticsArgs, out: &Out) -> Result<(), ApiError> {
    let filter = AnalyticsFilter {
        campaign_id: a.campaign,
        account_id: a.account,
        platform: a.platform,
        from: a.from,
        to: a.to,
        timezone: a.tz,
    };
    let r = analytics::overview(ctx, &filter)?;
    out.value(&r, || human(&r))
}

fn pct(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0)
}

fn breakdown(title: &str, rows: &[BreakdownRow]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|b| {
            vec![
                b.label.clone(),
                b.metrics.published_targets.to_string(),
                format!("{:.0}", b.metrics.views),
                format!("{:.0}", b.metrics.engagements),
                pct(b.metrics.engagement_rate),
            ]
        })
        .collect();
    format!("\n{title}\n{}", table(&["NAME", "PUBLISHED", "VIEWS", "ENGAGEMENTS", "RATE"], &rows))
}

fn human(r: &Analytics) -> String {
    let t = &r.totals;
    let range = match (&r.from, &r.to) {
        (None, None) => "all time".to_string(),
        (f, to) => format!("{} → {}", f.as_deref().unwrap_or("…"), to.as_deref().unwrap_or("…")),
    };
    let mut s = format!(
        "Analytics ({range}, {})\n  posts {}  published {}  views {:.0}  likes {:.0}  comments {:.0}  shares {:.0}  saves {:.0}  engagement rate {}",
        r.timezone,
        t.posts,
        t.published_targets,
        t.views,
        t.likes,
        t.comments,
        t.shares,
        t.saves,
        pct(t.engagement_rate)
    );
    if t.published_targets == 0 {
        s.push_str("\n  No published posts match.");
    }
    if !r.by_platform.is_empty() {
        s.push_str(&breakdown("By platform", &r.by_platform));
    }
    if r.by_campaign.len() > 1 {
        s.push_str(&breakdown("By campaign", &r.by_campaign));
    }
    if !r.top_by_engagement.is_empty() {
        s.push_str("\nTop posts by engagement rate");
        let rows: Vec<Vec<String>> = r
            .top_by_engagement
            .iter()
            .map(|p| {
                let caption: String = p.caption.chars().take(40).collect();
                vec![p.post_id.clone(), caption, format!("{:.0}", p.metrics.views), pct(p.metrics.engagement_rate)]
            })
            .collect();
        s.push('\n');
        s.push_str(&table(&["POST", "CAPTION", "VIEWS", "RATE"], &rows));
    }
    s.push_str("\nMoney");
    if r.revenue.currencies.is_empty() {
        s.push_str("\n  No revenue or costs recorded.");
    }
    for m in &r.revenue.currencies {
        let roi = m.roi.map_or_else(|| "–".into(), |x| format!("{:+.1}%", x * 100.0));
        s.push_str(&format!("\n  {}: revenue {}  cost {}  net {}  ROI {roi}", m.currency, m.revenue, m.cost, m.net));
    }
    if let Some(c) = &r.revenue.converted {
        let roi = c.roi.map_or_else(|| "–".into(), |x| format!("{:+.1}%", x * 100.0));
        s.push_str(&format!("\n  all in {}: revenue {}  cost {}  net {}  ROI {roi}", c.base, c.revenue, c.cost, c.net));
    }
    if !r.revenue.missing_rates.is_empty() {
        s.push_str(&format!("\n  no exchange rate for: {}", r.revenue.missing_rates.join(", ")));
    }
    s
}

fn entries(list: &[RevenueEntry]) -> String {
    if list.is_empty() {
        return "No revenue or costs yet. Add one with: studio revenue add --campaign ID --amount N --currency C --kind K"
            .into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.occurred_on.clone(),
                e.kind.to_string(),
                format!("{} {}", e.amount, e.currency),
                e.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["ID", "DATE", "KIND", "AMOUNT", "NOTE"], &rows)
}

fn import_report(r: &RevenueImportReport) -> String {
    let verb = if r.dry_run { "Would import" } else { "Imported" };
    let mut s = format!(
        "{verb} {} of {} rows ({} already there or repeated, {} rejected; {} , delimiter {:?})",
        r.imported,
        r.rows,
        r.duplicates,
        r.rejected.len(),
        r.encoding,
        r.delimiter
    );
    for p in &r.rejected {
        s.push_str(&format!("\n  line {}: {}", p.line, p.reason));
    }
    s
}

pub fn revenue(ctx: &Context, cmd: RevenueCmd, out: &Out) -> Result<Status, ApiError> {
    match cmd {
        RevenueCmd::Add { campaign, amount, currency, kind, date, note } => {
            let e = revenue::add(
                ctx,
                RevenueInput { campaign_id: campaign, kind, amount, currency, occurred_on: date, note },
            )?;
            out.value(&e, || entries(std::slice::from_ref(&e)))?;
        }
        RevenueCmd::List { campaign } => {
            let list = revenue::list(ctx, &campaign)?;
            out.value(&list, || entries(&list))?;
        }
        RevenueCmd::Delete { id } => {
            revenue::delete(ctx, &id)?;
            out.value(&serde_json::json!({ "deleted": id }), || format!("Deleted revenue entry {id}"))?;
        }
        RevenueCmd::Import { file, campaign, map, currency, kind, dry_run } => {
            let mapping = map.iter().map(|m| revenue_import::parse_mapping(m)).collect::<Result<Vec<_>, _>>()?;
            let req = RevenueImportRequest {
                campaign_id: campaign,
                path: file.display().to_string(),
                mapping,
                currency,
                kind,
                dry_run,
            };
            if dry_run {
                let preview = revenue_import::preview(&file)?;
                let report = revenue_import::import(ctx, &req)?;
                let v = serde_json::json!({ "preview": preview, "report": report });
                out.value(&v, || {
                    let map: Vec<String> =
                        preview.suggested.iter().map(|m| format!("{}={}", m.column, m.field)).collect();
                    format!(
                        "Columns: {}\nSuggested mapping: {}\n{}",
                        preview.headers.join(" | "),
                        map.join(", "),
                        import_report(&report)
                    )
                })?;
            } else {
                let report = revenue_import::import(ctx, &req)?;
                out.value(&report, || import_report(&report))?;
                if !report.rejected.is_empty() {
                    return Ok(Status::Partial);
                }
            }
        }
        RevenueCmd::Rates { base, rate } => {
            let current = analytics::rates(ctx)?;
            let rates = if base.is_none() && rate.is_empty() {
                current.unwrap_or_default()
            } else {
                let mut map: BTreeMap<String, f64> = current.as_ref().map(|c| c.rates.clone()).unwrap_or_default();
                for r in &rate {
                    let (code, value) = r.split_once('=').ok_or_else(|| {
                        ApiError::new(ErrorCode::InvalidInput, format!("\"{r}\" is not CODE=RATE (e.g. USD=0.92)."))
                    })?;
                    let value: f64 = value.trim().parse().map_err(|_| {
                        ApiError::new(ErrorCode::InvalidAmount, format!("\"{value}\" is not a number."))
                    })?;
                    map.insert(code.trim().to_string(), value);
                }
                let base = base.or(current.map(|c| c.base)).ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidCurrency, "Give the base currency with --base (e.g. EUR).")
                })?;
                analytics::set_rates(ctx, RevenueRates { base, rates: map })?
            };
            out.value(&rates, || {
                if rates.base.is_empty() {
                    return "No exchange rates set: currencies are reported separately.".into();
                }
                let list: Vec<String> =
                    rates.rates.iter().map(|(c, r)| format!("1 {c} = {r} {}", rates.base)).collect();
                format!("Base {}\n{}", rates.base, list.join("\n"))
            })?;
        }
    }
    Ok(Status::Ok)
}

pub fn export(ctx: &Context, cmd: ExportCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        ExportCmd::Csv { what, out: file } => {
            let r = export::csv(ctx, ExportKind::parse(&what)?, &file)?;
            out.value(&r, || format!("Wrote {} rows to {}", r.rows, r.path))
        }
    }
}

pub fn report(ctx: &Context, a: ReportArgs, out: &Out) -> Result<(), ApiError> {
    let path: &Path = &a.out;
    if a.csv {
        let r = report::csv(ctx, &a.campaign, path)?;
        out.value(&r, || format!("Wrote {}", r.path))
    } else {
        let r = report::html(ctx, &a.campaign, path)?;
        out.value(&r, || format!("Wrote {} ({} KB)", r.path, r.bytes.div_ceil(1024)))
    }
}

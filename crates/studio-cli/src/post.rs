//! `studio post …`, `studio schedule`, `studio queue`, `studio slots`, `studio daemon`,
//! `studio status`.
use std::sync::Arc;

use studio_api::post_results::{self, PostResults};
use studio_api::posts::{self, PostInput, PostQuery, PostView, TargetInput, TargetOverrides};
use studio_api::publisher::{self, Config, SystemClock};
use studio_api::schedule::{self, ScheduleRequest, SlotTime, SlotsInput};
use studio_api::{ApiError, Context, ErrorCode};
use studio_core::progress::CancelToken;
use studio_core::when::{Freq, Recurrence};

use crate::args::{DaemonArgs, PostCmd, PostCreateArgs, QueueCmd, ScheduleArgs, SlotsCmd};
use crate::output::{table, Out};

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}

fn create_input(a: PostCreateArgs) -> Result<PostInput, ApiError> {
    let mut targets: Vec<TargetInput> = a
        .accounts
        .iter()
        .map(|id| TargetInput { account_id: id.trim().to_string(), media: None, overrides: TargetOverrides::default() })
        .collect();
    for o in &a.overrides {
        let (account, rest) =
            o.split_once(':').ok_or_else(|| bad(format!("--override \"{o}\": use ACCOUNT:field=value")))?;
        let (field, value) =
            rest.split_once('=').ok_or_else(|| bad(format!("--override \"{o}\": use ACCOUNT:field=value")))?;
        let t = targets
            .iter_mut()
            .find(|t| t.account_id == account.trim())
            .ok_or_else(|| bad(format!("--override names {account}, which is not one of the --account values")))?;
        let value = value.to_string();
        match field.trim() {
            "caption" => t.overrides.caption = Some(value),
            "title" => t.overrides.title = Some(value),
            "hashtags" => {
                t.overrides.hashtags =
                    value.split(',').map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).collect()
            }
            "privacy" => t.overrides.privacy = Some(value),
            "first_comment" => t.overrides.first_comment = Some(value),
            // Repeatable: each one is the next part of the thread.
            "thread_part" => t.overrides.thread_parts.push(value),
            "media" => t.media = Some(value),
            other => {
                t.overrides.options.insert(other.to_string(), value);
            }
        }
    }
    Ok(PostInput { campaign_id: a.campaign, caption: a.caption, title: a.title, media: a.media, targets })
}

fn show(p: &PostView) -> String {
    let mut lines = vec![
        format!("Post {} ({:?})", p.id, p.state),
        format!("campaign: {}", p.campaign_name),
        format!(
            "time:     {}",
            match (&p.scheduled_local, &p.timezone) {
                (Some(t), Some(z)) => format!("{t} ({z})"),
                _ => "not scheduled".into(),
            }
        ),
        format!("caption:  {}", p.caption.chars().take(120).collect::<String>()),
    ];
    let rows: Vec<Vec<String>> = p
        .targets
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                format!("{} {}", t.platform_name, t.handle),
                format!("{:?}", t.state).to_lowercase(),
                t.post_url.clone().or_else(|| t.failure_message.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    lines.push(table(&["TARGET", "ACCOUNT", "STATE", "LINK / REASON"], &rows));
    lines.join("\n")
}

/// Latest counts per target and how many times they were read.
fn results(r: &PostResults) -> String {
    if r.targets.is_empty() {
        return "Not published anywhere yet.".into();
    }
    let n = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.0}"));
    let rows: Vec<Vec<String>> = r
        .targets
        .iter()
        .map(|t| {
            let last = t.points.last();
            vec![
                format!("{} {}", t.platform, t.handle),
                last.map_or_else(|| "not read yet".into(), |p| p.at.clone()),
                n(last.and_then(|p| p.views)),
                n(last.and_then(|p| p.likes)),
                n(last.and_then(|p| p.comments)),
                n(last.and_then(|p| p.shares)),
                n(last.and_then(|p| p.saves)),
                t.points.len().to_string(),
            ]
        })
        .collect();
    table(&["ACCOUNT", "READ AT", "VIEWS", "LIKES", "COMMENTS", "SHARES", "SAVES", "READS"], &rows)
}

pub fn run(ctx: &Context, cmd: PostCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        PostCmd::Create(a) => {
            let p = posts::create(ctx, create_input(a)?)?;
            out.value(&p, || show(&p))
        }
        PostCmd::Show { id } => {
            let p = posts::get(ctx, &id)?;
            out.value(&p, || show(&p))
        }
        PostCmd::Results { id } => {
            let r = post_results::get(ctx, &id)?;
            out.value(&r, || results(&r))
        }
        PostCmd::List { from, to, campaign, drafts } => {
            let list = posts::list(ctx, PostQuery { from, to, campaign_id: campaign, drafts })?;
            out.value(&list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.clone(),
                            p.scheduled_local.clone().unwrap_or_else(|| "draft".into()),
                            format!("{:?}", p.state).to_lowercase(),
                            p.caption.chars().take(40).collect(),
                        ]
                    })
                    .collect();
                table(&["ID", "TIME", "STATE", "CAPTION"], &rows)
            })
        }
        PostCmd::Check { id } => {
            let input = schedule::input_for(ctx, &id)?;
            let v = studio_api::validate::validate(ctx, &input)?;
            out.value(&v, || {
                let mut lines = Vec::new();
                for t in &v.targets {
                    lines.push(format!(
                        "{} {}: caption {} / {} {}",
                        t.platform_name, t.handle, t.caption.count, t.caption.limit, t.caption.unit
                    ));
                    lines.extend(t.problems.iter().map(|p| format!("  ✗ {}: {}", p.field, p.message)));
                }
                lines.extend(v.compliance.iter().map(|c| format!("compliance: {}", c.message)));
                lines.push(if v.can_schedule { "ready to schedule".into() } else { "not ready".into() });
                lines.join("\n")
            })
        }
        PostCmd::Retry { target } => {
            let p = schedule::retry(ctx, &target)?;
            out.value(&p, || show(&p))
        }
        PostCmd::Cancel { target } => {
            let p = schedule::cancel(ctx, &target)?;
            out.value(&p, || show(&p))
        }
        PostCmd::MarkPosted { target, url } => {
            let p = schedule::mark_posted(ctx, &target, url)?;
            out.value(&p, || show(&p))
        }
        PostCmd::Unschedule { id } => {
            let p = schedule::unschedule(ctx, &id)?;
            out.value(&p, || show(&p))
        }
        PostCmd::Delete { id } => {
            posts::delete(ctx, &id)?;
            out.value(&serde_json::json!({ "deleted": id }), || format!("Deleted post {id}"))
        }
    }
}

fn weekday(s: &str) -> Result<u8, ApiError> {
    let t = s.trim().to_lowercase();
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    if let Some(i) = NAMES.iter().position(|n| t.starts_with(n)) {
        return Ok(u8::try_from(i + 1).unwrap_or(1));
    }
    t.parse::<u8>()
        .ok()
        .filter(|d| (1..=7).contains(d))
        .ok_or_else(|| bad(format!("\"{s}\" is not a weekday (mon…sun or 1…7)")))
}

pub fn schedule(ctx: &Context, a: ScheduleArgs, out: &Out) -> Result<(), ApiError> {
    let recurrence = match a.repeat.as_deref() {
        None => None,
        Some(f) => Some(Recurrence {
            freq: match f {
                "daily" => Freq::Daily,
                "weekly" => Freq::Weekly,
                other => return Err(bad(format!("--repeat \"{other}\": use daily or weekly"))),
            },
            interval: a.every,
            weekdays: a.on.iter().map(|d| weekday(d)).collect::<Result<_, _>>()?,
            until: a.until,
            count: a.count,
        }),
    };
    if a.at.is_none() && !a.next_slot && !a.now {
        return Err(ApiError::new(ErrorCode::InvalidTime, "give --at TIME, --next-slot or --now"));
    }
    let p = schedule::schedule(
        ctx,
        ScheduleRequest {
            post_id: a.post,
            at: a.at,
            timezone: a.tz,
            next_slot: a.next_slot,
            now: a.now,
            recurrence,
            override_reason: a.override_compliance,
            expected_version: None,
        },
    )?;
    out.value(&p, || show(&p))
}

pub fn queue(ctx: &Context, cmd: QueueCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        QueueCmd::List => {
            let list = schedule::queue(ctx, 1000)?;
            out.value(&list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|q| {
                        vec![
                            q.due_at.clone(),
                            format!("{} {}", q.platform, q.handle),
                            format!("{:?}", q.state).to_lowercase(),
                            q.target_id.clone(),
                            q.caption.clone(),
                        ]
                    })
                    .collect();
                table(&["DUE", "ACCOUNT", "STATE", "TARGET", "CAPTION"], &rows)
            })
        }
    }
}

pub fn slots(ctx: &Context, cmd: SlotsCmd, out: &Out) -> Result<(), ApiError> {
    let list = match cmd {
        SlotsCmd::Show { account } => schedule::slots_get(ctx, &account)?,
        SlotsCmd::Set { account, at, tz } => {
            let mut slots = Vec::new();
            for s in &at {
                let (d, t) =
                    s.split_once('@').ok_or_else(|| bad(format!("--at \"{s}\": use DAY@HH:MM, e.g. mon@18:00")))?;
                slots.push(SlotTime { weekday: weekday(d)?, time: t.to_string() });
            }
            schedule::slots_set(ctx, SlotsInput { account_id: account, timezone: tz, slots })?
        }
    };
    out.value(&list, || {
        list.iter().map(|s| format!("{} {} ({})", s.weekday, s.time, s.timezone)).collect::<Vec<_>>().join("\n")
    })
}

pub fn daemon(ctx: Arc<Context>, a: DaemonArgs) -> Result<(), ApiError> {
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let label = format!(
        "studio daemon (pid {}{})",
        std::process::id(),
        if host.is_empty() { String::new() } else { format!(" on {host}") }
    );
    let mut cfg = Config::from_env(label);
    cfg.exit_when_idle = a.exit_when_idle;
    eprintln!("publisher running; data in {}", ctx.paths().data.display());
    publisher::run(ctx, cfg, Arc::new(SystemClock::default()), CancelToken::new())
}

pub fn status(ctx: &Context, out: &Out) -> Result<(), ApiError> {
    let s = studio_api::status::status(ctx)?;
    out.value(&s, || {
        let lease = s.lease.as_ref().map_or_else(
            || "nobody (no app or daemon is publishing)".to_string(),
            |l| format!("{}{}", l.owner_label, if l.alive { "" } else { " — not responding" }),
        );
        let mut lines = vec![
            format!("publisher:  {lease}{}", if s.paused { " (paused)" } else { "" }),
            format!(
                "queue:      {} queued, {} due now, {} running, {} need review",
                s.queued, s.due_now, s.running, s.needs_review
            ),
            format!("attention:  {} targets", s.needs_attention),
            format!("restarts:   {}", s.restarts),
        ];
        for a in &s.accounts {
            if let Some(e) = &a.last_error {
                lines.push(format!("{} {}: {e}", a.platform, a.handle));
            }
        }
        lines.join("\n")
    })
}

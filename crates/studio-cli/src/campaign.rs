//! `studio campaign ...`
use studio_api::campaigns::{self, Campaign, CampaignInput, CampaignPatch};
use studio_api::{ApiError, Context};

use crate::args::CampaignCmd;
use crate::output::{table, Out};

pub fn run(ctx: &Context, cmd: CampaignCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        CampaignCmd::Create(a) => {
            let c = campaigns::create(
                ctx,
                CampaignInput {
                    name: a.name,
                    goal: a.goal,
                    starts_on: a.starts,
                    ends_on: a.ends,
                    timezone: a.timezone,
                    sponsored: a.sponsored,
                    budget: a.budget,
                    currency: a.currency,
                    notes: a.notes,
                },
            )?;
            out.value(&c, || detail(&c))
        }
        CampaignCmd::List { all } => {
            let list = campaigns::list(ctx, all)?;
            out.value(&list, || listing(&list))
        }
        CampaignCmd::Show { id } => {
            let c = campaigns::get(ctx, &id)?;
            out.value(&c, || detail(&c))
        }
        CampaignCmd::Update(a) => {
            let c = campaigns::update(
                ctx,
                &a.id,
                CampaignPatch {
                    name: a.name,
                    goal: a.goal,
                    starts_on: a.starts,
                    ends_on: a.ends,
                    timezone: a.timezone,
                    sponsored: a.sponsored,
                    budget: a.budget,
                    currency: a.currency,
                    notes: a.notes,
                    expected_version: a.expected_version,
                },
            )?;
            out.value(&c, || detail(&c))
        }
        CampaignCmd::Archive { id, undo } => {
            let c = campaigns::set_archived(ctx, &id, !undo)?;
            out.value(&c, || detail(&c))
        }
        CampaignCmd::Unarchive { id } => {
            let c = campaigns::set_archived(ctx, &id, false)?;
            out.value(&c, || detail(&c))
        }
        CampaignCmd::Delete { id } => {
            campaigns::delete(ctx, &id)?;
            out.value(&serde_json::json!({ "deleted": id }), || format!("Deleted campaign {id}"))
        }
    }
}

fn dates(c: &Campaign) -> String {
    match (&c.starts_on, &c.ends_on) {
        (None, None) => "-".into(),
        (s, e) => format!("{} → {}", s.as_deref().unwrap_or("…"), e.as_deref().unwrap_or("…")),
    }
}

fn budget(c: &Campaign) -> String {
    match (&c.budget, &c.currency) {
        (Some(b), Some(cur)) => format!("{b} {cur}"),
        _ => "-".into(),
    }
}

fn listing(list: &[Campaign]) -> String {
    if list.is_empty() {
        return "No campaigns yet. Create one with: studio campaign create NAME".into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            let mut flags = Vec::new();
            if c.sponsored {
                flags.push("sponsored");
            }
            if c.archived {
                flags.push("archived");
            }
            vec![c.id.clone(), c.name.clone(), dates(c), c.timezone.clone(), budget(c), flags.join(",")]
        })
        .collect();
    table(&["ID", "NAME", "DATES", "TIME ZONE", "BUDGET", "FLAGS"], &rows)
}

fn detail(c: &Campaign) -> String {
    let mut s = format!("{}  ({})\n", c.name, c.id);
    let mut line = |k: &str, v: &str| s.push_str(&format!("  {k:<10} {v}\n"));
    line("goal", c.goal.as_deref().unwrap_or("-"));
    line("dates", &dates(c));
    line("time zone", &c.timezone);
    line("sponsored", if c.sponsored { "yes" } else { "no" });
    line("budget", &budget(c));
    line("archived", if c.archived { "yes" } else { "no" });
    line("notes", c.notes.as_deref().unwrap_or("-"));
    line("version", &c.version.to_string());
    s.trim_end().to_string()
}

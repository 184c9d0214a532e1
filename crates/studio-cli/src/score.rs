//! `studio score`
use studio_api::score::{self, ScoreRequest, Scored};
use studio_api::{ApiError, Context};
use studio_core::progress::{CancelToken, NoProgress};

use crate::args::ScoreArgs;
use crate::output::{table, Out};

pub fn run(ctx: &Context, a: ScoreArgs, out: &Out) -> Result<(), ApiError> {
    let req = ScoreRequest {
        inputs: a.inputs,
        platform: Some(a.platform),
        caption: a.caption,
        title: a.title,
        at: a.at,
        no_cache: a.no_cache,
    };
    let list = score::score(ctx, &req, &NoProgress, &CancelToken::new())?;
    out.value(&list, || {
        let mut by_rank: Vec<&Scored> = list.iter().collect();
        by_rank.sort_by_key(|s| s.rank);
        by_rank.into_iter().map(|s| human(s, list.len() > 1)).collect::<Vec<_>>().join("\n\n")
    })
}

fn human(s: &Scored, ranked: bool) -> String {
    let r = &s.report;
    let head = format!(
        "{}{}  {}  score {}  ({} model, {:.0}% of the weight known)",
        if ranked { format!("#{} ", s.rank) } else { String::new() },
        s.input,
        r.platform.as_str(),
        r.score.map_or_else(|| "unknown".into(), |v| format!("{v:.0}/100")),
        match r.model.kind {
            studio_score::ModelKind::Prior => "prior",
            studio_score::ModelKind::Learned => "learned",
        },
        r.coverage * 100.0
    );
    let rows: Vec<Vec<String>> = r
        .factors
        .iter()
        .map(|f| {
            vec![
                f.label.clone(),
                f.value.map_or_else(|| "unknown".into(), |v| format!("{v:.2} {}", f.unit)),
                f.subscore.map_or_else(String::new, |v| format!("{:.0}%", v * 100.0)),
                format!("{:+.1}", f.contribution),
                f.advice.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let differs = s.differs_most.as_ref().map_or_else(String::new, |d| {
        format!("\nmost different from {}: {} ({:+.1} points)", d.against, d.factor_label, d.points)
    });
    format!("{head}{differs}\n{}", table(&["FACTOR", "VALUE", "SUB", "POINTS", "ADVICE"], &rows))
}

//! `studio score`
use studio_api::score::{self, ScoreRequest, Scored};
use studio_api::{ApiError, Context};
use studio_core::progress::{CancelToken, NoProgress};

use crate::args::ScoreArgs;
use crate::output::{table, Out};

pub fn run(ctx: &Context, a: ScoreArgs, out: &Out) -> Result<(), ApiError> {
    if a.inputs == ["model"] {
        return model(ctx, &a, out);
    }
    let req = ScoreRequest {
        inputs: a.inputs,
        platform: a.platform,
        caption: a.caption,
        title: a.title,
        at: a.at,
        no_cache: a.no_cache,
        account: a.account,
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

/// `studio score model --account ID`: the model that scores this account and why.
fn model(ctx: &Context, a: &ScoreArgs, out: &Out) -> Result<(), ApiError> {
    let account = a
        .account
        .as_deref()
        .ok_or_else(|| ApiError::new(studio_api::ErrorCode::InvalidInput, "`studio score model` needs --account ID"))?;
    let m = studio_api::learning::model(ctx, account, a.tz.as_deref())?;
    out.value(&m, || {
        let rho = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |r| format!("{r:.2}"));
        let mut lines = vec![
            format!("{} model for {} ({}), version {}", m.kind, m.account_id, m.platform, m.version),
            format!(
                "posts with metrics: {} (learning needs {}); held out: {}; Spearman prior {} / learned {}",
                m.n_posts,
                m.min_posts,
                m.n_holdout,
                rho(m.prior_heldout_spearman),
                rho(m.learned_heldout_spearman)
            ),
            m.decision.clone(),
        ];
        let rows: Vec<Vec<String>> = m
            .weights
            .iter()
            .map(|w| {
                vec![
                    w.id.as_str().to_string(),
                    format!("{:.1}", w.prior),
                    w.learned.map_or_else(|| "-".into(), |v| format!("{v:.1}")),
                    w.coefficient.map_or_else(|| "-".into(), |v| format!("{v:+.2}")),
                ]
            })
            .collect();
        lines.push(table(&["FACTOR", "PRIOR", "LEARNED", "COEF"], &rows));
        let best: Vec<String> =
            m.best_times.top.iter().map(|s| format!("{} {:02}:00 ({:.0}%)", s.day, s.hour, s.heat * 100.0)).collect();
        lines.push(format!("best times ({}): {}", m.best_times.time_zone, best.join(", ")));
        lines.join("\n")
    })
}

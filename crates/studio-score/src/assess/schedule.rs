//! The planned posting time against audience activity, in the creator's own time zone.
use jiff::Zoned;

use super::assessed::Assessed;
use crate::wording::{percent, slot};

pub(super) fn assess(planned: Option<&Zoned>, heat: &[[f64; 24]; 7]) -> Assessed {
    let Some(at) = planned else { return Assessed::unknown() };
    let day = at.weekday().to_monday_zero_offset() as usize;
    let hour = at.hour() as usize;
    let Some(row) = heat.get(day) else { return Assessed::unknown() };
    let v = row.get(hour).copied().unwrap_or(0.0);
    let (best_hour, best) =
        row.iter().enumerate().fold((hour, v), |acc, (h, x)| if *x > acc.1 { (h, *x) } else { acc });
    // The heat map is relative (1 = busiest hour of the week), so it is the sub-score itself.
    // Advice only when a better hour the same day is clearly better.
    let mut a = Assessed::scored(v, v, String::new);
    a.advice = (best - v >= 0.2).then(|| {
        format!(
            "{} is a quiet slot ({} of the busiest hour) — {} is the best that day",
            slot(day, hour),
            percent(v),
            slot(day, best_hour)
        )
    });
    a
}

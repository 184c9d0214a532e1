//! When posting worked: targets per local weekday × hour of publish.
use rusqlite::Connection;

use super::{Offsets, Row, DAY_MS, HOUR_MS};
use crate::error::Result;

/// One weekday × hour cell of the heat map, before averaging.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HeatCell {
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: u8,
    pub hour: u8,
    pub targets: i64,
    /// Targets with views (the ones that have an engagement rate).
    pub rated: i64,
    /// Sum of per-target engagement rates over the rated targets.
    pub rate_sum: f64,
}

/// Each account's zone where the creator gave one (its queue slots), by the account's integer key.
pub fn account_zones(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.k, min(q.timezone) FROM queue_slots q JOIN analytics_keys k ON k.id = q.account_id
         GROUP BY q.account_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Counts a target in its local weekday × hour cell (`cells` is indexed weekday * 24 + hour).
pub(super) fn place(cells: &mut [HeatCell; 7 * 24], r: &Row, clock: &Offsets) {
    let local = clock.local(r.published_at);
    // 1970-01-01 was a Thursday: (days + 3) mod 7 makes Monday 0.
    let weekday = (local.div_euclid(DAY_MS) + 3).rem_euclid(7);
    let hour = local.div_euclid(HOUR_MS).rem_euclid(24);
    let Some(cell) = usize::try_from(weekday * 24 + hour).ok().and_then(|i| cells.get_mut(i)) else { return };
    cell.targets += 1;
    if r.views > 0 {
        cell.rated += 1;
        cell.rate_sum += r.engagements() as f64 / r.views as f64;
    }
}

/// The non-empty cells, labelled.
pub(super) fn cells(all: &[HeatCell; 7 * 24]) -> Vec<HeatCell> {
    all.iter()
        .enumerate()
        .filter(|(_, c)| c.targets > 0)
        .map(|(i, c)| HeatCell {
            weekday: u8::try_from(i / 24).unwrap_or(0),
            hour: u8::try_from(i % 24).unwrap_or(0),
            ..*c
        })
        .collect()
}

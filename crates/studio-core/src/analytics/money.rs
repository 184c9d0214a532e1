//! Revenue and cost per currency.
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::error::Result;

/// Money per currency over a campaign (or all) and a civil-date range (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoneySums {
    pub currency: String,
    /// Everything that is not a cost, in minor units.
    pub revenue_minor: i64,
    pub cost_minor: i64,
    pub entries: i64,
}

pub fn revenue(
    conn: &Connection,
    campaign_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<MoneySums>> {
    let mut conds = vec!["deleted_at IS NULL".to_string()];
    let mut vals: Vec<Value> = Vec::new();
    let mut push = |sql: &str, v: &str| {
        vals.push(Value::Text(v.to_string()));
        conds.push(format!("{sql} ?{}", vals.len()));
    };
    if let Some(c) = campaign_id {
        push("campaign_id =", c);
    }
    // Civil dates as YYYY-MM-DD compare correctly as text.
    if let Some(d) = from {
        push("occurred_on >=", d);
    }
    if let Some(d) = to {
        push("occurred_on <=", d);
    }
    let sql = format!(
        "SELECT currency, total(CASE WHEN kind <> 'cost' THEN amount_minor END),
                total(CASE WHEN kind = 'cost' THEN amount_minor END), count(*)
         FROM revenue_entries WHERE {} GROUP BY currency ORDER BY currency",
        conds.join(" AND ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(vals), |r| {
        Ok(MoneySums {
            currency: r.get(0)?,
            revenue_minor: r.get::<_, f64>(1)? as i64,
            cost_minor: r.get::<_, f64>(2)? as i64,
            entries: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

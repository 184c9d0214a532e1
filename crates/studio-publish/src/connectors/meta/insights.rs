//! Reading Graph API insights (the counters of a post) and Meta's timestamps.
use serde_json::Value;

use super::graph::json;
use crate::connector::Session;
use crate::http::Step;
use crate::{PublishError, Result};

/// Reads `GET {url}?metric=a,b,c`. One metric the object does not support fails the whole call
/// with code 100, so on a rejection each metric is asked for alone and the ones refused are left
/// out. Returns the `data` array.
pub fn insights(s: &Session, url: &str, metrics: &[&str]) -> Result<Vec<Value>> {
    let get = |list: &str| -> Result<Vec<Value>> {
        let req = s.bearer(s.http.client().get(url).query(&[("metric", list)]));
        let v = json(s, req, Step::Repeatable)?;
        Ok(v.get("data").and_then(Value::as_array).cloned().unwrap_or_default())
    };
    match get(&metrics.join(",")) {
        Err(PublishError::Rejected { .. }) if metrics.len() > 1 => {
            let mut data = Vec::new();
            for m in metrics {
                match get(m) {
                    Ok(mut d) => data.append(&mut d),
                    Err(PublishError::Rejected { message, .. }) => {
                        tracing::debug!(metric = m, "metric not available: {message}")
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(data)
        }
        other => other,
    }
}

/// The value of one insight: `values[last].value` (lifetime metrics) or `total_value.value`.
pub fn insight<'a>(data: &'a [Value], metric: &str) -> Option<&'a Value> {
    let item = data.iter().find(|d| d.get("name").and_then(Value::as_str) == Some(metric))?;
    item.get("values")
        .and_then(Value::as_array)
        .and_then(|v| v.last())
        .and_then(|v| v.get("value"))
        .or_else(|| item.pointer("/total_value/value"))
}

/// A counter: a number, or the sum of a breakdown object (reactions by type).
pub fn count(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::Object(map) => Some(map.values().filter_map(|v| count(Some(v))).sum()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Meta timestamps: `2024-05-01T12:00:00+0000` (no colon in the offset) or RFC 3339.
pub fn parse_time(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let fixed = match raw.len() {
        n if n > 5
            && matches!(raw.as_bytes()[n - 5], b'+' | b'-')
            && raw[n - 4..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{}:{}", &raw[..n - 2], &raw[n - 2..])
        }
        _ => raw.to_string(),
    };
    fixed.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insights_and_times_are_read_defensively() {
        let data = vec![
            serde_json::json!({"name": "views", "period": "lifetime", "values": [{"value": 120}]}),
            serde_json::json!({"name": "likes", "total_value": {"value": 7}}),
            serde_json::json!({"name": "post_video_likes_by_reaction_type", "values": [{"value": {"REACTION_LIKE": 3, "REACTION_LOVE": 2}}]}),
        ];
        assert_eq!(count(insight(&data, "views")), Some(120));
        assert_eq!(count(insight(&data, "likes")), Some(7));
        assert_eq!(count(insight(&data, "post_video_likes_by_reaction_type")), Some(5));
        assert_eq!(count(insight(&data, "shares")), None);
        assert_eq!(parse_time("2024-05-01T12:00:00+0000"), Some(1_714_564_800));
        assert_eq!(parse_time("2024-05-01T14:00:00+0200"), Some(1_714_564_800));
        assert_eq!(parse_time("2024-05-01T12:00:00Z"), Some(1_714_564_800));
        assert_eq!(parse_time("yesterday"), None);
    }
}

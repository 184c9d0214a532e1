//! Reading fields out of platform JSON, the same way in every connector: ids come as strings on
//! some platforms and as numbers on others, and an empty string is no value.
use serde_json::Value;

/// A string or number field as text; `None` when missing, empty or of another type.
pub fn s(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-negative integer field.
pub fn u(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(Value::as_u64)
}

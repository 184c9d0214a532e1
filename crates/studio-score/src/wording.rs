//! Numbers as advice prints them: "2,480", "4.2 s", "3:20", "8%", "Tue 19:00". One place, so
//! every factor's advice reads the same way.

/// 2480 -> "2,480".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as a creator reads them: "4.2 s" below 90 s, "3:20" (or "1:02:05") above.
pub fn duration(s: f64) -> String {
    if !s.is_finite() {
        return "?".into();
    }
    if s > 0.0 && s < 0.1 {
        return format!("{s:.2} s");
    }
    if s < 90.0 {
        return format!("{s:.1} s");
    }
    let total = s.round() as u64;
    let (h, m, sec) = (total / 3600, (total % 3600) / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// 0.083 -> "8%".
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A range of counts or seconds: "3–5", "15–60 s", "7:00–20:00".
pub fn range(lo: f64, hi: f64, seconds: bool) -> String {
    if seconds {
        if hi < 90.0 {
            return format!("{}–{} s", trim(lo), trim(hi));
        }
        return format!("{}–{}", duration(lo), duration(hi));
    }
    if lo == hi {
        return trim(lo);
    }
    format!("{}–{}", trim(lo), trim(hi))
}

/// 3.0 -> "3", 2.5 -> "2.5".
pub fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// (0, 19) -> "Mon 19:00".
pub fn slot(weekday: usize, hour: usize) -> String {
    format!("{} {hour:02}:00", WEEKDAYS.get(weekday).copied().unwrap_or("?"))
}

/// Width / height as people say it: "9:16", "16:9", "1:1", or "1.85:1" when it is none of those.
pub fn aspect(ratio: f64) -> String {
    const NAMED: [(f64, &str); 9] = [
        (9.0 / 16.0, "9:16"),
        (2.0 / 3.0, "2:3"),
        (3.0 / 4.0, "3:4"),
        (4.0 / 5.0, "4:5"),
        (1.0, "1:1"),
        (4.0 / 3.0, "4:3"),
        (3.0 / 2.0, "3:2"),
        (16.0 / 9.0, "16:9"),
        (21.0 / 9.0, "21:9"),
    ];
    NAMED
        .iter()
        .find(|(r, _)| (ratio / r).ln().abs() < 0.03)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("{ratio:.2}:1"))
}

/// "vertical", "square" or "landscape".
pub fn orientation(ratio: f64) -> &'static str {
    if ratio < 0.95 {
        "vertical"
    } else if ratio > 1.05 {
        "landscape"
    } else {
        "square"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2480), "2,480");
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(duration(4.24), "4.2 s");
        assert_eq!(duration(0.04), "0.04 s");
        assert_eq!(duration(0.0), "0.0 s");
        assert_eq!(duration(200.0), "3:20");
        assert_eq!(duration(3725.0), "1:02:05");
        assert_eq!(range(3.0, 5.0, false), "3–5");
        assert_eq!(range(15.0, 60.0, true), "15–60 s");
        assert_eq!(range(420.0, 1200.0, true), "7:00–20:00");
        assert_eq!(aspect(1920.0 / 1080.0), "16:9");
        assert_eq!(aspect(1080.0 / 1920.0), "9:16");
        assert_eq!(aspect(1.85), "1.85:1");
        assert_eq!(slot(1, 19), "Tue 19:00");
    }
}

//! The two shapes every sub-score is made of. Keeping them this simple is the point: a creator
//! (or a reviewer of the data files) can predict a sub-score from a target by hand.
use serde::{Deserialize, Serialize};

/// Linear between a `bad` value (sub-score 0) and a `good` value (sub-score 1), flat beyond.
/// Works in either direction: `good < bad` means smaller is better (seconds to the first cut),
/// `good > bad` means larger is better (sharpness).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    pub good: f64,
    pub bad: f64,
}

impl Ramp {
    pub fn at(&self, x: f64) -> f64 {
        let span = self.good - self.bad;
        if span == 0.0 || !x.is_finite() {
            return 0.0;
        }
        ((x - self.bad) / span).clamp(0.0, 1.0)
    }

    /// True when `good` is the smaller end, so advice can say "within" rather than "at least".
    pub fn lower_is_better(&self) -> bool {
        self.good < self.bad
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if !self.good.is_finite() || !self.bad.is_finite() || self.good == self.bad {
            return Err(format!("ramp good {} / bad {} must be finite and different", self.good, self.bad));
        }
        Ok(())
    }
}

/// A plateau: sub-score 1 inside `low..=high`, falling linearly to `floor` at `min` below and at
/// `max` above, and staying at `floor` beyond them. Used where both too little and too much hurt
/// (cuts per minute, brightness, hashtags).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub low: f64,
    pub high: f64,
    pub min: f64,
    pub max: f64,
    #[serde(default)]
    pub floor: f64,
}

impl Band {
    pub fn at(&self, x: f64) -> f64 {
        if !x.is_finite() {
            return 0.0;
        }
        let f = self.floor;
        if x < self.low {
            if x <= self.min || self.low <= self.min {
                return f;
            }
            return f + (1.0 - f) * (x - self.min) / (self.low - self.min);
        }
        if x > self.high {
            if x >= self.max || self.max <= self.high {
                return f;
            }
            return f + (1.0 - f) * (self.max - x) / (self.max - self.high);
        }
        1.0
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        let all = [self.low, self.high, self.min, self.max, self.floor];
        if all.iter().any(|v| !v.is_finite()) {
            return Err("band values must be finite".into());
        }
        if !(self.min <= self.low && self.low <= self.high && self.high <= self.max) {
            return Err(format!(
                "band must satisfy min <= low <= high <= max (got {} {} {} {})",
                self.min, self.low, self.high, self.max
            ));
        }
        if !(0.0..=1.0).contains(&self.floor) {
            return Err(format!("band floor {} outside 0..1", self.floor));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_work_both_ways() {
        let sooner = Ramp { good: 1.5, bad: 6.0 };
        assert_eq!(sooner.at(0.2), 1.0);
        assert_eq!(sooner.at(6.5), 0.0);
        assert!((sooner.at(3.75) - 0.5).abs() < 1e-9);
        let more = Ramp { good: 150.0, bad: 30.0 };
        assert_eq!(more.at(200.0), 1.0);
        assert_eq!(more.at(10.0), 0.0);
        assert_eq!(more.at(f64::NAN), 0.0);
    }

    #[test]
    fn bands_have_a_plateau_and_a_floor() {
        let b = Band { low: 10.0, high: 40.0, min: 0.0, max: 120.0, floor: 0.2 };
        assert_eq!(b.at(20.0), 1.0);
        assert_eq!(b.at(0.0), 0.2);
        assert_eq!(b.at(500.0), 0.2);
        assert!((b.at(5.0) - 0.6).abs() < 1e-9);
        assert!((b.at(80.0) - 0.6).abs() < 1e-9);
        let point = Band { low: 1.0, high: 1.0, min: 1.0, max: 1.0, floor: 0.5 };
        assert_eq!(point.at(1.0), 1.0);
        assert_eq!(point.at(0.0), 0.5);
    }
}

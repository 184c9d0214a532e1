//! Scheduling arithmetic in the creator's wall-clock time: queue slots ("Mon/Wed/Fri 18:00") and
//! recurring posts are computed in the zone's local time, so a DST change never moves a post from
//! 18:00 to 17:00 or 19:00. Instants stay UTC milliseconds everywhere else.
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

fn zone(name: &str) -> Result<TimeZone, ValidationError> {
    jiff::tz::db().get(name).map_err(|_| ValidationError::UnknownTimezone(name.to_string()))
}

fn weekday(iso: u8) -> Option<Weekday> {
    Weekday::from_monday_one_offset(i8::try_from(iso).ok()?).ok()
}

/// The instant of local `date` at `minute` after midnight in `tz`. A time that does not exist
/// (skipped by a spring-forward) moves forward by the gap, as calendars do; an ambiguous one
/// (fall-back) takes the first.
pub fn local_instant(tz: &TimeZone, date: Date, minute: u32) -> Option<i64> {
    let (h, m) = (i8::try_from(minute / 60).ok()?, i8::try_from(minute % 60).ok()?);
    let time = Time::new(h, m, 0, 0).ok()?;
    let zoned = date.to_datetime(time).to_zoned(tz.clone()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

fn local_date(tz: &TimeZone, ms: i64) -> Option<Date> {
    Some(Timestamp::from_millisecond(ms).ok()?.to_zoned(tz.clone()).date())
}

/// One weekly queue slot of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub minute: u32,
    pub timezone: String,
}

/// The first slot instant strictly after `after_ms` that `taken` does not already use (a slot
/// counts as taken when a post of the account is scheduled within a minute of it). Looks 26
/// weeks ahead.
pub fn next_free_slot(
    slots: &[Slot],
    after_ms: i64,
    taken: &dyn Fn(i64) -> bool,
) -> Result<Option<i64>, ValidationError> {
    let mut best: Option<i64> = None;
    for slot in slots {
        let tz = zone(&slot.timezone)?;
        let Some(wd) = weekday(slot.weekday) else { continue };
        let Some(start) = local_date(&tz, after_ms) else { continue };
        let mut date = if start.weekday() == wd { start } else { start.nth_weekday(1, wd).unwrap_or(start) };
        for _ in 0..26 {
            if let Some(at) = local_instant(&tz, date, slot.minute) {
                if at > after_ms && !taken(at) {
                    best = Some(best.map_or(at, |b| b.min(at)));
                    break;
                }
            }
            match date.checked_add(7.days()) {
                Ok(d) => date = d,
                Err(_) => break,
            }
        }
    }
    Ok(best)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Freq {
    Daily,
    Weekly,
}

/// A recurring post's rule, evaluated in `timezone`'s wall-clock time at the first occurrence's
/// local time of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Recurrence {
    pub freq: Freq,
    /// Every `interval` days or weeks (≥ 1).
    pub interval: u32,
    /// Weekly only: ISO weekdays; empty means the first occurrence's weekday.
    #[serde(default)]
    pub weekdays: Vec<u8>,
    /// Last local date an occurrence may fall on.
    #[serde(default)]
    pub until: Option<String>,
    /// Total number of occurrences, the first included.
    #[serde(default)]
    pub count: Option<u32>,
}

impl Recurrence {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.interval == 0 || self.interval > 365 {
            return Err(ValidationError::BadRecurrence("the interval must be between 1 and 365".into()));
        }
        if self.weekdays.iter().any(|d| weekday(*d).is_none()) {
            return Err(ValidationError::BadRecurrence("weekdays are 1 (Monday) to 7 (Sunday)".into()));
        }
        if self.freq == Freq::Daily && !self.weekdays.is_empty() {
            return Err(ValidationError::BadRecurrence("weekdays only apply to weekly posts".into()));
        }
        if let Some(u) = &self.until {
            crate::civil::parse_date("until", u)?;
        }
        if self.count == Some(0) {
            return Err(ValidationError::BadRecurrence("the count must be at least 1".into()));
        }
        Ok(())
    }

    /// The occurrence after the one at `prev_ms` (occurrence number `prev_index`, 0-based),
    /// anchored to the first occurrence `first_ms`, or None when the series has ended.
    pub fn next(
        &self,
        tz_name: &str,
        first_ms: i64,
        prev_ms: i64,
        prev_index: u32,
    ) -> Result<Option<i64>, ValidationError> {
        if self.count.is_some_and(|c| prev_index + 1 >= c) {
            return Ok(None);
        }
        let tz = zone(tz_name)?;
        let bad = || ValidationError::BadRecurrence("the first occurrence is out of range".into());
        let first = Timestamp::from_millisecond(first_ms).map_err(|_| bad())?.to_zoned(tz.clone());
        let time_of_day = first.time();
        let first_date = first.date();
        let prev = local_date(&tz, prev_ms).ok_or_else(bad)?;
        let until = self.until.as_deref().map(|u| crate::civil::parse_date("until", u)).transpose()?;
        let step = i64::from(self.interval);
        let next_date = match self.freq {
            Freq::Daily => prev.checked_add(step.days()).map_err(|_| bad())?,
            Freq::Weekly => {
                let days: Vec<Weekday> = if self.weekdays.is_empty() {
                    vec![first_date.weekday()]
                } else {
                    self.weekdays.iter().filter_map(|d| weekday(*d)).collect()
                };
                // Weeks counted from the Monday of the first occurrence's week.
                let week0 = first_date
                    .checked_sub(i64::from(first_date.weekday().to_monday_zero_offset()).days())
                    .map_err(|_| bad())?;
                let mut d = prev;
                let mut found = None;
                for _ in 0..(7 * 366) {
                    d = d.checked_add(1.day()).map_err(|_| bad())?;
                    let weeks = (d - week0).get_days().div_euclid(7);
                    if days.contains(&d.weekday()) && i64::from(weeks) % step == 0 {
                        found = Some(d);
                        break;
                    }
                }
                found.ok_or_else(bad)?
            }
        };
        if until.is_some_and(|u| next_date > u) {
            return Ok(None);
        }
        // Same wall-clock time of day as the first occurrence (to the millisecond).
        let zoned = next_date.to_datetime(time_of_day).to_zoned(tz).map_err(|_| bad())?;
        Ok(Some(zoned.timestamp().as_millisecond()))
    }
}

/// Parses an RFC 3339 instant ("2026-03-29T18:00:00+02:00" or "…Z"), or a local date-time
/// without offset ("2026-03-29T18:00") read in `tz`.
pub fn parse_when(text: &str, tz_name: &str) -> Result<i64, ValidationError> {
    let t = text.trim();
    let bad = || ValidationError::BadTime(text.to_string());
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    let tz = zone(tz_name)?;
    let dt: jiff::civil::DateTime = t.parse().map_err(|_| bad())?;
    dt.to_zoned(tz).map(|z| z.timestamp().as_millisecond()).map_err(|_| bad())
}

/// RFC 3339 with the zone's offset, for showing a time where it will happen.
pub fn in_zone(ms: i64, tz_name: &str) -> Option<String> {
    let tz = zone(tz_name).ok()?;
    let z = Timestamp::from_millisecond(ms).ok()?.to_zoned(tz);
    Some(z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        s.parse::<Timestamp>().expect("instant").as_millisecond()
    }

    #[test]
    fn weekly_recurrence_keeps_wall_clock_across_dst() {
        // Berlin switches to summer time on 2026-03-29: 18:00 stays 18:00 local, i.e. 17:00Z
        // before and 16:00Z after.
        let r = Recurrence { freq: Freq::Weekly, interval: 1, weekdays: vec![], until: None, count: None };
        let first = at("2026-03-22T17:00:00Z");
        let second = r.next("Europe/Berlin", first, first, 0).expect("ok").expect("some");
        assert_eq!(in_zone(second, "Europe/Berlin").as_deref(), Some("2026-03-29T18:00:00+02:00"));
        assert_eq!(second, at("2026-03-29T16:00:00Z"));
        // A daily series across the autumn change in New York.
        let d = Recurrence { freq: Freq::Daily, interval: 1, weekdays: vec![], until: None, count: Some(3) };
        let f = at("2026-10-31T13:30:00Z"); // 09:30 EDT
        let n1 = d.next("America/New_York", f, f, 0).expect("ok").expect("some");
        let n2 = d.next("America/New_York", f, n1, 1).expect("ok").expect("some");
        assert_eq!(in_zone(n1, "America/New_York").as_deref(), Some("2026-11-01T09:30:00-05:00"));
        assert_eq!(in_zone(n2, "America/New_York").as_deref(), Some("2026-11-02T09:30:00-05:00"));
        assert_eq!(d.next("America/New_York", f, n2, 2).expect("ok"), None, "count reached");
    }

    #[test]
    fn weekly_on_several_days_every_other_week() {
        let r = Recurrence {
            freq: Freq::Weekly,
            interval: 2,
            weekdays: vec![1, 3],
            until: Some("2026-12-31".into()),
            count: None,
        };
        let first = at("2026-11-02T18:00:00Z"); // a Monday, UTC
        let a = r.next("UTC", first, first, 0).expect("ok").expect("wed");
        assert_eq!(in_zone(a, "UTC").as_deref(), Some("2026-11-04T18:00:00+00:00"));
        let b = r.next("UTC", first, a, 1).expect("ok").expect("monday two weeks on");
        assert_eq!(in_zone(b, "UTC").as_deref(), Some("2026-11-16T18:00:00+00:00"));
        let late = r.next("UTC", first, at("2026-12-30T18:00:00Z"), 9).expect("ok");
        assert_eq!(late, None, "until passed");
    }

    #[test]
    fn next_slot_skips_taken_and_past_ones() {
        let slots = vec![
            Slot { weekday: 1, minute: 18 * 60, timezone: "Europe/Berlin".into() },
            Slot { weekday: 3, minute: 18 * 60, timezone: "Europe/Berlin".into() },
            Slot { weekday: 5, minute: 18 * 60, timezone: "Europe/Berlin".into() },
        ];
        let now = at("2026-03-25T17:30:00Z"); // Wednesday 18:30 Berlin (CET): Wednesday's slot passed
        let next = next_free_slot(&slots, now, &|_| false).expect("ok").expect("slot");
        assert_eq!(in_zone(next, "Europe/Berlin").as_deref(), Some("2026-03-27T18:00:00+01:00"));
        let after = next_free_slot(&slots, now, &|t| t == next).expect("ok").expect("slot");
        assert_eq!(in_zone(after, "Europe/Berlin").as_deref(), Some("2026-03-30T18:00:00+02:00"), "Monday, after DST");
        assert!(next_free_slot(&[Slot { weekday: 1, minute: 0, timezone: "Nowhere/City".into() }], now, &|_| false)
            .is_err());
    }

    #[test]
    fn times_parse_with_offsets_or_in_the_zone() {
        assert_eq!(parse_when("2026-03-29T18:00:00+02:00", "UTC").expect("rfc3339"), at("2026-03-29T16:00:00Z"));
        assert_eq!(parse_when("2026-03-29T18:00", "Europe/Berlin").expect("local"), at("2026-03-29T16:00:00Z"));
        // 02:30 does not exist in Berlin that night: it moves forward to 03:30.
        assert_eq!(parse_when("2026-03-29T02:30", "Europe/Berlin").expect("gap"), at("2026-03-29T01:30:00Z"));
        assert!(parse_when("next tuesday", "UTC").is_err());
    }
}

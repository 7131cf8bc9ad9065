//! Time: seconds since the Unix epoch, RFC 3339 conversion, and the working
//! calendar of a centre (shifts on working days, minus downtime).

use serde::{Deserialize, Serialize};

use crate::BalanceError;

/// A point in time: seconds since 1970-01-01T00:00:00Z. Durations are
/// plain seconds (`i64`) too.
pub type Time = i64;

/// Seconds in an hour.
pub const HOUR: i64 = 3600;
/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Parses an RFC 3339 date-time (`2026-12-01T18:00:00Z`,
/// `2026-12-01T18:00:00.5+01:00`) into seconds since the Unix epoch;
/// fractions of a second are dropped (see [`tandem_ticket::parse_rfc3339`]).
///
/// ```
/// assert_eq!(tandem_balance::parse_rfc3339("1970-01-02T01:00:00+01:00").unwrap(), 86_400);
/// assert!(tandem_balance::parse_rfc3339("2026-13-01T00:00:00Z").is_err());
/// ```
pub fn parse_rfc3339(text: &str) -> Result<Time, BalanceError> {
    tandem_ticket::parse_rfc3339(text).ok_or_else(|| BalanceError::Time(text.to_owned()))
}

use tandem_ticket::civil_from_days;
pub use tandem_ticket::format_rfc3339;

/// `dd.mm. HH:MM` at an offset: short enough for a timeline label.
pub(crate) fn short_time(time: Time, offset_s: i64) -> String {
    let local = time + offset_s;
    let (days, secs) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (_, m, d) = civil_from_days(days);
    format!(
        "{d:02}.{m:02}. {:02}:{:02}",
        secs / HOUR,
        (secs % HOUR) / 60
    )
}

/// Monday = 0 … Sunday = 6 of a day since 1970-01-01 (a Thursday).
pub(crate) fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// Weekday name (Mo, Di, …: the operators are German) and date of the
/// local day containing `time`.
pub(crate) fn day_label(time: Time, offset_s: i64) -> String {
    let days = (time + offset_s).div_euclid(DAY);
    let (_, m, d) = civil_from_days(days);
    let name = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"][weekday(days) as usize];
    format!("{name} {d:02}.{m:02}.")
}

/// When a centre works: `shifts_per_day` shifts of `shift_s` seconds back to
/// back from `first_shift_start_s` after local midnight, on the first
/// `days_per_week` days of the week (Monday first), local time being UTC +
/// `utc_offset_s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Local time offset from UTC in seconds (3600 for CET).
    pub utc_offset_s: i64,
    /// Start of the first shift, seconds after local midnight.
    pub first_shift_start_s: i64,
    /// Shifts per working day, at least 1.
    pub shifts_per_day: u32,
    /// Length of one shift in seconds.
    pub shift_s: i64,
    /// Working days per week, 1 (Monday only) to 7.
    pub days_per_week: u32,
}

impl Calendar {
    /// Two shifts of 8 h from 06:00 CET, Monday to Friday.
    pub fn two_shifts() -> Self {
        Self {
            utc_offset_s: HOUR,
            first_shift_start_s: 6 * HOUR,
            shifts_per_day: 2,
            shift_s: 8 * HOUR,
            days_per_week: 5,
        }
    }

    pub(crate) fn validate(&self, centre: &str) -> Result<(), BalanceError> {
        let bad = |reason: &str| BalanceError::Invalid {
            what: format!("centre {centre} calendar"),
            reason: reason.to_owned(),
        };
        if self.shifts_per_day == 0 || self.shift_s <= 0 {
            return Err(bad("needs at least one shift of positive length"));
        }
        if i64::from(self.shifts_per_day) * self.shift_s > DAY {
            return Err(bad("shifts_per_day × shift length exceeds 24 h"));
        }
        if !(1..=7).contains(&self.days_per_week) {
            return Err(bad("days_per_week must be 1 to 7"));
        }
        if !(0..DAY).contains(&self.first_shift_start_s) {
            return Err(bad("the first shift must start within the day"));
        }
        if self.utc_offset_s.abs() > 14 * HOUR {
            return Err(bad("UTC offset beyond ±14 h"));
        }
        Ok(())
    }

    /// The first shift `(start, end)` that ends after `t` (it may have
    /// started before `t`).
    pub fn shift_ending_after(&self, t: Time) -> (Time, Time) {
        let day = (t + self.utc_offset_s).div_euclid(DAY);
        // Shifts of the day before may run past midnight; a week has at
        // least one working day.
        for d in day - 1..=day + 8 {
            if weekday(d) >= i64::from(self.days_per_week) {
                continue;
            }
            let midnight = d * DAY - self.utc_offset_s;
            for k in 0..i64::from(self.shifts_per_day) {
                let start = midnight + self.first_shift_start_s + k * self.shift_s;
                let end = start + self.shift_s;
                if end > t {
                    return (start, end);
                }
            }
        }
        // Unreachable for a validated calendar; stay total anyway.
        (t, t + self.shift_s)
    }

    /// Every shift overlapping `[from, until)`, in order.
    pub fn shifts(&self, from: Time, until: Time) -> Vec<(Time, Time)> {
        let mut out = Vec::new();
        let mut t = from;
        while t < until {
            let (s, e) = self.shift_ending_after(t);
            if s >= until {
                break;
            }
            out.push((s, e));
            t = e;
        }
        out
    }
}

/// A centre's working time: its calendar minus downtime.
#[derive(Clone, Debug)]
pub(crate) struct Availability {
    pub calendar: Calendar,
    /// Sorted, merged, non-empty intervals.
    pub down: Vec<(Time, Time)>,
    /// Nothing is planned after this.
    pub horizon: Time,
}

/// Busy time of one machine for one job part: working intervals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub start: Time,
    pub end: Time,
    pub segments: Vec<(Time, Time)>,
}

impl Availability {
    pub fn new(calendar: Calendar, mut down: Vec<(Time, Time)>, horizon: Time) -> Self {
        down.retain(|(a, b)| a < b);
        down.sort_unstable();
        let mut merged: Vec<(Time, Time)> = Vec::with_capacity(down.len());
        for (a, b) in down {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Self {
            calendar,
            down: merged,
            horizon,
        }
    }

    /// The first stretch of working time `(start, end)` with `start >= t`,
    /// or `None` beyond the horizon.
    pub fn free_from(&self, mut t: Time) -> Option<(Time, Time)> {
        while t < self.horizon {
            let (s, e) = self.calendar.shift_ending_after(t);
            let s = s.max(t);
            // The first downtime that ends after s.
            let i = self.down.partition_point(|&(_, de)| de <= s);
            match self.down.get(i) {
                Some(&(ds, de)) if ds <= s => t = de,
                Some(&(ds, _)) if ds < e => return Some((s, ds)),
                _ => return Some((s, e)),
            }
        }
        None
    }

    /// `work` seconds of working time from `from` on.
    pub fn run(&self, from: Time, work: i64) -> Option<Run> {
        if work <= 0 {
            return Some(Run {
                start: from,
                end: from,
                segments: Vec::new(),
            });
        }
        let mut left = work;
        let mut t = from;
        let mut segments = Vec::new();
        while left > 0 {
            let (s, e) = self.free_from(t)?;
            let take = left.min(e - s);
            segments.push((s, s + take));
            left -= take;
            t = s + take;
        }
        Some(Run {
            start: segments[0].0,
            end: t,
            segments,
        })
    }

    /// Working seconds in `[from, until)`.
    pub fn working_between(&self, from: Time, until: Time) -> i64 {
        let mut total = 0;
        let mut t = from;
        while t < until {
            let Some((s, e)) = self.free_from(t) else {
                break;
            };
            if s >= until {
                break;
            }
            total += e.min(until) - s;
            t = e;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for text in [
            "2026-12-15T12:00:00+01:00",
            "2000-02-29T23:59:59Z",
            "1969-12-31T23:00:00-05:30",
        ] {
            let t = parse_rfc3339(text).unwrap();
            let offset = match &text[19..] {
                "Z" => 0,
                "+01:00" => 3600,
                _ => -(5 * 3600 + 1800),
            };
            assert_eq!(format_rfc3339(t, offset), text);
        }
        assert!(parse_rfc3339("2026-02-29T00:00:00Z").is_err());
        assert!(parse_rfc3339("2026-02-28T00:00:00").is_err());
    }

    #[test]
    fn shifts_skip_weekends() {
        // 2026-12-12 is a Saturday.
        let sat = parse_rfc3339("2026-12-12T10:00:00+01:00").unwrap();
        let cal = Calendar::two_shifts();
        let (s, e) = cal.shift_ending_after(sat);
        assert_eq!(format_rfc3339(s, 3600), "2026-12-14T06:00:00+01:00");
        assert_eq!(e - s, 8 * HOUR);
    }
}

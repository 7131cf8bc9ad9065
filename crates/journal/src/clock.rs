use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where event times come from: the system clock in production, a
/// counting clock in tests so that journals are reproducible.
pub trait Clock {
    /// Now, as an RFC 3339 UTC date-time.
    fn now(&self) -> String;
}

/// The system clock, to the second, in UTC.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> String {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        rfc3339(seconds)
    }
}

/// A clock that starts at a given Unix time and advances one second per
/// reading.
#[derive(Debug)]
pub struct CountingClock(Cell<u64>);

impl CountingClock {
    /// A clock whose first reading is `unix_seconds`.
    pub fn new(unix_seconds: u64) -> Self {
        Self(Cell::new(unix_seconds))
    }
}

impl Clock for CountingClock {
    fn now(&self) -> String {
        let t = self.0.get();
        self.0.set(t + 1);
        rfc3339(t)
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_known_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}

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
    tandem_ticket::format_rfc3339(i64::try_from(unix_seconds).unwrap_or(i64::MAX), 0)
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

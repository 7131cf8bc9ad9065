//! RFC 3339 date-times (deadlines, journal and plan times) as seconds
//! since the Unix epoch, and back; shared by the crates that read and
//! write them.

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses an RFC 3339 date-time (`2026-12-01T18:00:00Z`,
/// `2026-12-01T18:00:00.5+01:00`) into seconds since the Unix epoch;
/// fractions of a second are dropped.
///
/// ```
/// assert_eq!(tandem_ticket::parse_rfc3339("1970-01-02T01:00:00+01:00"), Some(86_400));
/// assert_eq!(tandem_ticket::parse_rfc3339("2026-13-01T00:00:00Z"), None);
/// ```
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = &text[range];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let start = text.len() - 6;
            let (oh, om) = (num(start + 1..start + 3)?, num(start + 4..start + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * HOUR + om * 60)
        }
        _ => return None,
    };
    Some(
        days_from_civil(year, month, day) * DAY + hour * HOUR + minute * 60 + second.min(59)
            - offset,
    )
}

/// Formats a time as RFC 3339 at a UTC offset (seconds east of UTC,
/// whole minutes), e.g. `2026-12-15T12:00:00+01:00`.
///
/// ```
/// assert_eq!(tandem_ticket::format_rfc3339(86_400, 3600), "1970-01-02T01:00:00+01:00");
/// assert_eq!(tandem_ticket::format_rfc3339(0, 0), "1970-01-01T00:00:00Z");
/// ```
pub fn format_rfc3339(time: i64, offset_s: i64) -> String {
    let local = time + offset_s;
    let (days, secs) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (y, m, d) = civil_from_days(days);
    let zone = if offset_s == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset_s < 0 { '-' } else { '+' };
        let o = offset_s.abs();
        format!("{sign}{:02}:{:02}", o / HOUR, (o % HOUR) / 60)
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        secs / HOUR,
        (secs % HOUR) / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_hand_computed_times() {
        // 2024-02-29 is day 19,782 after 1970-01-01 (54 years, 13 leap days
        // before it: 54 * 365 + 13 + 31 + 28 = 19,782).
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(19_782 * 86_400));
        assert_eq!(
            parse_rfc3339("2024-02-29T01:30:00+01:30"),
            Some(19_782 * 86_400)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29 00:00:00.25z"),
            Some(19_782 * 86_400)
        );
        assert_eq!(format_rfc3339(19_782 * 86_400, 0), "2024-02-29T00:00:00Z");
        assert_eq!(
            format_rfc3339(19_782 * 86_400, -5 * 3600),
            "2024-02-28T19:00:00-05:00"
        );
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn refuses_what_is_not_a_date_time() {
        for text in [
            "2023-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T18:00:00",
            "2026-12-01T18:00:00+24:00",
            "2026-12-01",
            "2026-12-01T18:00:00Ä",
            "",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }
}

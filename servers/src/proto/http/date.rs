//! Dates in HTTP: the IMF-fixdate of RFC 7231 §7.1.1.1 (`Sun, 06 Nov 1994 08:49:37 GMT`) for
//! `Date`, `Last-Modified` and `If-Modified-Since`, and the common log format's
//! `[06/Nov/1994:08:49:37 +0000]` for the access log.
//!
//! No date crate: a Unix time (seconds since 1970-01-01 UTC, from `clock_gettime(2)` or a
//! file's `st_mtime`) becomes a calendar date with Howard Hinnant's `civil_from_days`, and back
//! with `days_from_civil`. Both are exact for the proleptic Gregorian calendar; read them with
//! the comments, the eras of 400 years are the whole trick.
//!
//! Only IMF-fixdate is parsed. The obsolete RFC 850 and asctime forms that RFC 7231 asks
//! recipients to accept are treated as unparseable, and an unparseable `If-Modified-Since` is
//! ignored (the full file is sent): never wrong, at worst less efficient.

use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date and time of day, UTC.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Thursday, as `DAYS`.
    weekday: usize,
}

/// Days since 1970-01-01 -> (year, month, day). Howard Hinnant's `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // shift the epoch to 0000-03-01: leap days then fall at year ends
    let era = z.div_euclid(146_097); // 400-year eras of 146097 days
    let doe = z.rem_euclid(146_097); // day of era [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year, March-based [0, 365]
    let mp = (5 * doy + 2) / 153; // month, March = 0 [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) -> days since 1970-01-01; the inverse of [`civil_from_days`].
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Civil {
    /// The UTC calendar date of a Unix time.
    pub fn from_unix(secs: i64) -> Civil {
        let days = secs.div_euclid(86_400);
        let rest = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: rest / 3600,
            minute: rest / 60 % 60,
            second: rest % 60,
            weekday: days.rem_euclid(7) as usize,
        }
    }

    pub fn to_unix(self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
    }

    fn month_name(self) -> &'static str {
        MONTHS[(self.month as usize - 1) % 12]
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
pub fn format_http_date(secs: i64) -> String {
    let c = Civil::from_unix(secs);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday],
        c.day,
        c.month_name(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `06/Nov/1994:08:49:37 +0000`, the common log format's timestamp (always UTC here).
pub fn format_clf_date(secs: i64) -> String {
    let c = Civil::from_unix(secs);
    format!(
        "{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000",
        c.day,
        c.month_name(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// Parse an IMF-fixdate; `None` for anything else (including the obsolete forms).
pub fn parse_http_date(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 bytes.
    if b.len() != 29 || &b[3..5] != b", " || b[7] != b' ' || b[11] != b' ' || &b[16..17] != b" " {
        return None;
    }
    if b[19] != b':' || b[22] != b':' || &b[25..] != b" GMT" {
        return None;
    }
    let weekday = DAYS.iter().position(|d| d.as_bytes() == &b[0..3])?;
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])? as u32 + 1;
    let civil = Civil {
        day: digits(&b[5..7])?,
        month,
        year: i64::from(digits(&b[12..16])?),
        hour: digits(&b[17..19])?,
        minute: digits(&b[20..22])?,
        second: digits(&b[23..25])?,
        weekday,
    };
    if civil.day == 0 || civil.day > 31 || civil.hour > 23 || civil.minute > 59 || civil.second > 60 {
        return None;
    }
    Some(civil.to_unix())
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter()
        .try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

/// Seconds since the epoch of a `SystemTime` (a file's mtime, the clock); 0 before 1970.
pub fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The `Date` header, formatted at most once per second: at tens of thousands of responses a
/// second, formatting it for each one would be the server's busiest code.
#[derive(Default)]
pub struct DateCache {
    secs: i64,
    text: String,
}

impl DateCache {
    /// The current time as an IMF-fixdate, and the Unix time it stands for.
    pub fn now(&mut self) -> (&str, i64) {
        let secs = unix_secs(SystemTime::now());
        if secs != self.secs || self.text.is_empty() {
            self.secs = secs;
            self.text = format_http_date(secs);
        }
        (&self.text, self.secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_example_round_trips() {
        // RFC 7231's own example: 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(format_http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(format_clf_date(784_111_777), "06/Nov/1994:08:49:37 +0000");
    }

    #[test]
    fn epoch_leap_days_and_far_dates() {
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format_http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(format_http_date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn days_round_trip_over_centuries() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        for secs in (0..5_000_000_000i64).step_by(7_777_777) {
            assert_eq!(parse_http_date(&format_http_date(secs)), Some(secs));
        }
    }

    #[test]
    fn rejects_other_forms_and_garbage() {
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nox 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 28:49:37 GMT",
            "Sun, 0x Nov 1994 08:49:37 GMT",
            "",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn cache_formats_the_current_second() {
        let mut cache = DateCache::default();
        let (text, secs) = cache.now();
        assert_eq!(parse_http_date(text), Some(secs));
    }
}

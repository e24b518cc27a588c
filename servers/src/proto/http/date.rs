//! Dates in HTTP: the IMF-fixdate of RFC 9110 §5.6.7 (`Sun, 06 Nov 1994 08:49:37 GMT`) for
//! `Date`, `Last-Modified` and `If-Modified-Since`, and the common log format's
//! `[06/Nov/1994:08:49:37 +0000]` for the access log.
//!
//! No date crate: a Unix time (seconds since 1970-01-01 UTC, from `clock_gettime(2)` or a
//! file's `st_mtime`) becomes a calendar date with Howard Hinnant's `civil_from_days`, and back
//! with `days_from_civil`. Both are exact for the proleptic Gregorian calendar; read them with
//! the comments, the eras of 400 years are the whole trick.
//!
//! A server sends only IMF-fixdate, but RFC 9110 §5.6.7 says a recipient must still accept
//! the two obsolete forms old clients send: RFC 850's `Sunday, 06-Nov-94 08:49:37 GMT` (a
//! two-digit year: more than 50 years in the future means the century before) and C's
//! `asctime()` format `Sun Nov  6 08:49:37 1994` (day padded with a space, no zone: GMT).
//! `parse_http_date` tries the three; anything else is unparseable, and an unparseable
//! `If-Modified-Since` is ignored (the full file is sent): never wrong, at worst less efficient.

use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const DAYS_LONG: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
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

/// Parse a date in any of the three forms HTTP allows; `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    parse_http_date_at(text, unix_secs(SystemTime::now()))
}

/// The same, with the current time given (it decides the century of an RFC 850 date).
pub fn parse_http_date_at(text: &str, now: i64) -> Option<i64> {
    let b = text.trim().as_bytes();
    let civil = parse_imf_fixdate(b)
        .or_else(|| parse_rfc850(b, Civil::from_unix(now).year))
        .or_else(|| parse_asctime(b))?;
    let valid = (1..=12).contains(&civil.month)
        && (1..=31).contains(&civil.day)
        && civil.hour <= 23
        && civil.minute <= 59
        && civil.second <= 60; // 60: a leap second
    valid.then(|| civil.to_unix())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`: fixed width, 29 bytes.
fn parse_imf_fixdate(b: &[u8]) -> Option<Civil> {
    if b.len() != 29 || &b[3..5] != b", " || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    if &b[25..] != b" GMT" {
        return None;
    }
    let weekday = DAYS.iter().position(|d| d.as_bytes() == &b[0..3])?;
    let (hour, minute, second) = time_of_day(&b[17..25])?;
    Some(Civil {
        day: digits(&b[5..7])?,
        month: month_number(&b[8..11])?,
        year: i64::from(digits(&b[12..16])?),
        hour,
        minute,
        second,
        weekday,
    })
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`: a full day name, then 24 fixed bytes.
fn parse_rfc850(b: &[u8], this_year: i64) -> Option<Civil> {
    let comma = b.iter().position(|&c| c == b',')?;
    let weekday = DAYS_LONG.iter().position(|d| d.as_bytes() == &b[..comma])?;
    let r = &b[comma..];
    // ", 06-Nov-94 08:49:37 GMT"
    if r.len() != 24 || &r[..2] != b", " || r[4] != b'-' || r[8] != b'-' || r[11] != b' ' {
        return None;
    }
    if &r[20..] != b" GMT" {
        return None;
    }
    let (hour, minute, second) = time_of_day(&r[12..20])?;
    Some(Civil {
        day: digits(&r[2..4])?,
        month: month_number(&r[5..8])?,
        year: rfc850_year(i64::from(digits(&r[9..11])?), this_year),
        hour,
        minute,
        second,
        weekday,
    })
}

/// RFC 9110: a two-digit year that would be more than 50 years in the future is the most
/// recent past year with the same last two digits.
fn rfc850_year(yy: i64, this_year: i64) -> i64 {
    let year = this_year - this_year.rem_euclid(100) + yy;
    if year > this_year + 50 {
        year - 100
    } else {
        year
    }
}

/// `Sun Nov  6 08:49:37 1994`: C's asctime(), 24 bytes, the day padded with a space.
fn parse_asctime(b: &[u8]) -> Option<Civil> {
    if b.len() != 24 || b[3] != b' ' || b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    let weekday = DAYS.iter().position(|d| d.as_bytes() == &b[0..3])?;
    let day = match b[8] {
        b' ' => digits(&b[9..10])?,
        _ => digits(&b[8..10])?,
    };
    let (hour, minute, second) = time_of_day(&b[11..19])?;
    Some(Civil {
        day,
        month: month_number(&b[4..7])?,
        year: i64::from(digits(&b[20..24])?),
        hour,
        minute,
        second,
        weekday,
    })
}

/// `08:49:37` -> (8, 49, 37).
fn time_of_day(b: &[u8]) -> Option<(u32, u32, u32)> {
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?))
}

/// `Nov` -> 11.
fn month_number(b: &[u8]) -> Option<u32> {
    MONTHS.iter().position(|m| m.as_bytes() == b).map(|i| i as u32 + 1)
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
#[path = "date_tests.rs"]
mod tests;

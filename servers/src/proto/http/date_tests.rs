//! Dates: formatting, and parsing the three forms RFC 9110 §5.6.7 allows.

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
        "Sunday, 06-Nov-94 08:49:37 UTC",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sunday, 6-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 8:49:37 1994",
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

#[test]
fn the_two_obsolete_forms_parse_to_the_same_instant() {
    // RFC 9110 §5.6.7's three examples name one instant.
    let now = 1_790_000_000; // in 2026
    for text in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        assert_eq!(parse_http_date_at(text, now), Some(784_111_777), "{text:?}");
    }
    assert_eq!(parse_http_date_at("Thu Jan  1 00:00:00 1970", now), Some(0));
    assert_eq!(parse_http_date_at("Tue Feb 29 00:00:00 2000", now), Some(951_782_400));
    assert_eq!(parse_http_date_at("Mon Mar 12 00:00:00 2001", now), Some(984_355_200));
}

#[test]
fn a_two_digit_year_more_than_50_years_ahead_is_in_the_past_century() {
    let now = 1_790_000_000; // in 2026: 76 would be 2076 (50 years ahead), 77 is 1977
    assert_eq!(
        parse_http_date_at("Wednesday, 01-Jan-76 00:00:00 GMT", now),
        Some(parse_http_date_at("Wed, 01 Jan 2076 00:00:00 GMT", now).expect("fixdate"))
    );
    assert_eq!(
        parse_http_date_at("Saturday, 01-Jan-77 00:00:00 GMT", now),
        Some(parse_http_date_at("Sat, 01 Jan 1977 00:00:00 GMT", now).expect("fixdate"))
    );
    assert_eq!(
        parse_http_date_at("Thursday, 01-Jan-26 00:00:00 GMT", now),
        Some(parse_http_date_at("Thu, 01 Jan 2026 00:00:00 GMT", now).expect("fixdate"))
    );
}

//! Dates and timestamps without a calendar crate: RFC 3339 in UTC, as every
//! API here writes them (DocSpace with seven fractional digits).

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch as an RFC 3339 UTC timestamp (civil-from-days,
/// proleptic Gregorian calendar).
pub(crate) fn format_utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
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
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `YYYY-MM-DD` as days since the epoch.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    civil_days(y, m, d)
}

/// Days since the epoch of year `y`, month `m`, day `d`; `None` for a
/// month or day the calendar does not have.
fn civil_days(y: i64, m: i64, d: i64) -> Option<i64> {
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&d)
        .then(|| days_from_civil(y, m, d))
}

/// An RFC 3339 timestamp as seconds since the epoch. Fractions are dropped;
/// `Z` and `±HH:MM` offsets are honoured; a bare date means its midnight UTC.
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    canonical(s.as_bytes()).or_else(|| parse_any(s))
}

/// The shape every fixture and API here writes, `YYYY-MM-DDTHH:MM:SS`,
/// optional fraction digits, `Z`, read without splitting: a fixture's
/// `recorded_at` is read for every case. `None` for anything else (or an
/// impossible date or time), which [`parse_any`] then reads: this only
/// ever answers what `parse_any` would.
fn canonical(b: &[u8]) -> Option<i64> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        n0,
        n1,
        b':',
        s0,
        s1,
        tail @ ..,
    ] = b
    else {
        return None;
    };
    let tail = match tail {
        [b'.', fraction @ ..] => {
            let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            (digits > 0).then_some(&fraction[digits..])?
        }
        _ => tail,
    };
    if tail != b"Z" {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0i64, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (
        number(&[*y0, *y1, *y2, *y3])?,
        number(&[*m0, *m1])?,
        number(&[*d0, *d1])?,
    );
    let (h, min, sec) = (
        number(&[*h0, *h1])?,
        number(&[*n0, *n1])?,
        number(&[*s0, *s1])?,
    );
    if h > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(civil_days(y, m, d)? * 86_400 + h * 3600 + min * 60 + sec)
}

/// Any timestamp [`parse_timestamp`] takes.
fn parse_any(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => return parse_date(s).map(|d| d * 86_400),
    };
    let days = parse_date(date)?;
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "Z"),
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (
        hms.next()??,
        hms.next()??,
        hms.next().flatten().unwrap_or(0),
    );
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let offset = match offset {
        "Z" | "z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':')?;
            let (oh, om): (i64, i64) = (oh.parse().ok()?, om.parse().ok()?);
            // Real offsets are under a day; anything else is not a timestamp.
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + m * 60 + sec - offset)
}

/// A duration as a spec writes it: `90d`, `12w`, `36h`. Returns seconds.
pub(crate) fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: i64 = number.parse().map_err(|_| {
        format!("`{s}` is not a duration; write a whole number and a unit, such as 90d")
    })?;
    let unit = match unit {
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "`{s}` has no known unit; use h (hours), d (days) or w (weeks), such as 90d"
            ));
        }
    };
    n.checked_mul(unit)
        .ok_or_else(|| format!("`{s}` is too long"))
}

/// A duration in the largest whole unit, for messages: `90d`, `36h`.
pub(crate) fn format_duration(secs: i64) -> String {
    if secs % 86_400 == 0 {
        format!("{}d", secs / 86_400)
    } else {
        format!("{}h", secs / 3600)
    }
}

/// A day number as `YYYY-MM-DD`.
pub(crate) fn format_date(days: i64) -> String {
    format_utc(u64::try_from(days * 86_400).unwrap_or(0))[..10].to_owned()
}

/// Today, in days since the epoch. `PERMSPEC_TODAY` (`YYYY-MM-DD`) pins it
/// for review dates; otherwise today is the day of [`now`].
pub(crate) fn today() -> i64 {
    std::env::var("PERMSPEC_TODAY")
        .ok()
        .and_then(|d| parse_date(d.trim()))
        .unwrap_or_else(|| now().div_euclid(86_400))
}

/// Now, in seconds since the epoch. `PERMSPEC_NOW` (RFC 3339) overrides
/// the clock, so tests and reproductions can pin it.
pub(crate) fn now() -> i64 {
    if let Some(t) = std::env::var("PERMSPEC_NOW")
        .ok()
        .and_then(|v| parse_timestamp(&v))
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {

    /// The canonical reader answers only what the general one would: on
    /// every one-character change of canonical timestamps, it gives the
    /// same value or defers.
    #[test]
    fn the_canonical_reader_agrees_with_the_general_one() {
        let seeds = [
            "2026-11-20T08:00:00Z",
            "2026-10-01T12:00:00.0000000Z",
            "2024-02-29T23:59:60Z",
            "2023-02-29T00:00:00Z",
            "1970-01-01T00:00:00.5Z",
            "2026-13-01T24:61:00Z",
        ];
        let alphabet = b"0123456789-T:.Zz+ tx\xc3";
        let mut checked = 0;
        for seed in seeds {
            let mut texts = vec![seed.as_bytes().to_vec()];
            for i in 0..seed.len() {
                for &c in alphabet {
                    let mut t = seed.as_bytes().to_vec();
                    t[i] = c;
                    texts.push(t.clone());
                    t.insert(i, c);
                    texts.push(t);
                }
                let mut cut = seed.as_bytes().to_vec();
                cut.remove(i);
                texts.push(cut);
            }
            for t in texts {
                let Ok(text) = std::str::from_utf8(&t) else {
                    continue;
                };
                if let Some(v) = canonical(&t) {
                    assert_eq!(Some(v), parse_any(text), "{text:?}");
                    checked += 1;
                }
                assert_eq!(parse_timestamp(text), parse_any(text), "{text:?}");
            }
        }
        assert!(
            checked > 100,
            "only {checked} texts took the canonical path"
        );
        assert_eq!(canonical(b"2026-11-20T08:00:00Z"), Some(1_795_161_600));
    }

    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_795_424_647), "2026-11-23T09:04:07Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn durations_and_dates() {
        assert_eq!(parse_duration("90d"), Ok(90 * 86_400));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        assert_eq!(parse_duration("36h"), Ok(36 * 3600));
        assert!(parse_duration("90").unwrap_err().contains("unit"));
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
        assert_eq!(format_duration(90 * 86_400), "90d");
        assert_eq!(format_duration(36 * 3600), "36h");
        assert_eq!(format_date(parse_date("2027-01-31").unwrap()), "2027-01-31");
    }

    #[test]
    fn parses_the_timestamps_the_apis_send() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp("2027-10-01T12:00:00.0000000Z"),
            Some(1_822_392_000)
        );
        assert_eq!(
            parse_timestamp("2027-10-01T14:00:00+02:00"),
            Some(1_822_392_000)
        );
        assert_eq!(parse_timestamp("2027-10-01"), Some(1_822_348_800));
        assert_eq!(parse_timestamp("2027-13-01T00:00:00Z"), None);
        assert_eq!(parse_timestamp("2027-02-29T00:00:00Z"), None);
        assert_eq!(parse_timestamp("2028-02-29T00:00:00Z"), Some(1_835_395_200));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(
            parse_timestamp("2000-01-01T00:00:00+3000000000000000:0"),
            None
        );
        assert_eq!(
            parse_timestamp("2000-01-01T00:00:00-0:200000000000000000"),
            None
        );
        assert_eq!(parse_timestamp(""), None);
    }
}

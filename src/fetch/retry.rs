//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

/// At most this many retries after the first attempt.
pub(crate) const MAX_RETRIES: u32 = 3;

/// A server's `Retry-After` is honoured up to this long.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Statuses that mean "try again later": rate limited, or a gateway that
/// could not reach the API. Never 4xx auth errors: retrying a rejected
/// credential only locks accounts.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Exponential backoff with full jitter: a random wait in
/// `[base * 2^attempt / 2, base * 2^attempt]`. `attempt` counts from 0.
pub(crate) fn backoff(attempt: u32, base: Duration, jitter: f64) -> Duration {
    let full = base.saturating_mul(1 << attempt.min(10));
    let jitter = jitter.clamp(0.0, 1.0);
    full.mul_f64(0.5 + jitter / 2.0)
}

/// Parses `Retry-After`: delay seconds, or an HTTP date (IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`). Capped at [`MAX_RETRY_AFTER`].
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = parse_http_date(value)?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn parse_http_date(s: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let (_, rest) = s.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = crate::time::days_from_civil(year, month, day);
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates_are_capped() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("3600", now), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now),
            None
        );
    }

    #[test]
    fn backoff_doubles_and_jitter_stays_in_range() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(0, base, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(2, base, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(2, base, 0.0), Duration::from_millis(200));
        assert!(backoff(40, base, 1.0) <= base * 1024);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [429, 502, 503, 504] {
            assert!(retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 500] {
            assert!(!retryable_status(s));
        }
    }
}

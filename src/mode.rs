//! Where a case's answer comes from, chosen by `PERMSPEC_MODE`.

use std::fmt;
use std::str::FromStr;

/// How a run gets each token's grant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Read the recorded fixture. Needs no network and no secret. The default.
    #[default]
    Replay,
    /// Ask the live API. Writes nothing.
    Live,
    /// Ask the live API and store each successful answer as the fixture.
    Record,
}

impl Mode {
    /// The environment variable that selects the mode.
    pub const ENV: &'static str = "PERMSPEC_MODE";

    /// Reads [`Mode::ENV`]; unset or empty means [`Mode::Replay`].
    pub fn from_env() -> Result<Mode, String> {
        match std::env::var(Mode::ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse(),
            _ => Ok(Mode::Replay),
        }
    }

    pub(crate) fn is_live(self) -> bool {
        matches!(self, Mode::Live | Mode::Record)
    }
}

/// A run policy read from the environment variable `var`: `default` when
/// it is unset or blank, else one of the words `parse` takes, or an error
/// that names the variable, its value and `names` (`PERMSPEC_UNREFERENCED`,
/// `PERMSPEC_PENDING`).
pub(crate) fn policy_from_env<T>(
    var: &str,
    parse: impl Fn(&str) -> Option<T>,
    names: &str,
    default: T,
) -> Result<T, String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => parse(v.trim())
            .ok_or_else(|| format!("{var} is `{}`; it takes {names}", crate::escape::text(&v))),
        _ => Ok(default),
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "replay" => Ok(Mode::Replay),
            "live" => Ok(Mode::Live),
            "record" => Ok(Mode::Record),
            other => Err(format!(
                "{}={other:?} is not a mode; use replay (the default), live or record",
                Mode::ENV
            )),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Replay => "replay",
            Mode::Live => "live",
            Mode::Record => "record",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_modes_and_rejects_others() {
        assert_eq!("replay".parse(), Ok(Mode::Replay));
        assert_eq!(" LIVE ".parse(), Ok(Mode::Live));
        assert_eq!("record".parse(), Ok(Mode::Record));
        let e = "recrod".parse::<Mode>().unwrap_err();
        assert!(
            e.contains("use replay (the default), live or record"),
            "{e}"
        );
    }
}

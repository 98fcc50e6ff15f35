//! Recorded answers: the fixture file format, replay, and atomic writes.
//!
//! A fixture is the server's answer and nothing else: the request line
//! (method and URL, secrets scrubbed), the status and the JSON body as the
//! server sent it. No header is stored, so no `Authorization` or cookie can
//! be. Keys are written sorted so re-recording gives small diffs.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    pub recorded_at: String,
    pub provider: String,
    pub request: FixtureRequest,
    pub response: FixtureResponse,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureRequest {
    pub method: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureResponse {
    pub status: u16,
    /// Only a header the provider reads privileges from (`x-oauth-scopes`);
    /// no other header is ever stored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

/// Why a fixture could not be used. `Missing` is told apart because its
/// hint differs: record it, rather than repair it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    Missing,
    Invalid(String),
}

/// Fixtures larger than this are refused: no API answer we read is close.
const MAX_FIXTURE_BYTES: u64 = 4 << 20;

pub(crate) fn read(path: &Path) -> Result<Fixture, ReadError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Invalid(format!("cannot read it: {e}"))),
    };
    // Read at most one byte past the limit: no stat, and no huge read. The
    // buffer starts larger than a typical fixture, so one read fetches it.
    let mut bytes = Vec::with_capacity(16 * 1024);
    file.take(MAX_FIXTURE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Invalid(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_FIXTURE_BYTES {
        return Err(ReadError::Invalid(format!(
            "it is over the {MAX_FIXTURE_BYTES}-byte limit"
        )));
    }
    parse(&bytes)
}

/// A fixture from its bytes: never panics, whatever they are.
pub(crate) fn parse(bytes: &[u8]) -> Result<Fixture, ReadError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ReadError::Invalid(format!("it is not a permspec fixture: {e}")))
}

/// Writes the fixture, pretty-printed, atomically.
pub(crate) fn write(path: &Path, fixture: &Fixture) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(fixture).map_err(std::io::Error::other)?;
    text.push('\n');
    write_atomic(path, &text)
}

/// Writes `text` next to `path`, syncs it, then renames it into place, so a
/// reader never sees half a file and a failed write loses nothing (fixtures,
/// and the specs `init` writes).
pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Now, as `2026-11-20T08:00:00Z` (`PERMSPEC_NOW` pins the clock).
pub(crate) fn now_utc() -> String {
    crate::time::format_utc(u64::try_from(crate::time::now()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Fixture {
        Fixture {
            recorded_at: "2026-11-20T08:00:00Z".into(),
            provider: "docspace".into(),
            request: FixtureRequest {
                method: "GET".into(),
                url: "https://portal.example.com/api/2.0/keys/@self".into(),
            },
            response: FixtureResponse {
                status: 200,
                headers: BTreeMap::new(),
                body: json!({"response": {"permissions": ["files:read"]}, "status": 0}),
            },
        }
    }

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("permspec-fixture-{}", std::process::id()));
        let path = dir.join("docspace/ci.json");
        write(&path, &sample()).unwrap();
        assert_eq!(read(&path).unwrap(), sample());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ci.json")]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\n  \"recorded_at\""), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_and_broken_fixtures_are_told_apart() {
        let dir = std::env::temp_dir().join(format!("permspec-fixture-b-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(read(&dir.join("nope.json")), Err(ReadError::Missing));
        let path = dir.join("cut.json");
        std::fs::write(&path, "{\"recorded_at\": \"2026").unwrap();
        let Err(ReadError::Invalid(why)) = read(&path) else {
            panic!()
        };
        assert!(why.contains("line 1"), "{why}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

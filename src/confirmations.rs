//! When each fixture was last confirmed: `<fixtures>/confirmations.json`.
//!
//! Recording an answer whose evidence is what the fixture already holds
//! leaves the fixture byte for byte as it is (a weekly record run against
//! an unchanged API changes no fixture) and notes the time here instead:
//!
//! ```json
//! {
//!   "confirmed": {
//!     "vault/app.json": { "of": "2026-11-02T10:00:00Z", "at": "2026-11-23T10:00:00Z" }
//!   }
//! }
//! ```
//!
//! Keys are fixture paths relative to the folder, with `/`, sorted; `of` is
//! the `recorded_at` of the fixture confirmed, `at` when. A fixture written
//! anew drops its entry (its `recorded_at` says it all), so the file lists
//! only fixtures confirmed after they were written. Replay measures a
//! fixture's age from the later of the two times, and only when `of` is the
//! fixture's own `recorded_at`: a fixture reverted or replaced by hand never
//! inherits another recording's confirmation.
//!
//! The file only ever makes a fixture younger, so it is read with care: a
//! file that cannot be read or parsed counts as empty (ages then count from
//! `recorded_at`, which is stricter; a fixture that goes stale for it says
//! why the manifest was not read), and a time in the future is refused by
//! replay as `recorded_at` is. Recording never writes over such a file: it
//! is left as it is for a person to fix or delete, and the record run says
//! so.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) const FILE: &str = "confirmations.json";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    confirmed: BTreeMap<String, Confirmation>,
}

/// One fixture's confirmation: of which recording, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Confirmation {
    /// The `recorded_at` of the fixture that was confirmed.
    pub of: String,
    pub at: String,
}

/// The manifest's key for a fixture under `root`: its relative path, with
/// `/` whatever the platform.
pub(crate) fn key(root: &Path, fixture: &Path) -> Option<String> {
    let rel = fixture.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Every confirmation under `root`, by fixture path: empty when there is
/// no manifest, and an error saying why when there is one that cannot be
/// read (a link, unreadable, not JSON, not a manifest). Readers count it as
/// empty, which is stricter; [`update`] refuses to write over it.
pub(crate) fn read(root: &Path) -> Result<BTreeMap<PathBuf, Confirmation>, String> {
    Ok(manifest(root)?
        .confirmed
        .into_iter()
        .map(|(k, v)| (k.split('/').fold(root.to_path_buf(), |p, c| p.join(c)), v))
        .collect())
}

/// The manifest under `root`, empty when there is none.
fn manifest(root: &Path) -> Result<Manifest, String> {
    let path = root.join(FILE);
    let shown = crate::plan::display_path(&path);
    crate::fixture::no_links(root, &path)?;
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
        Err(e) => return Err(format!("{shown} cannot be read: {e}")),
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{shown} is not a confirmations manifest ({})",
            crate::escape::text(&e.to_string())
        )
    })
}

/// Notes that the fixtures `confirmed` (keys, see [`key`], with the
/// `recorded_at` each holds) were confirmed at `now` and that `rewritten`
/// were written anew, keeping every other entry. Written atomically, and
/// only when something changed. A manifest that cannot be read is an
/// error, left as it is: writing over it would lose what it held. Every
/// error names the file.
pub(crate) fn update(
    root: &Path,
    confirmed: &[(String, String)],
    rewritten: &[String],
    now: &str,
) -> Result<(), String> {
    change(root, |entries| {
        for k in rewritten {
            entries.remove(k);
        }
        for (k, of) in confirmed {
            let c = Confirmation {
                of: of.clone(),
                at: now.to_owned(),
            };
            entries.insert(k.clone(), c);
        }
    })
}

/// Forgets the entries of fixtures that are no longer there (a renamed
/// token, a fixture deleted or moved): the manifest names only what a
/// reviewer can find. Run after a record run or a review writes.
pub(crate) fn forget_missing(root: &Path) -> Result<(), String> {
    if !root.join(FILE).is_file() {
        return Ok(());
    }
    change(root, |entries| {
        entries.retain(|k, _| {
            // Keys are relative, `/`-separated (see [`key`]); one that
            // leaves the folder names no fixture of it.
            !k.split('/').any(|part| part == ".." || part.is_empty()) && root.join(k).is_file()
        });
    })
}

/// Applies `edit` to the manifest's entries, then writes it atomically
/// when they changed (and removes it when none is left).
fn change(
    root: &Path,
    edit: impl FnOnce(&mut BTreeMap<String, Confirmation>),
) -> Result<(), String> {
    let path = root.join(FILE);
    let mut manifest = manifest(root).map_err(|why| format!("{why}; fix or delete it"))?;
    let before = manifest.confirmed.clone();
    edit(&mut manifest.confirmed);
    if manifest.confirmed == before {
        return Ok(());
    }
    let shown = crate::plan::display_path(&path);
    if manifest.confirmed.is_empty() {
        return match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("cannot remove {shown}: {e}")),
        };
    }
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    crate::fixture::write(root, &path, &text).map_err(|e| format!("cannot write {shown}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_are_kept_updated_and_dropped_on_rewrite() {
        let root = std::env::temp_dir().join(format!("permspec-confirm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let t1 = "2026-11-23T10:00:00Z";
        let of = "2026-11-01T00:00:00Z".to_owned();
        let both = [
            ("a/x.json".to_owned(), of.clone()),
            ("b/y.json".to_owned(), of.clone()),
        ];
        update(&root, &both, &[], t1).unwrap();
        let read_back = read(&root).unwrap();
        assert_eq!(
            read_back.get(&root.join("a").join("x.json")),
            Some(&Confirmation {
                of,
                at: t1.to_owned()
            })
        );
        update(&root, &[], &["a/x.json".into()], "2026-11-30T10:00:00Z").unwrap();
        let read_back = read(&root).unwrap();
        assert_eq!(read_back.len(), 1);
        assert!(read_back.contains_key(&root.join("b").join("y.json")));
        update(&root, &[], &["b/y.json".into()], t1).unwrap();
        assert!(!root.join(FILE).exists(), "an empty manifest is removed");
        assert_eq!(read(&root), Ok(BTreeMap::new()), "no manifest is no error");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn entries_of_fixtures_that_are_gone_are_forgotten() {
        let root = std::env::temp_dir().join(format!("permspec-forget-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/x.json"), "{}").unwrap();
        let of = "2026-11-01T00:00:00Z".to_owned();
        let entries = [
            ("a/x.json".to_owned(), of.clone()),
            ("a/gone.json".to_owned(), of.clone()),
            ("../a/x.json".to_owned(), of.clone()),
        ];
        update(&root, &entries, &[], "2026-11-23T10:00:00Z").unwrap();
        assert_eq!(read(&root).unwrap().len(), 3, "update keeps every entry");
        forget_missing(&root).unwrap();
        let kept = read(&root).unwrap();
        assert_eq!(
            kept.keys().cloned().collect::<Vec<_>>(),
            vec![root.join("a").join("x.json")]
        );
        std::fs::remove_file(root.join("a/x.json")).unwrap();
        forget_missing(&root).unwrap();
        assert!(!root.join(FILE).exists(), "nothing left: no manifest");
        forget_missing(&root).unwrap();
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A manifest that cannot be read confirms nothing, says why, and is
    /// never written over: recording would otherwise lose what it held
    /// (found by the `confirmations` fuzz target).
    #[test]
    fn an_unreadable_manifest_is_an_error_and_left_as_it_is() {
        let root = std::env::temp_dir().join(format!("permspec-unread-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let entry = [("a/x.json".to_owned(), "2026-11-01T00:00:00Z".to_owned())];
        for bad in [
            "{not json",
            "[]",
            r#"{"confirmed": {}, "extra": 1}"#,
            r#"{"confirmed": {"a/x.json": {"of": "x"}}}"#,
        ] {
            std::fs::write(root.join(FILE), bad).unwrap();
            let why = read(&root).unwrap_err();
            assert!(
                why.contains(FILE) && why.contains("is not a confirmations manifest"),
                "{bad}: {why}"
            );
            for result in [
                update(&root, &entry, &[], "2026-11-23T10:00:00Z"),
                update(&root, &[], &["a/x.json".into()], "2026-11-23T10:00:00Z"),
            ] {
                let why = result.unwrap_err();
                assert!(
                    why.contains(FILE) && why.ends_with("fix or delete it"),
                    "{why}"
                );
            }
            assert_eq!(std::fs::read_to_string(root.join(FILE)).unwrap(), bad);
        }
        // A folder where the file should be cannot be read either.
        std::fs::remove_file(root.join(FILE)).unwrap();
        std::fs::create_dir(root.join(FILE)).unwrap();
        assert!(read(&root).unwrap_err().contains("cannot be read"));
        assert!(update(&root, &entry, &[], "2026-11-23T10:00:00Z").is_err());
        assert!(root.join(FILE).is_dir());
        assert_eq!(
            key(&root, &root.join("vault").join("app.json")).as_deref(),
            Some("vault/app.json")
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

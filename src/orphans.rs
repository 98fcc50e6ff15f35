//! Fixtures no spec token refers to: a renamed token, a moved spec, a
//! removed one. Nothing reads them, so they say nothing about any token,
//! but a reviewer reading `fixtures/` would take them for evidence.
//!
//! They are found against every spec the run loads (before any filter):
//! each `*.json` (and pending `*.json.new`) under a fixtures folder that
//! is not a case's fixture. A spec that does not load (or a token that
//! does not) makes nothing under its folder an orphan: its tokens are
//! unknown, not gone. `PERMSPEC_UNREFERENCED` (or `check --unreferenced`)
//! says what to do: `ignore`, `warn` (the default), `reject` (the run
//! fails) or `delete`.

use crate::plan::{Entry, display_path};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    Ignore,
    Warn,
    Reject,
    Delete,
}

impl Policy {
    pub(crate) const NAMES: &'static str = "ignore, warn, reject or delete";

    pub(crate) fn parse(s: &str) -> Option<Policy> {
        Some(match s {
            "ignore" => Policy::Ignore,
            "warn" => Policy::Warn,
            "reject" => Policy::Reject,
            "delete" => Policy::Delete,
            _ => return None,
        })
    }

    /// `PERMSPEC_UNREFERENCED`, or `warn`.
    pub(crate) fn from_env() -> Result<Policy, String> {
        match std::env::var("PERMSPEC_UNREFERENCED") {
            Ok(v) if !v.trim().is_empty() => Policy::parse(v.trim()).ok_or_else(|| {
                format!(
                    "PERMSPEC_UNREFERENCED is `{}`; it takes {}",
                    crate::escape::text(&v),
                    Policy::NAMES
                )
            }),
            _ => Ok(Policy::Warn),
        }
    }
}

/// The files of a fixtures folder, by folder, listed on a thread of their
/// own: started before planning, which keeps one core busy, the listing
/// costs the run no time (10,000 fixtures: 1,000 folders read).
pub(crate) struct Listing {
    root: PathBuf,
    files: std::thread::JoinHandle<Vec<(PathBuf, Vec<std::ffi::OsString>)>>,
}

impl Listing {
    pub(crate) fn start(root: PathBuf) -> Listing {
        let at = root.clone();
        let files = std::thread::spawn(move || {
            let mut out = Vec::new();
            list(&at, &mut out);
            out
        });
        Listing { root, files }
    }
}

/// Every file under `dir`, by folder, never following a link.
fn list(dir: &Path, out: &mut Vec<(PathBuf, Vec<std::ffi::OsString>)>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names = Vec::new();
    let mut folders = Vec::new();
    for entry in read.flatten() {
        match entry.file_type() {
            Ok(k) if k.is_dir() => folders.push(entry.path()),
            Ok(k) if k.is_file() => names.push(entry.file_name()),
            _ => {}
        }
    }
    out.push((dir.to_path_buf(), names));
    for f in folders {
        list(&f, out);
    }
}

/// What the listing of the fixtures folders shows.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    /// Fixtures (and pending files) no case reads, sorted.
    pub orphans: Vec<PathBuf>,
    /// The fixtures of cases that have a pending `.json.new` beside them,
    /// so replay need not look for one case by case.
    pub pending: HashSet<PathBuf>,
    /// The fixtures folders the entries' cases read, sorted.
    pub roots: Vec<PathBuf>,
}

/// The fixtures under the entries' fixtures folders that no case of theirs
/// reads, and the cases' pending files. `listing`: the harness's folder,
/// listed while it planned.
pub(crate) fn find(entries: &[Entry], listing: Listing) -> Found {
    // Every case is read here for the first time since planning, a few
    // cache misses each, which were most of this pass's time on one
    // thread: the entries are read in chunks on every core, then merged.
    let parts = crate::parallel::map(entries.chunks(CHUNK), crate::parallel::cores(), references);
    let mut roots: BTreeSet<&Path> = BTreeSet::new();
    let mut unknown_specs = BTreeSet::new();
    let mut referenced: HashMap<&Path, Names<'_>> = HashMap::new();
    for part in parts {
        roots.extend(part.roots);
        unknown_specs.extend(part.unknown_specs);
        for run in part.runs {
            file_run(&mut referenced, Some(run));
        }
    }
    let listed_root = listing.root;
    let listed = listing.files.join().unwrap_or_default();
    let mut found = Vec::new();
    let mut pending = HashSet::new();
    for &root in &roots {
        let skip: Vec<PathBuf> = unknown_specs
            .iter()
            .map(|s| s.split('/').fold(root.to_path_buf(), |p, c| p.join(c)))
            .collect();
        let mut other = Vec::new();
        let folders = if root == listed_root {
            &listed
        } else {
            list(root, &mut other);
            &other
        };
        for (dir, names) in folders {
            if skip.iter().any(|s| dir.starts_with(s)) {
                continue;
            }
            let here = referenced.get(dir.as_path());
            for file in names {
                let name = file.to_str().unwrap_or("");
                let read = name.strip_suffix(".new").unwrap_or(name);
                let manifest = name == crate::confirmations::FILE && dir == root;
                let known = here.is_some_and(|n| n.contains(read.as_bytes()));
                if read.ends_with(".json") && !manifest && !known {
                    found.push(dir.join(file));
                } else if known && read.len() < name.len() {
                    pending.insert(dir.join(read));
                }
            }
        }
    }
    found.sort();
    Found {
        orphans: found,
        pending,
        roots: roots.into_iter().map(Path::to_path_buf).collect(),
    }
}

/// How many entries one task of [`find`] reads.
const CHUNK: usize = 1024;

/// What one chunk of entries references.
#[derive(Default)]
struct References<'a> {
    /// The fixtures folders, each once.
    roots: BTreeSet<&'a Path>,
    /// Specs (`spec`) with a broken entry.
    unknown_specs: BTreeSet<String>,
    /// The fixtures' names, by folder, one item per run of cases sharing
    /// one (the cases of one spec file come one after the other): a folder
    /// is hashed once per run, not once per case, and a file by its name.
    runs: Vec<(&'a Path, Names<'a>)>,
}

fn references(entries: &[Entry]) -> References<'_> {
    let mut out = References::default();
    let mut last_root: Option<&Path> = None;
    let mut run: Option<(&Path, Names<'_>)> = None;
    for e in entries {
        match e {
            Entry::Case(c) => {
                let root = c.spec.fixtures.as_path();
                if last_root.is_none_or(|l| l.as_os_str() != root.as_os_str()) {
                    out.roots.insert(root);
                    last_root = Some(root);
                }
                if let Some((d, names)) = &mut run {
                    if let Some(name) = name_under(d, &c.fixture) {
                        names.insert(name);
                        continue;
                    }
                }
                let (Some(dir), Some(name)) = (c.fixture.parent(), c.fixture.file_name()) else {
                    continue;
                };
                out.runs.extend(run.take());
                run = Some((dir, HashSet::from([name.as_encoded_bytes()])));
            }
            // `spec::token` or, for a file that does not load, `spec`.
            Entry::Broken(b) => {
                let spec = b.name.split("::").next().unwrap_or(&b.name);
                out.unknown_specs.insert(spec.to_owned());
            }
        }
    }
    out.runs.extend(run);
    out
}

/// Files a run of cases' names under their folder.
type Names<'a> = HashSet<&'a [u8]>;
fn file_run<'a>(referenced: &mut HashMap<&'a Path, Names<'a>>, run: Option<(&'a Path, Names<'a>)>) {
    if let Some((d, names)) = run {
        match referenced.entry(d) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(names);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().extend(names),
        }
    }
}

/// `path`'s file name when `path` is `dir`, one separator and that name,
/// byte for byte: then `dir` is what `path.parent()` gives, and the name
/// what `path.file_name()` gives, read without parsing the path's
/// components (which showed in the profile, once per case). `None` for any
/// other shape, which the caller parses.
fn name_under<'a>(dir: &Path, path: &'a Path) -> Option<&'a [u8]> {
    let (dir, path) = (
        dir.as_os_str().as_encoded_bytes(),
        path.as_os_str().as_encoded_bytes(),
    );
    let separator = |b: &u8| b.is_ascii() && std::path::is_separator(char::from(*b));
    let name = path
        .strip_prefix(dir)?
        .split_first()
        .filter(|(s, _)| separator(s))?
        .1;
    let plain = !dir.is_empty()
        && !dir.last().is_some_and(separator)
        && !name.is_empty()
        && name != b"."
        && name != b".."
        && !name.iter().any(separator);
    plain.then_some(name)
}

/// An orphan with the same file name as `fixture` (a renamed spec or
/// token), for the failure of a case that has no fixture.
pub(crate) fn namesake<'a>(orphans: &'a [PathBuf], fixture: &Path) -> Option<&'a PathBuf> {
    orphans
        .iter()
        .find(|o| o.file_name() == fixture.file_name() && o.as_path() != fixture)
}

/// Acts on the orphans as `policy` says; `Err`: the run must fail.
pub(crate) fn act(orphans: &[PathBuf], policy: Policy) -> Result<(), ()> {
    if orphans.is_empty() || policy == Policy::Ignore {
        return Ok(());
    }
    let list: Vec<String> = orphans.iter().map(|o| display_path(o)).collect();
    let what = if orphans.len() == 1 {
        "1 fixture no spec token refers to".to_owned()
    } else {
        format!("{} fixtures no spec token refers to", orphans.len())
    };
    match policy {
        Policy::Ignore => Ok(()),
        Policy::Warn | Policy::Reject => {
            let level = if policy == Policy::Warn {
                "warning"
            } else {
                "error"
            };
            eprintln!("{level}: {what} (a renamed or removed spec or token?):");
            for l in &list {
                eprintln!("  {l}");
            }
            eprintln!(
                "  = help: move each to the fixture path of the token it belongs to, or remove \
                 it; PERMSPEC_UNREFERENCED=delete removes them, =ignore stops this message"
            );
            if policy == Policy::Reject {
                Err(())
            } else {
                Ok(())
            }
        }
        Policy::Delete => {
            let mut failed = false;
            for (o, l) in orphans.iter().zip(&list) {
                match std::fs::remove_file(o) {
                    Ok(()) => eprintln!("deleted {l}: no spec token refers to it"),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        eprintln!("error: cannot delete {l}: {e}");
                        failed = true;
                    }
                }
            }
            if failed { Err(()) } else { Ok(()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte reading agrees with `Path::parent` and `Path::file_name`
    /// wherever it answers, and leaves every odd shape to them.
    #[test]
    fn a_name_read_from_the_bytes_is_the_one_the_path_gives() {
        let paths = [
            "fixtures/a/t0.json",
            "fixtures/team/a/t0.json",
            "/abs/fixtures/a/t0.json",
            "fixtures/a//t0.json",
            "fixtures/a/./t0.json",
            "fixtures/a/../t0.json",
            "fixtures/a/t0.json/",
            "fixtures/a/",
            "fixtures/ab/t0.json",
            "fixtures/a/b/t0.json",
            "/t0.json",
            "t0.json",
            "fixtures/a/.",
            "fixtures/a/..",
        ];
        let dirs = [
            "fixtures/a",
            "fixtures/a/",
            "fixtures",
            "/",
            "",
            "fixtures/team/a",
            "/abs/fixtures/a",
        ];
        let mut answered = 0;
        for p in paths {
            let path = Path::new(p);
            for d in dirs {
                let Some(name) = name_under(Path::new(d), path) else {
                    continue;
                };
                answered += 1;
                assert_eq!(path.parent(), Some(Path::new(d)), "parent of {p} under {d}");
                assert_eq!(
                    path.file_name().map(|n| n.as_encoded_bytes()),
                    Some(name),
                    "name of {p} under {d}"
                );
                // And byte for byte the folder, as the run compares it.
                assert_eq!(path.parent().unwrap().as_os_str(), Path::new(d).as_os_str());
            }
        }
        // The usual shapes take the byte path (`fixtures/ab/..` is not
        // under `fixtures/a`).
        assert_eq!(answered, 3);
    }
}

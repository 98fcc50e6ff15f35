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
use std::ffi::OsStr;
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
        crate::mode::policy_from_env(
            "PERMSPEC_UNREFERENCED",
            Policy::parse,
            Policy::NAMES,
            Policy::Warn,
        )
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
        for (dir, names) in part.runs {
            match referenced.entry(dir) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(names);
                }
                std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().extend(names),
            }
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
                let known = here.is_some_and(|n| n.contains(OsStr::new(read)));
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
                let (Some(dir), Some(name)) = (c.fixture.parent(), c.fixture.file_name()) else {
                    continue;
                };
                match &mut run {
                    Some((d, names)) if d.as_os_str() == dir.as_os_str() => {
                        names.insert(name);
                    }
                    _ => {
                        out.runs.extend(run.take());
                        run = Some((dir, HashSet::from([name])));
                    }
                }
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

/// A folder's referenced file names.
type Names<'a> = HashSet<&'a OsStr>;

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

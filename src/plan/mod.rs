//! Stage 2: validated cases.
//!
//! Turns each spec file's raw form into one [`Entry`] per token: a runnable
//! [`Case`] with resolved names, paths and checked privileges, or a
//! [`Broken`] entry carrying the rendered error. A file that does not parse
//! becomes one broken entry named after the file, so the other files' cases
//! still run (the trycmd `Case::with_error` idea).
//!
//! Architecture invariant: planning reads the spec files and nothing else.
//! No credential, environment variable or fixture is touched here, which is
//! why replay mode needs no secrets.

mod header;
mod token;

use crate::provider::Provider;
use crate::spec::{self, Pos, SpecError};
use crate::template::Template;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One spec file, shared by its cases.
#[derive(Debug)]
pub(crate) struct SpecFile {
    /// The path as printed: relative to the working directory when possible.
    pub display: String,
    /// The path under the specs directory, without extension, `/`-separated.
    pub id: String,
}

#[derive(Debug)]
pub(crate) enum Entry {
    Case(Box<Case>),
    Broken(Broken),
}

impl Entry {
    pub(crate) fn name(&self) -> &str {
        match self {
            Entry::Case(c) => &c.name,
            Entry::Broken(b) => &b.name,
        }
    }
}

/// A case that cannot run: its spec is wrong. Running it fails with `error`.
#[derive(Debug)]
pub(crate) struct Broken {
    pub name: String,
    pub kind: String,
    pub error: String,
}

#[derive(Debug)]
pub(crate) struct Case {
    /// `<spec id>::<token>`, the test's name.
    pub name: String,
    pub spec: Arc<SpecFile>,
    pub token: String,
    /// What the token is for, as the spec says.
    pub description: Option<String>,
    pub provider: Provider,
    pub base_url: Template,
    /// Coveo: the organization the token belongs to.
    pub organization: Option<String>,
    /// Coveo: the credential that calls the endpoint; `None` means the
    /// inspected token calls for itself.
    pub caller: Option<Credential>,
    pub credential: Credential,
    pub expect: Expectations,
    pub fixture: PathBuf,
}

/// Where a secret will be read from, in live and record modes only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SecretSource {
    Env(String),
    File(PathBuf),
}

/// How the credential is sent. Nothing is read at plan time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Credential {
    /// `Authorization: Bearer <secret>` (the default).
    Bearer(SecretSource),
    /// `Authorization: <secret>`, for legacy session tokens.
    Raw(SecretSource),
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        username: SecretSource,
        password: SecretSource,
    },
    /// DocSpace's personal access token: log in with `POST
    /// /api/2.0/authentication`, then send the token as Bearer.
    Login {
        username: SecretSource,
        password: SecretSource,
    },
}

impl Credential {
    /// Every source this credential reads, for "needs X set" hints.
    pub(crate) fn sources(&self) -> Vec<&SecretSource> {
        match self {
            Credential::Bearer(s) | Credential::Raw(s) => vec![s],
            Credential::Basic { username, password } | Credential::Login { username, password } => {
                vec![username, password]
            }
        }
    }
}

/// The four rules, each a list of checked privilege names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expectations {
    pub exactly: Option<Vec<String>>,
    pub at_least: Option<Vec<String>>,
    pub at_most: Option<Vec<String>>,
    pub forbidden: Option<Vec<String>>,
}

/// Where specs and fixtures live.
#[derive(Clone, Debug)]
pub(crate) struct Dirs {
    pub specs: PathBuf,
    pub fixtures: PathBuf,
}

/// Reads every `*.yaml` / `*.yml` under the specs directory, sorted by path,
/// and plans each one. Problems with the directory itself are one broken
/// entry, so `cargo test` reports them like any other failure.
pub(crate) fn load(dirs: &Dirs) -> Vec<Entry> {
    let files = match discover(&dirs.specs) {
        Ok(files) if files.is_empty() => {
            return vec![setup_error(format!(
                "no spec files (*.yaml) under {}\n  = help: add one (see README.md, \"The spec format\") \
                 or point PERMSPEC_SPECS / --specs at the folder that holds them",
                display_path(&dirs.specs)
            ))];
        }
        Ok(files) => files,
        Err(e) => return vec![setup_error(e)],
    };
    let mut entries = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for (path, id) in files {
        let display = display_path(&path);
        if !seen_ids.insert(id.clone()) {
            entries.push(Entry::Broken(Broken {
                name: id.clone(),
                kind: "spec".into(),
                error: format!(
                    "error: two spec files are both named `{id}`\n  --> {display}\n  = help: \
                     keep one of `{id}.yaml` and `{id}.yml`"
                ),
            }));
            continue;
        }
        let spec = Arc::new(SpecFile { display, id });
        entries.extend(plan_file(spec, &path, &dirs.fixtures));
    }
    entries
}

fn setup_error(error: String) -> Entry {
    Entry::Broken(Broken {
        name: "specs".into(),
        kind: "setup".into(),
        error: format!("error: {error}"),
    })
}

fn discover(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the specs folder {} does not exist\n  = help: create it, or point PERMSPEC_SPECS / \
             --specs at the folder that holds your *.yaml specs",
            display_path(dir)
        ));
    }
    let root = glob::Pattern::escape(&dir.to_string_lossy());
    let mut files = Vec::new();
    for ext in ["yaml", "yml"] {
        let pattern = format!("{root}/**/*.{ext}");
        let paths = glob::glob(&pattern).map_err(|e| format!("cannot search {root}: {e}"))?;
        for path in paths.flatten() {
            let rel = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
            let id = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((path, id));
        }
    }
    files.sort();
    Ok(files)
}

/// Plans one file: one entry per token, or one broken entry for the file.
fn plan_file(spec: Arc<SpecFile>, path: &Path, fixtures: &Path) -> Vec<Entry> {
    let broken_file = |error: String| {
        vec![Entry::Broken(Broken {
            name: spec.id.clone(),
            kind: "spec".into(),
            error,
        })]
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return broken_file(format!("error: cannot read {}: {e}", spec.display)),
    };
    if bytes.len() > spec::MAX_SPEC_BYTES {
        return broken_file(format!(
            "error: {} is {} bytes; specs are limited to {} bytes\n  = help: split it into several files",
            spec.display,
            bytes.len(),
            spec::MAX_SPEC_BYTES
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column =
                good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
            return broken_file(format!(
                "error: the file is not UTF-8 text\n  --> {}:{line}:{column}\n  = help: save it as UTF-8",
                spec.display
            ));
        }
    };
    let raw = match spec::parse(&text) {
        Ok(raw) => raw,
        Err(e) => return broken_file(e.render(&spec.display, &text)),
    };
    let header = match header::plan_header(&raw) {
        Ok(header) => header,
        Err(e) => return broken_file(e.render(&spec.display, &text)),
    };
    let provider = header.provider;
    if raw.tokens.value.0.is_empty() {
        let e = SpecError::at(
            Pos::of(&raw.tokens),
            "`tokens` is empty",
            Some("declare at least one token, or delete the file"),
        );
        return broken_file(e.render(&spec.display, &text));
    }
    let fixture_dir = fixtures.join(&spec.id);
    let mut entries = Vec::new();
    for (name, token) in &raw.tokens.value.0 {
        let case_name = format!("{}::{}", spec.id, name.value);
        let planned = token::check_token_name(name)
            .and_then(|()| token::plan_token(provider, Pos::of(name), &token.value));
        entries.push(match planned {
            Ok((credential, expect)) => Entry::Case(Box::new(Case {
                name: case_name,
                spec: spec.clone(),
                token: name.value.clone(),
                description: token.value.description.clone(),
                provider,
                base_url: header.base_url.clone(),
                organization: header.organization.clone(),
                caller: header.caller.clone(),
                credential,
                expect,
                fixture: fixture_dir.join(format!("{}.json", name.value)),
            })),
            Err(errors) => Entry::Broken(Broken {
                name: case_name,
                kind: provider.name().into(),
                error: errors
                    .iter()
                    .map(|e| e.render(&spec.display, &text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            }),
        });
    }
    entries
}

/// A path as the user should see it: relative to the working directory
/// when it is under it, `/`-separated.
pub(crate) fn display_path(p: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

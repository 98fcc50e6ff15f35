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

use crate::privilege::{Family, overlap};
use crate::provider::Provider;
use crate::spec::{self, Pos, RawCredential, RawExpect, RawSpec, RawToken, SpecError};
use crate::suggest::did_you_mean;
use crate::template::Template;
use serde_saphyr::Spanned;
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
    let (provider, base_url) = match plan_header(&raw) {
        Ok(header) => header,
        Err(e) => return broken_file(e.render(&spec.display, &text)),
    };
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
        let planned =
            check_token_name(name).and_then(|()| plan_token(provider, Pos::of(name), &token.value));
        entries.push(match planned {
            Ok((credential, expect)) => Entry::Case(Box::new(Case {
                name: case_name,
                spec: spec.clone(),
                token: name.value.clone(),
                description: token.value.description.clone(),
                provider,
                base_url: base_url.clone(),
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

fn plan_header(raw: &RawSpec) -> Result<(Provider, Template), SpecError> {
    let name = &raw.provider.value;
    let provider = Provider::from_name(name).ok_or_else(|| {
        let known = Provider::ALL.iter().map(|p| p.name());
        let hint = match did_you_mean(name, known.clone()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the providers are {}", known.collect::<Vec<_>>().join(", ")),
        };
        SpecError::at(
            Pos::of(&raw.provider),
            format!("unknown provider `{name}`"),
            Some(&hint),
        )
    })?;
    let base_url = raw.base_url.as_ref().ok_or_else(|| {
        SpecError::at(
            Pos::of(&raw.provider),
            format!("provider `{name}` needs `base_url`"),
            Some("add `base_url: https://portal.example.com` (or `base_url: \"${DOCSPACE_URL}\"`)"),
        )
    })?;
    let template =
        Template::parse(&base_url.value).map_err(|e| SpecError::at(Pos::of(base_url), e, None))?;
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|scheme| base_url.value.starts_with(scheme));
    if !(template.starts_with_variable() || scheme_ok) {
        return Err(SpecError::at(
            Pos::of(base_url),
            format!(
                "`base_url` must start with https:// (found `{}`)",
                base_url.value
            ),
            Some("write the portal's address, such as https://portal.example.com"),
        ));
    }
    Ok((provider, template))
}

/// Token names become test names and fixture file names.
fn check_token_name(name: &Spanned<String>) -> Result<(), Vec<SpecError>> {
    let ok = !name.value.is_empty()
        && name
            .value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.value.starts_with('.');
    if ok {
        return Ok(());
    }
    Err(vec![SpecError::at(
        Pos::of(name),
        format!("`{}` is not a valid token name", name.value),
        Some("use letters, digits, '-', '_' and '.' (it names the test and the fixture file)"),
    )])
}

type Planned = (Credential, Expectations);

fn plan_token(provider: Provider, at: Pos, token: &RawToken) -> Result<Planned, Vec<SpecError>> {
    let mut errors = Vec::new();
    let credential = match &token.credential {
        None => {
            errors.push(SpecError::at(
                at,
                "the token has no `credential`",
                Some("add `credential: { env: VARIABLE_THAT_HOLDS_THE_KEY }`"),
            ));
            None
        }
        Some(c) => plan_credential(provider, c)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let expect = match &token.expect {
        None => {
            errors.push(SpecError::at(
                at,
                "the token has no `expect`",
                Some("add `expect:` with one or more of exactly, at_least, at_most, forbidden"),
            ));
            None
        }
        Some(e) => plan_expect(provider.family(), e, &mut errors),
    };
    match (credential, expect) {
        (Some(c), Some(e)) if errors.is_empty() => Ok((c, e)),
        _ => Err(errors),
    }
}

const SCHEMES: &[&str] = &["bearer", "raw", "basic", "login"];

fn plan_credential(
    provider: Provider,
    c: &Spanned<RawCredential>,
) -> Result<Credential, SpecError> {
    let raw = &c.value;
    let scheme = raw.scheme.as_ref().map_or("bearer", |s| s.value.as_str());
    let at = raw.scheme.as_ref().map_or(Pos::of(c), Pos::of);
    match scheme {
        "bearer" | "raw" => {
            if let Some(extra) = raw.username.as_ref().or(raw.password.as_ref()) {
                return Err(SpecError::at(
                    Pos::of(extra),
                    format!(
                        "`username` and `password` go with `scheme: basic` or `scheme: login`, not `{scheme}`"
                    ),
                    Some(
                        "for a key or token write `{ env: NAME }`; for a user write `scheme: basic`",
                    ),
                ));
            }
            let source = plan_source(Pos::of(c), &raw.env, &raw.file, "credential")?;
            Ok(if scheme == "raw" {
                Credential::Raw(source)
            } else {
                Credential::Bearer(source)
            })
        }
        "basic" | "login" => {
            if let Some(extra) = raw.env.as_ref().or(raw.file.as_ref()) {
                return Err(SpecError::at(
                    Pos::of(extra),
                    format!(
                        "`scheme: {scheme}` takes `username` and `password`, not `env` or `file`"
                    ),
                    Some("write `username: { env: USER_VAR }, password: { env: PASSWORD_VAR }`"),
                ));
            }
            let part = |field: &Option<Spanned<crate::spec::RawSource>>, name: &str| {
                let f = field.as_ref().ok_or_else(|| {
                    SpecError::at(
                        Pos::of(c),
                        format!("`scheme: {scheme}` needs `{name}`"),
                        Some(&format!("add `{name}: {{ env: VARIABLE }}`")),
                    )
                })?;
                plan_source(Pos::of(f), &f.value.env, &f.value.file, name)
            };
            let (username, password) = (
                part(&raw.username, "username")?,
                part(&raw.password, "password")?,
            );
            if scheme == "login" && provider.login_url("").is_none() {
                return Err(SpecError::at(
                    at,
                    format!(
                        "`scheme: login` is DocSpace's sign-in; provider `{}` does not have it",
                        provider.name()
                    ),
                    Some("use `scheme: basic`, or a token with `{ env: NAME }`"),
                ));
            }
            Ok(if scheme == "basic" {
                Credential::Basic { username, password }
            } else {
                Credential::Login { username, password }
            })
        }
        other => {
            let hint = match did_you_mean(other, SCHEMES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the schemes are {}", SCHEMES.join(", ")),
            };
            Err(SpecError::at(
                at,
                format!("unknown credential scheme `{other}`"),
                Some(&hint),
            ))
        }
    }
}

/// `{ env: NAME }` or `{ file: PATH }`, exactly one of them.
fn plan_source(
    at: Pos,
    env: &Option<Spanned<String>>,
    file: &Option<Spanned<String>>,
    what: &str,
) -> Result<SecretSource, SpecError> {
    match (env, file) {
        (Some(env), None) => {
            let valid = !env.value.is_empty()
                && env
                    .value
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                && !env.value.starts_with(|ch: char| ch.is_ascii_digit());
            if valid {
                Ok(SecretSource::Env(env.value.clone()))
            } else {
                Err(SpecError::at(
                    Pos::of(env),
                    "`env` must name an environment variable (letters, digits and '_')",
                    Some("write the variable's name, never the secret: `{ env: DOCSPACE_KEY }`"),
                ))
            }
        }
        (None, Some(file)) if !file.value.is_empty() => {
            Ok(SecretSource::File(PathBuf::from(&file.value)))
        }
        (Some(_), Some(_)) => Err(SpecError::at(
            at,
            format!("`{what}` has both `env` and `file`"),
            Some("keep one: `{ env: NAME }` or `{ file: PATH }`"),
        )),
        _ => Err(SpecError::at(
            at,
            format!("`{what}` says neither where the secret comes from"),
            Some("write `{ env: NAME }` or `{ file: PATH }`"),
        )),
    }
}

fn plan_expect(
    family: &dyn Family,
    e: &Spanned<RawExpect>,
    errors: &mut Vec<SpecError>,
) -> Option<Expectations> {
    let before = errors.len();
    let mut list = |items: &Option<Vec<Spanned<String>>>| -> Option<Vec<String>> {
        let items = items.as_ref()?;
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            if let Err(message) = family.validate(&item.value) {
                errors.push(SpecError::at(Pos::of(item), message, None));
            } else if out.contains(&item.value) {
                errors.push(SpecError::at(
                    Pos::of(item),
                    format!("`{}` is listed twice", item.value),
                    Some("remove the second one"),
                ));
            } else {
                out.push(item.value.clone());
            }
        }
        Some(out)
    };
    let raw = &e.value;
    let expect = Expectations {
        exactly: list(&raw.exactly),
        at_least: list(&raw.at_least),
        at_most: list(&raw.at_most),
        forbidden: list(&raw.forbidden),
    };
    if expect == Expectations::default() {
        errors.push(SpecError::at(
            Pos::of(e),
            "`expect` holds no rule",
            Some("add one or more of exactly, at_least, at_most, forbidden"),
        ));
    }
    // A spec that no grant can satisfy is a spec error, not a finding.
    let required = [&raw.exactly, &raw.at_least]
        .into_iter()
        .flatten()
        .flatten();
    for need in required {
        for ban in expect.forbidden.iter().flatten() {
            if overlap(family, &need.value, ban).is_some() {
                errors.push(SpecError::at(
                    Pos::of(need),
                    format!("`{}` is required here but forbidden by `{ban}`", need.value),
                    Some("no grant can pass both rules; remove one of them"),
                ));
            }
        }
    }
    (errors.len() == before).then_some(expect)
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

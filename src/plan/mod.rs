//! Stage 2: validated cases.
//!
//! Turns each spec file's raw form into one [`Entry`] per token: a runnable
//! [`Case`] with resolved names, paths and checked privileges, or a
//! [`Broken`] entry carrying the rendered error. A token whose own text is
//! wrong fails alone; a wrong header fails each of the file's tokens; only a
//! file that is not YAML at all is one broken entry named after the file,
//! so the other cases still run (the trycmd `Case::with_error` idea).
//!
//! Architecture invariant: planning reads the spec files and nothing else.
//! No credential, environment variable or fixture is touched here, which is
//! why replay mode needs no secrets.

mod credential;
mod file;
mod header;
mod listed;
mod probes;
mod provider;
mod rules;
mod token;

pub(crate) use file::plan_bytes;
pub(crate) use header::{has_userinfo, keys_of};
pub(crate) use probes::{AutoTable, doubled_path};
pub(crate) use provider::Provider;
pub(crate) use token::valid_token_name;

use crate::privilege::{DOCSPACE_SCOPES, Family};
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
    /// The folder the file is in: relative paths in it (`ca_file`) start here.
    pub dir: PathBuf,
    /// The fixtures folder: nothing is read or written outside it.
    pub fixtures: PathBuf,
    /// Whether planning keeps where each rule key and entry and each probe
    /// is written (`Case::places`): only a SARIF report reads them, and
    /// they are a vector a case (8 MB at 100,000 cases). The token's own
    /// line is kept either way.
    pub locate: bool,
}

#[derive(Debug)]
pub(crate) enum Entry {
    Case(Box<Case>),
    /// Boxed, like a case: an entry is then two words, not 112 bytes
    /// (11 MB of 100,000 entries, most of them cases).
    Broken(Box<Broken>),
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
    /// Where the broken token is declared; `None`: the file as a whole.
    pub at: Option<crate::spec::Pos>,
    /// The spec file, as printed; `None`: no file (the specs folder).
    pub file: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Case {
    /// `<spec id>::<token>`, the test's name.
    pub name: String,
    pub spec: Arc<SpecFile>,
    pub token: String,
    /// What the token is for, as the spec says.
    pub description: Option<String>,
    pub provider: Provider,
    /// Where and how to ask, with the provider's own settings (the
    /// spec's, shared by its cases).
    pub api: Arc<Api>,
    /// A replayed fixture older than this many seconds is stale.
    pub max_fixture_age: Option<i64>,
    pub credential: Credential,
    pub expect: Expectations,
    pub fixture: PathBuf,
    /// The spec's `extra_privileges`: names its rules may use that the
    /// family's catalogue lacks.
    pub extra: Arc<[String]>,
    /// The spec's `ca_file`, resolved against the spec's folder.
    pub ca_file: Option<PathBuf>,
    /// Where the token and each rule entry are written, for reports that
    /// point into the spec (SARIF).
    pub places: Places,
}

/// Where a token's parts are written in its spec file (1-based), kept
/// compact (it is planned for every case): the keys and entries of its
/// rules as tagged positions, each rule's entries in the order of its list
/// in [`Expectations`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Places {
    /// The token's name.
    pub token: crate::spec::Pos,
    /// `(tag, position)`: a rule's key (tag = its index in [`Places::RULES`])
    /// or one of its entries (tag + [`Places::ENTRY`]).
    pub spots: Box<[(u8, crate::spec::Pos)]>,
    /// Each probe, in order.
    pub probes: Box<[crate::spec::Pos]>,
}

impl Places {
    /// The rule keys a place can name.
    pub(crate) const RULES: [&'static str; 6] = [
        "exactly",
        "at_least",
        "at_most",
        "forbidden",
        "active",
        "expires_within",
    ];
    /// Added to a rule's tag for its entries.
    pub(crate) const ENTRY: u8 = 16;

    pub(crate) fn tag(rule: &str) -> u8 {
        Places::RULES
            .iter()
            .position(|r| *r == rule)
            .map_or(u8::MAX, |i| i as u8)
    }

    /// Where `rule`'s key is written, else the token.
    pub(crate) fn rule(&self, rule: &str) -> crate::spec::Pos {
        let tag = Places::tag(rule);
        self.spots
            .iter()
            .find(|(t, _)| *t == tag)
            .map_or(self.token, |(_, p)| *p)
    }

    /// Where `rule` lists `name` (as `expect` holds it), else the rule's
    /// key.
    pub(crate) fn entry(&self, expect: &Expectations, rule: &str, name: &str) -> crate::spec::Pos {
        let list = match rule {
            "exactly" => &expect.exactly,
            "at_least" => &expect.at_least,
            "at_most" => &expect.at_most,
            "forbidden" => &expect.forbidden,
            _ => &None,
        };
        let tag = Places::tag(rule).saturating_add(Places::ENTRY);
        list.as_ref()
            .and_then(|l| l.iter().position(|n| n == name))
            .and_then(|i| self.spots.iter().filter(|(t, _)| *t == tag).nth(i))
            .map_or_else(|| self.rule(rule), |(_, p)| *p)
    }
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
    /// An OAuth client authenticated in the form body
    /// (`client_secret_post`).
    ClientPost {
        id: SecretSource,
        secret: SecretSource,
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
            Credential::ClientPost { id, secret } => vec![id, secret],
        }
    }
}

/// Where and how a case asks its API: exactly the settings its provider
/// takes. Templates are resolved only when a request is made.
#[derive(Clone, Debug)]
pub(crate) enum Api {
    /// An API asked at its address and nothing else: DocSpace keys,
    /// accounts and catalogs, GitHub, GitLab, Slack, Google.
    Base {
        base_url: Template,
    },
    Coveo {
        base_url: Template,
        organization: String,
        /// The credential that calls; `None`: the inspected token itself.
        caller: Option<Credential>,
    },
    Introspection {
        endpoint: Endpoint,
        /// The client allowed to introspect.
        client: Credential,
        rules: Rules,
    },
    /// Decoded offline: no request at all.
    Jwt {
        /// The claims that hold privileges; `None`: every one of `scope`,
        /// `scp` and `roles` the token has.
        claims: Option<Vec<String>>,
        rules: Rules,
    },
    Http(HttpApi),
    /// Vault or OpenBao: the token's policies, and its capabilities on
    /// each listed path (inside `namespace`, when given).
    Vault {
        base_url: Template,
        namespace: Option<String>,
        paths: Vec<String>,
    },
    /// Kubernetes: the token's rules in each listed namespace.
    Kubernetes {
        base_url: Template,
        namespaces: Vec<String>,
    },
}

/// Where the RFC 7662 endpoint is: given, or named by a discovery document.
#[derive(Clone, Debug)]
pub(crate) enum Endpoint {
    Url(Template),
    Discovery(Template),
}

/// How scope strings cover each other: plain names and globs, or DocSpace's
/// rules (write covers read) and scope catalogue for DocSpace OAuth tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rules {
    Plain,
    DocSpace,
}

#[derive(Clone, Debug)]
pub(crate) struct HttpApi {
    pub base_url: Template,
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// Send the token in this query parameter instead of `Authorization`.
    pub token_query: Option<String>,
    pub privileges: PrivilegeSource,
}

/// Where an http answer lists the privileges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrivilegeSource {
    /// A header, split on commas and spaces (lower-cased name).
    Header(String),
    /// A JSON pointer to strings, a space- or comma-separated string, or
    /// objects whose `field` is the name.
    Json {
        pointer: String,
        field: Option<String>,
    },
}

impl Api {
    /// The rules the privileges follow: the provider's, unless the spec
    /// says `scopes: docspace`.
    pub(crate) fn family(&self, provider: Provider) -> &'static dyn Family {
        match self {
            Api::Introspection {
                rules: Rules::DocSpace,
                ..
            }
            | Api::Jwt {
                rules: Rules::DocSpace,
                ..
            } => &DOCSPACE_SCOPES,
            _ => provider.family(),
        }
    }
}

impl Case {
    /// The rules this case's privileges follow.
    pub(crate) fn family(&self) -> &'static dyn Family {
        self.api.family(self.provider)
    }

    /// The API's address and the spec key that holds it.
    pub(crate) fn address(&self) -> Option<(&'static str, &Template)> {
        self.api.address()
    }
}

impl Api {
    /// The `base_url` probes and most requests are appended to.
    pub(crate) fn base_url(&self) -> Option<&Template> {
        match self.address() {
            Some(("base_url", t)) => Some(t),
            _ => None,
        }
    }

    /// Where the case's request goes, and the key that says so.
    pub(crate) fn address(&self) -> Option<(&'static str, &Template)> {
        match self {
            Api::Base { base_url }
            | Api::Coveo { base_url, .. }
            | Api::Vault { base_url, .. }
            | Api::Kubernetes { base_url, .. } => Some(("base_url", base_url)),
            Api::Http(h) => Some(("base_url", &h.base_url)),
            Api::Introspection {
                endpoint: Endpoint::Url(t),
                ..
            } => Some(("introspection_url", t)),
            Api::Introspection {
                endpoint: Endpoint::Discovery(t),
                ..
            } => Some(("discovery", t)),
            Api::Jwt { .. } => None,
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
    /// Whether the token must be active; `None`: active, unless the spec
    /// says nothing and the provider cannot tell.
    pub active: Option<bool>,
    /// The token must expire within this many seconds from now.
    pub expires_within: Option<i64>,
    /// Entries of `at_most` / `exactly` written as justified exceptions.
    pub exceptions: Vec<Exception>,
    /// The token's probes, in the spec's order (`probes:`).
    pub probes: Vec<Probe>,
    /// The statuses that mean a probe was denied (`denied_statuses:`, or
    /// the provider's default).
    pub denied_statuses: Vec<u16>,
    /// How the API refuses inside a 2xx answer, where it does (Slack's
    /// `ok: false`, a spec's `refused_when:`): a probe's success body is
    /// read for it. Shared by the spec's cases.
    pub refused_when: Option<Arc<BodyRule>>,
    /// Whether the spec declares its API's names (`vocabulary:`), so that
    /// its entries were checked against them: an open family's likely
    /// typos are then no longer guessed at from the grant.
    pub vocabulary: bool,
}

/// How an API refuses a request inside a 2xx answer. A probe answered 2xx
/// is allowed only when its body is no refusal; a refusal is a denial only
/// for a reason the rule lists as a permission decision, and proves
/// nothing otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BodyRule {
    /// Slack: every method answers 200, `{"ok": false, "error": CODE}`
    /// when it refuses (api.slack.com/web, "Evaluating responses").
    Slack,
    /// A spec's `refused_when: { json, reason, denied }`.
    Json {
        /// A JSON pointer: an answer holding a value there (not `null`,
        /// `false`, or an empty string, list or object) is a refusal.
        json: String,
        /// A JSON pointer to the refusal's reason (default: `json`).
        reason: String,
        /// The reasons that are a permission denial.
        denied: Vec<String>,
    },
}

impl BodyRule {
    /// How the body is read, in a few words, as a fixture records it: a
    /// fixture read another way answers another question. Which reasons
    /// are denials is not part of it: they are judged again on the stored
    /// reason, as `denied_statuses` are on the stored status.
    pub(crate) fn shown(&self) -> String {
        match self {
            BodyRule::Slack => "slack ok/error".to_owned(),
            BodyRule::Json { json, reason, .. } => format!("json {json}; reason {reason}"),
        }
    }
}

/// A request the spec declares, expected to be allowed or denied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Probe {
    pub method: ProbeMethod,
    /// Relative to `base_url`, as written; `${VAR}` resolved live only.
    pub path: Template,
    pub expect: ProbeExpect,
    /// Why a method that could change something cannot (`unsafe:`).
    pub unsafe_reason: Option<String>,
    /// The JSON body an unsafe probe sends, as written.
    pub body: Option<String>,
    /// Statuses that mean this (unsafe) probe was authorized and only its
    /// deliberately invalid payload refused (`allowed_statuses:`).
    pub allowed_statuses: Vec<u16>,
    /// Where the probe is written (1-based line), for the report.
    pub line: u32,
}

impl Probe {
    /// `GET /path`, as written.
    pub(crate) fn shown(&self) -> String {
        format!("{} {}", self.method.name(), self.path.written())
    }
}

/// What a probe's answer must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ProbeExpect {
    /// A 2xx answer.
    Allowed,
    /// One of the denied statuses.
    Denied,
    /// `probes: auto`: allowed exactly when the token reports this
    /// permission (or one that covers it), denied otherwise.
    Reported(&'static str),
}

/// The methods a probe may use; only the first three are safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ProbeMethod {
    Get,
    Head,
    Options,
    Post,
    Put,
    Patch,
    Delete,
}

impl ProbeMethod {
    pub(crate) const ALL: [ProbeMethod; 7] = [
        ProbeMethod::Get,
        ProbeMethod::Head,
        ProbeMethod::Options,
        ProbeMethod::Post,
        ProbeMethod::Put,
        ProbeMethod::Patch,
        ProbeMethod::Delete,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            ProbeMethod::Get => "GET",
            ProbeMethod::Head => "HEAD",
            ProbeMethod::Options => "OPTIONS",
            ProbeMethod::Post => "POST",
            ProbeMethod::Put => "PUT",
            ProbeMethod::Patch => "PATCH",
            ProbeMethod::Delete => "DELETE",
        }
    }

    /// The spec key: `get`, `head`, ...
    pub(crate) fn key(self) -> &'static str {
        match self {
            ProbeMethod::Get => "get",
            ProbeMethod::Head => "head",
            ProbeMethod::Options => "options",
            ProbeMethod::Post => "post",
            ProbeMethod::Put => "put",
            ProbeMethod::Patch => "patch",
            ProbeMethod::Delete => "delete",
        }
    }

    /// Whether the method may change nothing by its definition (RFC 9110,
    /// 9.2.1): only these run without `unsafe:`.
    pub(crate) fn is_safe(self) -> bool {
        matches!(
            self,
            ProbeMethod::Get | ProbeMethod::Head | ProbeMethod::Options
        )
    }
}

/// A privilege allowed for a reason until a review date
/// (`{ privilege, reason, ticket, review_by }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Exception {
    pub privilege: String,
    pub reason: String,
    pub ticket: Option<String>,
    /// Days since the epoch; the exception holds through that day.
    pub review_by: i64,
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
/// `locate`: keep where each part is written ([`SpecFile::locate`]).
pub(crate) fn load(dirs: &Dirs, locate: bool) -> Vec<Entry> {
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
    // Each file is planned on its own: the files are spread over every
    // core, and their entries kept in discovery order.
    let mut seen_ids = std::collections::HashSet::new();
    let jobs: Vec<Result<(Arc<SpecFile>, PathBuf), Entry>> = files
        .into_iter()
        .map(|(path, id)| {
            let display = display_path(&path);
            if !seen_ids.insert(id.clone()) {
                return Err(Entry::Broken(Box::new(Broken {
                    name: id.clone(),
                    kind: "spec".into(),
                    error: format!(
                        "error: two spec files are both named `{id}`\n  --> {display}\n  = help: \
                         keep one of `{id}.yaml` and `{id}.yml`"
                    ),
                    at: None,
                    file: Some(display),
                })));
            }
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let spec = Arc::new(SpecFile {
                display,
                id,
                dir,
                fixtures: dirs.fixtures.clone(),
                locate,
            });
            Ok((spec, path))
        })
        .collect();
    let planned = crate::parallel::map(jobs, crate::parallel::cores(), |job| match job {
        Ok((spec, path)) => plan_file(spec, &path, &dirs.fixtures),
        Err(duplicate) => vec![duplicate],
    });
    // Sized once: at 100,000 cases a growing vector would hold two
    // copies of the entries for a moment.
    let mut entries = Vec::with_capacity(planned.iter().map(Vec::len).sum());
    planned.into_iter().for_each(|p| entries.extend(p));
    entries
}

fn setup_error(error: String) -> Entry {
    Entry::Broken(Box::new(Broken {
        name: "specs".into(),
        kind: "setup".into(),
        error: format!("error: {error}"),
        at: None,
        file: None,
    }))
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
    match std::fs::read(path) {
        Ok(bytes) => plan_bytes(spec, bytes, fixtures),
        Err(e) => vec![Entry::Broken(Box::new(Broken {
            name: spec.id.clone(),
            kind: "spec".into(),
            error: format!("error: cannot read {}: {e}", spec.display),
            at: None,
            file: Some(spec.display.clone()),
        }))],
    }
}

/// A path as the user should see it: relative to the working directory
/// when it is under it, `/`-separated.
pub(crate) fn display_path(p: &Path) -> String {
    // The working directory, read once: this runs for every case.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let rel = CWD
        .get_or_init(|| std::env::current_dir().ok())
        .as_ref()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

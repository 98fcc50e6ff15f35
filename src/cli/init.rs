//! `permspec init`: ask the live API once and write a spec whose `exactly`
//! is today's grant, with its fixture.
//!
//! An existing spec file is edited as text, so its comments and layout stay:
//! a new token is appended to `tokens:`, an existing one is replaced only
//! with `--force`. Nothing is written unless the live answer is good.

use super::common::{ApiArgs, Folders, credential_source};
use crate::mode::Mode;
use crate::plan::{self, Entry, SpecFile, display_path};
use crate::provider::Provider;
use crate::report::{Invocation, Style, yaml_item};
use crate::spec::{self, Pos};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// The token's name in the spec (and the case's)
    #[arg(long, value_name = "NAME")]
    token: String,
    /// The environment variable that holds the credential
    #[arg(long, value_name = "VAR")]
    credential_env: Option<String>,
    /// Or a file that holds it
    #[arg(long, value_name = "PATH")]
    credential_file: Option<PathBuf>,
    /// What the token is for
    #[arg(long)]
    description: Option<String>,
    /// The spec file to write [default: SPECS/PROVIDER.yaml]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    folders: Folders,
    /// Replace the token (and its fixture) if the spec already has it
    #[arg(long)]
    force: bool,
}

/// A refusal or a failure: the message, exit status 1 (2 for usage).
struct Stop(u8, String);

pub(crate) fn run(args: InitArgs) -> ExitCode {
    match init(&args) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(Stop(code, message)) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}

fn usage(message: impl Into<String>) -> Stop {
    Stop(2, format!("error: {}", message.into()))
}

fn init(a: &InitArgs) -> Result<String, Stop> {
    let provider = a
        .api
        .provider(
            "init",
            "write other specs by hand (README.md, \"Providers\")",
        )
        .map_err(usage)?;
    if crate::secret::looks_like_secret(&a.token) {
        return Err(usage(
            "--token looks like a credential (it is not shown); it names the token, such as \
             `ci-uploader`: the credential goes in --credential-env; if it was real, rotate it",
        ));
    }
    if !crate::plan::valid_token_name(&a.token) {
        return Err(usage(format!(
            "`{}` is not a valid token name: use letters, digits, '-', '_' and '.'",
            a.token
        )));
    }
    let credential = credential_source(&a.credential_env, &a.credential_file).map_err(usage)?;
    let specs = lexical(
        &a.folders
            .specs
            .clone()
            .unwrap_or_else(|| PathBuf::from("specs")),
    );
    let fixtures = lexical(
        &a.folders
            .fixtures
            .clone()
            .unwrap_or_else(|| PathBuf::from("fixtures")),
    );
    let out = lexical(
        &a.out
            .clone()
            .unwrap_or_else(|| specs.join(format!("{}.yaml", provider.name()))),
    );
    let id = spec_id(&specs, &out)?;
    stays_in(&specs, &out)?;
    let fixture = fixtures.join(&id).join(format!("{}.json", a.token));

    let existing = match std::fs::read_to_string(&out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Stop(
                1,
                format!("error: cannot read {}: {e}", out.display()),
            ));
        }
    };
    // A new file's header comes from the flags; an existing file keeps
    // its own, and the flags given are only checked against it (`edit`):
    // leaving one out takes the spec's value (its `base_url`, `paths`,
    // `namespaces`), as the refusal of a differing flag advises.
    let header = match &existing {
        None => a.api.header(provider).map_err(usage)?,
        Some(_) => String::new(),
    };
    let block = |expect: Option<&[String]>| {
        token_block(
            "  ",
            &a.token,
            a.description.as_deref(),
            &credential,
            expect,
        )
    };
    // Plan and fetch with a placeholder expectation; write only the final one.
    let candidate = |expect: Option<&[String]>| -> Result<String, Stop> {
        match &existing {
            None => Ok(format!(
                "# yaml-language-server: $schema={}\n{header}tokens:\n{}",
                schema_ref(&out),
                block(expect)
            )),
            Some(text) => edit(text, provider, a, &out, |indent| {
                token_block(
                    indent,
                    &a.token,
                    a.description.as_deref(),
                    &credential,
                    expect,
                )
            }),
        }
    };
    let draft = candidate(None)?;
    if existing.is_none() && fixture.exists() && !a.force {
        return Err(Stop(
            1,
            format!(
                "error: {} already exists; pass --force to replace it",
                display_path(&fixture)
            ),
        ));
    }
    let plan = |text: &str| -> Result<Box<crate::plan::Case>, Stop> {
        let spec = Arc::new(SpecFile {
            display: display_path(&out),
            id: id.clone(),
            dir: out.parent().map(Path::to_path_buf).unwrap_or_default(),
            fixtures: fixtures.clone(),
            locate: true,
        });
        let entries = plan::plan_bytes(spec, text.as_bytes().to_vec(), &fixtures);
        let case_name = format!("{id}::{}", a.token);
        match entries
            .into_iter()
            .find(|e| e.name() == case_name || e.name() == id)
        {
            Some(Entry::Case(c)) => Ok(c),
            Some(Entry::Broken(b)) => Err(Stop(1, b.error)),
            None => Err(Stop(
                1,
                "error: the generated spec holds no such token\n  = help: please report this"
                    .to_owned(),
            )),
        }
    };
    let case = plan(&draft)?;
    // Ask without recording: nothing is written until all of it is valid
    // (issue 10, item 15).
    let (mut results, _, scrubber) = crate::fetch::fetch_all(&[&case], false);
    let style = Style {
        color: false,
        invocation: Invocation::cli(String::new()),
        mode: Mode::Record,
    };
    let mut fetched = match results.pop() {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            let text = crate::report::render_error(&case, &e, &style);
            return Err(Stop(1, scrubber.scrub(&text)));
        }
        None => return Err(Stop(1, "error: nothing was fetched".to_owned())),
    };
    let grant = &fetched.evidence.grant;
    if grant.active == Some(false) {
        return Err(Stop(
            1,
            "error: the token is not active: expired, revoked or unknown; nothing written\n  \
             = help: check that the credential is the current one; a spec for a revoked token \
             (`expect: { active: false }`) is written by hand"
                .into(),
        ));
    }
    let unknown: Vec<&str> = grant
        .privileges
        .iter()
        .filter(|p| !case.family().knows(p, &case.extra))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(Stop(
            1,
            format!(
                "error: the API reports privileges permspec's catalogue does not know yet: {}; \
                 nothing written\n  = help: check them, then declare them at the top of the spec \
                 (`extra_privileges: [{}]`) and run init again",
                unknown
                    .iter()
                    .map(|p| crate::escape::text(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                unknown
                    .iter()
                    .map(|p| yaml_item(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let granted: Vec<String> = grant.privileges.iter().map(|p| yaml_item(p)).collect();
    let text = candidate(Some(&granted))?;
    // The exact text must load, and say what was asked (issue 10, item 15),
    // and hold no secret (item 9).
    let planned = plan(&text)?;
    if !fetched
        .fixture
        .request
        .answers(&crate::fixture::request_of(&planned))
    {
        return Err(Stop(
            1,
            "error: the spec would ask another request than the one just made; nothing written\n  \
             = help: the spec's header (base_url, organization) and the flags disagree; pass the \
             spec's values, or choose another --out"
                .into(),
        ));
    }
    let fixture_text = crate::fixture::text(&fetched.fixture).map_err(|e| {
        Stop(
            1,
            format!(
                "error: cannot write the fixture {}: {e}",
                display_path(&case.fixture)
            ),
        )
    })?;
    if scrubber.found_in(&text) || scrubber.found_in(&fixture_text) {
        return Err(Stop(
            1,
            "error: the spec or fixture would hold a credential; nothing written\n  = help: the \
             API echoes the credential into what it reports; report it to the API's owner, and \
             rotate the credential"
                .into(),
        ));
    }
    write_together(&fixtures, &fixture, &fixture_text, &out, &text)?;
    if let crate::evidence::Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
        *recorded = Some(display_path(&fixture));
    }
    let mut message = format!(
        "wrote {}: token `{}` expects exactly [{}]\nrecorded {}",
        display_path(&out),
        a.token,
        fetched.evidence.grant.privileges.join(", "),
        display_path(&fixture)
    );
    // Where the spec's lists were taken for flags left out, say what was
    // asked: the grant is about exactly those.
    if existing.is_some() {
        let list = |l: &[String]| {
            l.iter()
                .map(|i| crate::escape::text(i).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &*planned.api {
            crate::plan::Api::Vault { paths, .. } if a.api.paths.is_empty() => {
                message.push_str(&format!(
                    "\nasked about the paths {} lists: {}",
                    display_path(&out),
                    list(paths)
                ));
            }
            crate::plan::Api::Kubernetes { namespaces, .. } if a.api.namespaces.is_empty() => {
                message.push_str(&format!(
                    "\nasked about the namespaces {} lists: {}",
                    display_path(&out),
                    list(namespaces)
                ));
            }
            _ => {}
        }
    }
    for note in &fetched.evidence.grant.notes {
        message.push_str(&format!("\nnote: {}", crate::escape::text(note)));
    }
    if existing.is_none() && !Path::new(SCHEMA_FILE).exists() {
        message.push_str(&format!(
            "\nfor completion in your editor, write the schema its first line names: \
             permspec schema --write {SCHEMA_FILE}"
        ));
    }
    Ok(scrubber.scrub(&message))
}

/// Where `permspec schema --write` puts the schema by default: the
/// repository's root (the working directory).
const SCHEMA_FILE: &str = "spec.schema.json";

/// The schema file as a new spec at `out` names it: relative to the spec's
/// folder when that lies under the working directory, else absolute.
fn schema_ref(out: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let folder = out.parent().unwrap_or(Path::new(""));
    let folder = folder.strip_prefix(&cwd).unwrap_or(folder);
    let ups: Option<usize> = folder
        .components()
        .map(|c| match c {
            std::path::Component::Normal(_) => Some(1),
            std::path::Component::CurDir => Some(0),
            _ => None,
        })
        .sum();
    match ups {
        Some(n) => format!("{}{SCHEMA_FILE}", "../".repeat(n)),
        None => std::env::current_dir()
            .map(|d| d.join(SCHEMA_FILE).to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| SCHEMA_FILE.to_owned()),
    }
}

/// Writes the fixture and the spec, both or neither: each is staged beside
/// its place first, and a failed second rename puts the old fixture back.
fn write_together(
    fixtures: &Path,
    fixture: &Path,
    fixture_text: &str,
    spec: &Path,
    spec_text: &str,
) -> Result<(), Stop> {
    let fail = |what: &Path, e: &dyn std::fmt::Display| {
        Stop(
            1,
            format!(
                "error: cannot write {}: {e}; nothing written",
                display_path(what)
            ),
        )
    };
    crate::fixture::no_links(fixtures, fixture).map_err(|e| fail(fixture, &e))?;
    let old_fixture = std::fs::read(fixture).ok();
    let staged_fixture =
        crate::fixture::stage(fixture, fixture_text).map_err(|e| fail(fixture, &e))?;
    let staged_spec = match crate::fixture::stage(spec, spec_text) {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_file(&staged_fixture);
            return Err(fail(spec, &e));
        }
    };
    if let Err(e) = crate::fixture::commit(&staged_fixture, fixture) {
        let _ = std::fs::remove_file(&staged_spec);
        return Err(fail(fixture, &e));
    }
    if let Err(e) = crate::fixture::commit(&staged_spec, spec) {
        match old_fixture {
            Some(bytes) => {
                let _ = std::fs::write(fixture, bytes);
            }
            None => {
                let _ = std::fs::remove_file(fixture);
            }
        }
        return Err(fail(spec, &e));
    }
    Ok(())
}

/// `path` made absolute, with `.` and `..` resolved by the text alone (no
/// link is followed, no file read): `specs/../../x.yaml` is `../x.yaml`
/// from the working directory, outside `specs/` (issue 10, item 14).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where `out` really is, its links resolved, must be inside the specs
/// folder (itself resolved): `specs/team` linked to a folder elsewhere
/// would otherwise take the spec out of it (issue 35, item 8). A link that
/// stays inside is followed. The deepest part of `out` that exists is
/// resolved; what follows it is created by the write, as it is named.
fn stays_in(specs: &Path, out: &Path) -> Result<(), Stop> {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = real(specs);
    let mut existing = out;
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = real(existing);
    resolved.extend(rest.iter().rev());
    if resolved.starts_with(&root) {
        return Ok(());
    }
    Err(usage(format!(
        "{} is {}, outside the specs folder {}: permspec never writes through a link that \
         leaves it",
        display_path(out),
        display_path(&resolved),
        display_path(specs)
    )))
}

/// The spec's id: its path under the specs folder, without extension.
fn spec_id(specs: &Path, out: &Path) -> Result<String, Stop> {
    let rel = out
        .strip_prefix(specs)
        .map(Path::to_path_buf)
        .map_err(|_| {
            usage(format!(
                "{} is not under the specs folder {}",
                display_path(out),
                display_path(specs)
            ))
        })?;
    let ext = rel.extension().and_then(|e| e.to_str());
    if !matches!(ext, Some("yaml" | "yml")) {
        return Err(usage(format!("{} should end in .yaml", out.display())));
    }
    Ok(rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/"))
}

/// The file-level keys of a new spec.
/// A token's lines. `exactly: None` writes a placeholder rule, used only
/// to plan and fetch before the grant is known.
fn token_block(
    indent: &str,
    name: &str,
    description: Option<&str>,
    credential: &str,
    exactly: Option<&[String]>,
) -> String {
    let mut b = format!("{indent}{name}:\n");
    if let Some(d) = description {
        b.push_str(&format!(
            "{indent}  description: {}\n",
            serde_json::to_string(d).unwrap_or_default()
        ));
    }
    b.push_str(&format!(
        "{indent}  credential: {credential}\n{indent}  expect:\n"
    ));
    match exactly {
        Some(list) => b.push_str(&format!("{indent}    exactly: [{}]\n", list.join(", "))),
        None => b.push_str(&format!("{indent}    exactly: []\n")),
    }
    b
}

/// Adds or (with `--force`) replaces the token's block in an existing spec,
/// whose header must say what the flags say: the new token would otherwise
/// be asked at the spec's address, not the one given (issue 10, item 7).
fn edit(
    text: &str,
    provider: Provider,
    a: &InitArgs,
    path: &Path,
    block: impl Fn(&str) -> String,
) -> Result<String, Stop> {
    let (token, force) = (a.token.as_str(), a.force);
    let shown = display_path(path);
    let parsed = spec::parse(text);
    let raw = match &parsed.spec {
        Ok(raw) => raw,
        Err(e) => return Err(Stop(1, e.render(&shown, text, parsed.masks(text)))),
    };
    if let Some(b) = parsed.broken.first() {
        return Err(Stop(1, b.error.render(&shown, text, parsed.masks(text))));
    }
    if raw.provider.value != provider.name() {
        return Err(usage(format!(
            "{shown} is a `{}` spec, not `{}`; choose another --out",
            raw.provider.value,
            provider.name()
        )));
    }
    let differs = |flag: &str, given: &Option<String>, key: &str, written: Option<&str>| match (
        given, written,
    ) {
        (Some(g), Some(w)) if g.trim_end_matches('/') != w.trim_end_matches('/') => {
            let (g, w) = (spec::hide_userinfo(g), spec::hide_userinfo(w));
            Some(usage(format!(
                "{shown} says `{key}: {w}`, but --{flag} {g} was given; the token would be \
                     asked at the spec's address. Leave out --{flag}, or choose another --out"
            )))
        }
        (Some(g), None) => Some(usage(format!(
            "{shown} has no `{key}`, but --{flag} {} was given; choose another --out",
            spec::hide_userinfo(g)
        ))),
        _ => None,
    };
    let value = |v: &Option<spec::Spanned<String>>| v.as_ref().map(|s| s.value.clone());
    for (flag, given, key, written) in [
        (
            "base-url",
            &a.api.base_url,
            "base_url",
            value(&raw.base_url).or(provider.default_base_url().map(str::to_owned)),
        ),
        (
            "organization",
            &a.api.organization,
            "organization",
            value(&raw.organization),
        ),
        ("region", &a.api.region, "region", value(&raw.region)),
    ] {
        if let Some(e) = differs(flag, given, key, written.as_deref()) {
            return Err(e);
        }
    }
    // The spec's lists decide what is asked: flags that say otherwise
    // would be ignored, so they are refused; flags left out take the
    // spec's. A list is a set (its order asks nothing else), so the same
    // items in another order agree.
    let listed = |l: &Option<spec::Spanned<Vec<spec::Spanned<String>>>>| {
        l.as_ref()
            .map(|l| l.value.iter().map(|s| s.value.clone()).collect::<Vec<_>>())
    };
    let namespace_key = match provider {
        Provider::Vault => ("namespace", value(&raw.namespace).map(|ns| vec![ns])),
        _ => ("namespaces", listed(&raw.namespaces)),
    };
    for (flag, given, (key, written)) in [
        ("path", &a.api.paths, ("paths", listed(&raw.paths))),
        ("namespace", &a.api.namespaces, namespace_key),
    ] {
        if given.is_empty() {
            continue;
        }
        fn set(l: &[String]) -> std::collections::BTreeSet<&String> {
            l.iter().collect()
        }
        let items = |l: &[String]| {
            l.iter()
                .map(|i| crate::escape::text(i).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match written {
            Some(w) if set(&w) == set(given) => {}
            Some(w) => {
                let w = if key == "namespace" {
                    items(&w)
                } else {
                    format!("[{}]", items(&w))
                };
                return Err(usage(format!(
                    "{shown} says `{key}: {w}`, but --{flag} says [{}]; every token of the \
                     file is asked about the spec's `{key}`: leave out --{flag} to use it, or \
                     choose another --out",
                    items(given),
                )));
            }
            None => {
                return Err(usage(format!(
                    "{shown} has no `{key}`, but --{flag} {} was given; every token of the \
                     file is asked about the spec's `{key}`: add it to the spec, or choose \
                     another --out",
                    items(given),
                )));
            }
        }
    }
    let names: Vec<(String, Pos)> = raw
        .tokens
        .value
        .0
        .iter()
        .map(|(n, _)| (n.value.clone(), Pos::of(n)))
        .collect();
    let Some(first) = names.first() else {
        return Err(Stop(
            1,
            format!("error: {shown} has an empty `tokens:`; add the token by hand"),
        ));
    };
    let indent = " ".repeat(first.1.column.saturating_sub(1) as usize);
    let lines: Vec<&str> = text.lines().collect();
    for (name, pos) in &names {
        let line = lines
            .get(pos.line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or_default();
        if !line.starts_with(&format!("{indent}{name}")) || indent.is_empty() {
            return Err(Stop(
                1,
                format!("error: {shown} writes `tokens:` in flow style; add the token by hand"),
            ));
        }
    }
    // The tokens block ends at the next top-level key, or at the end.
    let last = names.last().map_or(0, |(_, p)| p.line as usize);
    let end = (last..lines.len())
        .find(|&i| {
            lines[i]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '#')
        })
        .unwrap_or(lines.len());
    let position = names.iter().position(|(n, _)| n == token);
    let (start, stop) = match position {
        Some(_) if !force => {
            return Err(Stop(
                1,
                format!(
                    "error: token `{token}` is already in {shown}; pass --force to replace it and its fixture"
                ),
            ));
        }
        Some(i) => {
            let start = names[i].1.line as usize - 1;
            let stop = names.get(i + 1).map_or(end, |(_, p)| p.line as usize - 1);
            (start, stop)
        }
        None => {
            // After the last token's lines, without trailing blank lines.
            let mut at = end;
            while at > last && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            (at, at)
        }
    };
    let mut out: Vec<String> = lines[..start].iter().map(|l| l.to_string()).collect();
    if position.is_none() {
        out.push(String::new());
    }
    out.extend(block(&indent).lines().map(str::to_owned));
    out.extend(lines[stop..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# keys\nprovider: docspace\nbase_url: https://p.example.com\ntokens:\n  a:\n    credential: { env: A }\n    expect: { exactly: [files:read] }\n\n  b:\n    credential: { env: B }\n    expect: { exactly: [rooms:read] }\nmax_fixture_age: 30d\n";

    fn args(token: &str, force: bool) -> InitArgs {
        InitArgs {
            api: ApiArgs {
                provider: "docspace".into(),
                ..ApiArgs::default()
            },
            token: token.into(),
            credential_env: Some("C".into()),
            credential_file: None,
            description: None,
            out: None,
            folders: Folders::default(),
            force,
        }
    }

    fn block(indent: &str) -> String {
        token_block(
            indent,
            "c",
            None,
            "{ env: C }",
            Some(&["files:write".to_owned()]),
        )
    }

    #[test]
    fn appends_a_new_token_inside_tokens_and_keeps_the_rest() {
        let out = edit(
            SPEC,
            Provider::DocSpace,
            &args("c", false),
            Path::new("s.yaml"),
            block,
        )
        .ok()
        .unwrap();
        assert!(out.starts_with("# keys\n"));
        assert!(out.contains("rooms:read] }\n\n  c:\n    credential: { env: C }\n    expect:\n      exactly: [files:write]\nmax_fixture_age: 30d\n"), "{out}");
        assert!(spec::parse(&out).spec.is_ok());
    }

    #[test]
    fn refuses_an_existing_token_unless_forced() {
        let refused = edit(
            SPEC,
            Provider::DocSpace,
            &args("a", false),
            Path::new("s.yaml"),
            block,
        );
        assert!(
            matches!(refused, Err(Stop(1, m)) if m.contains("already in s.yaml; pass --force"))
        );
        let forced = edit(
            SPEC,
            Provider::DocSpace,
            &args("a", true),
            Path::new("s.yaml"),
            |i| {
                token_block(
                    i,
                    "a",
                    None,
                    "{ env: A }",
                    Some(&["files:write".to_owned()]),
                )
            },
        );
        let out = forced.ok().unwrap();
        assert!(
            out.contains(
                "  a:\n    credential: { env: A }\n    expect:\n      exactly: [files:write]\n  b:"
            ),
            "{out}"
        );
        assert!(!out.contains("[files:read]"));
    }

    #[test]
    fn refuses_another_providers_file() {
        let r = edit(
            SPEC,
            Provider::Coveo,
            &args("c", false),
            Path::new("s.yaml"),
            block,
        );
        assert!(matches!(r, Err(Stop(2, m)) if m.contains("is a `docspace` spec")));
    }

    /// Issue 10, item 7: flags that disagree with the spec's header refuse.
    #[test]
    fn refuses_flags_that_disagree_with_the_header() {
        let mut a = args("c", false);
        a.api.base_url = Some("https://prod.example.org".into());
        let r = edit(SPEC, Provider::DocSpace, &a, Path::new("s.yaml"), block);
        assert!(
            matches!(&r, Err(Stop(2, m)) if m.contains("says `base_url: https://p.example.com`, but --base-url https://prod.example.org")),
            "{}",
            r.err().map(|s| s.1).unwrap_or_default()
        );
        a.api.base_url = Some("https://p.example.com/".into());
        assert!(edit(SPEC, Provider::DocSpace, &a, Path::new("s.yaml"), block).is_ok());
    }

    /// Issue 39: the spec's `paths` (or `namespaces`) decide what is
    /// asked. Flags left out take them; the same items in another order
    /// agree; other items are refused, naming the spec's key as written.
    #[test]
    fn listed_flags_agree_with_the_spec_as_sets_or_are_left_out() {
        const VAULT: &str = "provider: vault\nbase_url: https://v.example.com\nnamespace: team-a\npaths: [a/b, c/d]\ntokens:\n  app:\n    credential: { env: A }\n    expect: { at_least: [policy:default] }\n";
        let vault = |paths: &[&str], namespaces: &[&str]| {
            let mut a = args("c", false);
            a.api.provider = "vault".into();
            a.api.paths = paths.iter().map(|p| p.to_string()).collect();
            a.api.namespaces = namespaces.iter().map(|p| p.to_string()).collect();
            edit(VAULT, Provider::Vault, &a, Path::new("v.yaml"), block)
        };
        assert!(vault(&[], &[]).is_ok());
        assert!(vault(&["c/d", "a/b"], &["team-a"]).is_ok());
        let refused = |r: Result<String, Stop>| match r {
            Err(Stop(2, m)) => m,
            other => panic!("not refused: {:?}", other.ok()),
        };
        let m = refused(vault(&["a/b"], &[]));
        assert!(
            m.contains("v.yaml says `paths: [a/b, c/d]`, but --path says [a/b]")
                && m.contains("leave out --path to use it"),
            "{m}"
        );
        let m = refused(vault(&[], &["team-b"]));
        assert!(
            m.contains("v.yaml says `namespace: team-a`, but --namespace says [team-b]"),
            "{m}"
        );
        let bare = VAULT.replace("namespace: team-a\n", "");
        let mut a = args("c", false);
        a.api.namespaces = vec!["team-a".into()];
        let m = refused(edit(&bare, Provider::Vault, &a, Path::new("v.yaml"), block));
        assert!(
            m.contains("v.yaml has no `namespace`, but --namespace team-a was given"),
            "{m}"
        );
    }

    #[test]
    fn a_new_spec_names_the_schema_from_its_folder() {
        assert_eq!(
            schema_ref(Path::new("specs/docspace.yaml")),
            "../spec.schema.json"
        );
        assert_eq!(
            schema_ref(Path::new("specs/team/a.yaml")),
            "../../spec.schema.json"
        );
        assert_eq!(schema_ref(Path::new("a.yaml")), "spec.schema.json");
        assert!(schema_ref(Path::new("/abs/specs/a.yaml")).ends_with("/spec.schema.json"));
    }

    /// Issue 10, item 14: `..` is resolved by the text, so escaping is seen.
    #[test]
    fn out_paths_are_resolved_lexically() {
        let specs = lexical(Path::new("specs"));
        assert!(spec_id(&specs, &lexical(Path::new("specs/../../x.yaml"))).is_err());
        assert_eq!(
            spec_id(&specs, &lexical(Path::new("specs/./team/../keys.yaml"))).ok(),
            Some("keys".to_owned())
        );
    }
}

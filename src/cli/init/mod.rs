//! `permspec init`: ask the live API once and write a spec whose `exactly`
//! is today's grant, with its fixture.
//!
//! An existing spec file is edited as text, so its comments and layout stay:
//! a new token is appended to `tokens:`, an existing one is replaced only
//! with `--force`. Nothing is written unless the live answer is good.

mod edit;

use super::common::{ApiArgs, Folders, credential_source};
use crate::mode::Mode;
use crate::plan::{self, Entry, SpecFile, display_path};
use crate::provider::Provider;
use crate::report::{Invocation, Style, yaml_item};
use crate::spec::{self, Pos};
use edit::{edit, token_block};
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

#[cfg(test)]
mod tests {
    use super::*;

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

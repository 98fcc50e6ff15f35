//! `permspec init`: ask the live API once and write a spec whose `exactly`
//! is today's grant, with its fixture.
//!
//! An existing spec file is edited as text, so its comments and layout stay:
//! a new token is appended to `tokens:`, an existing one is replaced only
//! with `--force`. Nothing is written unless the live answer is good.

use crate::cli::Folders;
use crate::evidence::Evidence;
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
    /// docspace, docspace-account, docspace-permissions, docspace-scopes, coveo or jwt
    #[arg(long)]
    provider: String,
    /// The API's address (not for jwt; coveo may use --region instead)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Coveo: the organization id
    #[arg(long)]
    organization: Option<String>,
    /// Coveo: us, eu, au, ca or hipaa
    #[arg(long)]
    region: Option<String>,
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

const SUPPORTED: &[Provider] = &[
    Provider::DocSpace,
    Provider::DocSpaceAccount,
    Provider::DocSpacePermissions,
    Provider::DocSpaceScopes,
    Provider::Coveo,
    Provider::Jwt,
];

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
    let provider = Provider::from_name(&a.provider)
        .filter(|p| SUPPORTED.contains(p))
        .ok_or_else(|| {
            let names: Vec<&str> = SUPPORTED.iter().map(|p| p.name()).collect();
            usage(format!(
                "init supports the providers {}; write other specs by hand (README.md, \"Providers\")",
                names.join(", ")
            ))
        })?;
    if !crate::plan::valid_token_name(&a.token) {
        return Err(usage(format!(
            "`{}` is not a valid token name: use letters, digits, '-', '_' and '.'",
            a.token
        )));
    }
    let credential = match (&a.credential_env, &a.credential_file) {
        (Some(var), None) => format!("{{ env: {var} }}"),
        (None, Some(path)) => format!("{{ file: {} }}", yaml_item(&path.to_string_lossy())),
        _ => {
            return Err(usage(
                "give exactly one of --credential-env VAR or --credential-file PATH",
            ));
        }
    };
    let specs = a
        .folders
        .specs
        .clone()
        .unwrap_or_else(|| PathBuf::from("specs"));
    let fixtures = a
        .folders
        .fixtures
        .clone()
        .unwrap_or_else(|| PathBuf::from("fixtures"));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| specs.join(format!("{}.yaml", provider.name())));
    let id = spec_id(&specs, &out)?;
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
    let header = header(provider, a)?;
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
            None => Ok(format!("{header}tokens:\n{}", block(expect))),
            Some(text) => edit(text, provider, &a.token, a.force, &out, |indent| {
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

    let spec = Arc::new(SpecFile {
        display: display_path(&out),
        id: id.clone(),
    });
    let entries = plan::plan_bytes(spec, draft.into_bytes(), &fixtures);
    let case_name = format!("{id}::{}", a.token);
    let entry = entries
        .into_iter()
        .find(|e| e.name() == case_name || e.name() == id);
    let case = match entry {
        Some(Entry::Case(c)) => c,
        Some(Entry::Broken(b)) => return Err(Stop(1, b.error)),
        None => {
            return Err(Stop(
                1,
                "error: the generated spec holds no such token".to_owned(),
            ));
        }
    };
    let (mut results, _) = crate::fetch::fetch_all(&[&case], Mode::Record);
    let style = Style {
        color: false,
        invocation: Invocation::Cli {
            args: String::new(),
        },
        mode: Mode::Record,
    };
    let evidence: Evidence = match results.pop() {
        Some(Ok(e)) => e,
        Some(Err(e)) => return Err(Stop(1, crate::report::render_error(&case, &e, &style))),
        None => return Err(Stop(1, "error: nothing was fetched".to_owned())),
    };
    if evidence.grant.active == Some(false) {
        return Err(Stop(
            1,
            "error: the token is not active: expired, revoked or unknown; nothing written".into(),
        ));
    }
    let granted: Vec<String> = evidence
        .grant
        .privileges
        .iter()
        .map(|p| yaml_item(p))
        .collect();
    let text = candidate(Some(&granted))?;
    crate::fixture::write_atomic(&out, &text)
        .map_err(|e| Stop(1, format!("error: cannot write {}: {e}", out.display())))?;
    let mut message = format!(
        "wrote {}: token `{}` expects exactly [{}]\nrecorded {}",
        display_path(&out),
        a.token,
        evidence.grant.privileges.join(", "),
        display_path(&fixture)
    );
    for note in &evidence.grant.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    Ok(message)
}

/// The spec's id: its path under the specs folder, without extension.
fn spec_id(specs: &Path, out: &Path) -> Result<String, Stop> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let rel = absolute(out)
        .strip_prefix(absolute(specs))
        .map(Path::to_path_buf)
        .map_err(|_| {
            usage(format!(
                "{} is not under the specs folder {}",
                out.display(),
                specs.display()
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
fn header(provider: Provider, a: &InitArgs) -> Result<String, Stop> {
    let mut h = format!("provider: {}\n", provider.name());
    match provider {
        Provider::Jwt => {}
        Provider::Coveo => {
            let org = a
                .organization
                .as_ref()
                .ok_or_else(|| usage("coveo needs --organization"))?;
            h.push_str(&format!("organization: {org}\n"));
            match (&a.base_url, &a.region) {
                (Some(url), None) => h.push_str(&format!("base_url: {url}\n")),
                (None, Some(region)) => h.push_str(&format!("region: {region}\n")),
                (None, None) => {}
                (Some(_), Some(_)) => return Err(usage("give --base-url or --region, not both")),
            }
        }
        _ => {
            let url = a
                .base_url
                .as_ref()
                .ok_or_else(|| usage(format!("{} needs --base-url", provider.name())))?;
            h.push_str(&format!("base_url: {url}\n"));
        }
    }
    Ok(h)
}

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
        None => b.push_str(&format!("{indent}    at_least: []\n")),
    }
    b
}

/// Adds or (with `force`) replaces the token's block in an existing spec.
fn edit(
    text: &str,
    provider: Provider,
    token: &str,
    force: bool,
    path: &Path,
    block: impl Fn(&str) -> String,
) -> Result<String, Stop> {
    let shown = display_path(path);
    let raw = spec::parse(text).map_err(|e| Stop(1, e.render(&shown, text)))?;
    if raw.provider.value != provider.name() {
        return Err(usage(format!(
            "{shown} is a `{}` spec, not `{}`; choose another --out",
            raw.provider.value,
            provider.name()
        )));
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
            "c",
            false,
            Path::new("s.yaml"),
            block,
        )
        .ok()
        .unwrap();
        assert!(out.starts_with("# keys\n"));
        assert!(out.contains("rooms:read] }\n\n  c:\n    credential: { env: C }\n    expect:\n      exactly: [files:write]\nmax_fixture_age: 30d\n"), "{out}");
        assert!(spec::parse(&out).is_ok());
    }

    #[test]
    fn refuses_an_existing_token_unless_forced() {
        let refused = edit(
            SPEC,
            Provider::DocSpace,
            "a",
            false,
            Path::new("s.yaml"),
            block,
        );
        assert!(
            matches!(refused, Err(Stop(1, m)) if m.contains("already in s.yaml; pass --force"))
        );
        let forced = edit(
            SPEC,
            Provider::DocSpace,
            "a",
            true,
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
            "c",
            false,
            Path::new("s.yaml"),
            block,
        );
        assert!(matches!(r, Err(Stop(2, m)) if m.contains("is a `docspace` spec")));
    }
}

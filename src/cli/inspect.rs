//! `permspec inspect`: what a token may do right now, asked once and
//! printed, writing nothing (the analogue of `kubectl auth can-i --list`).
//!
//! It plans the spec `init` would write (with a placeholder expectation),
//! fetches through the same functions as every other command, and prints
//! the grant: grouped, high-severity grants flagged, activity and expiry.
//! `--spec` prints the `expect:` block to paste into a spec.

use super::common::{ApiArgs, credential_source};
use crate::mode::Mode;
use crate::plan::{self, Entry, SpecFile};
use crate::report::{Invocation, Style, yaml_item};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(crate) struct InspectArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// The environment variable that holds the credential
    #[arg(long, value_name = "VAR")]
    credential_env: Option<String>,
    /// Or a file that holds it
    #[arg(long, value_name = "PATH")]
    credential_file: Option<PathBuf>,
    /// text (default) or json
    #[arg(long, value_enum, default_value = "text")]
    format: InspectFormat,
    /// Print only the `expect:` block to paste into a spec
    #[arg(long)]
    spec: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum InspectFormat {
    Text,
    Json,
}

/// What `--format json` prints.
#[derive(Debug, serde::Serialize)]
struct Inspection {
    provider: &'static str,
    /// Where the answer came from (scrubbed).
    source: String,
    /// Canonical and sorted.
    privileges: Vec<String>,
    /// The privileges by their first part (`files`, `policy`, `PLATFORM`).
    groups: BTreeMap<String, Vec<String>>,
    high_severity: Vec<HighSeverity>,
    /// Names permspec's catalogue does not know (`extra_privileges`).
    unknown: Vec<String>,
    active: Option<bool>,
    /// RFC 3339, or null: never, or the API cannot tell (see `expiry`).
    expires_at: Option<String>,
    /// `date`, `never` or `unknown`.
    expiry: &'static str,
    /// Only part of the grant was listed (a Kubernetes review), and why.
    partial: Option<String>,
    notes: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
struct HighSeverity {
    privilege: String,
    reason: &'static str,
}

pub(crate) fn run(a: InspectArgs) -> ExitCode {
    match inspect(&a) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err((code, message)) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}

fn inspect(a: &InspectArgs) -> Result<String, (u8, String)> {
    let usage = |m: String| (2, format!("error: {m}"));
    let provider = a
        .api
        .provider("inspect", "see README.md, \"Providers\"")
        .map_err(usage)?;
    let credential = credential_source(&a.credential_env, &a.credential_file).map_err(usage)?;
    let header = a.api.header(provider).map_err(usage)?;
    // The spec `init` would write, with a placeholder rule: planned and
    // fetched like any case, so a token can never inspect one way and
    // check another.
    let text = format!(
        "{header}tokens:\n  inspected:\n    credential: {credential}\n    expect:\n      exactly: []\n"
    );
    let spec = Arc::new(SpecFile {
        display: "(inspect)".into(),
        id: "inspect".into(),
        dir: PathBuf::new(),
        fixtures: std::env::temp_dir(),
        locate: true,
    });
    let entries = plan::plan_bytes(spec, text.into_bytes(), &std::env::temp_dir());
    let case = match entries.into_iter().next() {
        Some(Entry::Case(c)) => c,
        Some(Entry::Broken(b)) => return Err((2, b.error)),
        None => {
            return Err((
                1,
                "error: nothing to inspect\n  = help: please report this".into(),
            ));
        }
    };
    let (mut results, _, scrubber) = crate::fetch::fetch_all(&[&case], false);
    let fetched = match results.pop() {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            let style = Style {
                color: false,
                invocation: Invocation::cli(String::new()),
                mode: Mode::Live,
            };
            let text = crate::report::render_error(&case, &e, &style);
            return Err((1, scrubber.scrub(&text)));
        }
        None => return Err((1, "error: nothing was fetched".into())),
    };
    let grant = &fetched.evidence.grant;
    let family = case.family();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &grant.privileges {
        groups.entry(group_of(p)).or_default().push(p.clone());
    }
    let source = match &fetched.evidence.origin {
        crate::evidence::Origin::Live { url, .. } => url.clone(),
        crate::evidence::Origin::Replayed { fixture, .. } => fixture.clone(),
    };
    let inspection = Inspection {
        provider: provider.name(),
        source,
        privileges: grant.privileges.clone(),
        groups,
        high_severity: grant
            .privileges
            .iter()
            .filter_map(|p| {
                crate::report::audit::high_severity(provider, p).map(|reason| HighSeverity {
                    privilege: p.clone(),
                    reason,
                })
            })
            .collect(),
        unknown: grant
            .privileges
            .iter()
            .filter(|p| family.checks_names() && !family.knows(p, &case.extra))
            .cloned()
            .collect(),
        active: grant.active,
        expires_at: grant
            .expires_at
            .map(|t| crate::time::format_utc(u64::try_from(t).unwrap_or(0))),
        expiry: match (provider.reports_expiry(), grant.expires_at) {
            (true, Some(_)) => "date",
            (true, None) => "never",
            (false, _) => "unknown",
        },
        partial: grant.partial.clone(),
        notes: grant.notes.clone(),
    };
    let out = if a.spec {
        spec_block(&inspection)
    } else {
        match a.format {
            InspectFormat::Json => {
                serde_json::to_string_pretty(&inspection).map_err(|e| (1, e.to_string()))? + "\n"
            }
            InspectFormat::Text => text_of(&inspection),
        }
    };
    // Every secret the exchange used, in every form, is gone from what is
    // printed.
    Ok(scrubber.scrub(&out))
}

/// A privilege's group: its first part (`files` of `files:read`, `policy`
/// of `policy:admin`, `PLATFORM` of a Coveo privilege), or itself.
fn group_of(privilege: &str) -> String {
    let cut = privilege.find([':', '\u{1f}']).unwrap_or(privilege.len());
    match &privilege[..cut] {
        "" => privilege.to_owned(),
        head => head.to_owned(),
    }
}

fn text_of(i: &Inspection) -> String {
    let esc = |s: &str| crate::escape::text(s).into_owned();
    let mut out = format!("{} token, asked at {}\n", i.provider, esc(&i.source));
    let yes_no = |b: Option<bool>| {
        b.map_or("unknown (the API cannot tell)".to_owned(), |b| {
            b.to_string()
        })
    };
    out.push_str(&format!("  active     {}\n", yes_no(i.active)));
    out.push_str(&format!(
        "  expires    {}\n",
        match (i.expiry, &i.expires_at) {
            ("date", Some(at)) => at.clone(),
            ("never", _) => "never".into(),
            _ => "unknown (the API cannot tell)".into(),
        }
    ));
    if i.privileges.is_empty() {
        out.push_str("  may        nothing\n");
    }
    let width = i
        .groups
        .keys()
        .map(|k| esc(k).chars().count())
        .max()
        .unwrap_or(0);
    for (group, items) in &i.groups {
        let shown: Vec<String> = items
            .iter()
            .map(|p| {
                let high = i
                    .high_severity
                    .iter()
                    .find(|h| h.privilege == *p)
                    .map(|h| format!(" (HIGH: {})", h.reason))
                    .unwrap_or_default();
                format!("{}{high}", esc(p))
            })
            .collect();
        out.push_str(&format!("  {:<width$}  {}\n", esc(group), shown.join(", ")));
    }
    if let Some(why) = &i.partial {
        out.push_str(&format!(
            "  partial    the API listed only part of the grant: {}\n",
            esc(why)
        ));
    }
    for u in &i.unknown {
        out.push_str(&format!(
            "  unknown    `{}` is not in permspec's catalogue: a spec names it under `extra_privileges`\n",
            esc(u)
        ));
    }
    for n in &i.notes {
        out.push_str(&format!("  note       {}\n", esc(n)));
    }
    out.push_str(&format!(
        "\n{} high-severity; `--spec` prints the expect block to paste\n",
        i.high_severity.len()
    ));
    out
}

/// The `expect:` block a spec would hold for this grant, YAML-quoted where
/// a name needs it.
fn spec_block(i: &Inspection) -> String {
    let items: Vec<String> = i.privileges.iter().map(|p| yaml_item(p)).collect();
    format!("    expect:\n      exactly: [{}]\n", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_the_first_part() {
        assert_eq!(group_of("files:read"), "files");
        assert_eq!(group_of("*"), "*");
        assert_eq!(group_of("policy:admin"), "policy");
        assert_eq!(group_of(":odd"), ":odd");
        assert_eq!(group_of("repo"), "repo");
    }
}

//! One spec file's bytes to its entries: one per token, in file order.

use super::token::{check_token_name, plan_token};
use super::{Broken, Case, Entry, SpecFile, header};
use crate::spec::{self, Parsed, Pos, SpecError};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where errors are shown from: the file's name and text, and its parse,
/// which knows the scalars that must never appear (a pasted secret).
pub(super) struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub parsed: &'a Parsed,
}

impl Source<'_> {
    pub(super) fn render(&self, e: &SpecError) -> String {
        e.render(self.path, self.text, self.parsed.masks(self.text))
    }
}

/// Plans one spec file's bytes: one entry per token, or one broken entry
/// for the file. Never panics, whatever the bytes (the fuzzer checks).
pub(crate) fn plan_bytes(spec: Arc<SpecFile>, bytes: Vec<u8>, fixtures: &Path) -> Vec<Entry> {
    let broken_file = |error: String| {
        vec![Entry::Broken(Box::new(Broken {
            name: spec.id.clone(),
            kind: "spec".into(),
            error,
            at: None,
            file: Some(spec.display.clone()),
        }))]
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
    // The spec's path names its fixtures' folder: it must stay inside
    // fixtures/ (issue 10, item 14).
    if let Some(part) = spec
        .id
        .split('/')
        .find(|part| matches!(*part, "" | "." | "..") || part.chars().any(char::is_control))
    {
        return broken_file(format!(
            "error: the spec file name gives `{part}` as a folder, which cannot name a folder \
             under fixtures/\n  --> {}\n  = help: rename the file (letters, digits, '-', '_', '.')",
            spec.display
        ));
    }
    let parsed = spec::parse(&text);
    let source = Source {
        path: &spec.display,
        text: &text,
        parsed: &parsed,
    };
    let mut broken: HashMap<&str, String> = HashMap::new();
    for b in &parsed.broken {
        broken
            .entry(b.name.as_str())
            .and_modify(|e| {
                e.push('\n');
                e.push_str(&source.render(&b.error));
            })
            .or_insert_with(|| source.render(&b.error));
    }
    // Every token gets a case: the scan's names (broken ones included, in
    // file order), then any the parsed spec has that the scan could not
    // name (a name written as an alias), so none vanishes when a sibling
    // is broken.
    let mut names: Vec<(String, Pos)> = parsed.names.clone();
    if let Ok(raw) = &parsed.spec {
        let scanned: HashSet<String> = names.iter().map(|(n, _)| n.clone()).collect();
        names.extend(
            raw.tokens
                .value
                .0
                .iter()
                .filter(|(n, _)| !scanned.contains(&n.value))
                .map(|(n, _)| (n.value.clone(), Pos::of(n))),
        );
    }
    let raw = match &parsed.spec {
        // Not YAML at all, or no token to name: the file is the case.
        Err(e) if names.is_empty() => return broken_file(source.render(e)),
        Err(e) => Err(source.render(e)),
        Ok(raw) if raw.tokens.value.0.is_empty() && names.is_empty() => {
            // The header's own error first: it is the one to fix first.
            let e = header::plan_header(raw, &spec.dir)
                .err()
                .unwrap_or_else(|| {
                    SpecError::at(
                        Pos::of(&raw.tokens),
                        "`tokens` is empty",
                        Some("declare at least one token, or delete the file"),
                    )
                });
            return broken_file(source.render(&e));
        }
        Ok(raw) => Ok(raw),
    };
    // The header, shared by every token; its error fails each of them.
    let header = raw.and_then(|raw| {
        header::plan_header(raw, &spec.dir)
            .map(|h| (raw, h))
            .map_err(|e| source.render(&e))
    });
    let fixture_dir = fixtures.join(&spec.id);
    // Each name's entry, the first one where YAML reads two keys as one.
    let mut by_name: HashMap<&str, (&spec::Spanned<String>, &spec::RawToken)> = HashMap::new();
    if let Ok((raw, _)) = &header {
        for (n, t) in &raw.tokens.value.0 {
            by_name.entry(n.value.as_str()).or_insert((n, &t.value));
        }
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(names.len());
    let mut seen: HashMap<String, (usize, Pos)> = HashMap::new();
    for (name, pos) in names {
        // A name that looks like a credential is never printed: the case
        // is named after its line (and fails, see `check_token_name`).
        let case_name = if crate::secret::looks_like_secret(&name) {
            format!("{}::token-at-line-{}", spec.id, pos.line)
        } else {
            format!("{}::{}", spec.id, name)
        };
        let kind = || match &header {
            Ok((_, h)) => h.provider.name().to_owned(),
            Err(_) => "spec".to_owned(),
        };
        let planned = match (broken.get(name.as_str()), &header) {
            (Some(error), _) => Err(error.clone()),
            (None, Err(error)) => Err(error.clone()),
            (None, Ok((_, h))) => match by_name.get(name.as_str()).copied() {
                None => Err(source.render(&SpecError::at(
                    pos,
                    format!(
                        "token `{name}` is not in the spec as YAML reads it (its name may be \
                             written two ways, or as an alias)"
                    ),
                    Some("write the token's name as plain text, once"),
                ))),
                Some((spanned, token)) => check_token_name(spanned)
                    .and_then(|()| plan_token(h, Pos::of(spanned), token, spec.locate))
                    .map(|(credential, expect, places)| Case {
                        name: case_name.clone(),
                        spec: spec.clone(),
                        token: name.clone(),
                        description: token.description.clone(),
                        provider: h.provider,
                        api: h.api.clone(),
                        max_fixture_age: h.max_fixture_age,
                        credential,
                        expect,
                        fixture: fixture_path(&fixture_dir, &name),
                        extra: h.extra.clone(),
                        ca_file: h.ca_file.clone(),
                        places,
                    })
                    .map_err(|errors| {
                        errors
                            .iter()
                            .map(|e| source.render(e))
                            .collect::<Vec<_>>()
                            .join("\n")
                    }),
            },
        };
        let entry = match planned {
            Ok(case) => Entry::Case(Box::new(case)),
            Err(error) => Entry::Broken(Box::new(Broken {
                name: case_name.clone(),
                kind: kind(),
                error,
                at: Some(pos),
                file: Some(spec.display.clone()),
            })),
        };
        // A name given twice is one failing case, never two with one name.
        // The loader reports a key written twice; two keys YAML reads as
        // one name (`1:` and `"1":`) it does not, and planning both from the
        // first entry's body would check the second's rules never.
        match seen.get(&case_name) {
            Some(&(i, first)) if matches!(entries[i], Entry::Case(_)) => {
                let twice = SpecError::at(
                    pos,
                    format!(
                        "token `{name}` is declared twice: line {} and line {}",
                        first.line, pos.line
                    ),
                    Some("give each token its own name (YAML reads `1` and \"1\" as one name)"),
                );
                entries[i] = Entry::Broken(Box::new(Broken {
                    name: case_name.clone(),
                    kind: kind(),
                    error: source.render(&twice),
                    at: Some(pos),
                    file: Some(spec.display.clone()),
                }));
            }
            Some(_) => {}
            None => {
                seen.insert(case_name, (entries.len(), pos));
                entries.push(entry);
            }
        }
    }
    entries
}

/// `dir/NAME.json`, in one allocation (`dir.join(format!(...))` made two,
/// per case).
fn fixture_path(dir: &Path, name: &str) -> PathBuf {
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + name.len() + 6);
    path.push(dir);
    path.push(name);
    path.as_mut_os_string().push(".json");
    path
}

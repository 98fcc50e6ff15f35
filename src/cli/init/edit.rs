//! An existing spec file edited as text, so its comments and layout stay:
//! the new token's block appended to `tokens:` (or, with `--force`, put in
//! place of the old one), after the file's header is checked against the
//! flags.

use super::*;

/// A token's lines. `exactly: None` writes a placeholder rule, used only
/// to plan and fetch before the grant is known.
pub(super) fn token_block(
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
pub(super) fn edit(
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
}

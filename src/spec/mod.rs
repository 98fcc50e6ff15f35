//! Stage 1: the YAML as written.
//!
//! [`parse`] is the only function that knows which YAML library we use
//! (serde-saphyr; serde_yaml is archived upstream). It returns the raw types
//! or a [`SpecError`] with the place and, where we can tell, the fix.
//!
//! Two readers build the raw types. `fast` walks serde-saphyr's parser
//! events for the plain subset most specs are written in (plain and quoted
//! strings that no YAML schema reads as anything else, flow or block
//! collections, no anchors, tags, merge keys or block scalars) and gives
//! up on anything else; serde-saphyr's deserializer reads the rest and
//! reports every error. The invariant, checked by the tests on every YAML
//! file in the repository and by the fuzz target `spec_readers`: when the
//! fast reader returns a spec, serde-saphyr returns the same one, positions
//! included (`readers_agree`, built for tests and the `fuzzing` feature).

mod error;
mod events;
mod fast;
mod indent;
pub(crate) mod raw;
mod scan;

pub(crate) use error::SpecError;
pub(crate) use raw::{
    Pasted, Pos, RawCredential, RawExpect, RawPrivilege, RawProbe, RawProbes, RawSource, RawSpec,
    RawToken, Spanned,
};
pub(crate) use scan::{Mask, SECRET_HEADERS, hide_userinfo, userinfo};

use crate::suggest::did_you_mean;

/// Specs larger than this are refused before parsing: no real spec comes
/// close, and a runaway file should not eat the machine.
pub(crate) const MAX_SPEC_BYTES: usize = 1 << 20;

/// One spec file's text, parsed token by token.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The spec, without the tokens whose own text is wrong; `Err` when the
    /// file or its header cannot be read.
    pub spec: Result<RawSpec, SpecError>,
    /// The tokens whose own text is wrong (issue 10, item 16), in file order.
    pub broken: Vec<BrokenToken>,
    /// Every token's name and place in file order, even when the header is
    /// wrong, so each still gets its own failing case (empty when the file
    /// parsed whole: the spec's own `tokens` say it).
    pub names: Vec<(String, Pos)>,
    /// The scan of the text, made only when an error needs it: a good spec
    /// is parsed once (the scan would cost a third of planning).
    scan: std::cell::OnceCell<scan::Scan>,
}

impl Parsed {
    /// Scalars of `text` (the text parsed) that must never be shown (see
    /// [`SpecError::render`]).
    pub(crate) fn masks(&self, text: &str) -> &[Mask] {
        &self.scan.get_or_init(|| scan::scan(text)).masks
    }
}

#[derive(Debug)]
pub(crate) struct BrokenToken {
    pub name: String,
    pub error: SpecError,
}

/// Parses one spec file's text. A value of the wrong shape inside a token
/// fails that token only: its entry is blanked out (same length, so every
/// other position stays) and the rest is parsed again, once per broken
/// token at most.
pub(crate) fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed {
        spec: Err(SpecError::at(Pos::default(), "", None)),
        broken: Vec::new(),
        names: Vec::new(),
        scan: std::cell::OnceCell::new(),
    };
    if text.trim().is_empty() {
        parsed.spec = Err(SpecError::at(
            Pos::default(),
            "the spec file is empty",
            Some(
                "a spec needs at least `provider:` and `tokens:`; see README.md, \"The spec format\"",
            ),
        ));
        return parsed;
    }
    let mut error = match strict(text) {
        Ok(raw) => {
            parsed.spec = Ok(raw);
            return parsed;
        }
        Err(e) => e,
    };
    let scanned = parsed.scan.get_or_init(|| scan::scan(text));
    parsed.names = scanned
        .tokens
        .iter()
        .map(|r| {
            let pos = Pos {
                line: r.line,
                column: r.column,
            };
            (r.name.clone(), pos)
        })
        .collect();
    let mut current = text.to_owned();
    let mut blanked = vec![false; scanned.tokens.len()];
    let story = std::cell::OnceCell::new();
    loop {
        let at = byte_offset(&current, error.pos);
        let region = scanned
            .tokens
            .iter()
            .position(|r| at.is_some_and(|at| (r.start..r.end.max(r.start + 1)).contains(&at)));
        match region {
            Some(i) if !blanked[i] => {
                let r = &scanned.tokens[i];
                blanked[i] = true;
                parsed.broken.push(BrokenToken {
                    name: r.name.clone(),
                    error: reworded(&story, text, error),
                });
                current = blank(&current, r.start, r.end);
                if blanked.iter().all(|b| *b) {
                    // Every token fails on its own; no case needs the header.
                    parsed.spec = Err(SpecError::at(Pos::default(), "every token is broken", None));
                    return parsed;
                }
                match strict(&current) {
                    Ok(raw) => {
                        parsed.spec = Ok(raw);
                        return parsed;
                    }
                    Err(e) => error = e,
                }
            }
            _ => {
                parsed.spec = Err(reworded(&story, text, error));
                return parsed;
            }
        }
    }
}

/// `error` in clearer words where the text shows a key one level off (an
/// indentation mistake, [`indent`]). The token an error belongs to is
/// decided on the loader's own position before this, so rewording never
/// moves an error to another token's case. The text's lines are read
/// once, on the first error, for all of them.
fn reworded<'a>(
    story: &std::cell::OnceCell<Option<indent::Story<'a>>>,
    text: &'a str,
    error: SpecError,
) -> SpecError {
    story
        .get_or_init(|| indent::Story::of(text))
        .as_ref()
        .and_then(|s| s.explain(&error))
        .unwrap_or(error)
}

/// `text` with bytes `start..end` turned into spaces, line breaks kept and
/// every byte offset with them.
fn blank(text: &str, start: usize, end: usize) -> String {
    let (Some(before), Some(middle), Some(after)) =
        (text.get(..start), text.get(start..end), text.get(end..))
    else {
        return text.to_owned();
    };
    let middle: String = middle
        .chars()
        .map(|c| match c {
            '\n' | '\r' => c.to_string(),
            c => " ".repeat(c.len_utf8()),
        })
        .collect();
    format!("{before}{middle}{after}")
}

/// The byte offset of a 1-based line and column (in chars).
fn byte_offset(text: &str, pos: Pos) -> Option<usize> {
    if pos.line == 0 {
        return None;
    }
    let start = error::line_start(text, pos.line as usize);
    let line = text.get(start..)?.lines().next().unwrap_or("");
    let column = line
        .char_indices()
        .nth(pos.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    Some(start + column)
}

/// Deserializes the whole text, or says where and why it cannot: through
/// the fast reader when the text is in its plain subset, through
/// serde-saphyr otherwise (and for every error).
fn strict(text: &str) -> Result<RawSpec, SpecError> {
    match fast::read(text) {
        Some(raw) => Ok(raw),
        None => saphyr(text),
    }
}

/// Whether the two readers agree on `text`: when the fast reader returns a
/// spec, serde-saphyr returns the same one, positions included. `Err` says
/// how they differ. The fuzz target `spec_readers` and the tests check it.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn readers_agree(text: &str) -> Result<(), String> {
    scanners_agree(text)?;
    let Some(fast) = fast::read(text) else {
        return Ok(());
    };
    match saphyr(text) {
        Ok(slow) => {
            let (fast, slow) = (format!("{fast:#?}"), format!("{slow:#?}"));
            if fast == slow {
                Ok(())
            } else {
                let diff = similar::TextDiff::from_lines(&slow, &fast);
                Err(format!(
                    "the fast reader read another spec than serde-saphyr (- serde-saphyr, + fast):\n{}",
                    diff.unified_diff()
                ))
            }
        }
        Err(e) => Err(format!(
            "the fast reader read a spec serde-saphyr refuses at {}:{}: {}",
            e.pos.line, e.pos.column, e.message
        )),
    }
}

/// Whether the subset's own scanner agrees with granit-parser on `text`:
/// when it returns events, granit-parser returns the same ones, with the
/// same positions for the nodes (the fast reader reads no other event's
/// position, so none other is compared).
#[cfg(any(test, feature = "fuzzing"))]
fn scanners_agree(text: &str) -> Result<(), String> {
    let Some(own) = events::scan(text) else {
        return Ok(());
    };
    let show = |events: &[(serde_saphyr::granit_parser::Event<'_>, Pos)]| {
        let mut out = String::new();
        for (event, pos) in events {
            use serde_saphyr::granit_parser::Event;
            let at = match event {
                Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => {
                    format!(" at {}:{}", pos.line, pos.column)
                }
                _ => String::new(),
            };
            out.push_str(&format!("{event:?}{at}\n"));
        }
        out
    };
    let (granit, refused) = match fast::granit_events(text) {
        Ok(events) => (events, false),
        Err(events) => (events, true),
    };
    let (own, granit) = (show(&own), show(&granit));
    if own == granit && !refused {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&granit, &own);
    Err(format!(
        "the subset's scanner read other events than granit-parser{} (- granit-parser, + own):\n{}",
        if refused {
            ", which refuses the text"
        } else {
            ""
        },
        diff.unified_diff()
    ))
}

/// Deserializes the whole text with serde-saphyr.
fn saphyr(text: &str) -> Result<RawSpec, SpecError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options::<RawSpec>(text, options).map_err(|e| {
        let pos = e.location().map(Pos::from).unwrap_or_default();
        if let serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } = &e
        {
            let hint = unknown_key_hint(field, expected);
            return SpecError::at(pos, format!("unknown key `{field}`"), Some(&hint));
        }
        let (message, hint) = humanize(&first_line(&e.to_string()));
        SpecError::at(pos, message, hint.as_deref())
    })
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    // The position is reported separately: drop the library's own
    // " at line N, column M" suffix, and nothing that merely contains it.
    if let Some(i) = line.rfind(" at line ") {
        let tail = &line[i + " at line ".len()..];
        let is_position = tail.split_once(", column ").is_some_and(|(l, c)| {
            [l, c]
                .iter()
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        });
        if is_position {
            return line[..i].to_owned();
        }
    }
    line.to_owned()
}

/// "did you mean" for an unknown key: first among the keys this mapping
/// accepts; a key valid elsewhere is at the wrong level.
fn unknown_key_hint(key: &str, here: &[&str]) -> String {
    if let Some(s) = did_you_mean(key, here.iter().copied()) {
        return format!("did you mean `{s}`?");
    }
    if raw::every_key().any(|k| k == key) {
        return format!("`{key}` belongs at another level; check its indentation");
    }
    format!(
        "this mapping takes {}",
        here.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Turns the YAML library's message into the user's words, with a hint.
/// Messages we do not recognise pass through unchanged.
fn humanize(message: &str) -> (String, Option<String>) {
    let backticked = |rest: &str| rest.split('`').next().unwrap_or("").to_owned();
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = backticked(rest);
        return (
            format!("missing key `{key}`"),
            Some("see README.md, \"The spec format\", for the keys each level needs".into()),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return (
            format!("`{key}` appears twice in the same mapping"),
            Some("names must be unique; rename or merge the two entries".into()),
        );
    }
    let (text, hint) = if message.starts_with("expected mapping start") {
        ("expected a mapping (`key: value` lines) here", None)
    } else if message.starts_with("expected sequence start") {
        (
            "expected a list here",
            Some("write privileges as a list: `[files:read, files:write]`"),
        )
    } else if message.starts_with("expected string scalar") {
        ("expected a string here", None)
    } else if message.starts_with("cannot deserialize null") {
        ("expected a value here, found nothing", None)
    } else if message.contains("from_str_multiple") {
        (
            "the file holds more than one YAML document (`---` starts another)",
            Some("keep one document per spec file; split the others into files of their own"),
        )
    } else if message.contains("unknown anchor") || message.contains("alias") {
        (
            "a value that starts with `*` is read as a YAML alias",
            Some("quote values that start with `*`: write \"*:read\", not *:read"),
        )
    } else if message.starts_with("this key has no value") {
        (
            message,
            Some("write a value, or remove the key: only a missing key means \"no such rule\""),
        )
    } else if message.starts_with("unexpected end of input") {
        (
            "the file ends before the spec is complete",
            Some("a spec needs at least `provider:` and `tokens:`"),
        )
    } else {
        return (message.to_owned(), None);
    };
    (text.to_owned(), hint.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the unknown-key hint knows are the schema's keys: a raw
    /// type missing from `raw::every_key` (or a key only the schema has)
    /// fails here.
    #[cfg(feature = "schema")]
    #[test]
    fn every_key_is_every_key_of_the_schema() {
        fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                        out.extend(props.keys().cloned());
                    }
                    map.values().for_each(|child| walk(child, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|c| walk(c, out)),
                _ => {}
            }
        }
        let mut schema = std::collections::BTreeSet::new();
        walk(&schemars::schema_for!(RawSpec).to_value(), &mut schema);
        let ours: std::collections::BTreeSet<String> =
            raw::every_key().map(str::to_owned).collect();
        assert_eq!(ours, schema);
    }

    #[test]
    fn a_key_of_another_level_is_named_so() {
        // `probes` is a token's key, `denied_statuses` the header's, and
        // `review_by` an exception's: all found without the schema.
        for key in ["probes", "denied_statuses", "review_by", "username"] {
            assert!(raw::every_key().any(|k| k == key), "{key}");
            let hint = unknown_key_hint(key, &["provider"]);
            assert!(hint.contains("belongs at another level"), "{key}: {hint}");
        }
    }

    #[test]
    fn parses_the_documented_example() {
        let spec = strict(
            "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  ci:\n    \
             credential: { env: KEY }\n    expect:\n      exactly: [files:read]\n",
        )
        .unwrap();
        assert_eq!(spec.provider.value, "docspace");
        let (name, token) = &spec.tokens.value.0[0];
        assert_eq!(name.value, "ci");
        assert_eq!(Pos::of(name), Pos { line: 4, column: 3 });
        let exactly = token
            .value
            .expect
            .as_ref()
            .unwrap()
            .value
            .exactly
            .as_ref()
            .unwrap();
        assert_eq!(
            Pos::of(&exactly.value[0]),
            Pos {
                line: 7,
                column: 17
            }
        );
    }

    /// A value reached through an alias is placed where the alias is
    /// written (serde-saphyr's `referenced`), not at its anchor: the line a
    /// reader of the error looks at is the token's own.
    #[test]
    fn an_aliased_value_is_placed_at_the_alias() {
        let spec = strict(
            "provider: docspace\ntokens:\n  a:\n    credential: &c { env: A_KEY }\n  \
             b:\n    credential: *c\n",
        )
        .unwrap();
        let at = |i: usize| Pos::of(spec.tokens.value.0[i].1.value.credential.as_ref().unwrap());
        assert_eq!(
            at(0),
            Pos {
                line: 4,
                column: 20
            }
        );
        assert_eq!(
            at(1),
            Pos {
                line: 6,
                column: 17
            }
        );
    }

    #[test]
    fn privileges_are_names_or_coveo_mappings() {
        let spec = strict(
            "provider: coveo\ntokens:\n  t:\n    expect:\n      exactly:\n        - SEARCH_API:EXECUTE_QUERY\n        \
             - { owner: PLATFORM, targetDomain: SOURCE, type: EDIT, targetId: src-1 }\n        - 7\n",
        )
        .unwrap();
        let token = &spec.tokens.value.0[0].1.value;
        let list = token
            .expect
            .as_ref()
            .unwrap()
            .value
            .exactly
            .as_ref()
            .map(|l| &l.value)
            .unwrap();
        assert_eq!(
            list[0].value,
            RawPrivilege::Name("SEARCH_API:EXECUTE_QUERY".into())
        );
        let RawPrivilege::Map(m) = &list[1].value else {
            panic!("{:?}", list[1])
        };
        assert_eq!(
            (m.owner.as_deref(), m.target_id.as_deref()),
            (Some("PLATFORM"), Some("src-1"))
        );
        assert_eq!(
            Pos::of(&list[1]),
            Pos {
                line: 7,
                column: 11
            }
        );
        assert_eq!(list[2].value, RawPrivilege::Name("7".into()));
        let e = strict("provider: coveo\ntokens:\n  t:\n    expect:\n      exactly: [{ owner: X, domain: Y }]\n").unwrap_err();
        assert!(e.message.contains("unknown key `domain`"), "{e:?}");
    }

    #[test]
    fn unknown_key_is_located_and_gets_a_suggestion() {
        let e = strict("provider: docspace\ntokens:\n  ci:\n    expcet: {}\n").unwrap_err();
        assert_eq!(e.pos.line, 4, "{e:?}");
        assert!(e.message.contains("expcet"), "{e:?}");
        assert_eq!(e.message, "unknown key `expcet`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `expect`?"));
    }

    #[test]
    fn duplicate_token_names_are_an_error_at_the_second() {
        let e = strict("provider: docspace\ntokens:\n  a: {}\n  a: {}\n").unwrap_err();
        assert_eq!(e.pos.line, 4, "{e:?}");
        assert_eq!(e.message, "`a` appears twice in the same mapping");
    }

    #[test]
    fn a_key_at_the_wrong_level_says_so() {
        let e =
            strict("provider: docspace\ntokens:\n  a:\n    exactly: [files:read]\n").unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("`exactly` belongs at another level; check its indentation")
        );
    }

    #[test]
    fn library_words_become_user_words() {
        let e = strict("provider: docspace\ntokens:\n  a:\n    expect: {exactly: files:read}\n")
            .unwrap_err();
        assert_eq!(e.message, "expected a list here");
        assert_eq!((e.pos.line, e.pos.column), (4, 23));
        let e = strict("provider: docspace\n").unwrap_err();
        assert_eq!(e.message, "missing key `tokens`");
    }

    /// Issue 10, item 16: a value of the wrong shape fails its token only.
    #[test]
    fn a_wrong_value_fails_its_token_and_the_others_parse() {
        let text = "provider: docspace\ntokens:\n  a:\n    expect: { exactly: [files:read] }\n  \
                    b:\n    expect:\n      exactly: files:read\n  c: { expect: { at_most: [*:read] } }\n  \
                    d: { expect: { forbidden: [x] } }\nmax_fixture_age: 3d\n";
        let parsed = parse(text);
        let raw = parsed.spec.unwrap();
        let names: Vec<&str> = raw
            .tokens
            .value
            .0
            .iter()
            .map(|(n, _)| n.value.as_str())
            .collect();
        assert_eq!(names, ["a", "d"]);
        assert_eq!(raw.max_fixture_age.unwrap().value, "3d");
        let broken: Vec<(&str, u32, &str)> = parsed
            .broken
            .iter()
            .map(|b| (b.name.as_str(), b.error.pos.line, b.error.message.as_str()))
            .collect();
        assert_eq!(
            broken,
            [
                ("b", 7, "expected a list here"),
                (
                    "c",
                    8,
                    "a value that starts with `*` is read as a YAML alias"
                ),
            ]
        );
        let names: Vec<&str> = parsed.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        // A wrong header is the file's error; the names are still known.
        let parsed = parse("provider: [docspace]\ntokens:\n  a: {}\n  b: {}\n");
        assert_eq!(parsed.spec.unwrap_err().pos.line, 1);
        assert_eq!(parsed.names.len(), 2);
        // Every token broken.
        let parsed = parse("provider: docspace\ntokens:\n  a: {expect: 3}\n");
        assert!(parsed.spec.is_err());
        assert_eq!(parsed.broken.len(), 1);
    }

    #[test]
    fn empty_and_malformed_files_are_errors_not_panics() {
        assert!(parse("").spec.is_err());
        assert!(strict("# only a comment\n").is_err());
        assert!(strict("provider: [unclosed").is_err());
        assert!(strict("- a\n- b\n").is_err());
        assert!(strict("provider: docspace\ntokens: 3\n").is_err());
    }
}

//! Indentation mistakes as the loader reports them.

use super::super::parse;

/// The error the loader gives for `text`: the file's, else the first
/// broken token's.
fn error(text: &str) -> super::SpecError {
    let parsed = parse(text);
    match (parsed.spec, parsed.broken.into_iter().next()) {
        (_, Some(b)) => b.error,
        (Err(e), None) => e,
        (Ok(_), None) => panic!("loaded: {text}"),
    }
}

const HEAD: &str = "provider: docspace\ntokens:\n  ci:\n    credential: { env: A }\n    expect:\n      exactly: [files:read]\n";

/// Each misplacement: the key that moved, where it is, where it
/// belongs, and how far to move it, at the key's own place.
#[test]
fn a_key_one_level_off_is_named_with_its_place_and_the_fix() {
    let cases: &[(&str, (u32, u32), &str, &str)] = &[
        // A rule dedented out of `expect:`, to the token's keys.
        (
            "    forbidden: [files:write]\n",
            (7, 5),
            "`forbidden` is indented as a key of token `ci`: an indentation mistake",
            "`forbidden` belongs under `expect:` of token `ci` (line 5): indent it by two more spaces",
        ),
        // ... to the token names: YAML reads a token named `forbidden`.
        (
            "  forbidden: [files:write]\n",
            (7, 3),
            "`forbidden` is indented as a token's name, under `tokens:`: an indentation mistake",
            "`forbidden` belongs under `expect:` of token `ci` (line 5): indent it by four more spaces",
        ),
        // ... to the top level.
        (
            "forbidden:\n  - files:write\n",
            (7, 1),
            "`forbidden` is at the spec's top level, with no indentation: an indentation mistake",
            "`forbidden` belongs under `expect:` of token `ci` (line 5): indent it (and the lines under it) by six more spaces",
        ),
        // ... to no level at all.
        (
            "   forbidden: [files:write]\n",
            (7, 4),
            "`forbidden` is indented as a key of token `ci`: an indentation mistake",
            "`forbidden` belongs under `expect:` of token `ci` (line 5): indent it by three more spaces",
        ),
        // A token's key indented into `expect:`.
        (
            "      probes:\n        - { get: /api/2.0/people/@self, expect: allowed }\n",
            (7, 7),
            "`probes` is indented as a key of `expect:` of token `ci`: an indentation mistake",
            "`probes` belongs to token `ci` (line 3): dedent it (and the lines under it) by two spaces",
        ),
        // A header key inside a token.
        (
            "    base_url: https://portal.example.com\n",
            (7, 5),
            "`base_url` is indented as a key of token `ci`: an indentation mistake",
            "`base_url` is a key of the whole spec, which every token shares: move it out of `tokens:` to the top level, with no indentation, beside `provider:` (line 1)",
        ),
        // A token's key at the top level.
        (
            "description: nightly job\n",
            (7, 1),
            "`description` is at the spec's top level, with no indentation: an indentation mistake",
            "`description` belongs to token `ci` (line 3): indent it by four more spaces",
        ),
        // A token at the top level.
        (
            "reports:\n  credential: { env: B }\n",
            (7, 1),
            "`reports` looks like a token (it has a token's keys), written at the spec's top level: an indentation mistake",
            "`reports` belongs under `tokens:` (line 2): indent it (and the lines under it) by two more spaces",
        ),
        // A key under one whose value is already written, or a list.
        (
            "        at_most: [files:read]\n",
            (7, 9),
            "`at_most` is indented under `exactly` (line 6), whose value is already written: an indentation mistake",
            "line `at_most` up with `exactly` (line 6): dedent it by two spaces",
        ),
        // A key between two levels.
        (
            "     at_most: [files:read]\n",
            (7, 6),
            "`at_most` is indented by five spaces, and `exactly` above it (line 6) by six: an indentation mistake",
            "line `at_most` up with `exactly` (line 6): indent it by one more space",
        ),
    ];
    for (tail, (line, column), message, hint) in cases {
        let text = format!("{HEAD}{tail}");
        let e = error(&text);
        assert_eq!(
            (
                e.pos.line,
                e.pos.column,
                e.message.as_str(),
                e.hint.as_deref()
            ),
            (*line, *column, *message, Some(*hint)),
            "{text}"
        );
    }
    let list = "provider: docspace\ntokens:\n  ci:\n    expect:\n      exactly:\n        - files:read\n        at_most: [files:read]\n";
    let e = error(list);
    assert_eq!(
        e.message,
        "`at_most` is indented under `exactly` (line 5), whose value is a list: an indentation mistake"
    );
    // A credential's key at the token level.
    let e = error(
        "provider: docspace\ntokens:\n  ci:\n    credential:\n      scheme: basic\n    env: A\n",
    );
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "`env` belongs under `credential:` of token `ci` (line 4): indent it by two more spaces"
        )
    );
}

/// Where moving by indentation alone would not do, or the target is
/// written on one line, the fix says so.
#[test]
fn a_key_far_from_its_place_is_told_to_move() {
    let e = error(&format!(
        "{HEAD}    description: x\n    forbidden: [files:write]\n"
    ));
    assert_eq!(
        e.hint.as_deref(),
        Some("`forbidden` belongs under `expect:` of token `ci` (line 5): move it there")
    );
    let e = error(
        "provider: docspace\ntokens:\n  ci:\n    expect: { exactly: [files:read] }\n    forbidden: [x]\n",
    );
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "`forbidden` belongs under `expect:` of token `ci` (line 4), which is written on one line: move it inside its `{ }`"
        )
    );
    let e =
        error("provider: docspace\ntokens:\n  ci:\n    credential: { env: A }\n    at_most: [x]\n");
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "`at_most` is a rule: it goes under an `expect:` of token `ci` (line 3), which has none yet; write `expect:` there, and `at_most` under it"
        )
    );
}

/// What is not a key one level off keeps the loader's words: a typo, a
/// wrong value, a key nothing takes, tabs.
#[test]
fn other_errors_are_left_as_they_are() {
    for tail in [
        "    forbiden: [x]\n",
        "    expect: 3\n",
        "    nonsense: [x]\n",
    ] {
        let text = format!("provider: docspace\ntokens:\n  ci:\n{tail}");
        let e = error(&text);
        assert!(!e.message.contains("indentation"), "{text}: {e:?}");
    }
    let e = error("provider: docspace\ntokens:\n  ci:\n    expect: { exactly: files:read }\n");
    assert_eq!(e.message, "expected a list here");
    let e = error("provider: docspace\ntokens:\n  ci:\n\t  forbidden: [x]\n");
    assert!(!e.message.contains("indentation mistake"), "{e:?}");
}

//! The `render` fuzz target: hostile strings through every audit and
//! SARIF rendering.

/// The `render` target: every string of an audit row and of a SARIF result
/// comes from `data` (split at NUL), and each rendering must stay what it
/// is whatever the strings hold. Each is compared with the rendering of the
/// same model whose strings are replaced, character for character, by a
/// letter (one letter per distinct string):
///
/// - HTML: as many `<`, `>`, `"` and `'` (every value escaped, none opens
///   a tag or leaves an attribute);
/// - Markdown: as many lines, and as many unescaped `|` on each (no value
///   starts a line or a table cell);
/// - text: as many lines, and no character that changes how it reads;
///   within a terminal's width, no line wider and every granted name kept;
/// - JSON and SARIF: valid JSON that gives each string back as it was.
pub fn render_hostile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    let strings: Vec<String> = (0..12).map(|_| next()).collect();
    // Equal strings stay equal and different ones different (a privilege
    // named twice is one column), each as long as the one it stands for.
    let mut distinct: Vec<&String> = Vec::new();
    let tame: Vec<String> = strings
        .iter()
        .map(|s| {
            let i = distinct.iter().position(|d| *d == s).unwrap_or_else(|| {
                distinct.push(s);
                distinct.len() - 1
            });
            let letter = char::from(b'a' + u8::try_from(i).unwrap_or(0));
            letter.to_string().repeat(s.chars().count())
        })
        .collect();

    let (wild, calm) = (audit_of(&strings), audit_of(&tame));
    use crate::report::audit;

    // A column header breaks after each separator a name holds with a
    // `<wbr>` of the page's own (the tame names hold none): not counted.
    // A value's own `<wbr>` is escaped like any text; were it not, the
    // tag it left would be this one, which runs nothing and opens nothing.
    let (h, c) = (
        audit::html(&wild).replace("<wbr>", ""),
        audit::html(&calm).replace("<wbr>", ""),
    );
    for ch in ['<', '>', '"', '\''] {
        assert_eq!(
            h.matches(ch).count(),
            c.matches(ch).count(),
            "HTML: a value adds a raw {ch:?}"
        );
    }

    let (m, c) = (audit::markdown(&wild), audit::markdown(&calm));
    let (ml, cl): (Vec<&str>, Vec<&str>) = (m.lines().collect(), c.lines().collect());
    assert_eq!(ml.len(), cl.len(), "Markdown: a value adds a line");
    for (a, b) in ml.iter().zip(&cl) {
        assert_eq!(
            unescaped_pipes(a),
            unescaped_pipes(b),
            "Markdown: a value adds a cell: {a}"
        );
    }

    let (t, c) = (audit::text(&wild, None), audit::text(&calm, None));
    assert_eq!(
        t.lines().count(),
        c.lines().count(),
        "text: a value adds a line"
    );
    assert!(
        !t.chars().any(|ch| ch != '\n' && crate::escape::hostile(ch)),
        "text: a hostile character is shown as it is"
    );
    // Within a terminal's width: no line wider, nothing hostile, and each
    // granted name all there, in order (wrapping only adds line breaks
    // and spaces).
    let kept = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for width in [20, 33, 80] {
        let fitted = audit::text(&wild, Some(width));
        for line in fitted.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= width,
                "text within {width}: {line:?}"
            );
        }
        assert!(
            !fitted
                .chars()
                .any(|ch| ch != '\n' && crate::escape::hostile(ch)),
            "text within {width}: a hostile character is shown as it is"
        );
        for name in &wild.tokens[0].granted {
            assert!(
                kept(&fitted).contains(&kept(&crate::escape::text(name))),
                "text within {width}: {name:?} is not all there"
            );
        }
    }

    let json = serde_json::to_value(&wild).expect("the audit serializes");
    let back: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&json).expect("JSON text"))
            .expect("valid JSON");
    assert_eq!(back["tokens"][0]["case"], strings[0]);
    assert_eq!(back["tokens"][0]["granted"][0], strings[4]);

    use crate::report::sarif;
    let results = vec![sarif::CaseResults {
        case: strings[0].clone(),
        uri: Some(strings[1].clone()),
        results: vec![sarif::Located {
            kind: sarif::Kind::Forbidden,
            message: strings[2].clone(),
            subject: strings[3].clone(),
            at: crate::spec::Pos { line: 3, column: 5 },
            width: 4,
        }],
    }];
    let log: serde_json::Value =
        serde_json::from_str(&sarif::render(&results, "0.0.0")).expect("SARIF is valid JSON");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["message"]["text"], strings[2]);
}

/// A `|` that a GFM table would split cells at: one not right after a
/// backslash. cmark-gfm scans a cell as `(escaped_char | [^|\r\n])+`, and
/// the longest match takes `\|` whole even after another backslash
/// (`\\|` is `\`, `\|`): not CommonMark's escape state machine.
fn unescaped_pipes(line: &str) -> usize {
    let mut previous = None;
    let mut n = 0;
    for c in line.chars() {
        if c == '|' && previous != Some('\\') {
            n += 1;
        }
        previous = Some(c);
    }
    n
}

/// An audit of one failing token whose every string is one of `s`.
pub(crate) fn audit_of(s: &[String]) -> crate::report::audit::Audit {
    use crate::report::audit::*;
    let row = Row {
        case: s[0].clone(),
        spec: Some(s[1].clone()),
        token: Some(s[2].clone()),
        provider: "docspace".into(),
        description: Some(s[3].clone()),
        status: Status::Fail,
        granted: vec![s[4].clone(), s[5].clone()],
        expected: Expected {
            exactly: None,
            at_least: Some(vec![s[6].clone()]),
            at_most: Some(vec![s[7].clone()]),
            forbidden: Some(vec![s[8].clone()]),
            active: Some(true),
            expires_within: Some(s[9].clone()),
        },
        missing: vec![s[6].clone()],
        excess: vec![s[5].clone()],
        forbidden_hits: vec![ForbiddenHit {
            granted: s[4].clone(),
            forbidden: s[8].clone(),
        }],
        high_severity: vec![HighSeverity {
            privilege: s[4].clone(),
            reason: "full access",
            acknowledged: Some(s[10].clone()),
        }],
        active: Some(true),
        expires_at: Some(s[9].clone()),
        expiry: "date",
        source: Source::Fixture {
            path: s[1].clone(),
            recorded_at: s[9].clone(),
            confirmed_at: Some(s[10].clone()),
            age_days: Some(3),
        },
        exceptions: vec![ExceptionRow {
            privilege: s[5].clone(),
            reason: s[10].clone(),
            ticket: Some(s[11].clone()),
            review_by: s[9].clone(),
            expired: true,
        }],
        problems: vec![s[11].clone()],
        error: Some(s[3].clone()),
        probes: vec![ProbeRow {
            probe: s[2].clone(),
            expected: Some("denied"),
            permission: None,
            status: Some(200),
            answered: Some("allowed"),
            ok: false,
            needs: Some(s[10].clone()),
            message: Some(s[11].clone()),
        }],
    };
    Audit {
        schema: "1",
        generated_at: s[9].clone(),
        mode: "replay".into(),
        summary: Summary {
            tokens: 1,
            fail: 1,
            high_severity: 1,
            ..Summary::default()
        },
        tokens: vec![row],
        unreferenced_fixtures: vec![s[1].clone()],
        pending_answers: vec![s[1].clone()],
    }
}

//! The vendors' inclusions, as written down from their own words in
//! `docs/inclusions/*.md`, held against each family's relations in both
//! directions (issue 35). An inclusion the vendor documents that the code
//! lacks is a false pass waiting to happen; one the code invents is a
//! false failure.
//!
//! A file's rows are direct inclusions: `surely` (the vendor says holding
//! one gives the other), `maybe` (its words suggest it), `not` (they are
//! separate). Over every pair of names the file writes (and the family's
//! vocabulary, where it has one):
//!
//! - the code's "P covers Q" holds exactly when Q is reached from P
//!   through `surely` rows (P itself included);
//! - the code's "a grant of P overlaps `forbidden: [Q]`" holds exactly when
//!   some name R is reached from P through any rows (P itself included)
//!   and Q names R: Q is R, or Q is a glob that matches R's name (or a
//!   family's name that stands for several, such as Coveo's untargeted
//!   privilege, which names it on every resource). A rule entry names
//!   what it says, not what that includes: `forbidden: [admin:org]` is not
//!   failed by a grant of `read:org`.

use super::{Family, covers, overlap};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Surely,
    Maybe,
    Not,
}

#[derive(Debug)]
struct Row {
    holder: String,
    includes: String,
    kind: Kind,
    line: usize,
}

/// The rows of one table; a malformed row is an error naming its line.
fn parse(file: &str, text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if !line.starts_with("| `") {
            continue;
        }
        let cells = cells(line);
        let at = || format!("{file}:{line_no}");
        let [holder, includes, kind, quote, place] = cells.as_slice() else {
            return Err(format!("{}: {} cells, not 5", at(), cells.len()));
        };
        let name = |cell: &str| -> Result<String, String> {
            let cell = cell.trim();
            let inner = cell
                .strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .ok_or_else(|| format!("{}: `{cell}` is not one name in backticks", at()))?;
            // `\|` is a table's; `\*` is the family's own escape (a
            // Kubernetes name's literal `*`), kept.
            Ok(inner.replace("\\|", "|"))
        };
        let kind = match kind.trim() {
            "surely" => Kind::Surely,
            "maybe" => Kind::Maybe,
            "not" => Kind::Not,
            other => return Err(format!("{}: `{other}` is not surely, maybe or not", at())),
        };
        // Words, or a line of the vendor's code, quoted as it is.
        let quoted = quote.trim().starts_with('"') || quote.trim().starts_with('`');
        if !quoted || quote.trim().len() < 10 {
            return Err(format!("{}: the vendor's words are not quoted", at()));
        }
        if place.trim().is_empty() {
            return Err(format!("{}: no `where`", at()));
        }
        rows.push(Row {
            holder: name(holder)?,
            includes: name(includes)?,
            kind,
            line: line_no,
        });
    }
    if rows.is_empty() {
        return Err(format!("{file}: no rows"));
    }
    Ok(rows)
}

/// A table row's cells, split on `|` not escaped as `\|`.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = line.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push_str("\\|");
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        out.push(cell);
    }
    out
}

/// Every name reached from `from` through the rows `step` keeps, `from`
/// included.
fn reach(from: &str, rows: &[Row], step: impl Fn(Kind) -> bool) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([from.to_owned()]);
    let mut todo = vec![from.to_owned()];
    while let Some(n) = todo.pop() {
        for r in rows.iter().filter(|r| r.holder == n && step(r.kind)) {
            if seen.insert(r.includes.clone()) {
                todo.push(r.includes.clone());
            }
        }
    }
    seen
}

/// Whether rule entry `q` names privilege `r` (see the module's words).
type Names = fn(&str, &str) -> bool;

/// Every disagreement between `family` and the table at `file` (under
/// `docs/inclusions/`), one line each.
fn disagreements(family: &dyn Family, file: &str, wide: Names) -> Vec<String> {
    let path = format!("{}/docs/inclusions/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    disagreements_in(family, file, &text, wide)
}

fn disagreements_in(family: &dyn Family, file: &str, text: &str, names: Names) -> Vec<String> {
    let mut rows = match parse(file, text) {
        Ok(rows) => rows,
        Err(e) => return vec![e],
    };
    // Two spellings of one privilege (Coveo's `X` and `X:ENABLE`) are one
    // name, as planning makes them.
    for r in &mut rows {
        r.holder = family.normalize(&r.holder).into_owned();
        r.includes = family.normalize(&r.includes).into_owned();
    }
    let mut out = Vec::new();
    let mut universe: BTreeSet<String> = family
        .vocabulary()
        .iter()
        .map(|n| family.normalize(n).into_owned())
        .collect();
    for r in &rows {
        for name in [&r.holder, &r.includes] {
            if family.validate(name, &[]).is_err() {
                out.push(format!(
                    "{file}:{}: `{name}` is not a name the family accepts",
                    r.line
                ));
            }
            universe.insert(name.clone());
        }
    }
    let surely: HashMap<&str, BTreeSet<String>> = universe
        .iter()
        .map(|n| (n.as_str(), reach(n, &rows, |k| k == Kind::Surely)))
        .collect();
    let maybe: HashMap<&str, BTreeSet<String>> = universe
        .iter()
        .map(|n| (n.as_str(), reach(n, &rows, |k| k != Kind::Not)))
        .collect();
    for p in &universe {
        for q in &universe {
            let says_covers = surely[p.as_str()].contains(q);
            if covers(family, p, q) != says_covers {
                out.push(format!(
                    "{file}: the code says `{p}` {} `{q}`; the table says it {}",
                    if says_covers {
                        "does not cover"
                    } else {
                        "covers"
                    },
                    if says_covers { "does" } else { "does not" },
                ));
            }
            let says_overlap = maybe[p.as_str()].iter().any(|r| names(q, r));
            if overlap(family, p, q).is_some() != says_overlap {
                out.push(format!(
                    "{file}: the code says a grant of `{p}` {} `forbidden: [{q}]`; the table \
                     says it {}",
                    if says_overlap {
                        "does not fail"
                    } else {
                        "fails"
                    },
                    if says_overlap { "does" } else { "does not" },
                ));
            }
        }
    }
    for r in rows.iter().filter(|r| r.kind == Kind::Not) {
        if maybe[r.holder.as_str()].contains(&r.includes) {
            out.push(format!(
                "{file}:{}: `{}` not `{}` contradicts other rows",
                r.line, r.holder, r.includes
            ));
        }
    }
    out
}

#[track_caller]
fn assert_table(family: &dyn Family, file: &str, names: Names) {
    let found = disagreements(family, file, names);
    assert!(
        found.is_empty(),
        "{} disagreements:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Whether entry `q` and privilege `r` name a privilege in common by the
/// family's grammar alone: what `r` surely gives (no vendor's "may")
/// meets what `q` names.
fn meets(family: &dyn Family, q: &str, r: &str) -> bool {
    super::surely_overlap(family, r, q)
}

/// A name names itself; a glob, every name it matches.
fn globs(q: &str, r: &str) -> bool {
    q == r || (q.contains('*') && super::glob_matches(q, r))
}

#[test]
fn github() {
    assert_table(&super::GITHUB, "github.md", globs);
}

#[test]
fn gitlab() {
    assert_table(&super::GITLAB, "gitlab.md", globs);
}

#[test]
fn google() {
    assert_table(&super::GOOGLE, "google.md", globs);
}

#[test]
fn docspace() {
    assert_table(&super::DOCSPACE, "docspace.md", globs);
}

#[test]
fn docspace_roles() {
    assert_table(&super::ROLES, "docspace-roles.md", globs);
}

#[test]
fn coveo() {
    // An untargeted privilege names it on every resource.
    assert_table(&super::COVEO, "coveo.md", |q, r| {
        globs(q, r) || (!q.contains('@') && r.strip_prefix(q).is_some_and(|t| t.starts_with('@')))
    });
}

#[test]
fn vault() {
    assert_table(&super::VAULT, "vault.md", globs);
}

#[test]
fn kubernetes() {
    // A rule names by its grammar (a `*` per part, no `#NAME` for every
    // name, the bare `*` resource for subresources too), and two globs
    // may name a privilege in common that neither covers.
    assert_table(&super::KUBERNETES, "kubernetes.md", |q, r| {
        meets(&super::KUBERNETES, q, r)
    });
}

/// The check itself: a table that leaves out an inclusion the code has,
/// or adds one it lacks, disagrees; a malformed row is named.
#[test]
fn the_check_fails_either_way() {
    static LADDER: super::catalog::Catalog = super::catalog::Catalog {
        what: "test scope",
        source: "this test",
        names: &[
            super::catalog::scope("admin", &["write"]),
            super::catalog::scope("write", &["read"]),
            super::catalog::scope("read", &[]),
            super::catalog::Scope {
                name: "repo",
                surely: &[],
                maybe: &["read"],
            },
        ],
    };
    let row = |h: &str, i: &str, k: &str| {
        format!("| `{h}` | `{i}` | {k} | \"the vendor's words here\" | somewhere |\n")
    };
    let check = |rows: &[String]| disagreements_in(&LADDER, "t.md", &rows.concat(), globs);
    let full = [
        row("admin", "write", "surely"),
        row("write", "read", "surely"),
        row("repo", "read", "maybe"),
        row("read", "repo", "not"),
    ];
    assert_eq!(check(&full), Vec::<String>::new());
    // An inclusion the vendor says and the code has, left out.
    let missing = check(&[full[0].clone(), full[2].clone(), full[3].clone()]);
    assert!(
        missing
            .iter()
            .any(|d| d.contains("the code says `write` covers `read`")),
        "{missing:?}"
    );
    // An inclusion the code lacks, written down.
    let mut invented = full.to_vec();
    invented.push(row("read", "admin", "surely"));
    assert!(
        check(&invented)
            .iter()
            .any(|d| d.contains("`read` does not cover `admin`")),
        "{invented:?}"
    );
    // `maybe` read as `surely`, and as nothing.
    let mut sure = full.to_vec();
    sure[2] = row("repo", "read", "surely");
    assert!(
        check(&sure)
            .iter()
            .any(|d| d.contains("`repo` does not cover `read`"))
    );
    let mut none = full.to_vec();
    none[2] = row("repo", "read", "not");
    assert!(
        check(&none)
            .iter()
            .any(|d| d.contains("a grant of `repo` fails `forbidden: [read]`"))
    );
    // A row that contradicts another, a name the family refuses, a bad row.
    let mut contradicted = full.to_vec();
    contradicted.push(row("admin", "read", "not"));
    assert!(
        check(&contradicted)
            .iter()
            .any(|d| d.contains("contradicts"))
    );
    let mut unknown = full.to_vec();
    unknown.push(row("admn", "read", "not"));
    assert!(
        check(&unknown)
            .iter()
            .any(|d| d.contains("`admn` is not a name"))
    );
    assert!(parse("t.md", "| `a` | `b` | often | \"x x x x x x\" | y |\n").is_err());
    assert!(parse("t.md", "| `a` | `b` | surely | unquoted words | y |\n").is_err());
    assert!(parse("t.md", "| `a` | `b` | surely | \"x x x x x x\" |  |\n").is_err());
}

//! A reference model of the rule engine, checked against it (issue 16).
//!
//! The engine answers symbolically: globs are languages, and "covers" and
//! "overlaps" are inclusion and intersection of those languages (see
//! `src/privilege/glob.rs`). The model here is deliberately naive: for each
//! test input it enumerates a finite universe of atoms (every name the
//! family knows, every name, target and glob piece the input writes, and
//! fresh ones standing for "anything else"), expands every privilege and
//! every rule entry to the *set* of universe atoms it gives or names, with
//! its own glob matcher, and decides each rule by set operations. The
//! semantics are the README's ("The rules"):
//!
//! - `at_least`: every listed privilege is covered by one granted;
//! - `at_most`: every granted privilege is covered by one listed;
//! - "P covers Q": everything Q surely gives, P surely gives too;
//! - `forbidden`: some granted privilege gives (or, for a vendor's scopes,
//!   may give) something a listed entry names;
//! - `exactly`: the granted set equals the list, literally.
//!
//! Only data comes from the crate (each family's names, Coveo's on/off
//! privileges, the vendors' inclusion tables, through `permspec::fuzzing`);
//! matching, expansion and verdicts are written here again. Properties
//! require the engine's verdict (`fuzzing::passes`) to equal the model's
//! for every rule, on lists drawn from each family's grammar: known names,
//! globs, Coveo targets and target globs, wildcard grants, empty lists and
//! duplicates, and lists long enough to go through the engine's index.
//! TESTING.md ("Reference model") records how the model was shown to catch
//! a real defect.
//!
//! `PROPTEST_CASES=N` raises the case counts; failure persistence is off.

use permspec::fuzzing::{coveo_on_off, known_names, passes, scope_table};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::collections::{BTreeMap, BTreeSet};

#[path = "support/rules.rs"]
mod rules;
use rules::{config, wildcards};

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

/// `*`-only glob matching, by the definition: `*` is any run of
/// characters, everything else itself. Recursive and exponential in the
/// worst case, which the short names here never reach.
fn glob(p: &[u8], t: &[u8]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some((b'*', rest)) => (0..=t.len()).any(|i| glob(rest, &t[i..])),
        Some((c, rest)) => t.first() == Some(c) && glob(rest, &t[1..]),
    }
}

fn matches(pattern: &str, word: &str) -> bool {
    glob(pattern.as_bytes(), word.as_bytes())
}

/// The letter no name uses: a star replaced by it stands for "something
/// no list names".
const FRESH: &str = "ζ";

/// Words that may witness what patterns share or lack: each pattern with
/// its stars replaced by nothing, by [`FRESH`], and (one star at a time,
/// the others by nothing) by every prefix and suffix of every literal
/// piece the input writes, so that `projects:*` and `*:delete` meet in
/// `projects:delete`.
fn witnesses(patterns: &[&str]) -> BTreeSet<String> {
    let mut pieces: BTreeSet<&str> = BTreeSet::from(["", FRESH]);
    for p in patterns {
        for seg in p.split('*') {
            for (i, _) in seg.char_indices().chain([(seg.len(), ' ')]) {
                pieces.insert(&seg[..i]);
                pieces.insert(&seg[i..]);
            }
        }
    }
    let mut out = BTreeSet::new();
    for p in patterns {
        let parts: Vec<&str> = p.split('*').collect();
        if parts.len() == 1 {
            out.insert((*p).to_owned());
            continue;
        }
        let stars = parts.len() - 1;
        for fill in &pieces {
            // Every star the same piece, and each star alone that piece.
            out.insert(parts.join(fill));
            for star in 0..stars {
                let mut w = String::new();
                for (i, part) in parts.iter().enumerate() {
                    w.push_str(part);
                    if i < stars {
                        w.push_str(if i == star { fill } else { FRESH });
                    }
                }
                out.insert(w);
            }
        }
    }
    out
}

/// One family, as the model sees it.
enum Model {
    /// Names are what they say; a glob is what it matches.
    Plain,
    /// `files:write` gives `files:write` and `files:read`; `*`, `*:write`
    /// and `*:*` give everything (README, "The rules").
    DocSpace,
    /// `BASE[@TARGET]`: no target is every resource; globs work on the
    /// base and on the target apart; an on/off privilege is one privilege
    /// with or without `:ENABLE`.
    Coveo { on_off: BTreeSet<String> },
    /// A vendor's documented scopes, or DocSpace's roles: holding one
    /// gives it and what it includes, transitively (surely); for
    /// `forbidden`, also what it may include. A glob gives what it matches
    /// and what those include.
    Catalog {
        table: BTreeMap<String, (Vec<String>, Vec<String>)>,
    },
    /// Vault (`src/privilege/vault.rs`'s header, from Vault's policy
    /// docs): `PATH:CAPABILITY` and `policy:NAME`, compared part by part
    /// (split at the first `:`, a missing part is `*`). Capabilities are
    /// independent; `PATH:root` gives every capability at PATH;
    /// `policy:root` gives everything; any other policy gives itself and
    /// what it opens, unseen: an atom with both parts empty, which only a
    /// pattern with `*` for both parts takes in.
    Vault,
}

/// What a policy opens, which no one here can see.
const UNSEEN: &str = ":";

/// Vault's capabilities (Vault docs, "Capabilities"), and `root`.
const VAULT_CAPABILITIES: &[&str] = &[
    "create",
    "read",
    "update",
    "patch",
    "delete",
    "list",
    "sudo",
    "subscribe",
    "recover",
    "root",
];

/// `pattern` against `atom`, part by part at the first `:`.
fn split_matches(pattern: &str, atom: &str) -> bool {
    let (pa, pb) = pattern.split_once(':').unwrap_or((pattern, "*"));
    let (xa, xb) = atom.split_once(':').unwrap_or((atom, ""));
    matches(pa, xa) && matches(pb, xb)
}

/// A test input's universe and how each string expands over it.
struct World<'a> {
    model: &'a Model,
    /// Every atom. Coveo atoms are `BASE@TARGET`.
    atoms: BTreeSet<String>,
    /// Coveo: the bases and the targets the atoms are made of.
    bases: BTreeSet<String>,
    targets: BTreeSet<String>,
}

type Set = BTreeSet<String>;

impl Model {
    fn named(family: &str) -> Model {
        match family {
            "plain" => Model::Plain,
            "docspace" => Model::DocSpace,
            "vault" => Model::Vault,
            "coveo" => Model::Coveo {
                on_off: coveo_on_off().into_iter().collect(),
            },
            // DocSpace account roles (API-FACTS.md, "The account behind a
            // credential"): each role includes the ones below it; how the
            // account signs in (`auth:ldap`, `auth:sso`) includes nothing.
            "roles" => {
                let ladder = [
                    "role:owner",
                    "role:docspace-admin",
                    "role:room-admin",
                    "role:user",
                    "role:guest",
                ];
                let mut table: BTreeMap<String, (Vec<String>, Vec<String>)> = ladder
                    .windows(2)
                    .map(|w| (w[0].to_owned(), (vec![w[1].to_owned()], Vec::new())))
                    .collect();
                for leaf in ["role:guest", "auth:ldap", "auth:sso"] {
                    table.insert(leaf.to_owned(), (Vec::new(), Vec::new()));
                }
                Model::Catalog { table }
            }
            vendor => Model::Catalog {
                table: scope_table(vendor)
                    .into_iter()
                    .map(|(name, surely, maybe)| (name, (surely, maybe)))
                    .collect(),
            },
        }
    }

    fn world<'a>(&'a self, family: &str, strings: &[&str]) -> World<'a> {
        let known = known_names(family);
        let mut world = World {
            model: self,
            atoms: Set::new(),
            bases: Set::new(),
            targets: Set::new(),
        };
        match self {
            Model::Coveo { .. } => {
                let bases: Vec<&str> = strings
                    .iter()
                    .map(|s| s.split_once('@').map_or(*s, |(b, _)| b))
                    .collect();
                let targets: Vec<&str> = strings
                    .iter()
                    .filter_map(|s| s.split_once('@').map(|(_, t)| t))
                    .collect();
                world.bases = witnesses(&bases);
                world.bases.extend(known);
                world.bases.insert("ZETA:FRESH:VIEW".into());
                world.targets = witnesses(&targets);
                world.targets.insert(format!("t{FRESH}"));
                world.targets.remove("*");
                for b in &world.bases {
                    for t in &world.targets {
                        world.atoms.insert(format!("{b}@{t}"));
                    }
                }
            }
            Model::Vault => {
                let parts = |i: usize| -> Vec<&str> {
                    strings
                        .iter()
                        .map(|s| {
                            s.split_once(':')
                                .map_or(if i == 0 { *s } else { "*" }, |p| [p.0, p.1][i])
                        })
                        .collect()
                };
                let mut paths = witnesses(&parts(0));
                paths.insert(format!("path{FRESH}"));
                paths.remove("policy");
                let mut caps = witnesses(&parts(1));
                caps.extend(VAULT_CAPABILITIES.iter().map(|c| c.to_string()));
                caps.insert(format!("cap{FRESH}"));
                caps.remove("");
                for p in paths.iter().filter(|p| !p.is_empty()) {
                    for c in &caps {
                        world.atoms.insert(format!("{p}:{c}"));
                    }
                }
                for c in &caps {
                    world.atoms.insert(format!("policy:{c}"));
                }
                world.atoms.insert(UNSEEN.to_owned());
            }
            Model::DocSpace => {
                let mut all: Vec<&str> = strings.to_vec();
                let actions: Vec<String> = strings
                    .iter()
                    .filter_map(|s| s.rsplit_once(':'))
                    .flat_map(|(r, _)| [format!("{r}:read"), format!("{r}:write")])
                    .collect();
                all.extend(actions.iter().map(String::as_str));
                world.atoms = witnesses(&all);
                world.atoms.extend(known);
                world.atoms.insert(format!("{FRESH}:read"));
                world.atoms.insert(format!("{FRESH}:write"));
            }
            Model::Plain | Model::Catalog { .. } => {
                world.atoms.extend(witnesses(strings));
                world.atoms.extend(known);
                if let Model::Catalog { table } = self {
                    for (surely, maybe) in table.values() {
                        world.atoms.extend(surely.iter().chain(maybe).cloned());
                    }
                }
                world.atoms.insert(format!("fresh{FRESH}"));
            }
        }
        world.atoms.retain(|a| !a.contains('*'));
        world
    }
}

impl World<'_> {
    fn glob(&self, pattern: &str) -> Set {
        self.atoms
            .iter()
            .filter(|a| matches(pattern, a))
            .cloned()
            .collect()
    }

    /// What holding `p` gives: surely, or (`maybe`) may.
    fn gives(&self, p: &str, maybe: bool) -> Set {
        match self.model {
            Model::Plain => self.glob(p),
            Model::DocSpace => match p {
                "*" | "*:write" | "*:*" => self.atoms.clone(),
                _ => match p.rsplit_once(':') {
                    Some((r, "write" | "*")) => {
                        let mut s = self.glob(&format!("{r}:write"));
                        s.extend(self.glob(&format!("{r}:read")));
                        s
                    }
                    _ => self.glob(p),
                },
            },
            Model::Coveo { .. } => self.coveo(p),
            Model::Vault => match p {
                "policy:root" => self.atoms.clone(),
                _ if p.starts_with("policy:") => {
                    let mut s = self.split_glob(p);
                    s.insert(UNSEEN.to_owned());
                    s
                }
                _ => match p.strip_suffix(":root") {
                    Some(path) => self.split_glob(&format!("{path}:*")),
                    None => self.split_glob(p),
                },
            },
            Model::Catalog { table } => {
                let (mut out, mut stack): (Set, Vec<String>) = if table.contains_key(p) {
                    (Set::new(), vec![p.to_owned()])
                } else {
                    let matched = table.keys().filter(|n| matches(p, n)).cloned();
                    (self.glob(p), matched.collect())
                };
                let mut seen = Set::new();
                while let Some(n) = stack.pop() {
                    if !seen.insert(n.clone()) {
                        continue;
                    }
                    if let Some((surely, may)) = table.get(&n) {
                        stack.extend(surely.iter().cloned());
                        if maybe {
                            stack.extend(may.iter().cloned());
                        }
                    }
                    out.insert(n);
                }
                out
            }
        }
    }

    /// What a rule entry names: exactly what it says (a vendor's `read:org`
    /// names `read:org`); for DocSpace and Coveo, what the README says the
    /// glob stands for.
    fn names(&self, p: &str) -> Set {
        match self.model {
            Model::Coveo { .. } => self.coveo(p),
            Model::Vault => self.split_glob(p),
            _ => self.glob(p),
        }
    }

    fn split_glob(&self, pattern: &str) -> Set {
        self.atoms
            .iter()
            .filter(|a| split_matches(pattern, a))
            .cloned()
            .collect()
    }

    fn coveo(&self, p: &str) -> Set {
        let Model::Coveo { on_off } = self.model else {
            unreachable!()
        };
        let (b, t) = p.split_once('@').unwrap_or((p, "*"));
        // One privilege however it is spelled: `X:ENABLE` is `X` when X is
        // on/off, and a base glob names X when it matches either spelling.
        let bases: Vec<&String> = if b.contains('*') {
            self.bases
                .iter()
                .filter(|x| {
                    matches(b, x) || (on_off.contains(*x) && matches(b, &format!("{x}:ENABLE")))
                })
                .collect()
        } else {
            let plain = b.strip_suffix(":ENABLE").filter(|x| on_off.contains(*x));
            let spelled = plain.unwrap_or(b);
            self.bases.iter().filter(|x| *x == spelled).collect()
        };
        let mut out = Set::new();
        for x in bases {
            for y in self.targets.iter().filter(|y| matches(t, y)) {
                out.insert(format!("{x}@{y}"));
            }
        }
        out
    }
}

/// The model's verdicts, in the order of [`RULES`]: whether each rule
/// passes for `listed` and `granted`. One universe for the four, and each
/// string expanded once.
fn model_verdicts(family: &str, listed: &[String], granted: &[String]) -> [bool; 4] {
    let model = Model::named(family);
    let strings: Vec<&str> = listed.iter().chain(granted).map(String::as_str).collect();
    let w = model.world(family, &strings);
    let surely: BTreeMap<&str, Set> = strings.iter().map(|s| (*s, w.gives(s, false))).collect();
    let covers = |p: &str, q: &str| surely[q].is_subset(&surely[p]);
    let exactly = listed.iter().collect::<BTreeSet<_>>() == granted.iter().collect();
    let at_least = listed
        .iter()
        .all(|need| granted.iter().any(|g| covers(g, need)));
    let at_most = granted
        .iter()
        .all(|g| listed.iter().any(|ceiling| covers(ceiling, g)));
    let named: Vec<Set> = listed.iter().map(|f| w.names(f)).collect();
    let forbidden = !granted.iter().any(|g| {
        let gives = w.gives(g, true);
        named.iter().any(|n| !gives.is_disjoint(n))
    });
    [exactly, at_least, at_most, forbidden]
}

fn model_passes(family: &str, rule: &str, listed: &[String], granted: &[String]) -> bool {
    let i = RULES.iter().position(|r| *r == rule).expect("a rule");
    model_verdicts(family, listed, granted)[i]
}

// ---------------------------------------------------------------------------
// Inputs from each family's grammar
// ---------------------------------------------------------------------------

const RULES: &[&str] = &["exactly", "at_least", "at_most", "forbidden"];

fn pool(family: &str) -> Vec<String> {
    let known = known_names(family);
    let mut names: Vec<String> = match family {
        // A sample, so each list mixes known names with the globs below.
        "coveo" | "github" | "gitlab" | "slack" | "google" => known
            .iter()
            .step_by(known.len() / 12 + 1)
            .cloned()
            .collect(),
        "plain" => vec!["read".into(), "write".into(), "read:user".into()],
        _ => known,
    };
    let mut extra: Vec<&str> = wildcards(family).to_vec();
    if family == "coveo" {
        // Untargeted, targeted and on/off spellings of a few privileges.
        extra.extend([
            "SEARCH_API:IMPERSONATE",
            "SEARCH_API:IMPERSONATE:ENABLE",
            "PLATFORM:SOURCE:EDIT",
            "PLATFORM:SOURCE:VIEW",
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:SOURCE:VIEW@src-2",
        ]);
    }
    if family == "github" {
        extra.extend(["repo", "admin:org", "read:org", "write:org"]);
    }
    if family == "gitlab" {
        extra.extend(["api", "read_api"]);
    }
    names.extend(extra.iter().map(|s| s.to_string()));
    names.sort();
    names.dedup();
    names
}

const FAMILIES: &[&str] = &[
    "plain", "docspace", "coveo", "github", "gitlab", "slack", "google",
];

fn input(max: usize) -> impl Strategy<Value = (&'static str, Vec<String>, Vec<String>)> {
    select(FAMILIES).prop_flat_map(move |family| {
        let names = pool(family);
        (
            Just(family),
            vec(select(names.clone()), 0..=max),
            vec(select(names), 0..=max),
        )
    })
}

fn agree(family: &str, listed: &[String], granted: &[String]) -> Result<(), TestCaseError> {
    let verdicts = model_verdicts(family, listed, granted);
    for (rule, model) in RULES.iter().zip(verdicts) {
        let engine = passes(family, rule, listed, granted);
        prop_assert_eq!(
            engine,
            model,
            "{} {}: {:?} granted {:?}: the engine says {}, the model {}",
            family,
            rule,
            listed,
            granted,
            if engine { "pass" } else { "fail" },
            if model { "pass" } else { "fail" }
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(384))]

    /// Short lists, duplicates and empty lists included.
    #[test]
    fn the_engine_agrees_with_the_model((family, listed, granted) in input(4)) {
        agree(family, &listed, &granted)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// Longer lists: the engine looks entries up through its index.
    #[test]
    fn the_engine_agrees_with_the_model_on_long_lists((family, listed, granted) in input(16)) {
        agree(family, &listed, &granted)?;
    }
}

/// Every pair of one listed and one granted name of each family, for each
/// rule: small enough to try them all.
#[test]
fn the_engine_agrees_with_the_model_on_every_pair() {
    for family in FAMILIES {
        let names = pool(family);
        for l in &names {
            for g in &names {
                let (listed, granted) = (vec![l.clone()], vec![g.clone()]);
                let verdicts = model_verdicts(family, &listed, &granted);
                for (rule, model) in RULES.iter().zip(verdicts) {
                    assert_eq!(
                        passes(family, rule, &listed, &granted),
                        model,
                        "{family} {rule}: [{l}] granted [{g}]"
                    );
                }
            }
        }
    }
}

/// The model on its own, on the README's examples: it must say what the
/// README says before its agreement with the engine means anything.
#[test]
fn the_model_says_what_the_readme_says() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let pass = |f, rule, l: &[&str], g: &[&str]| model_passes(f, rule, &v(l), &v(g));
    assert!(!pass(
        "docspace",
        "forbidden",
        &["files:read"],
        &["files:write"]
    ));
    assert!(pass("docspace", "forbidden", &["*:write"], &["rooms:read"]));
    assert!(!pass("docspace", "forbidden", &["*:write"], &["*"]));
    assert!(!pass(
        "docspace",
        "at_most",
        &["files:read", "rooms:read"],
        &["*:read"]
    ));
    assert!(pass("docspace", "at_most", &["*:read"], &["files:read"]));
    assert!(!pass(
        "docspace",
        "exactly",
        &["files:read", "files:write"],
        &["files:write"]
    ));
    assert!(!pass("plain", "forbidden", &["*:delete"], &["projects:*"]));
    // Coveo: no target is every resource, on both sides.
    let every = "PLATFORM:SOURCE:EDIT";
    let one = "PLATFORM:SOURCE:EDIT@src-1";
    assert!(!pass("coveo", "forbidden", &[every], &[one]));
    assert!(!pass("coveo", "forbidden", &[one], &[every]));
    assert!(!pass(
        "coveo",
        "forbidden",
        &["PLATFORM:SOURCE:*@src-1"],
        &[every]
    ));
    assert!(pass("coveo", "at_most", &[every], &[one]));
    assert!(!pass("coveo", "at_most", &[one], &[every]));
    let (plain, enable) = ("SEARCH_API:IMPERSONATE", "SEARCH_API:IMPERSONATE:ENABLE");
    assert!(pass("coveo", "at_most", &[plain], &[enable]));
    for f in [plain, enable, "*:ENABLE", "*:IMPERSONATE"] {
        assert!(!pass("coveo", "forbidden", &[f], &[plain]), "{f}");
    }
    // A vendor's inclusions: `admin:org` can read the organization.
    assert!(!pass("github", "forbidden", &["read:org"], &["admin:org"]));
    assert!(pass("github", "at_most", &["admin:org"], &["read:org"]));
    assert!(!pass("github", "at_most", &["read:org"], &["admin:org"]));
    // Vault: capabilities are independent; root policy and capability.
    assert!(!pass(
        "vault",
        "at_most",
        &["secret/x:update"],
        &["secret/x:patch"]
    ));
    assert!(!pass(
        "vault",
        "forbidden",
        &["secret/x:read"],
        &["secret/x:root"]
    ));
    assert!(!pass(
        "vault",
        "forbidden",
        &["sys/mounts:sudo"],
        &["policy:root"]
    ));
    assert!(!pass("vault", "at_most", &["*:read"], &["policy:read"]));
    assert!(pass("vault", "at_most", &["policy:*"], &["policy:read"]));
    assert!(pass("vault", "at_most", &["*:*"], &["policy:app"]));
    // The documented false failure: `*:sudo` names a policy called `sudo`.
    assert!(!pass("vault", "forbidden", &["*:sudo"], &["policy:sudo"]));
    // Roles: a role covers the ones below it (README, account roles).
    assert!(pass(
        "roles",
        "at_most",
        &["role:room-admin"],
        &["role:user"]
    ));
    assert!(!pass(
        "roles",
        "at_most",
        &["role:user"],
        &["role:room-admin"]
    ));
    assert!(pass("roles", "at_least", &["role:user"], &["role:*admin"]));
    assert!(!pass(
        "roles",
        "forbidden",
        &["role:guest"],
        &["role:owner"]
    ));
}

//! A reference model of the rule engine, checked against it (issue 16).
//!
//! The engine answers symbolically: globs are languages, and "covers" and
//! "overlaps" are inclusion and intersection of those languages (see
//! `src/privilege/glob.rs`). The model here is deliberately naive: for each
//! test input it enumerates a finite universe of atoms (every name the
//! family knows, every name, target and glob piece the input writes, and
//! fresh ones standing for "anything else"), expands every privilege and
//! every rule entry to the *set* of universe atoms it gives or names, with
//! its own glob matcher, and decides each rule by set operations
//! (Kubernetes, whose atoms have six parts, takes one universe per pair of
//! strings: see its section). The semantics are the guide's
//! (docs/src/concepts/rules.md and covers.md):
//!
//! - `at_least`: every listed privilege is covered by one granted;
//! - `at_most`: every granted privilege is covered by one listed;
//! - "P covers Q": everything Q surely gives, P surely gives too;
//! - `forbidden`: some granted privilege gives (or, for a vendor's scopes,
//!   may give) something a listed entry names;
//! - `exactly`: the granted set equals the list, literally.
//!
//! Only data comes from the crate (each family's names, Coveo's on/off
//! privileges, the vendors' inclusion tables, through `permspec::fuzzing`;
//! for Kubernetes, only its names); matching, expansion and verdicts are
//! written here again. Properties
//! require the engine's verdict (`fuzzing::passes`) to equal the model's
//! for every rule, on lists drawn from each family's grammar: known names,
//! globs, Coveo targets and target globs, wildcard grants, empty lists and
//! duplicates, and lists long enough to go through the engine's index;
//! Kubernetes names built part by part from its grammar, and odd strings
//! of its delimiters. TESTING.md ("Reference model") records how the model was shown to catch
//! a real defect.
//!
//! `PROPTEST_CASES=N` raises the case counts; failure persistence is off.

use permspec::fuzzing::{coveo_on_off, known_names, passes, scope_table};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
        Some((b'*', [])) => true,
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
    /// and `*:*` give everything (the guide, "Covers and names").
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
                // DocSpace-server 3.5 and later: `accounts:write` lists
                // people but not groups, which ask `accounts:read` alone
                // (docs/inclusions/docspace.md): it only may give the read.
                "accounts:write" if !maybe => self.glob(p),
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
                    None => {
                        let mut s = self.split_glob(p);
                        // What a capability may lead to
                        // (docs/inclusions/vault.md): `scan` lists,
                        // `recover` writes the live data back.
                        let also: &[&str] = match p.rsplit_once(':') {
                            Some((_, "scan")) if maybe => &["list"],
                            Some((_, "recover")) if maybe => &["create", "update"],
                            _ => &[],
                        };
                        let path = p.rsplit_once(':').map_or("", |(path, _)| path);
                        for c in also {
                            s.extend(self.split_glob(&format!("{path}:{c}")));
                        }
                        s
                    }
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
    /// names `read:org`); for DocSpace and Coveo, what the guide says the
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
/// string expanded once (Kubernetes: one universe per pair of strings, see
/// [`kubernetes_verdicts`]).
fn model_verdicts(family: &str, listed: &[String], granted: &[String]) -> [bool; 4] {
    if family == "kubernetes" {
        return kubernetes_verdicts(listed, granted);
    }
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
// Kubernetes
// ---------------------------------------------------------------------------
//
// The guide (docs/src/providers/kubernetes.md) and RBAC's rules as a SelfSubjectRulesReview
// reports them (MORE-PROVIDERS.md): a privilege is the set of requests it
// allows. A request on a resource has a namespace, an API group (`""` the
// core group), a resource, a subresource or none (`pods/exec`, or `pods`
// itself), an object name (`""` for none, as a list or a create has) and a
// verb; a non-resource request has a path and a verb. Written:
//
// - `NAMESPACE/RESOURCE[.GROUP][/SUBRESOURCE][#NAME]:VERB`: each part a
//   glob over that part alone. No `.GROUP` is the core group, no
//   `/SUBRESOURCE` the resource itself (`pods` is not `pods/exec`), no
//   `#NAME` every name (`pods` covers `pods#web`); but a bare `*` resource
//   is every resource of every group and every subresource (or of `.GROUP`,
//   or only `/SUBRESOURCE`): `*/*:escalate` names
//   `ns/roles.rbac.authorization.k8s.io:escalate`. The verb follows the
//   last `:` (an object name may hold `:`); the namespace ends at the first
//   `/`, the name starts at the first `#`, the subresource at the next
//   `/`, the group at the first `.` (groups hold dots).
// - `/PATH:VERB`: every request path the glob matches (RBAC's trailing `*`
//   is a prefix, which the glob is); never a resource request.
// - `*`: every request of both kinds, and every name that is neither.
// - `\c` is the character `c`, never a delimiter nor a glob's `*` (RBAC's
//   own `*` in a resource name is a character: `ci/configmaps#a\*b:get`).
// - A name that is none of these (no verb, no namespace) is a request of
//   its own, which only itself and `*` hold.
//
// The guide is silent on the last two; they are what the header of
// `src/privilege/kubernetes.rs` documents (words, not code, taken from it).
//
// Every relation the rules ask is between two strings (P covers Q; G
// meets F), and each privilege is a product of a set per part, so the
// universe is built per pair: the product of each part's witnesses over
// the two strings' patterns (a literal is its own witness; each glob with
// its stars filled as in [`witnesses`]). That holds a request in every
// difference and every intersection of the two, and stays small: a
// universe of every string of the input would be the product of six parts
// of a dozen witnesses each.

/// RBAC's `*` as a character (written `\*`): a letter no name uses, which
/// the model's glob `*` matches and nothing else does.
const LITERAL_STAR: char = '✱';

/// A Kubernetes privilege as the model reads it; every part a glob.
#[derive(Debug)]
enum Kube {
    All,
    Resource {
        ns: String,
        group: String,
        resource: String,
        sub: Sub,
        name: String,
        verb: String,
    },
    Url {
        path: String,
        verb: String,
    },
    Other(String),
}

/// Which subresources a resource privilege takes.
#[derive(Debug)]
enum Sub {
    /// None written: the resource itself.
    Itself,
    /// A bare `*` resource, none written: the resource and every
    /// subresource.
    Any,
    /// `/SUBRESOURCE`: the subresources it matches, not the resource.
    Glob(String),
}

/// One request, the universe's atom.
#[derive(Debug)]
enum Request<'a> {
    Resource {
        ns: &'a str,
        group: &'a str,
        resource: &'a str,
        sub: Option<&'a str>,
        name: &'a str,
        verb: &'a str,
    },
    Url {
        path: &'a str,
        verb: &'a str,
    },
    Other(&'a str),
}

fn kube(s: &str) -> Kube {
    if s == "*" {
        return Kube::All;
    }
    // Each character, and whether a `\` made it itself.
    let mut t: Vec<(char, bool)> = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => t.push((chars.next().unwrap_or('\\'), true)),
            c => t.push((c, false)),
        }
    }
    let first = |t: &[(char, bool)], d: char| t.iter().position(|&x| x == (d, false));
    let glob = |t: &[(char, bool)]| -> String {
        t.iter()
            .map(|&(c, escaped)| if escaped && c == '*' { LITERAL_STAR } else { c })
            .collect()
    };
    let Some(colon) = t.iter().rposition(|&x| x == (':', false)) else {
        return Kube::Other(s.to_owned());
    };
    let (head, verb) = (&t[..colon], glob(&t[colon + 1..]));
    if head.first() == Some(&('/', false)) {
        let path = glob(head);
        return Kube::Url { path, verb };
    }
    let Some(slash) = first(head, '/') else {
        return Kube::Other(s.to_owned());
    };
    let ns = glob(&head[..slash]);
    let rest = &head[slash + 1..];
    let (rest, name) = match first(rest, '#') {
        Some(i) => (&rest[..i], glob(&rest[i + 1..])),
        None => (rest, "*".to_owned()),
    };
    let (rest, sub) = match first(rest, '/') {
        Some(i) => (&rest[..i], Some(glob(&rest[i + 1..]))),
        None => (rest, None),
    };
    let (resource, group) = match first(rest, '.') {
        Some(i) => (glob(&rest[..i]), Some(glob(&rest[i + 1..]))),
        None => (glob(rest), None),
    };
    let every = resource == "*";
    let group = group.unwrap_or_else(|| if every { "*" } else { "" }.to_owned());
    let sub = match sub {
        Some(g) => Sub::Glob(g),
        None if every => Sub::Any,
        None => Sub::Itself,
    };
    Kube::Resource {
        ns,
        group,
        resource,
        sub,
        name,
        verb,
    }
}

impl Kube {
    /// Whether holding (or listing) this privilege allows (names) `r`.
    fn takes(&self, r: &Request) -> bool {
        match (self, r) {
            (Kube::All, _) => true,
            (
                Kube::Resource {
                    ns,
                    group,
                    resource,
                    sub,
                    name,
                    verb,
                },
                Request::Resource {
                    ns: n,
                    group: g,
                    resource: x,
                    sub: s,
                    name: m,
                    verb: v,
                },
            ) => {
                let sub = match (sub, s) {
                    (Sub::Itself, s) => s.is_none(),
                    (Sub::Any, _) => true,
                    (Sub::Glob(p), s) => s.is_some_and(|s| matches(p, s)),
                };
                sub && matches(ns, n)
                    && matches(group, g)
                    && matches(resource, x)
                    && matches(name, m)
                    && matches(verb, v)
            }
            (Kube::Url { path, verb }, Request::Url { path: p, verb: v }) => {
                matches(path, p) && matches(verb, v)
            }
            (Kube::Other(a), Request::Other(b)) => a == b,
            _ => false,
        }
    }
}

/// A part's witnesses: each literal pattern itself, and each glob with its
/// stars filled by nothing, by [`FRESH`] and by the globs' own pieces.
fn part_witnesses(patterns: &[&str]) -> Vec<String> {
    let globs: Vec<&str> = patterns
        .iter()
        .copied()
        .filter(|p| p.contains('*'))
        .collect();
    let mut out = witnesses(&globs);
    out.extend(patterns.iter().map(|p| p.to_string()));
    out.into_iter().collect()
}

/// Calls `each` with every request that witnesses how the privileges
/// `ks` relate: the product of each part's witnesses, for each kind one of
/// them writes (`*` writes `*` in every part of both), and each name of
/// its own.
fn requests(ks: &[&Kube], mut each: impl FnMut(&Request)) {
    let mut res: [Vec<&str>; 5] = Default::default();
    let mut subs: Vec<&str> = Vec::new();
    let mut url: [Vec<&str>; 2] = Default::default();
    for k in ks {
        match k {
            Kube::All => {
                res.iter_mut().for_each(|p| p.push("*"));
                url.iter_mut().for_each(|p| p.push("*"));
                subs.push("*");
            }
            Kube::Resource {
                ns,
                group,
                resource,
                sub,
                name,
                verb,
            } => {
                for (p, v) in res.iter_mut().zip([ns, group, resource, name, verb]) {
                    p.push(v);
                }
                match sub {
                    Sub::Itself => {}
                    Sub::Any => subs.push("*"),
                    Sub::Glob(g) => subs.push(g),
                }
            }
            Kube::Url { path, verb } => {
                url[0].push(path);
                url[1].push(verb);
            }
            Kube::Other(s) => each(&Request::Other(s)),
        }
    }
    if !res[0].is_empty() {
        let [ns, group, resource, name, verb] = res.map(|p| part_witnesses(&p));
        let subs = part_witnesses(&subs);
        let sub: Vec<Option<&str>> = [None]
            .into_iter()
            .chain(subs.iter().map(|s| Some(s.as_str())))
            .collect();
        for n in &ns {
            for g in &group {
                for x in &resource {
                    for s in &sub {
                        for m in &name {
                            for v in &verb {
                                each(&Request::Resource {
                                    ns: n,
                                    group: g,
                                    resource: x,
                                    sub: *s,
                                    name: m,
                                    verb: v,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    if !url[0].is_empty() {
        let [path, verb] = url.map(|p| part_witnesses(&p));
        for p in &path {
            for v in &verb {
                each(&Request::Url { path: p, verb: v });
            }
        }
    }
}

/// How two privileges relate, over the requests of their universe.
#[derive(Clone, Copy)]
struct Relation {
    /// Every request `a` allows, `b` allows too; and the other way.
    a_in_b: bool,
    b_in_a: bool,
    /// Some request both allow.
    meet: bool,
}

fn relate(a: &str, b: &str) -> Relation {
    let (a, b) = (kube(a), kube(b));
    let (mut a_in_b, mut b_in_a, mut meet) = (true, true, false);
    requests(&[&a, &b], |r| {
        let (x, y) = (a.takes(r), b.takes(r));
        a_in_b &= !x || y;
        b_in_a &= !y || x;
        meet |= x && y;
    });
    Relation {
        a_in_b,
        b_in_a,
        meet,
    }
}

thread_local! {
    /// Each pair [`relate`]d once per test thread: the same names come
    /// back in many inputs.
    static RELATIONS: RefCell<HashMap<(String, String), Relation>> = RefCell::default();
}

/// [`relate`], remembered.
fn relation(a: &str, b: &str) -> Relation {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    let r = RELATIONS.with_borrow_mut(|memo| {
        *memo
            .entry((x.to_owned(), y.to_owned()))
            .or_insert_with(|| relate(x, y))
    });
    if a <= b {
        r
    } else {
        Relation {
            a_in_b: r.b_in_a,
            b_in_a: r.a_in_b,
            meet: r.meet,
        }
    }
}

/// What a held privilege may lead to beyond the requests it allows, as
/// Kubernetes documents it (docs/inclusions/kubernetes.md): `get` on
/// `pods/exec`, `pods/attach` or `pods/portforward` opens them (the
/// WebSocket handshake before 1.35); `list` or `watch` on secrets reveals
/// them; creating or editing pods, directly or through a controller,
/// reaches the namespace's secrets, configmaps and service accounts; a
/// literal `*` name is every name to other authorizers.
fn leads_to(k: &Kube) -> Vec<Kube> {
    let Kube::Resource {
        ns,
        group,
        resource,
        sub,
        name,
        verb,
    } = k
    else {
        return Vec::new();
    };
    let itself = matches!(sub, Sub::Itself | Sub::Any);
    let res = |group: &str, resource: &str, sub: Sub, name: &str, verb: &str| Kube::Resource {
        ns: ns.clone(),
        group: group.to_owned(),
        resource: resource.to_owned(),
        sub,
        name: name.to_owned(),
        verb: verb.to_owned(),
    };
    let mut out = Vec::new();
    if matches(group, "") && matches(resource, "pods") && matches(verb, "get") {
        for s in ["exec", "attach", "portforward"] {
            let takes = match sub {
                Sub::Itself => false,
                Sub::Any => true,
                Sub::Glob(p) => matches(p, s),
            };
            if takes {
                out.push(res("", "pods", Sub::Glob(s.to_owned()), name, "create"));
            }
        }
    }
    if itself
        && matches(group, "")
        && matches(resource, "secrets")
        && (matches(verb, "list") || matches(verb, "watch"))
    {
        out.push(res("", "secrets", Sub::Itself, name, "get"));
    }
    let workloads = [
        ("", "pods"),
        ("", "replicationcontrollers"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    ];
    if itself
        && ["create", "update", "patch"]
            .iter()
            .any(|v| matches(verb, v))
        && workloads
            .iter()
            .any(|(g, r)| matches(group, g) && matches(resource, r))
    {
        out.push(res("", "secrets", Sub::Itself, "*", "get"));
        out.push(res("", "configmaps", Sub::Itself, "*", "get"));
        out.push(res("", "serviceaccounts", Sub::Itself, "*", "impersonate"));
    }
    if name.chars().eq([LITERAL_STAR]) {
        let sub = match sub {
            Sub::Itself => Sub::Itself,
            Sub::Any => Sub::Any,
            Sub::Glob(g) => Sub::Glob(g.clone()),
        };
        out.push(res(group, resource, sub, "*", verb));
    }
    out
}

/// Whether two parsed privileges allow a request in common.
fn meet(a: &Kube, b: &Kube) -> bool {
    let mut met = false;
    requests(&[a, b], |r| met |= a.takes(r) && b.takes(r));
    met
}

/// The rules for Kubernetes, on [`relation`]: what a grant surely gives
/// and what an entry names are one set, since RBAC has no verb or resource
/// that includes another; a `forbidden` entry also fails on what the
/// grant may lead to ([`leads_to`]).
fn kubernetes_verdicts(listed: &[String], granted: &[String]) -> [bool; 4] {
    let covers = |p: &str, q: &str| relation(p, q).b_in_a;
    let exactly = listed.iter().collect::<BTreeSet<_>>() == granted.iter().collect();
    let at_least = listed
        .iter()
        .all(|need| granted.iter().any(|g| covers(g, need)));
    let at_most = granted
        .iter()
        .all(|g| listed.iter().any(|ceiling| covers(ceiling, g)));
    let forbidden = !granted.iter().any(|g| {
        let more = leads_to(&kube(g));
        listed
            .iter()
            .any(|f| relation(g, f).meet || more.iter().any(|m| meet(m, &kube(f))))
    });
    [exactly, at_least, at_most, forbidden]
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
    if family == "kubernetes" {
        // Escapes (RBAC's own `*`), a name with `:` and one with `/`, an
        // empty name, every-namespace (cluster-wide) rules, a name that is
        // no privilege (a URL reported without its `/`), and values that
        // begin another one (`ci` and `ci-2`, `delete` and
        // `deletecollection`, `web` and `web-1`), which a part read as a
        // prefix would confuse.
        extra.extend([
            "ci-2/pods:get",
            "ci/pods#web-1:get",
            "ci/pods:delete",
            "ci/pods:deletecollection",
            "ci/configmaps#a\\*b:get",
            "ci/configmaps#a*:get",
            "ci/configmaps#x/secrets:get",
            "ci/secrets#:get",
            "ci/pods/\\*:get",
            "ci/pods.*:get",
            "ci/pods:*t",
            "ci/*./scale:update",
            "prod/pods:get",
            "*/nodes:get",
            "*/clusterroles.rbac.authorization.k8s.io#system:admin:bind",
            "/api*:get",
            "/a\\*b*:get",
            "healthz:get",
            // What a rule may lead to (`leads_to`): exec by GET, secrets
            // by list, pods by a controller's edit, a literal `*` name.
            "ci/pods/exec:get",
            "ci/pods/*:get",
            "ci/pods/exec:create",
            "ci/secrets:list",
            "ci/secrets:watch",
            "*/secrets:get",
            "ci/deployments.apps:update",
            "ci/jobs.batch:create",
            "ci/pods:create",
            "ci/serviceaccounts:impersonate",
            "ci/configmaps#\\*:get",
            "ci/configmaps#app:get",
        ]);
    }
    names.extend(extra.iter().map(|s| s.to_string()));
    names.sort();
    names.dedup();
    names
}

const FAMILIES: &[&str] = &[
    "plain",
    "docspace",
    "roles",
    "coveo",
    "vault",
    "github",
    "gitlab",
    "slack",
    "google",
    "kubernetes",
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

/// A Kubernetes name from the grammar (docs/src/providers/kubernetes.md),
/// part by part: namespaces and every namespace, core and named groups, every
/// group (`*` alone, `.*`) and the core group's `*.`, globs in each part,
/// subresources, object names, non-resource URLs; or one of the pool's.
fn kubernetes_name() -> impl Strategy<Value = String> {
    // Each part holds values that begin another (`ci`, `ci-2`), so that
    // a part read as a prefix, not exactly, shows; `*` comes twice as
    // often as any other value.
    let ns = select(&["ci", "ci-2", "default", "*", "*", "c*", "*t"][..]);
    let resource = select(
        &[
            "pods",
            "podsecuritypolicies.policy",
            "secrets",
            "nodes",
            "users",
            "deployments.apps",
            "roles.rbac.authorization.k8s.io",
            "widgets.example.com",
            "*",
            "*",
            "*.",
            "*.apps",
            "*.*",
            "pods.*",
            "pod*",
            "*s",
            "deployments.*",
            "*.rbac.authorization.k8s.io",
            "secrets.",
        ][..],
    );
    let sub = select(&["", "", "/exec", "/log", "/scale", "/*", "/e*"][..]);
    let name = select(
        &[
            "",
            "",
            "#web",
            "#web-1",
            "#db",
            "#w*",
            "#system:admin",
            "#x/y",
        ][..],
    );
    let verb = select(
        &[
            "get",
            "list",
            "create",
            "update",
            "delete",
            "deletecollection",
            "escalate",
            "bind",
            "*",
            "*",
            "g*",
            "*te",
        ][..],
    );
    let path = select(
        &[
            "/healthz",
            "/api",
            "/api/*",
            "/apis/apps/v1",
            "/*",
            "/api*",
            "/a\\*b*",
        ][..],
    );
    let url_verb = select(&["get", "post", "*", "*", "head"][..]);
    prop_oneof![
        6 => (ns, resource, sub, name, verb)
            .prop_map(|(n, r, s, m, v)| format!("{n}/{r}{s}{m}:{v}")),
        2 => (path, url_verb).prop_map(|(p, v)| format!("{p}:{v}")),
        2 => select(pool("kubernetes")),
    ]
}

/// Some grammar names (up to 6, or `max`), and two lists of up to `max`
/// drawn from them: duplicates, and names both listed and granted, come
/// often.
fn kubernetes_input(max: usize) -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    vec(kubernetes_name(), 1..=max.max(6)).prop_flat_map(move |names| {
        (
            vec(select(names.clone()), 0..=max),
            vec(select(names), 0..=max),
        )
    })
}

/// A string of the grammar's own characters, in any order: empty and
/// doubled parts, a delimiter where a value should be, escapes, a
/// trailing `\`, names that do not parse at all.
fn kubernetes_odd_name() -> impl Strategy<Value = String> {
    const CHARS: &[&str] = &["c", "i", "p", "s", "g", "e", "/", ".", "#", ":", "*", "\\"];
    vec(select(CHARS), 0..12).prop_map(|v| v.concat())
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

proptest! {
    #![proptest_config(config(512))]

    /// Kubernetes names from its grammar, short lists.
    #[test]
    fn the_engine_agrees_with_the_model_on_kubernetes((listed, granted) in kubernetes_input(4)) {
        agree("kubernetes", &listed, &granted)?;
    }

    /// Odd Kubernetes names: both read them the same way.
    #[test]
    fn the_engine_agrees_with_the_model_on_odd_kubernetes_names(
        (listed, granted) in vec(kubernetes_odd_name(), 1..=4).prop_flat_map(|names| {
            (vec(select(names.clone()), 0..=3), vec(select(names), 0..=3))
        })
    ) {
        agree("kubernetes", &listed, &granted)?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Kubernetes, longer lists: through the engine's index (keyed by
    /// namespace).
    #[test]
    fn the_engine_agrees_with_the_model_on_long_kubernetes_lists(
        (listed, granted) in kubernetes_input(16)
    ) {
        agree("kubernetes", &listed, &granted)?;
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

/// The model on its own, on the guide's examples: it must say what the
/// guide says before its agreement with the engine means anything.
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
    // Roles: a role covers the ones below it (docs/src/providers/docspace-account.md).
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
    // Kubernetes (docs/src/providers/kubernetes.md): a bare `*` resource is every
    // resource of every group and every subresource; `pods` covers
    // `pods#web` but not `pods/exec`; a trailing `*` in a URL is a
    // prefix; a namespace is one namespace, and `*/` every one.
    let k = "kubernetes";
    let escalate = "ns/roles.rbac.authorization.k8s.io:escalate";
    assert!(!pass(k, "forbidden", &["*/*:escalate"], &[escalate]));
    assert!(!pass(k, "forbidden", &["*/*:*"], &["ci/pods/exec:create"]));
    assert!(pass(k, "at_most", &["ci/pods:get"], &["ci/pods#web:get"]));
    assert!(!pass(k, "at_most", &["ci/pods#web:get"], &["ci/pods:get"]));
    assert!(!pass(k, "at_most", &["ci/pods:*"], &["ci/pods/exec:get"]));
    assert!(pass(k, "forbidden", &["ci/pods:*"], &["ci/pods/exec:get"]));
    assert!(pass(
        k,
        "at_most",
        &["ci/pods/*:get"],
        &["ci/pods/exec:get"]
    ));
    assert!(pass(k, "at_most", &["/api/*:get"], &["/api/v1:get"]));
    assert!(!pass(k, "at_most", &["/api/*:get"], &["/api:get"]));
    assert!(pass(k, "forbidden", &["/api/*:get"], &["/apis/apps:get"]));
    assert!(pass(k, "forbidden", &["*/*:*"], &["/healthz:get"]));
    assert!(!pass(k, "forbidden", &["*"], &["/healthz:get"]));
    let update = "ci/deployments.apps:update";
    assert!(pass(k, "at_most", &["ci/deployments.apps:*"], &[update]));
    assert!(!pass(
        k,
        "at_least",
        &["prod/deployments.apps:update"],
        &[update]
    ));
    assert!(pass(
        k,
        "at_least",
        &[update],
        &["*/deployments.apps:update"]
    ));
    assert!(!pass(
        k,
        "forbidden",
        &[update],
        &["*/deployments.apps:update"]
    ));
    assert!(pass(k, "forbidden", &["prod/*:*"], &[update]));
    // The core group's `*` (`*.`) is not a named group's; `*` alone is.
    assert!(!pass(
        k,
        "at_most",
        &["ci/*.:get"],
        &["ci/deployments.apps:get"]
    ));
    assert!(pass(k, "at_most", &["ci/*.:get"], &["ci/pods/log:get"]));
    assert!(pass(k, "at_most", &["ci/*:get"], &["ci/*.:get"]));
    assert!(!pass(k, "at_most", &["ci/*.:get"], &["ci/*:get"]));
    // RBAC's own `*` is a character: `a\*b` is one name, not a glob.
    assert!(pass(
        k,
        "forbidden",
        &["ci/configmaps#a\\*b:get"],
        &["ci/configmaps#axb:get"]
    ));
    assert!(!pass(
        k,
        "forbidden",
        &["ci/configmaps#a*:get"],
        &["ci/configmaps#a\\*b:get"]
    ));
    // An object name may hold `:` and `/`; its parts stay its own.
    let admin = "*/clusterroles.rbac.authorization.k8s.io#system:admin:bind";
    assert!(pass(
        k,
        "at_least",
        &["ci/clusterroles.rbac.authorization.k8s.io#system:admin:bind"],
        &[admin]
    ));
    assert!(pass(
        k,
        "forbidden",
        &["*/secrets:*"],
        &["ci/configmaps#x/secrets:get"]
    ));
}

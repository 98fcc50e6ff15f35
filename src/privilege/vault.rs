//! HashiCorp Vault and OpenBao token privileges. A token holds policies
//! (lookup-self's `policies` and `identity_policies`), written
//! `policy:NAME`, and has capabilities at paths (what `sys/capabilities-self`
//! reports for each path the spec lists), written `PATH:CAPABILITY`.
//!
//! Meaning (developer.hashicorp.com/vault/docs/concepts/policies): the
//! `root` policy "can do anything", so `policy:root` gives `*`; the
//! capability `root`, which capabilities-self reports at every path for a
//! root token, gives every capability there (`PATH:root` gives `PATH:*`).
//! Every other capability is independent (`update` is not `patch` nor
//! `create`, `sudo` is not `read`), and a policy gives only itself: what it
//! opens is in its text, which the token cannot read.
//!
//! Grammar: a name that starts with `policy:` is a policy, whatever
//! follows; any other is PATH:CAPABILITY. So no path can be called
//! `policy`, and a path holding `:` could not be told from its capability:
//! [`Vault::validate`] rejects both. Atoms are the names themselves, split
//! at the first `:` (the separator), so `*:sudo` names `policy:sudo` too:
//! a policy named like a capability fails such a `forbidden` entry (closed,
//! a false failure at worst). A ceiling must never pass a policy it does
//! not mean, so a policy also gives [`UNSEEN`], an atom only a pattern
//! whose two parts are both `*` includes: `*:read` does not cover
//! `policy:read`, `policy:*` does. `*:*` is every capability at every
//! path, everything a token can hold: it covers policies and is `*` (so is
//! `*:root`).

use super::{Family, Patterns, glob_matches};
use crate::suggest::did_you_mean;
use std::borrow::Cow;

pub(crate) struct Vault;

pub(crate) static VAULT: Vault = Vault;

/// Every capability `sys/capabilities-self` can report. Source:
/// developer.hashicorp.com/vault/docs/concepts/policies, "Capabilities"
/// (create, read, update, patch, delete, list, sudo, deny, subscribe,
/// recover); plus `root`, which it reports for a root token. `deny` means
/// none: the provider never reports it and a spec may not name it.
pub(crate) const CAPABILITIES: &[&str] = &[
    "create",
    "read",
    "update",
    "patch",
    "delete",
    "list",
    "sudo",
    "deny",
    "subscribe",
    "recover",
    // OpenBao's (openbao.org, "Policies": "Allows recursively listing
    // ("scanning") values at the given path").
    "scan",
    "root",
];

const POLICY: &str = "policy:";

/// The `root` policy: anything in Vault ("Root policy" on the page above).
const ROOT_POLICY: &str = "policy:root";

/// The paths a policy opens, which nobody here can see: both parts empty,
/// so only a pattern with `*` for its path and its capability includes it
/// (a spec's path and capability are never empty).
const UNSEEN: &str = ":";

/// The name of capability `capability` at `path`. `path` must be one the
/// spec lists (so never `policy`, never holding `:`).
pub(crate) fn path_privilege(path: &str, capability: &str) -> String {
    format!("{path}:{capability}")
}

/// The name of holding policy `name`.
pub(crate) fn policy_privilege(name: &str) -> String {
    format!("{POLICY}{name}")
}

/// The capabilities a spec declares: each name under `extra_privileges`,
/// or what follows its last `:` (`secret/x:newcap` declares `newcap`).
fn declared(extra: &[String]) -> impl Iterator<Item = &str> + Clone {
    extra
        .iter()
        .map(|e| e.rsplit_once(':').map_or(e.as_str(), |(_, c)| c))
}

impl Family for Vault {
    fn what(&self) -> &'static str {
        "Vault privilege"
    }

    /// What holding `p` may give: what it surely gives, and what the
    /// vendors' words say a capability may lead to (docs/inclusions/vault.md):
    /// `scan` lists recursively (OpenBao), and `recover` creates or
    /// updates the live data at its path (Vault's snapshot recovery).
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        let also: &[&str] = match p.rsplit_once(':') {
            Some((path, "scan")) if !p.starts_with(POLICY) && !path.is_empty() => &["list"],
            Some((path, "recover")) if !p.starts_with(POLICY) && !path.is_empty() => {
                &["create", "update"]
            }
            _ => &[],
        };
        if also.is_empty() {
            return self.surely_gives(p);
        }
        let path = p.rsplit_once(':').map_or("", |(path, _)| path);
        let mut all = vec![Cow::Borrowed(p)];
        all.extend(also.iter().map(|c| Cow::Owned(path_privilege(path, c))));
        Patterns::Many(all)
    }

    fn surely_gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        if p == ROOT_POLICY {
            return Patterns::one("*");
        }
        if p.starts_with(POLICY) {
            return Patterns::Two([Cow::Borrowed(p), Cow::Borrowed(UNSEEN)]);
        }
        match p.strip_suffix(":root") {
            Some(path) => Patterns::One(Cow::Owned(format!("{path}:*"))),
            None => Patterns::one(p),
        }
    }

    fn separator(&self) -> Option<char> {
        Some(':')
    }

    /// Any policy; a capability the provider may report (never `deny`) or
    /// the spec declares.
    fn knows(&self, privilege: &str, extra: &[String]) -> bool {
        if let Some(name) = privilege.strip_prefix(POLICY) {
            return !name.is_empty();
        }
        privilege.rsplit_once(':').is_some_and(|(path, cap)| {
            let known = cap != "deny" && CAPABILITIES.contains(&cap);
            !path.is_empty() && (known || declared(extra).any(|d| d == cap))
        })
    }

    fn vocabulary(&self) -> Vec<String> {
        "policy:default policy:root policy:app secret/data/app:read secret/data/app:update \
         secret/data/app:patch secret/data/app:root sys/mounts:read sys/mounts:sudo \
         sys/mounts:root"
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        let shown = crate::escape::text(name);
        if name.chars().any(crate::escape::hostile) {
            return Err(format!(
                "`{shown}` holds a control or invisible character: no Vault name does"
            ));
        }
        if name == "*" {
            return Ok(());
        }
        if let Some(policy) = name.strip_prefix(POLICY) {
            return validate_policy(name, policy, extra);
        }
        let Some((path, cap)) = name.rsplit_once(':') else {
            return Err(format!(
                "`{name}` is neither `policy:NAME` nor `PATH:CAPABILITY`, such as \
                 `secret/data/app:read`"
            ));
        };
        if path.is_empty() {
            return Err(format!("`{name}` has no path before `:`"));
        }
        if path.contains(':') {
            return Err(format!(
                "the path `{path}` in `{name}` holds `:`, so it could not be told from its \
                 capability; permspec cannot check such a path"
            ));
        }
        if cap.is_empty() {
            return Err(format!(
                "`{name}` has no capability after `:`; write `{path}:*` for all of them"
            ));
        }
        if cap == "deny" {
            return Err(format!(
                "`deny` is the absence of capabilities; to forbid a path write `{path}:*` under \
                 forbidden"
            ));
        }
        let known = CAPABILITIES
            .iter()
            .copied()
            .filter(|c| *c != "deny")
            .chain(declared(extra));
        if known.clone().any(|c| c == cap) {
            return Ok(());
        }
        if cap.contains('*') {
            if known.clone().any(|c| glob_matches(cap, c)) {
                return Ok(());
            }
            return Err(format!(
                "`{name}` matches no Vault capability ({}); if Vault reports one it lacks, \
                 declare it under `extra_privileges`",
                known.collect::<Vec<_>>().join(", ")
            ));
        }
        Err(match did_you_mean(cap, known.clone()) {
            Some(s) => format!("`{cap}` is not a Vault capability; did you mean `{path}:{s}`?"),
            None => format!(
                "`{cap}` in `{name}` is not a Vault capability ({}); if Vault reports it, \
                 declare it under `extra_privileges`",
                known.collect::<Vec<_>>().join(", ")
            ),
        })
    }
}

/// Any policy name goes (policies are user-named), but not none, and not a
/// capability's name other than `root`: `policy:read` reads as the
/// capability `read` at a path `policy`, which Vault does not have. A
/// policy really named so is declared under `extra_privileges`.
fn validate_policy(name: &str, policy: &str, extra: &[String]) -> Result<(), String> {
    if policy.is_empty() {
        return Err(format!(
            "`{name}` names no policy; write `policy:NAME`, or `policy:*` for every policy"
        ));
    }
    if policy != "root" && CAPABILITIES.contains(&policy) && !extra.iter().any(|e| e == name) {
        return Err(format!(
            "`{name}` names a policy called `{policy}`; Vault has no path `policy`, so for \
             the capability write `PATH:{policy}`; if a policy is called `{policy}`, declare \
             `{name}` under `extra_privileges`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{allows_everything, covers, overlap};
    use super::*;

    fn c(p: &str, q: &str) -> bool {
        covers(&VAULT, p, q)
    }

    fn o(granted: &str, forbidden: &str) -> Option<String> {
        overlap(&VAULT, granted, forbidden)
    }

    /// `policy:read` reads as a path `policy` with the capability `read`,
    /// which Vault has not; `policy:root` is the root policy (mutation
    /// testing: the `root` exception could be inverted unnoticed).
    #[test]
    fn a_policy_named_like_a_capability_must_be_declared() {
        let err = VAULT.validate("policy:read", &[]).unwrap_err();
        assert!(
            err.contains("declare `policy:read` under `extra_privileges`"),
            "{err}"
        );
        assert!(
            VAULT
                .validate("policy:read", &["policy:read".into()])
                .is_ok()
        );
        assert!(VAULT.validate("policy:root", &[]).is_ok());
        assert!(VAULT.validate("policy:app", &[]).is_ok());
    }

    #[test]
    fn the_root_policy_is_everything() {
        for f in ["sys/*:*", "*:sudo", "secret/data/x:read", "policy:app", "*"] {
            assert!(o("policy:root", f).is_some(), "{f}");
        }
        assert_eq!(o("policy:root", "*:sudo").as_deref(), Some("*:sudo"));
        for ceiling in ["*", "policy:root", "*:*", "*:root"] {
            assert!(c(ceiling, "policy:root"), "{ceiling}");
        }
        for ceiling in [
            "policy:*",
            "policy:r*",
            "sys/*:*",
            "*:sudo",
            "secret/data/x:read",
        ] {
            assert!(!c(ceiling, "policy:root"), "{ceiling}");
        }
        assert!(c("policy:root", "policy:app") && c("policy:root", "sys/mounts:sudo"));
    }

    #[test]
    fn root_at_a_path_is_every_capability_there() {
        assert_eq!(
            o("sys/mounts:root", "*:sudo").as_deref(),
            Some("sys/mounts:sudo")
        );
        assert!(c("sys/mounts:*", "sys/mounts:root"));
        assert!(!c("sys/mounts:read", "sys/mounts:root"));
        assert!(c("sys/mounts:root", "sys/mounts:read"));
        assert!(!c("sys/mounts:root", "sys/auth:read"));
        assert!(o("sys/mounts:root", "sys/auth:*").is_none());
        // Forbidding root at a path forbids the root token, not a capability.
        assert!(o("sys/mounts:sudo", "sys/mounts:root").is_none());
    }

    #[test]
    fn capabilities_are_independent() {
        assert!(!c("secret/x:update", "secret/x:patch"));
        assert!(!c("secret/x:update", "secret/x:create"));
        assert!(!c("sys/mounts:sudo", "sys/mounts:read"));
        assert!(o("sys/mounts:sudo", "sys/mounts:read").is_none());
        assert!(!c("policy:app", "policy:default"));
    }

    #[test]
    fn globs_stay_within_a_part() {
        assert_eq!(
            o("sys/mounts:read", "sys/*:*").as_deref(),
            Some("sys/mounts:read")
        );
        assert!(o("secret/data/a:read", "sys/*:*").is_none());
        assert!(o("sys/mounts:read", "*:sudo").is_none());
        assert!(c("secret/*:read", "secret/data/a:read"));
        assert!(!c("secret/*:read", "secret/data/a:list"));
        assert!(!c("secret/data/a:read", "secret/*:read"));
    }

    /// A path ceiling never passes a policy; only `*:*` (which is `*`) and
    /// policy patterns cover one.
    #[test]
    fn paths_and_policies_never_cover_each_other() {
        for ceiling in ["*:read", "*:sudo", "p*:*", "*y:*", "policy:default"] {
            assert!(!c(ceiling, "policy:read"), "{ceiling}");
            assert!(!c(ceiling, "policy:app"), "{ceiling}");
        }
        assert!(c("policy:*", "policy:app") && c("*:*", "policy:app"));
        assert!(!c("policy:*", "sys/mounts:read"));
        assert!(!c("policy:app", "secret/x:read"));
        assert!(!c("policy:app", "*:read") && !c("policy:read", "*:read"));
        assert!(o("policy:app", "secret/*:*").is_none());
        assert!(o("secret/x:read", "policy:*").is_none());
        assert_eq!(o("policy:app", "policy:*").as_deref(), Some("policy:app"));
        // The documented false failure: it fails closed.
        assert_eq!(o("policy:sudo", "*:sudo").as_deref(), Some("policy:sudo"));
    }

    #[test]
    fn star_covers_and_names_everything() {
        for p in VAULT.vocabulary() {
            assert!(c("*", &p) && o(&p, "*").is_some(), "{p}");
        }
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(allows_everything(&VAULT, &list(&["*"])));
        assert!(allows_everything(&VAULT, &list(&["*:*"])));
        assert!(!allows_everything(&VAULT, &list(&["policy:*"])));
        assert!(!allows_everything(&VAULT, &list(&["policy:*", "sys/*:*"])));
    }

    #[test]
    fn names_are_checked_with_a_fix() {
        let none: &[String] = &[];
        let ok = "* *:* *:sudo sys/*:* secret/data/app:read secret:re* policy:* policy:root \
                  policy:app-prod";
        for ok in ok.split_whitespace() {
            assert!(VAULT.validate(ok, none).is_ok(), "{ok}");
        }
        let err = |name: &str| VAULT.validate(name, none).unwrap_err();
        let e = err("secret:reed");
        assert!(e.contains("did you mean `secret:read`?"), "{e}");
        let e = err("x:deny");
        assert!(e.contains("`deny` is the absence of capabilities"), "{e}");
        assert!(e.contains("write `x:*` under forbidden"), "{e}");
        assert!(err("policy:").contains("names no policy"));
        assert!(err("a:b:read").contains("the path `a:b` in `a:b:read` holds `:`"));
        assert!(err("policy:read").contains("Vault has no path `policy`"));
        assert!(err("secret:zz*").contains("matches no Vault capability"));
        assert!(err("secret:d*ny").contains("matches no Vault capability"));
        assert!(err("secret").contains("neither `policy:NAME` nor"));
        assert!(err(":read").contains("no path"));
        assert!(err("secret:").contains("no capability"));
        assert!(err("secret:ka-boom").contains("is not a Vault capability ("));
        assert!(err("x\n:read").contains("`x\\n:read` holds a control"));
        let extra = vec!["newcap".to_owned(), "policy:read".to_owned()];
        assert!(VAULT.validate("secret:newcap", &extra).is_ok());
        assert!(VAULT.validate("secret:new*", &extra).is_ok());
        assert!(VAULT.validate("policy:read", &extra).is_ok());
        assert!(VAULT.validate("secret:newcap", none).is_err());
    }

    #[test]
    fn what_the_provider_reports_is_known() {
        let none: &[String] = &[];
        assert_eq!(
            path_privilege("secret/data/a", "read"),
            "secret/data/a:read"
        );
        assert_eq!(policy_privilege("default"), "policy:default");
        assert!(VAULT.knows(&policy_privilege("anything"), none));
        assert!(VAULT.knows("sys/mounts:root", none));
        assert!(!VAULT.knows("sys/mounts:deny", none));
        assert!(!VAULT.knows("secret:newcap", none));
        assert!(VAULT.knows("secret:newcap", &["secret/x:newcap".to_owned()]));
        for cap in CAPABILITIES.iter().filter(|c| **c != "deny") {
            let name = path_privilege("secret/data/a", cap);
            assert!(VAULT.validate(&name, none).is_ok(), "{name}");
        }
        for name in VAULT.vocabulary() {
            assert!(VAULT.validate(&name, none).is_ok() && VAULT.knows(&name, none));
        }
    }
}

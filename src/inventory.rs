//! `permspec audit --inventory`: the DocSpace keys of a portal that no spec
//! names, and the spec tokens whose key is gone. Keys are matched by the
//! `id` the portal reports, which every recorded `/keys/@self` answer holds.

use crate::escape::{md_code, md_text, text};
use crate::evidence::Gathered;
use crate::plan::{Api, Entry};
use crate::provider::Provider;
use crate::provider::docspace::{KEYS_PATH, KeyInfo, parse_key_list};
use crate::report::audit::high_severity;
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Inventory {
    pub base_url: String,
    pub keys: usize,
    /// Keys of the portal that no spec names.
    pub unnamed: Vec<Unnamed>,
    /// Spec tokens whose key the portal no longer lists.
    pub gone: Vec<Gone>,
    /// Spec tokens whose key id is not known (no usable fixture): record them.
    pub unknown: Vec<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Unnamed {
    #[serde(flatten)]
    pub key: KeyInfo,
    pub high_severity: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Gone {
    pub case: String,
    pub key_id: String,
}

/// Every docspace case and the key id its evidence names, if any.
pub(crate) fn known_keys(entries: &[Gathered]) -> Vec<(String, Option<String>)> {
    entries
        .iter()
        .filter_map(|(entry, evidence)| match entry {
            Entry::Case(c) if c.provider == Provider::DocSpace => {
                let id = evidence
                    .as_ref()
                    .and_then(|e| e.as_ref().ok())
                    .and_then(|e| e.grant.identity.clone());
                Some((c.name.clone(), id))
            }
            _ => None,
        })
        .collect()
}

/// The one portal all docspace specs point at.
pub(crate) fn portal(entries: &[Gathered]) -> Result<String, String> {
    let mut portals: Vec<String> = entries
        .iter()
        .filter_map(|(entry, _)| match entry {
            Entry::Case(c) if c.provider == Provider::DocSpace => match &*c.api {
                Api::Base { base_url } => base_url.resolve(|v| std::env::var(v).ok()).ok(),
                _ => None,
            },
            _ => None,
        })
        .collect();
    portals.sort();
    portals.dedup();
    match portals.len() {
        1 => Ok(portals.remove(0)),
        0 => Err("no docspace spec names a portal; pass --base-url".to_owned()),
        _ => Err(format!(
            "the docspace specs name several portals ({}); pass --base-url",
            portals
                .iter()
                .map(|p| crate::spec::hide_userinfo(p))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Lists the portal's keys with the admin key and compares.
pub(crate) fn take(
    base_url: &str,
    admin_var: &str,
    known: &[(String, Option<String>)],
) -> Inventory {
    let mut inventory = Inventory {
        // Shown and written everywhere: never with a password in it.
        base_url: crate::spec::hide_userinfo(base_url),
        keys: 0,
        unnamed: Vec::new(),
        gone: Vec::new(),
        unknown: known
            .iter()
            .filter(|(_, id)| id.is_none())
            .map(|(c, _)| c.clone())
            .collect(),
        error: None,
    };
    let url = format!("{}{KEYS_PATH}", base_url.trim_end_matches('/'));
    let keys = crate::fetch::get_json(Provider::DocSpace, &url, admin_var)
        .and_then(|body| parse_key_list(&body));
    let keys = match keys {
        Ok(k) => k,
        Err(e) => {
            inventory.error = Some(e);
            return inventory;
        }
    };
    inventory.keys = keys.len();
    let named = |id: &str| known.iter().any(|(_, k)| k.as_deref() == Some(id));
    for key in keys.iter().filter(|k| !named(&k.id)) {
        let high = key
            .permissions
            .iter()
            .find_map(|p| high_severity(Provider::DocSpace, p));
        inventory.unnamed.push(Unnamed {
            key: key.clone(),
            high_severity: high,
        });
    }
    for (case, id) in known {
        if let Some(id) = id.as_ref().filter(|id| !keys.iter().any(|k| &k.id == *id)) {
            inventory.gone.push(Gone {
                case: case.clone(),
                key_id: id.clone(),
            });
        }
    }
    inventory
}

impl Inventory {
    pub(crate) fn text(&self) -> String {
        let mut out = format!(
            "inventory of {} ({} keys):\n",
            text(&self.base_url),
            self.keys
        );
        if let Some(e) = &self.error {
            let _ = writeln!(out, "  error: {}", text(e));
            return out;
        }
        let _ = writeln!(out, "  keys no spec names: {}", self.unnamed.len());
        for u in &self.unnamed {
            let high = u
                .high_severity
                .map(|h| format!("  HIGH: {h}"))
                .unwrap_or_default();
            let perms: Vec<_> = u.key.permissions.iter().map(|p| text(p)).collect();
            let _ = writeln!(
                out,
                "    - {} \"{}\" (sk-***{}) [{}]{high}",
                text(&u.key.id),
                text(&u.key.name),
                text(&u.key.postfix),
                perms.join(", ")
            );
        }
        let _ = writeln!(out, "  spec tokens whose key is gone: {}", self.gone.len());
        for g in &self.gone {
            let _ = writeln!(out, "    - {} (key {})", g.case, text(&g.key_id));
        }
        if !self.unknown.is_empty() {
            let _ = writeln!(
                out,
                "  spec tokens with no recorded key id (record them): {}",
                self.unknown.join(", ")
            );
        }
        out
    }

    pub(crate) fn markdown(&self) -> String {
        let mut out = format!(
            "### Inventory of {} ({} keys)\n\n",
            md_text(&self.base_url),
            self.keys
        );
        if let Some(e) = &self.error {
            let _ = writeln!(out, "**Error**: {}", md_text(e));
            return out;
        }
        out.push_str("| Key | Name | Permissions | Finding |\n|---|---|---|---|\n");
        for u in &self.unnamed {
            let high = u
                .high_severity
                .map(|h| format!(", **HIGH**: {h}"))
                .unwrap_or_default();
            let perms: Vec<String> = u.key.permissions.iter().map(|p| md_code(p)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | no spec names it{high} |",
                md_code(&u.key.id),
                md_text(&u.key.name),
                perms.join(", ")
            );
        }
        for g in &self.gone {
            let _ = writeln!(
                out,
                "| {} | {} | - | the spec's key is gone |",
                md_code(&g.key_id),
                md_code(&g.case)
            );
        }
        out
    }
}

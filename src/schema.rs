//! The JSON Schema of the spec format, generated from the raw spec types so
//! it cannot drift from what the loader accepts. Committed as
//! `spec.schema.json`; a test fails when the two differ. Editors find it
//! through `# yaml-language-server: $schema=../spec.schema.json` atop a spec.

use crate::plan::Provider;
use crate::spec::RawSpec;
use serde_json::{Value, json};

/// The schema, pretty-printed, with a trailing newline.
pub(crate) fn json() -> String {
    let mut schema = schemars::schema_for!(RawSpec);
    schema.insert("title".into(), "permspec spec file".into());
    let mut value = schema.to_value();
    drop_null_defaults(&mut value);
    tighten(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// What the loader checks that the types alone do not say, so an editor
/// flags it too: the words a key takes, the token names, each provider's
/// keys (allowed and required), and the privilege names of the providers
/// whose vocabulary is closed (globs allowed; a spec that declares
/// `extra_privileges` may use others). Each fact comes from the code that
/// checks it (`plan::keys_of`, the families' vocabularies).
fn tighten(schema: &mut Value) {
    let set = |v: &mut Value, path: &[&str], key: &str, value: Value| {
        let mut at = v;
        for p in path {
            at = &mut at[*p];
        }
        at[key] = value;
    };
    set(
        schema,
        &["$defs", "RawCredentialMap", "properties", "scheme"],
        "enum",
        json!(["bearer", "raw", "basic", "login"]),
    );
    set(
        schema,
        &["$defs", "RawClient", "properties", "auth_method"],
        "enum",
        json!(["client_secret_basic", "client_secret_post"]),
    );
    set(
        schema,
        &["$defs", "RawHttpRequest", "properties", "method"],
        "pattern",
        json!("^(?i:get|post|head)$"),
    );
    set(
        schema,
        &["properties", "region"],
        "enum",
        json!(["us", "eu", "au", "ca", "hipaa"]),
    );
    set(
        schema,
        &["properties", "scopes"],
        "enum",
        json!(["docspace"]),
    );
    set(
        schema,
        &["properties", "tokens"],
        "propertyNames",
        json!({"pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$"}),
    );
    set(schema, &["properties", "tokens"], "minProperties", json!(1));
    // 401 says the credential was not accepted, never what it may do.
    set(
        schema,
        &["properties", "denied_statuses"],
        "items",
        json!({"type": "integer", "minimum": 400, "maximum": 499, "not": {"const": 401}}),
    );
    set(
        schema,
        &["properties", "vocabulary"],
        "items",
        json!({"type": "string", "minLength": 1, "pattern": "^[^*]*$"}),
    );
    set(schema, &["properties", "vocabulary"], "minItems", json!(1));
    for pointer in ["json", "reason"] {
        set(
            schema,
            &["$defs", "RawRefusedWhen", "properties", pointer],
            "pattern",
            json!("^/"),
        );
    }
    set(
        schema,
        &["$defs", "RawRefusedWhen", "properties", "denied"],
        "minItems",
        json!(1),
    );
    set(
        schema,
        &["properties", "denied_statuses"],
        "minItems",
        json!(1),
    );
    let common = [
        "provider",
        "tokens",
        "max_fixture_age",
        "extra_privileges",
        "denied_statuses",
    ];
    let every_key: Vec<String> = schema["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut rules = Vec::new();
    for &provider in Provider::ALL {
        let allowed = crate::plan::keys_of(provider);
        let mut forbid = serde_json::Map::new();
        for key in &every_key {
            let takes = allowed.contains(&key.as_str())
                || (key == "refused_when" && provider.takes_refused_when())
                || (key == "vocabulary" && provider.takes_vocabulary())
                || (common.contains(&key.as_str())
                    && (key != "denied_statuses" || provider.takes_probes()));
            if !takes {
                forbid.insert(key.clone(), json!(false));
            }
        }
        let mut then = json!({"properties": forbid, "required": required(provider)});
        if provider == Provider::OAuth2Introspection {
            then["anyOf"] =
                json!([{"required": ["introspection_url"]}, {"required": ["discovery"]}]);
        }
        if provider == Provider::Probes {
            then["properties"]["tokens"] = json!({"additionalProperties": {
                "required": ["credential", "probes"],
                "properties": {"expect": false}
            }});
        } else if !provider.takes_probes() {
            then["properties"]["tokens"] = json!({"additionalProperties": {
                "required": ["credential"],
                "properties": {"probes": false}
            }});
        }
        rules.push(json!({
            "if": {"properties": {"provider": {"const": provider.name()}}, "required": ["provider"]},
            "then": then
        }));
        if let Some(names) = vocabulary(provider) {
            let entry = json!({"anyOf": [
                {"enum": names},
                {"type": "string", "pattern": "\\*"},
                {"type": "object"}
            ]});
            let list = json!({"items": entry});
            rules.push(json!({
                "if": {
                    "properties": {"provider": {"const": provider.name()}},
                    "required": ["provider"],
                    "not": {"required": ["extra_privileges"]}
                },
                "then": {"properties": {"tokens": {"additionalProperties": {"properties": {
                    "expect": {"properties": {
                        "exactly": list, "at_least": list, "at_most": list, "forbidden": list
                    }}
                }}}}}
            }));
        }
    }
    schema["allOf"] = Value::Array(rules);
}

/// The keys a provider cannot do without (besides `provider` and
/// `tokens`), as `plan::header` requires them.
fn required(provider: Provider) -> Vec<&'static str> {
    match provider {
        Provider::DocSpace
        | Provider::DocSpaceAccount
        | Provider::DocSpacePermissions
        | Provider::DocSpaceScopes
        | Provider::Probes => vec!["base_url"],
        Provider::Vault => vec!["base_url", "paths"],
        Provider::Kubernetes => vec!["base_url", "namespaces"],
        Provider::Http => vec!["base_url", "request", "privileges"],
        Provider::Coveo => vec!["organization"],
        Provider::OAuth2Introspection => vec!["client"],
        Provider::Jwt
        | Provider::GitHub
        | Provider::GitLab
        | Provider::Slack
        | Provider::Google => vec![],
    }
}

/// The names a closed vocabulary holds, for the providers whose names
/// are exact strings: DocSpace's permissions and roles, and the vendors'
/// scope catalogues. (Coveo's, Vault's and Kubernetes' names have parts
/// and targets the loader checks; the schema leaves them to it.)
fn vocabulary(provider: Provider) -> Option<Vec<String>> {
    match provider {
        Provider::DocSpace
        | Provider::DocSpaceAccount
        | Provider::GitHub
        | Provider::GitLab
        | Provider::Slack
        | Provider::Google => {
            let mut names = provider.family().vocabulary();
            names.sort();
            (!names.is_empty()).then_some(names)
        }
        _ => None,
    }
}

/// An optional key is absent or has a value: a key written with no value
/// is an error (`spec::raw`), so no key defaults to `null`.
fn drop_null_defaults(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("default").is_some_and(serde_json::Value::is_null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Provider;

    #[test]
    fn the_provider_enum_lists_every_provider() {
        let schema: serde_json::Value = serde_json::from_str(&json()).unwrap();
        let text = schema.to_string();
        for p in Provider::ALL {
            assert!(
                text.contains(&format!("\"{}\"", p.name())),
                "{} missing from the schema",
                p.name()
            );
        }
        assert_eq!(
            schema["additionalProperties"], false,
            "unknown keys are errors, and the schema says so"
        );
        assert!(
            !text.contains("\"null\""),
            "a key written with no value is an error, and the schema says so"
        );
    }
}

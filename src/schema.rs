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
    // The loader upper-cases the method in ASCII (`plan::header`), so any
    // ASCII case of GET, POST or HEAD, and nothing else. Spelled out letter
    // by letter: editors compile a schema's patterns as ECMA-262 regular
    // expressions, which have no inline flag such as `(?i:...)`, and a
    // Unicode-aware case-insensitive match would also take `poſt` (U+017F),
    // which the loader refuses.
    set(
        schema,
        &["$defs", "RawHttpRequest", "properties", "method"],
        "pattern",
        json!("^([Gg][Ee][Tt]|[Pp][Oo][Ss][Tt]|[Hh][Ee][Aa][Dd])$"),
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

    /// Every `pattern` (and `patternProperties` key) of the schema.
    fn patterns(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("pattern", Value::String(p)) => found.push(p.clone()),
                        ("patternProperties", Value::Object(m)) => {
                            found.extend(m.keys().cloned());
                        }
                        _ => {}
                    }
                    patterns(v, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| patterns(v, found)),
            _ => {}
        }
    }

    /// Editors compile a schema's patterns as ECMA-262 regular expressions
    /// (yaml-language-server: `new RegExp(pattern, "u")`), which have no
    /// inline flags (`(?i)`, `(?i:...)`: only ES2025 engines take the
    /// second), no `\A`, `\z` or `\Z` anchors and no `(?P<name>...)`.
    /// tests/schema/editor.sh compiles each one with Node; this catches
    /// the same mistake at `cargo test`.
    #[test]
    fn every_pattern_is_an_ecma_262_regular_expression() {
        let schema: Value = serde_json::from_str(&json()).unwrap();
        let mut found = Vec::new();
        patterns(&schema, &mut found);
        assert!(found.len() > 3, "the schema's patterns were not found");
        for p in found {
            let mut rest = p.as_str();
            while let Some(at) = rest.find("(?") {
                rest = &rest[at + 2..];
                assert!(
                    rest.starts_with([':', '=', '!', '<']),
                    "`{p}` has a group ECMA-262 editors do not take"
                );
            }
            for bad in ["\\A", "\\z", "\\Z"] {
                assert!(!p.contains(bad), "`{p}` uses `{bad}`, which ECMA-262 lacks");
            }
        }
    }
}

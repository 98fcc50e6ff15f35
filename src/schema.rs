//! The JSON Schema of the spec format, generated from the raw spec types so
//! it cannot drift from what the loader accepts. Committed as
//! `spec.schema.json`; a test fails when the two differ. Editors find it
//! through `# yaml-language-server: $schema=../spec.schema.json` atop a spec.

use crate::spec::RawSpec;

/// The schema, pretty-printed, with a trailing newline.
pub(crate) fn json() -> String {
    let mut schema = schemars::schema_for!(RawSpec);
    schema.insert("title".into(), "permspec spec file".into());
    let mut value = schema.to_value();
    drop_null_defaults(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
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

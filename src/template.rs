//! `${VAR}` references in spec values such as `base_url`.
//!
//! Parsed when the spec is planned (so a malformed reference is a spec
//! error), resolved only when a request is made (so replay mode needs no
//! environment at all).

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

impl Template {
    pub(crate) fn parse(s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("`${{` without a closing `}}` in `{s}`"))?;
            let name = &after[..end];
            let valid = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if !valid {
                return Err(format!(
                    "`${{{name}}}` is not a variable reference; write `${{NAME}}` with letters, digits and '_'"
                ));
            }
            parts.push(Part::Var(name.to_owned()));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// A template with no variable.
    pub(crate) fn literal(s: &str) -> Template {
        Template {
            parts: vec![Part::Text(s.to_owned())],
        }
    }

    /// The template as the spec wrote it, `${VAR}` and all.
    pub(crate) fn written(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => {
                    out.push_str("${");
                    out.push_str(v);
                    out.push('}');
                }
            }
        }
        out
    }

    /// The text, when the template holds no variable.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Text(t)] => Some(t),
            _ => None,
        }
    }

    pub(crate) fn starts_with_variable(&self) -> bool {
        matches!(self.parts.first(), Some(Part::Var(_)))
    }

    /// Substitutes every variable, or names the first one that is unset.
    pub(crate) fn resolve(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => match lookup(v) {
                    Some(value) => out.push_str(&value),
                    None => return Err(v.clone()),
                },
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_variables_and_names_the_missing_one() {
        let t = Template::parse("https://${HOST}/x${N}").unwrap();
        let env = |k: &str| (k == "HOST").then(|| "portal.example.com".to_owned());
        assert_eq!(t.resolve(env), Err("N".to_owned()));
        let env = |k: &str| Some(k.to_lowercase());
        assert_eq!(t.resolve(env).unwrap(), "https://host/xn");
        assert!(!t.starts_with_variable());
        assert!(Template::parse("${URL}").unwrap().starts_with_variable());
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(Template::parse("https://${HOST").is_err());
        assert!(Template::parse("https://${}").is_err());
        assert!(Template::parse("https://${A-B}").is_err());
        assert_eq!(
            Template::parse("cost $5")
                .unwrap()
                .resolve(|_| None)
                .unwrap(),
            "cost $5"
        );
    }
}

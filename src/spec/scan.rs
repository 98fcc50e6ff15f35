//! A look at a spec's YAML events before it is deserialized: where each
//! token's entry is, and which scalars must never be shown.
//!
//! The regions let a wrong value fail its own token rather than the file
//! (issue 10, item 16): [`super::parse`] removes a broken token's entry and
//! parses the rest again. The masks hold every scalar written where a
//! credential's *source* belongs (`credential: sk-...`, `password: ...`) and
//! every scalar that looks like a secret, so an error that shows its line
//! shows `[REDACTED]` instead (item 11).

use crate::secret::looks_like_secret;
use serde_saphyr::granit_parser::{Event, Options, Parser};

/// One token's entry under `tokens:`, by byte offsets into the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub name: String,
    /// 1-based line and column of the name.
    pub line: u32,
    pub column: u32,
    /// From the name to the next token's name, or to the end of the value.
    pub start: usize,
    pub end: usize,
}

/// A scalar that must not be shown: its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mask {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    pub tokens: Vec<Region>,
    pub masks: Vec<Mask>,
}

/// Keys whose scalar value would be a secret written in the spec.
const SOURCE_KEYS: &[&str] = &[
    "credential",
    "caller",
    "username",
    "password",
    "id",
    "secret",
];

/// Request headers whose value is a credential (lower case); `plan`
/// refuses them in `request.headers`, and the scan masks their values.
pub(crate) const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "private-token",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-vault-token",
];

/// Whether a scalar under `key` is written where a secret would be.
fn secret_key(key: &str) -> bool {
    SOURCE_KEYS.contains(&key) || SECRET_HEADERS.contains(&key.to_ascii_lowercase().as_str())
}

enum Frame {
    /// A mapping: whether the next node is a key, the last key, and whether
    /// this is the `tokens` mapping.
    Map {
        expect_key: bool,
        key: Option<String>,
        tokens: bool,
    },
    Seq,
}

/// Scans `text`. When it is not YAML the parser can read (the deserializer
/// then reports the error), no token region is known, and the masks are
/// [`by_line`]'s: a syntax error is most often a special character in a
/// password, and its line is the one the error shows. (The events read
/// before the error are not used: the last of them may already be wrong,
/// a plain scalar running into the next line.)
pub(crate) fn scan(text: &str) -> Scan {
    events(text).unwrap_or_else(|| Scan {
        tokens: Vec::new(),
        masks: by_line(text),
    })
}

/// Masks found without the YAML parser, line by line: the rest of the line
/// after a credential-source key (`password: "Sw0rd }`), and every word
/// that looks like a secret or holds `user:password@`.
fn by_line(text: &str) -> Vec<Mask> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let lower = body.to_ascii_lowercase();
        for key in SOURCE_KEYS.iter().chain(SECRET_HEADERS) {
            let pattern = format!("{key}:");
            for (at, _) in lower.match_indices(&pattern) {
                let before = body[..at].chars().next_back();
                if before.is_some_and(|c| !matches!(c, ' ' | '\t' | '{' | ',' | '-' | '"' | '\'')) {
                    continue;
                }
                let value = at + pattern.len();
                let start = value + (body.len() - value - body[value..].trim_start().len());
                if start < body.len() {
                    out.push(Mask {
                        start: offset + start,
                        end: offset + body.len(),
                    });
                }
            }
        }
        let mut word_start = None;
        let ends = body
            .char_indices()
            .chain(std::iter::once((body.len(), ' ')));
        for (i, c) in ends {
            if !(c.is_whitespace() || "{}[],\"'".contains(c)) {
                word_start.get_or_insert(i);
                continue;
            }
            let Some(at) = word_start.take() else {
                continue;
            };
            let word = body[at..i].trim_end_matches(':');
            if looks_like_secret(word) {
                out.push(Mask {
                    start: offset + at,
                    end: offset + at + word.len(),
                });
            } else if let Some(range) = userinfo(word).filter(|_| word.contains("://")) {
                out.push(Mask {
                    start: offset + at + range.start,
                    end: offset + at + range.end,
                });
            }
        }
        offset += line.len();
    }
    out
}

/// The scan from the parser's events; `None` when the text is not YAML.
fn events(text: &str) -> Option<Scan> {
    let mut options = Options::default();
    options.emit_unresolved_aliases = true;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut out = Scan::default();
    let mut stack: Vec<Frame> = Vec::new();
    // The token whose value is being read: its region so far, and the depth
    // of the tokens mapping.
    let mut open: Option<(Region, usize)> = None;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        let (start, end) = (span.start.byte_offset()?, span.end.byte_offset()?);
        let depth = stack.len();
        // A node in a mapping is a key or a value: which, and under what key.
        let (is_key, under, in_tokens) = match stack.last() {
            Some(Frame::Map {
                expect_key,
                key,
                tokens,
            }) => (*expect_key, key.clone(), *tokens),
            _ => (false, None, false),
        };
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(..)
                | Event::UnresolvedAlias(..)
        );
        if is_node && is_key && in_tokens {
            // A new token's name: the previous token ends where it starts.
            if let Some((mut region, _)) = open.take() {
                region.end = start;
                out.tokens.push(region);
            }
            if let Event::Scalar(name, ..) = &event {
                open = Some((
                    Region {
                        name: name.to_string(),
                        line: u32::try_from(span.start.line()).unwrap_or(0),
                        column: u32::try_from(span.start.col() + 1).unwrap_or(0),
                        start,
                        end,
                    },
                    depth,
                ));
            }
        }
        if let Event::Scalar(value, ..) = &event {
            let source = !is_key && under.as_deref().is_some_and(secret_key);
            // An `env:` that is no variable's name is most likely the secret.
            let not_a_name = !is_key
                && under.as_deref() == Some("env")
                && !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if source || not_a_name || looks_like_secret(value) {
                out.masks.push(Mask { start, end });
            } else if let Some(range) = userinfo(value) {
                // `user:password@` in an address (issue 10, item 12): hide
                // that part where the source shows it, else the whole value.
                let written = text.get(start..end).unwrap_or("");
                let part = &value[range];
                out.masks.push(match written.find(part) {
                    Some(at) => Mask {
                        start: start + at,
                        end: start + at + part.len(),
                    },
                    None => Mask { start, end },
                });
            }
        }
        match event {
            Event::MappingStart(..) => {
                let tokens = depth == 1 && under.as_deref() == Some("tokens") && !is_key;
                stack.push(Frame::Map {
                    expect_key: true,
                    key: None,
                    tokens,
                });
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq);
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let closed = stack.pop();
                if let Some(Frame::Map { tokens: true, .. }) = closed
                    && let Some((mut region, _)) = open.take()
                {
                    region.end = start.max(region.end);
                    out.tokens.push(region);
                }
                if let Some((region, d)) = open.as_mut()
                    && stack.len() == *d
                {
                    region.end = end;
                }
            }
            _ => {
                if let Some((region, d)) = open.as_mut()
                    && stack.len() == *d
                {
                    region.end = end;
                }
            }
        }
        // A complete node fills a key or a value of the enclosing mapping.
        if let Some(Frame::Map {
            expect_key, key, ..
        }) = stack.last_mut()
            && (is_node || matches!(event, Event::MappingEnd | Event::SequenceEnd))
        {
            if *expect_key {
                *key = match &event {
                    Event::Scalar(k, ..) => Some(k.to_string()),
                    _ => None,
                };
            }
            *expect_key = !*expect_key;
        }
    }
    Some(out)
}

/// Where `user[:password]` may be in an address: from the scheme to the
/// last `@`. A password may hold `/`, `?` or `#` (the address then does not
/// parse at all), so the `@` is looked for in the whole text, not only in
/// the authority: an address with an `@` in its path is refused too, which
/// costs nothing for the API addresses a spec holds. Without a scheme,
/// `user:password@host` counts when what follows the `@` looks like a host,
/// so a Coveo target (`PLATFORM:SOURCE:EDIT@src-1`) does not.
pub(crate) fn userinfo(address: &str) -> Option<std::ops::Range<usize>> {
    if let Some(i) = address.find("://") {
        let from = i + 3;
        let at = address[from..].rfind('@')?;
        return Some(from..from + at);
    }
    let at = address.rfind('@')?;
    let host = &address[at + 1..];
    let hostlike = host.contains(['.', ':']) || host.starts_with("localhost");
    (at > 0 && hostlike && !host.contains(char::is_whitespace)).then_some(0..at)
}

/// `address` with any `user:password@` part shown as `[REDACTED]@`.
pub(crate) fn hide_userinfo(address: &str) -> String {
    match userinfo(address) {
        Some(range) => format!(
            "{}{}{}",
            &address[..range.start],
            crate::secret::REDACTED,
            &address[range.end..]
        ),
        None => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Scan, text: &str) -> Vec<(String, String)> {
        s.tokens
            .iter()
            .map(|r| (r.name.clone(), text[r.start..r.end].to_owned()))
            .collect()
    }

    #[test]
    fn finds_each_tokens_entry_in_block_and_flow_style() {
        let text = "provider: x\ntokens:\n  a:\n    expect:\n      exactly: files:read\n  b: {x: 1}\nmax: 3\n";
        let s = scan(text);
        assert_eq!(
            names(&s, text),
            [
                (
                    "a".to_owned(),
                    "a:\n    expect:\n      exactly: files:read\n  ".to_owned()
                ),
                ("b".to_owned(), "b: {x: 1}\n".to_owned()),
            ]
        );
        assert_eq!((s.tokens[1].line, s.tokens[1].column), (6, 3));
        let text = "tokens: {a: {x: [1, 2]}, b: {y: 2}}\n";
        let s = scan(text);
        assert_eq!(
            names(&s, text),
            [
                ("a".to_owned(), "a: {x: [1, 2]}, ".to_owned()),
                ("b".to_owned(), "b: {y: 2}".to_owned())
            ]
        );
    }

    #[test]
    fn masks_scalars_in_credential_positions_and_secret_looking_ones() {
        let text = "caller: hunter2\ntokens:\n  a:\n    credential: sk-abc\n    \
                    other: { env: KEY, password: pw1 }\n    note: ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t\n    \
                    more: { env: \"sk-0123\" }\n";
        let s = scan(text);
        let masked: Vec<&str> = s.masks.iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(
            masked,
            [
                "hunter2",
                "sk-abc",
                "pw1",
                "ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t",
                "\"sk-0123\""
            ]
        );
    }

    #[test]
    fn userinfo_in_addresses_is_masked() {
        let text = "base_url: http://admin:pw-1@127.0.0.1:8080/x\n";
        let s = scan(text);
        let masked: Vec<&str> = s.masks.iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(masked, ["admin:pw-1"]);
        // A password with `/`, `?` or `#` in it: the address does not
        // parse, and the whole part up to the last `@` is hidden.
        assert_eq!(
            userinfo("https://admin:Pa55/w0rd?x#y@portal.example.com"),
            Some(8..27)
        );
        assert_eq!(userinfo("https://h.example.com/a@b"), Some(8..23));
        assert_eq!(userinfo("https://h.example.com/a"), None);
        assert_eq!(userinfo("u:p@h.example.com"), Some(0..3));
        assert_eq!(userinfo("PLATFORM:SOURCE:EDIT@src-1"), None);
        assert_eq!(userinfo("PLATFORM:SOURCE:EDIT@"), None);
    }

    #[test]
    fn unknown_aliases_and_broken_yaml() {
        let text = "tokens:\n  a: [*:read]\n  b: {}\n";
        let s = scan(text);
        assert_eq!(s.tokens.len(), 2);
        assert!(scan("tokens: [unclosed\n").tokens.is_empty());
        // Broken YAML still hides what follows a credential key, and any
        // word that looks like a secret.
        let text = "tokens:\n  a:\n    credential: { password: \"Sw0rd }\n  b: { x: ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t\n";
        let s = scan(text);
        let masked: Vec<&str> = s.masks.iter().map(|m| &text[m.start..m.end]).collect();
        assert!(masked.contains(&"{ password: \"Sw0rd }"), "{masked:?}");
        assert!(
            masked.contains(&"ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t"),
            "{masked:?}"
        );
    }
}

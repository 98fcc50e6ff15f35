//! A credential value that never prints.
//!
//! Architecture invariant: a secret is only ever read through
//! [`Secret::expose`], and only where it is put on the wire or searched for
//! to be scrubbed. `Debug` and `Display` print `[REDACTED]`, so a secret that
//! ends up in an error, a panic message or a `dbg!` leaks nothing.

use std::fmt;

/// The text that stands in for a secret everywhere it would otherwise appear.
pub(crate) const REDACTED: &str = "[REDACTED]";

#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call sites are few and reviewed: the HTTP request
    /// builder and the scrubber.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Replaces every occurrence of every secret in `text` with `[REDACTED]`.
///
/// Longer secrets are replaced first so that a secret that contains another
/// one is removed whole. Empty secrets are ignored: replacing "" would
/// interleave the marker between every character.
pub(crate) fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut values: Vec<&str> = secrets
        .iter()
        .map(|s| s.expose())
        .filter(|s| !s.is_empty())
        .collect();
    values.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_owned();
    for value in values {
        if out.contains(value) {
            out = out.replace(value, REDACTED);
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), for `Authorization: Basic`.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }

    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("sk-canary");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), "Some([REDACTED])");
    }

    #[test]
    fn scrub_removes_every_occurrence_longest_first() {
        let a = Secret::new("abc");
        let b = Secret::new("abcdef");
        let empty = Secret::new("");
        let out = scrub("x abcdef y abc z", &[&a, &b, &empty]);
        assert_eq!(out, "x [REDACTED] y [REDACTED] z");
    }
}

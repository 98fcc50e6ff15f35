//! A credential value that never prints, and the scrubbing of everything
//! that leaves permspec.
//!
//! Architecture invariant: a secret is only ever read through
//! [`Secret::expose`], and only where it is put on the wire or searched for
//! to be scrubbed. `Debug` and `Display` print `[REDACTED]`, so a secret that
//! ends up in an error, a panic message or a `dbg!` leaks nothing.
//!
//! What counts as a secret: tokens, keys, passwords, client secrets, the
//! Basic value built from them, and what an exchange hands out (a session
//! token, a signature). User names and client ids are identifiers, not
//! secrets: scrubbing them would rewrite evidence (a client called `admin`
//! turned the scope `admin:org` into `[REDACTED]:org`; issue 10, item 8).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
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

/// Every form in which a set of secrets may appear in a text, and the
/// replacement of each by `[REDACTED]`.
///
/// The forms are the secret as sent and as a server, a proxy or a log may
/// echo it (issue 10, item 10): percent-encoded as a form body or a query
/// string (`+` or `%20` for a space, upper- or lower-case hex), escaped as
/// a JSON string (`\"`, `\/`, `\u00e9`), base64 (standard and URL-safe,
/// padded or not: Basic's value; and inside the base64 of a longer text,
/// at each of the three alignments), hex, upper- and lower-cased, with its
/// own escapes decoded, and as permspec escapes it for display. Whatever no
/// form catches, the decoded check does: a text that still holds a secret
/// once percent-decoded and JSON-unescaped is replaced whole.
///
/// A few dozen forms (one case's secrets) are searched one by one, longest
/// first, which costs nothing to prepare; a run's scrubber holds every form
/// of every secret of thousands of cases, and searches them all at once
/// (Aho-Corasick, leftmost-longest, compiled once when first used), so
/// scrubbing a text is one pass over it, not one per form.
#[derive(Clone, Default)]
pub(crate) struct Scrubber {
    needles: Vec<String>,
    /// The secrets themselves, for the decoded check.
    plain: Vec<String>,
    seen: std::collections::HashSet<String>,
    /// How the forms are searched, prepared when first used.
    matcher: std::sync::OnceLock<Matcher>,
}

/// Up to this many forms are searched one by one.
const FEW_FORMS: usize = 128;

#[derive(Clone)]
enum Matcher {
    /// `needles` (sorted longest first while they are few), and the length
    /// of the shortest: a shorter text holds none of them, decoded or not
    /// (decoding never lengthens a text).
    Few(usize),
    /// The forms, and the plain secrets, compiled.
    Many(AhoCorasick, AhoCorasick),
    /// The automaton could not be built (it is bounded by memory): hide all.
    Unusable,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scrubber({} forms)", self.needles.len())
    }
}

impl Scrubber {
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Scrubber {
        let mut scrubber = Scrubber::default();
        scrubber.extend(secrets);
        scrubber
    }

    pub(crate) fn extend<'a>(&mut self, secrets: impl IntoIterator<Item = &'a Secret>) {
        for s in secrets {
            let value = s.expose();
            if value.is_empty() || !self.seen.insert(value.to_owned()) {
                continue;
            }
            self.plain.push(value.to_owned());
            self.needles.extend(encodings(value));
        }
        self.settle();
    }

    /// Adds another scrubber's secrets, with the forms it already made.
    /// Only the secrets new here are added, with their forms; a run's
    /// scrubber absorbs every request's, which share most of theirs.
    pub(crate) fn absorb(&mut self, other: &Scrubber) {
        let new: Vec<&String> = other
            .plain
            .iter()
            .filter(|v| !self.seen.contains(*v))
            .collect();
        if new.is_empty() {
            return;
        }
        if new.len() == other.plain.len() {
            // Every secret is new here: the other's forms are theirs, made.
            self.needles.extend(other.needles.iter().cloned());
        } else {
            for value in &new {
                self.needles.extend(encodings(value));
            }
        }
        for value in new {
            self.seen.insert(value.clone());
            self.plain.push(value.clone());
        }
        self.settle();
    }

    /// After new forms: few are kept longest first (so a longer form is
    /// replaced before a shorter one inside it), many are compiled when
    /// first used.
    fn settle(&mut self) {
        if self.needles.len() <= FEW_FORMS {
            self.needles
                .sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            self.needles.dedup();
        }
        self.matcher = std::sync::OnceLock::new();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.plain.is_empty()
    }

    fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            if self.needles.len() <= FEW_FORMS {
                return Matcher::Few(self.needles.last().map_or(0, String::len));
            }
            let build = |patterns: &[String]| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(patterns)
                    .ok()
            };
            match (build(&self.needles), build(&self.plain)) {
                (Some(forms), Some(plain)) => Matcher::Many(forms, plain),
                _ => Matcher::Unusable,
            }
        })
    }

    /// `text` with every form of every secret replaced by `[REDACTED]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.plain.is_empty() {
            return text.to_owned();
        }
        let out = match self.matcher() {
            Matcher::Few(shortest) if text.len() < *shortest => return text.to_owned(),
            Matcher::Few(_) => {
                let mut out = text.to_owned();
                for form in &self.needles {
                    if out.contains(form.as_str()) {
                        out = out.replace(form.as_str(), REDACTED);
                    }
                }
                out
            }
            Matcher::Many(forms, _) => {
                let mut out = String::with_capacity(text.len());
                forms.replace_all_with(text, &mut out, |_, _, dst| {
                    dst.push_str(REDACTED);
                    true
                });
                out
            }
            Matcher::Unusable => return REDACTED.to_owned(),
        };
        if self.hidden_in(&out) {
            return format!(
                "{REDACTED} (this text held a credential in an encoding permspec does not \
                 remove piece by piece, so none of it is shown)"
            );
        }
        out
    }

    /// Whether any form of any secret is in `text`, or a secret is once
    /// `text` is decoded.
    pub(crate) fn found_in(&self, text: &str) -> bool {
        if self.plain.is_empty() {
            return false;
        }
        let any = match self.matcher() {
            Matcher::Few(shortest) if text.len() < *shortest => return false,
            Matcher::Few(_) => self.needles.iter().any(|f| text.contains(f.as_str())),
            Matcher::Many(forms, _) => forms.is_match(text),
            Matcher::Unusable => true,
        };
        any || self.hidden_in(text)
    }

    /// Whether a secret appears in `text` once it is percent-decoded and
    /// JSON-unescaped.
    fn hidden_in(&self, text: &str) -> bool {
        if !text.contains(['%', '\\', '+']) {
            return false;
        }
        let decoded = json_unescape(&percent_decode(text));
        match self.matcher() {
            Matcher::Many(_, plain) => plain.is_match(&decoded),
            _ => self.plain.iter().any(|p| decoded.contains(p.as_str())),
        }
    }
}

/// The forms of one secret; see [`Scrubber`]. Kept short: a scrubber of one
/// request searches them one by one.
fn encodings(value: &str) -> Vec<String> {
    let bytes = value.as_bytes();
    let mut out = vec![value.to_owned()];
    for upper in [true, false] {
        out.push(percent_encode(value, true, upper));
        out.push(percent_encode(value, false, upper));
        out.push(hex(bytes, upper));
    }
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.trim_matches('"');
    out.push(json.to_owned());
    out.push(json.replace('/', "\\/"));
    out.push(json_ascii(value));
    let standard = base64(bytes);
    let url_safe = standard.replace('+', "-").replace('/', "_");
    for b in [standard, url_safe] {
        out.push(b.trim_end_matches('=').to_owned());
        out.push(b);
    }
    // Base64 of a longer text that holds the secret: at each of the three
    // alignments, the characters made of the secret's bits alone (the ones
    // at either end mix in the neighbouring bytes).
    for lead in 0..3usize {
        let mut shifted = vec![0u8; lead];
        shifted.extend_from_slice(bytes);
        let encoded = base64(&shifted);
        let (from, to) = ((8 * lead).div_ceil(6), 8 * (lead + bytes.len()) / 6);
        if let Some(fragment) = encoded.get(from..to).filter(|f| f.len() >= MIN_FRAGMENT) {
            out.push(fragment.replace('+', "-").replace('/', "_"));
            out.push(fragment.to_owned());
        }
    }
    // An echo that changed the case, or read the secret's own escapes
    // (`\n`, `%41`) as a JSON or URL decoder would.
    out.push(value.to_ascii_uppercase());
    out.push(value.to_ascii_lowercase());
    out.push(json_unescape(value));
    out.push(percent_decode(value));
    // As permspec itself shows it: a control or direction character
    // escaped (`\u{1b}`), for the last pass over rendered text.
    out.push(crate::escape::text(value).into_owned());
    out.push(crate::escape::lines(value));
    // A secret that is a JSON number (`123E45`), as serde_json keeps a
    // number an answer echoes: its exponent written `e+45`.
    if value.bytes().any(|b| matches!(b, b'e' | b'E'))
        && let Ok(serde_json::Value::Number(n)) = serde_json::from_str(value)
    {
        out.push(n.to_string());
    }
    out.retain(|n| !n.is_empty());
    out.sort_unstable();
    out.dedup();
    out
}

/// A base64 fragment shorter than this is not searched: it would hide
/// ordinary text, and holds at most four bytes of the secret.
const MIN_FRAGMENT: usize = 6;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, b: u8, upper: bool) {
    let digits = if upper { HEX_UPPER } else { HEX_LOWER };
    out.push(char::from(digits[usize::from(b >> 4)]));
    out.push(char::from(digits[usize::from(b & 15)]));
}

/// `application/x-www-form-urlencoded` (`form`: a space is `+`, and `*`
/// stays) or a URI component (`%20`, and `~` stays).
fn percent_encode(s: &str, form: bool, upper: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        let plain = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_')
            || (form && b == b'*')
            || (!form && b == b'~');
        if plain {
            out.push(char::from(b));
        } else if form && b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            push_hex(&mut out, b, upper);
        }
    }
    out
}

/// The form encoding a request body uses (`client_secret_post`, `token=`).
pub(crate) fn form_encode(s: &str) -> String {
    percent_encode(s, true, true)
}

fn hex(bytes: &[u8], upper: bool) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        push_hex(&mut out, *b, upper);
    }
    out
}

/// A JSON string body with every non-ASCII character as `\uXXXX`.
fn json_ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_at = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
        match bytes[i] {
            b'%' => match (hex_at(i + 1), hex_at(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending: Option<u16> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let code: String = chars.by_ref().take(4).collect();
                let Ok(unit) = u16::from_str_radix(&code, 16) else {
                    out.push_str("\\u");
                    out.push_str(&code);
                    continue;
                };
                match pending.take() {
                    Some(high) => out.extend(char::decode_utf16([high, unit]).flatten()),
                    None if (0xD800..0xDC00).contains(&unit) => pending = Some(unit),
                    None => out.extend(char::from_u32(u32::from(unit))),
                }
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
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

/// Whether a value written in a spec looks like a credential rather than a
/// name, a path or an address: a known token format (DocSpace `sk-`, GitHub
/// `ghp_`, GitLab `glpat-`, Slack `xox?-`, Stripe `sk_live_`, Vault `hvs.`,
/// AWS `AKIA`, Google `ya29.`, a JWT, a Coveo `xx` + UUID key), a long hex
/// string, or a long run mixing upper case, lower case and digits. Names in
/// specs are short, `UPPER_SNAKE`, or contain `:`, `/` or spaces.
pub(crate) fn looks_like_secret(value: &str) -> bool {
    let s = value.trim();
    if s.len() < 12 || s.contains(char::is_whitespace) || s.contains("://") {
        return false;
    }
    if looks_like_token(s) {
        return true;
    }
    if s.len() >= 32 && s.chars().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    s.len() >= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '='))
        && s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars().any(|c| c.is_ascii_lowercase())
        && s.chars().any(|c| c.is_ascii_digit())
}

/// Whether a word has the shape of a vendor's token (a known prefix, a
/// JWT, a Coveo key): a strong sign, unlike a long run of letters and
/// digits, which a hash or an id may be. Used on answers, where ids abound.
pub(crate) fn looks_like_token(word: &str) -> bool {
    let s = word.trim();
    if s.len() < 12 {
        return false;
    }
    const PREFIXES: &[&str] = &[
        "sk-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "rk_test_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "gldt-",
        "glptt-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxs-",
        "xapp-",
        "hvs.",
        "hvb.",
        "hvr.",
        "ya29.",
        "AKIA",
        "ASIA",
        "AIza",
    ];
    let token_chars = |t: &str| {
        t.len() >= 8
            && t.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
            })
    };
    if PREFIXES
        .iter()
        .any(|p| s.strip_prefix(p).is_some_and(token_chars))
    {
        return true;
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ") {
        return true;
    }
    s.len() == 38 && s.starts_with("xx") && is_uuid(&s[2..])
}

/// The words of `text` that have a vendor token's shape
/// ([`looks_like_token`]): split on anything a token does not hold.
pub(crate) fn token_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '='))
    })
    .filter(|w| looks_like_token(w))
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("sk-canary");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), "Some([REDACTED])");
        let scrubber = Scrubber::new([&s]);
        assert!(!format!("{scrubber:?}").contains("canary"));
    }

    #[test]
    fn scrub_removes_every_occurrence_longest_first() {
        let a = Secret::new("abc");
        let b = Secret::new("abcdef");
        let empty = Secret::new("");
        let out = Scrubber::new([&a, &b, &empty]).scrub("x abcdef y abc z");
        assert_eq!(out, "x [REDACTED] y [REDACTED] z");
    }

    /// Issue 10, item 10: every wire encoding.
    #[test]
    fn scrub_removes_every_wire_encoding() {
        let secret = Secret::new("s3cr/et é+\"x\"~*");
        let scrubber = Scrubber::new([&secret]);
        let forms = [
            "s3cr/et é+\"x\"~*".to_owned(),
            "s3cr%2Fet+%C3%A9%2B%22x%22%7E*".to_owned(),
            "s3cr%2fet+%c3%a9%2b%22x%22%7e*".to_owned(),
            "s3cr%2Fet%20%C3%A9%2B%22x%22~%2A".to_owned(),
            "s3cr/et é+\\\"x\\\"~*".to_owned(),
            "s3cr\\/et é+\\\"x\\\"~*".to_owned(),
            "s3cr/et \\u00e9+\\\"x\\\"~*".to_owned(),
            base64(secret.expose().as_bytes()),
            base64(secret.expose().as_bytes())
                .replace('+', "-")
                .replace('/', "_"),
            hex(secret.expose().as_bytes(), false),
            hex(secret.expose().as_bytes(), true),
            // Mixed-case hex no single form has: the decoded check.
            "s3cr%2fet+%C3%a9%2B%22x%22%7e*".to_owned(),
            // Every character escaped.
            secret
                .expose()
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>(),
        ];
        for form in forms {
            let text = format!("before {form} after");
            let out = scrubber.scrub(&text);
            assert!(scrubber.found_in(&text), "{form}");
            assert!(!out.contains(&form), "{form} -> {out}");
            assert!(out.contains(REDACTED), "{out}");
        }
        assert_eq!(scrubber.scrub("nothing here 100%"), "nothing here 100%");
    }

    /// Base64 of a text that holds the secret anywhere, and echoes that
    /// changed its case or decoded its escapes.
    #[test]
    fn scrub_finds_a_secret_inside_base64_at_any_alignment() {
        let secret = Secret::new("s3cret-value/with+chars\\n");
        let scrubber = Scrubber::new([&secret]);
        for prefix in ["", "k", "k=", "key", "key="] {
            for suffix in ["", "&x", "&x=1"] {
                let text = format!("{prefix}{}{suffix}", secret.expose());
                for encoded in [
                    base64(text.as_bytes()),
                    base64(text.as_bytes()).replace('+', "-").replace('/', "_"),
                ] {
                    let out = scrubber.scrub(&encoded);
                    assert!(
                        out.contains(REDACTED),
                        "{prefix}|{suffix}: {encoded} -> {out}"
                    );
                    // What is left is the few characters at the edges.
                    assert!(out.len() <= REDACTED.len() + 16, "{out}");
                }
            }
        }
        // As permspec escapes it for display.
        let control = Secret::new("Pa\u{1b}ssw0rdLong");
        let shown = crate::escape::text(control.expose());
        assert_eq!(
            Scrubber::new([&control]).scrub(&format!("x {shown} y")),
            "x [REDACTED] y"
        );
        for echo in [
            "S3CRET-VALUE/WITH+CHARS\\N".to_owned(),
            "s3cret-value/with+chars\n".to_owned(),
        ] {
            assert_eq!(scrubber.scrub(&echo), REDACTED, "{echo:?}");
        }
    }

    /// A text shorter than every form is skipped unsearched; one exactly as
    /// long as the shortest form, or as the secret, is still searched.
    #[test]
    fn texts_as_long_as_a_form_are_searched() {
        let secret = Secret::new("k/y");
        let scrubber = Scrubber::new([&secret]);
        let shortest = encodings("k/y").into_iter().min_by_key(String::len);
        let shortest = shortest.unwrap();
        assert_eq!(shortest.len(), 3, "{shortest}");
        let b64 = base64(b"k/y");
        for text in ["k/y", "k%2fy", b64.as_str(), "6b2f79"] {
            assert_eq!(scrubber.scrub(text), REDACTED, "{text}");
            assert!(scrubber.found_in(text), "{text}");
        }
        for text in ["k/", "", "k/Y"] {
            assert_eq!(scrubber.scrub(text), text);
            assert!(!scrubber.found_in(text), "{text}");
        }
    }

    /// A run's scrubber absorbs each request's: a secret two of them share
    /// adds its forms once (review: 55,829 forms for 18,019 distinct).
    #[test]
    fn absorbing_adds_each_secret_once() {
        let secrets: Vec<Secret> = (0..12)
            .map(|i| Secret::new(format!("shared-secret/{i:02}+x")))
            .collect();
        let mut run = Scrubber::default();
        run.absorb(&Scrubber::new(&secrets[..8]));
        run.absorb(&Scrubber::new(&secrets[4..]));
        let whole = Scrubber::new(&secrets);
        assert!(whole.needles.len() > FEW_FORMS);
        // The same forms (a few-form scrubber keeps a form two of its
        // secrets share once), each secret's made once.
        let set = |s: &Scrubber| s.needles.iter().cloned().collect::<BTreeSet<_>>();
        assert_eq!(set(&run), set(&whole));
        assert!(run.needles.len() <= whole.needles.len());
        assert_eq!(run.plain.len(), 12);
        // A scrubber whose secrets are all new lends its forms; one that
        // shares some adds the forms of the others only.
        let mut lent = Scrubber::default();
        lent.absorb(&Scrubber::new(&secrets[..2]));
        assert_eq!(set(&lent), set(&Scrubber::new(&secrets[..2])));
        lent.absorb(&Scrubber::new(&secrets[1..3]));
        assert_eq!(set(&lent), set(&Scrubber::new(&secrets[..3])));
        assert_eq!(
            lent.plain,
            [&secrets[0], &secrets[1], &secrets[2]].map(|s| s.expose().to_owned())
        );
        for (i, s) in secrets[..3].iter().enumerate() {
            let text = format!("echo {} and {i}", s.expose());
            assert_eq!(lent.scrub(&text), format!("echo {REDACTED} and {i}"));
        }
    }

    /// A request's scrubber made before the answer came, then given the
    /// secrets the exchange handed out, scrubs as one made of all of them.
    #[test]
    fn extending_scrubs_like_making_with_everything() {
        let sent: Vec<Secret> = (0..2).map(|i| Secret::new(format!("sent/{i}+k"))).collect();
        for found in [1, 6] {
            let found: Vec<Secret> = (0..found)
                .map(|i| Secret::new(format!("found/{i}%s")))
                .collect();
            let mut later = Scrubber::new(&sent);
            later.extend(&found);
            let whole = Scrubber::new(sent.iter().chain(&found));
            let set = |s: &Scrubber| s.needles.iter().cloned().collect::<BTreeSet<_>>();
            assert_eq!(set(&later), set(&whole));
            assert_eq!(later.plain, whole.plain);
            for s in sent.iter().chain(&found) {
                for form in encodings(s.expose()) {
                    let text = format!("[{form}] sent/0+k");
                    assert_eq!(later.scrub(&text), whole.scrub(&text), "{form}");
                }
            }
        }
    }

    /// A run's scrubber (hundreds of forms) searches them all at once,
    /// with the same answers.
    #[test]
    fn many_secrets_scrub_like_few() {
        let secrets: Vec<Secret> = (0..40)
            .map(|i| Secret::new(format!("run-secret/{i:02}+x")))
            .collect();
        let many = Scrubber::new(&secrets);
        assert!(many.needles.len() > FEW_FORMS);
        for (i, s) in secrets.iter().enumerate() {
            let few = Scrubber::new([s]);
            for form in encodings(s.expose()) {
                let text = format!("<{form}> and run-secret/{i:02}");
                assert_eq!(many.scrub(&text), few.scrub(&text), "{form}");
                assert!(many.found_in(&text) && !many.scrub(&text).contains(&form));
            }
        }
        assert_eq!(many.scrub("nothing"), "nothing");
        assert!(!many.found_in("run-secret/99"));
    }

    #[test]
    fn secrets_are_told_from_names() {
        for secret in [
            "sk-f00dfeed1234567890abcdef1234567890abcdef1234567890abcdef12345678",
            "ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t",
            "glpat-abcdefghij1234567890",
            "xoxb-1234-5678-abcdefghij",
            "xx5f0c2e1a-9b8c-4d7e-8f6a-5b4c3d2e1f0a",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln",
            "0123456789abcdef0123456789abcdef",
            "aZ3kQ9vX2mN8pL5rT7wY1uB4cD6eF0gH",
            "hvs.CAESIJlU9JMYEhOPYv4KMtDwB",
        ] {
            assert!(looks_like_secret(secret), "{secret}");
        }
        for name in [
            "DOCSPACE_CI_UPLOADER_KEY",
            "DocspaceCiUploaderKey2026",
            "files:read",
            "PLATFORM:SOURCE:EDIT@mycoveocloudv2organizationg8tp8wu3-vx3abcxyz7k2",
            "mycoveocloudv2organizationg8tp8wu3",
            "https://portal.example.com/api/2.0/keys/@self",
            "/run/secrets/docspace-key",
            "0a4e6c1e-3b1f-4c52-9d0e-6f2b7a1c9e01",
            "Public search page; queries and sends analytics",
            "2022-11-28",
        ] {
            assert!(!looks_like_secret(name), "{name}");
        }
    }
}

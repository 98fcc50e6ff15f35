//! A second reader for the plain YAML most specs are written in: it builds
//! the raw types straight from YAML events, where serde-saphyr's
//! deserializer spends half of planning (BENCHMARKS.md, issue 15). The
//! events come from the subset's own scanner ([`super::events`]) when it
//! takes the file, and from granit-parser (serde-saphyr's parser) when not.
//!
//! It is an accelerator, never a judge. It reads only a subset whose
//! meaning cannot depend on YAML's type resolution, and answers `None` for
//! anything else, or for anything wrong, so that serde-saphyr reads it and
//! says why: one document of mappings and sequences, with no tag, anchor,
//! alias, merge key, directive, block scalar, duplicate or unknown key;
//! scalars quoted, or plain ones that can only be strings (a plain word
//! YAML could read as a null, a boolean or a number falls back: `null`,
//! `~`, `yes`, `off`, `.inf`, `30d`, `2027-01-01`, ...); numbers only as
//! plain digits, booleans only as `true` and `false`.
//!
//! The invariant, checked by `readers_agree` in the fuzz target
//! `spec_readers` and over every spec and corpus input in the repository:
//! when this reader returns a spec, serde-saphyr returns the same one,
//! positions included. A reader that disagreed would be a second meaning
//! for the same file, and a gate must have one.

#[cfg(any(test, feature = "fuzzing"))]
use super::events::Events;
use super::raw::{
    Pasted, Pos, RawClient, RawCredential, RawCredentialMap, RawExpect, RawHttpRequest,
    RawPrivilege, RawPrivilegeMap, RawPrivilegeSource, RawProbe, RawProbes, RawRefusedWhen,
    RawSource, RawSourceMap, RawSpec, RawToken, Spanned, TokenMap,
};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StrInput};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// More events than this and the file is left to serde-saphyr, whose
/// budget (1,000,000 events, 250,000 nodes) then decides.
pub(super) const MAX_EVENTS: usize = 100_000;

/// The spec, when `text` is in the subset and right; `None` otherwise.
pub(super) fn read(text: &str) -> Option<RawSpec> {
    let source = match super::events::scan(text) {
        Some(events) => Source::Own(events.into_iter()),
        None => Source::Granit(Box::new(Parser::new_from_str(text))),
    };
    let mut r = Reader {
        source,
        peeked: None,
        events: 0,
    };
    r.expect(|e| matches!(e, Event::StreamStart))?;
    r.expect(|e| matches!(e, Event::DocumentStart(_, None)))?;
    let spec = r.spec()?;
    r.expect(|e| matches!(e, Event::DocumentEnd))?;
    r.expect(|e| matches!(e, Event::StreamEnd))?;
    // Nothing after the end (the parser is fused), and no error.
    match r.source.next() {
        None => Some(spec),
        Some(_) => None,
    }
}

/// Where the events come from: the subset's own scanner, or granit-parser
/// for a file it does not take.
enum Source<'a> {
    Own(std::vec::IntoIter<(Event<'a>, Pos)>),
    Granit(Box<Parser<'a, StrInput<'a>>>),
}

impl<'a> Source<'a> {
    /// The next event, `Some(None)` for an error.
    fn next(&mut self) -> Option<Option<(Event<'a>, Pos)>> {
        match self {
            Source::Own(events) => events.next().map(Some),
            Source::Granit(parser) => parser
                .next()
                .map(|r| r.ok().map(|(event, span)| (event, pos(&span)))),
        }
    }
}

/// granit-parser's events for `text` with their positions, up to its first
/// error (`Err` with the events before it).
#[cfg(any(test, feature = "fuzzing"))]
pub(super) fn granit_events(text: &str) -> Result<Events<'_>, Events<'_>> {
    let mut source = Source::Granit(Box::new(Parser::new_from_str(text)));
    let mut events = Vec::new();
    while let Some(event) = source.next() {
        match event {
            Some(event) => events.push(event),
            None => return Err(events),
        }
    }
    Ok(events)
}

struct Reader<'a> {
    source: Source<'a>,
    peeked: Option<(Event<'a>, Pos)>,
    events: usize,
}

/// A slot for a key's value: a second occurrence is a duplicate, which
/// serde-saphyr must report.
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

/// Whether a plain scalar can only be the string it spells. Conservative
/// on purpose: a word this refuses is read by serde-saphyr instead.
fn plain_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "nan", "infinity",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() {
        return duration_like(s);
    }
    !(matches!(first, '+' | '-' | '.') || WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)))
}

/// `90d`, `12h`, `1w`: a non-zero number and then letters only, which no
/// YAML schema reads as a number (hex `0x1f`, octal `0o7` and binary `0b1`
/// start with a zero; an exponent needs a digit after the `e`). Every
/// other scalar starting with a digit goes to serde-saphyr.
fn duration_like(s: &str) -> bool {
    let letters = s.trim_start_matches(|c: char| c.is_ascii_digit());
    !s.starts_with('0')
        && letters.len() < s.len()
        && !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_alphabetic())
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).ok().unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).ok().unwrap_or(u32::MAX),
    }
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<(Event<'a>, Pos)> {
        if let Some(event) = self.peeked.take() {
            return Some(event);
        }
        self.events += 1;
        if self.events > MAX_EVENTS {
            return None;
        }
        self.source.next()?
    }

    fn peek(&mut self) -> Option<&Event<'a>> {
        if self.peeked.is_none() {
            self.peeked = Some(self.next()?);
        }
        self.peeked.as_ref().map(|(e, _)| e)
    }

    fn expect(&mut self, is: impl Fn(&Event<'a>) -> bool) -> Option<()> {
        let (event, _) = self.next()?;
        is(&event).then_some(())
    }

    /// A scalar with no anchor or tag, quoted or plain.
    fn scalar(&mut self) -> Option<(Cow<'a, str>, bool, Pos)> {
        match self.next()? {
            (Event::Scalar(value, style, 0, None), at) => match style {
                ScalarStyle::Plain => Some((value, true, at)),
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Some((value, false, at)),
                _ => None,
            },
            _ => None,
        }
    }

    fn string(&mut self) -> Option<Spanned<String>> {
        let (value, plain, pos) = self.scalar()?;
        (!plain || plain_string(&value)).then(|| Spanned {
            value: value.into_owned(),
            pos,
        })
    }

    fn text(&mut self) -> Option<String> {
        self.string().map(|s| s.value)
    }

    fn number(&mut self) -> Option<Spanned<u16>> {
        let (value, plain, pos) = self.scalar()?;
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        if !plain || !digits || (value.len() > 1 && value.starts_with('0')) {
            return None;
        }
        Some(Spanned {
            value: value.parse().ok()?,
            pos,
        })
    }

    fn boolean(&mut self) -> Option<Spanned<bool>> {
        let (value, plain, pos) = self.scalar()?;
        let value = match (plain, value.as_ref()) {
            (true, "true") => true,
            (true, "false") => false,
            _ => return None,
        };
        Some(Spanned { value, pos })
    }

    /// A mapping with no anchor or tag: `entry` reads each value after its
    /// key (and answers `None` for a key it does not know). Returns the
    /// mapping's position.
    fn map(&mut self, mut entry: impl FnMut(&mut Self, &str, Pos) -> Option<()>) -> Option<Pos> {
        let at = match self.next()? {
            (Event::MappingStart(_, 0, None), at) => at,
            _ => return None,
        };
        loop {
            if matches!(self.peek()?, Event::MappingEnd) {
                self.next()?;
                return Some(at);
            }
            let (key, plain, key_at) = self.scalar()?;
            if key == "<<" || (plain && !plain_string(&key)) {
                return None;
            }
            entry(self, &key, key_at)?;
        }
    }

    /// A sequence with no anchor or tag, each item read by `item`.
    fn seq<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Spanned<Vec<T>>> {
        let pos = match self.next()? {
            (Event::SequenceStart(_, 0, None), at) => at,
            _ => return None,
        };
        let mut value = Vec::new();
        loop {
            if matches!(self.peek()?, Event::SequenceEnd) {
                self.next()?;
                return Some(Spanned { value, pos });
            }
            value.push(item(self)?);
        }
    }

    fn strings(&mut self) -> Option<Spanned<Vec<Spanned<String>>>> {
        self.seq(Self::string)
    }

    fn numbers(&mut self) -> Option<Spanned<Vec<Spanned<u16>>>> {
        self.seq(Self::number)
    }

    fn spec(&mut self) -> Option<RawSpec> {
        let (mut provider, mut base_url, mut organization, mut region) = (None, None, None, None);
        let (mut caller, mut introspection_url, mut discovery, mut client) =
            (None, None, None, None);
        let (mut scopes, mut claims, mut request, mut privileges) = (None, None, None, None);
        let (mut namespace, mut paths, mut namespaces) = (None, None, None);
        let (mut max_fixture_age, mut ca_file, mut extra_privileges) = (None, None, None);
        let (mut denied_statuses, mut refused_when, mut tokens) = (None, None, None);
        let mut vocabulary = None;
        self.map(|r, key, _| match key {
            "provider" => set(&mut provider, r.string()?),
            "base_url" => set(&mut base_url, r.string()?),
            "organization" => set(&mut organization, r.string()?),
            "region" => set(&mut region, r.string()?),
            "caller" => set(&mut caller, r.credential()?),
            "introspection_url" => set(&mut introspection_url, r.string()?),
            "discovery" => set(&mut discovery, r.string()?),
            "client" => set(&mut client, r.client()?),
            "scopes" => set(&mut scopes, r.string()?),
            "claims" => set(&mut claims, r.strings()?),
            "request" => set(&mut request, r.request()?),
            "privileges" => set(&mut privileges, r.privilege_source()?),
            "namespace" => set(&mut namespace, r.string()?),
            "paths" => set(&mut paths, r.strings()?),
            "namespaces" => set(&mut namespaces, r.strings()?),
            "max_fixture_age" => set(&mut max_fixture_age, r.string()?),
            "ca_file" => set(&mut ca_file, r.string()?),
            "extra_privileges" => set(&mut extra_privileges, r.strings()?),
            "denied_statuses" => set(&mut denied_statuses, r.numbers()?),
            "refused_when" => set(&mut refused_when, r.refused_when()?),
            "vocabulary" => set(&mut vocabulary, r.strings()?),
            "tokens" => set(&mut tokens, r.tokens()?),
            _ => None,
        })?;
        Some(RawSpec {
            provider: provider?,
            base_url,
            organization,
            region,
            caller,
            introspection_url,
            discovery,
            client,
            scopes,
            claims,
            request,
            privileges,
            namespace,
            paths,
            namespaces,
            max_fixture_age,
            ca_file,
            extra_privileges,
            denied_statuses,
            vocabulary,
            refused_when,
            tokens: tokens?,
        })
    }

    fn refused_when(&mut self) -> Option<Spanned<RawRefusedWhen>> {
        let (mut json, mut reason, mut denied) = (None, None, None);
        let pos = self.map(|r, key, _| match key {
            "json" => set(&mut json, r.string()?),
            "reason" => set(&mut reason, r.string()?),
            "denied" => set(&mut denied, r.strings()?),
            _ => None,
        })?;
        let value = RawRefusedWhen {
            json: json?,
            reason,
            denied,
        };
        Some(Spanned { value, pos })
    }

    fn client(&mut self) -> Option<Spanned<RawClient>> {
        let (mut id, mut secret, mut auth_method) = (None, None, None);
        let pos = self.map(|r, key, _| match key {
            "id" => set(&mut id, r.source()?),
            "secret" => set(&mut secret, r.source()?),
            "auth_method" => set(&mut auth_method, r.string()?),
            _ => None,
        })?;
        let value = RawClient {
            id: id?,
            secret: secret?,
            auth_method,
        };
        Some(Spanned { value, pos })
    }

    fn request(&mut self) -> Option<Spanned<RawHttpRequest>> {
        let (mut method, mut path, mut headers, mut token_query) = (None, None, None, None);
        let pos = self.map(|r, key, _| match key {
            "method" => set(&mut method, r.string()?),
            "path" => set(&mut path, r.string()?),
            "headers" => set(&mut headers, r.headers()?),
            "token_query" => set(&mut token_query, r.string()?),
            _ => None,
        })?;
        let value = RawHttpRequest {
            method,
            path: path?,
            headers,
            token_query,
        };
        Some(Spanned { value, pos })
    }

    fn headers(&mut self) -> Option<BTreeMap<String, String>> {
        let mut headers = BTreeMap::new();
        self.map(|r, key, _| {
            let value = r.text()?;
            headers
                .insert(key.to_owned(), value)
                .is_none()
                .then_some(())
        })?;
        Some(headers)
    }

    fn privilege_source(&mut self) -> Option<Spanned<RawPrivilegeSource>> {
        let (mut header, mut json, mut field) = (None, None, None);
        let pos = self.map(|r, key, _| match key {
            "header" => set(&mut header, r.string()?),
            "json" => set(&mut json, r.string()?),
            "field" => set(&mut field, r.string()?),
            _ => None,
        })?;
        let value = RawPrivilegeSource {
            header,
            json,
            field,
        };
        Some(Spanned { value, pos })
    }

    fn tokens(&mut self) -> Option<Spanned<TokenMap>> {
        let mut tokens: Vec<(Spanned<String>, Spanned<RawToken>)> = Vec::new();
        let pos = self.map(|r, key, key_at| {
            let name = Spanned {
                value: key.to_owned(),
                pos: key_at,
            };
            tokens.push((name, r.token()?));
            Some(())
        })?;
        // A name written twice is serde-saphyr's to report. Sorted, not a
        // scan per token: a file of many tokens stays linear-logarithmic.
        let mut names: Vec<&str> = tokens.iter().map(|(n, _)| n.value.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        Some(Spanned {
            value: TokenMap(tokens),
            pos,
        })
    }

    fn token(&mut self) -> Option<Spanned<RawToken>> {
        let (mut description, mut credential, mut expect, mut probes) = (None, None, None, None);
        let pos = self.map(|r, key, _| match key {
            "description" => set(&mut description, r.text()?),
            "credential" => set(&mut credential, r.credential()?),
            "expect" => set(&mut expect, r.expect_rules()?),
            "probes" => set(&mut probes, r.probes()?),
            _ => None,
        })?;
        let value = RawToken {
            description,
            credential,
            expect,
            probes,
        };
        Some(Spanned { value, pos })
    }

    /// A mapping read by `map`, or a string written in its place.
    fn map_or_word<M, T>(
        &mut self,
        map: fn(&mut Self) -> Option<Spanned<M>>,
        from_map: fn(M) -> T,
        from_word: fn(String) -> T,
    ) -> Option<Spanned<T>> {
        if matches!(self.peek()?, Event::MappingStart(..)) {
            return Some(map(self)?.map(from_map));
        }
        Some(self.string()?.map(from_word))
    }

    fn credential(&mut self) -> Option<Spanned<RawCredential>> {
        self.map_or_word(
            Self::credential_map,
            |m| RawCredential::Source(Box::new(m)),
            |w| RawCredential::Pasted(Pasted::of(&w)),
        )
    }

    fn credential_map(&mut self) -> Option<Spanned<RawCredentialMap>> {
        let mut m = RawCredentialMap::default();
        let pos = self.map(|r, key, _| match key {
            "env" => set(&mut m.env, r.string()?),
            "file" => set(&mut m.file, r.string()?),
            "scheme" => set(&mut m.scheme, r.string()?),
            "username" => set(&mut m.username, r.source()?),
            "password" => set(&mut m.password, r.source()?),
            _ => None,
        })?;
        Some(Spanned { value: m, pos })
    }

    fn source(&mut self) -> Option<Spanned<RawSource>> {
        self.map_or_word(Self::source_map, RawSource::Source, |w| {
            RawSource::Pasted(Pasted::of(&w))
        })
    }

    fn source_map(&mut self) -> Option<Spanned<RawSourceMap>> {
        let mut m = RawSourceMap::default();
        let pos = self.map(|r, key, _| match key {
            "env" => set(&mut m.env, r.string()?),
            "file" => set(&mut m.file, r.string()?),
            _ => None,
        })?;
        Some(Spanned { value: m, pos })
    }

    fn expect_rules(&mut self) -> Option<Spanned<RawExpect>> {
        let (mut exactly, mut at_least, mut at_most, mut forbidden) = (None, None, None, None);
        let (mut active, mut expires_within) = (None, None);
        let pos = self.map(|r, key, _| match key {
            "exactly" => set(&mut exactly, r.seq(Self::privilege)?),
            "at_least" => set(&mut at_least, r.seq(Self::privilege)?),
            "at_most" => set(&mut at_most, r.seq(Self::privilege)?),
            "forbidden" => set(&mut forbidden, r.seq(Self::privilege)?),
            "active" => set(&mut active, r.boolean()?),
            "expires_within" => set(&mut expires_within, r.string()?),
            _ => None,
        })?;
        let value = RawExpect {
            exactly,
            at_least,
            at_most,
            forbidden,
            active,
            expires_within,
        };
        Some(Spanned { value, pos })
    }

    fn privilege(&mut self) -> Option<Spanned<RawPrivilege>> {
        self.map_or_word(Self::privilege_map, RawPrivilege::Map, RawPrivilege::Name)
    }

    fn privilege_map(&mut self) -> Option<Spanned<RawPrivilegeMap>> {
        let mut m = RawPrivilegeMap::default();
        let pos = self.map(|r, key, _| match key {
            "owner" => set(&mut m.owner, r.text()?),
            "targetDomain" => set(&mut m.target_domain, r.text()?),
            "type" => set(&mut m.kind, r.text()?),
            "targetId" => set(&mut m.target_id, r.text()?),
            "privilege" => set(&mut m.privilege, r.text()?),
            "reason" => set(&mut m.reason, r.text()?),
            "ticket" => set(&mut m.ticket, r.text()?),
            "review_by" => set(&mut m.review_by, r.text()?),
            _ => None,
        })?;
        Some(Spanned { value: m, pos })
    }

    fn probes(&mut self) -> Option<Spanned<RawProbes>> {
        if matches!(self.peek()?, Event::SequenceStart(..)) {
            return Some(self.seq(Self::probe)?.map(RawProbes::List));
        }
        Some(self.string()?.map(RawProbes::Word))
    }

    fn probe(&mut self) -> Option<Spanned<RawProbe>> {
        let mut p = RawProbe::default();
        let pos = self.map(|r, key, _| match key {
            "get" => set(&mut p.get, r.string()?),
            "head" => set(&mut p.head, r.string()?),
            "options" => set(&mut p.options, r.string()?),
            "post" => set(&mut p.post, r.string()?),
            "put" => set(&mut p.put, r.string()?),
            "patch" => set(&mut p.patch, r.string()?),
            "delete" => set(&mut p.delete, r.string()?),
            "expect" => set(&mut p.expect, r.string()?),
            "unsafe" => set(&mut p.unsafe_reason, r.string()?),
            "allowed_statuses" => set(&mut p.allowed_statuses, r.numbers()?),
            "body" => set(&mut p.body, r.string()?),
            _ => None,
        })?;
        Some(Spanned { value: p, pos })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{raw, readers_agree};
    use super::read;
    use std::path::Path;

    /// Every YAML file the repository holds (specs, examples, the UI and
    /// schema tests, the fuzz corpus) and every fuzz corpus input of the
    /// spec targets: the readers agree on each, and the fast reader reads
    /// the plain ones (a reader that read nothing would pass the first
    /// check and speed nothing up).
    #[test]
    fn the_readers_agree_on_every_spec_in_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for pattern in ["**/*.yaml", "**/*.yml", "fuzz/corpus/spec*/*"] {
            let pattern = root.join(pattern);
            for path in glob::glob(&pattern.to_string_lossy()).unwrap() {
                let path = path.unwrap();
                let skip = ["target", ".git", "node_modules"]
                    .iter()
                    .any(|d| path.strip_prefix(root).unwrap().starts_with(d));
                if path.is_file() && !skip {
                    files.push(path);
                }
            }
        }
        files.sort();
        files.dedup();
        let mut read_fast = Vec::new();
        let mut scanned = Vec::new();
        for path in &files {
            let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            if let Err(e) = readers_agree(&text) {
                panic!("{}: {e}", path.display());
            }
            if read(&text).is_some() {
                read_fast.push(path.strip_prefix(root).unwrap().to_owned());
            }
            if super::super::events::scan(&text).is_some() {
                scanned.push(path.strip_prefix(root).unwrap().to_owned());
            }
        }

        assert!(files.len() > 2000, "{} files", files.len());
        // The bundled specs are what a new user copies: each reads fast.
        for spec in glob::glob(&root.join("specs/*.yaml").to_string_lossy()).unwrap() {
            let spec = spec.unwrap();
            let spec = spec.strip_prefix(root).unwrap();
            assert!(read_fast.iter().any(|p| p == spec), "{spec:?} fell back");
            assert!(
                scanned.iter().any(|p| p == spec),
                "{spec:?} was not scanned"
            );
        }
        assert!(read_fast.len() > 100, "{} read fast", read_fast.len());
        assert!(scanned.len() > 300, "{} scanned", scanned.len());
    }

    /// Texts in the subset: the fast reader reads them, as serde-saphyr does.
    #[test]
    fn the_fast_reader_reads_the_plain_subset_as_serde_saphyr_does() {
        let texts = [
            "provider: docspace\ntokens: {}\n",
            "---\nprovider: docspace\ntokens:\n  a: {}\n...\n",
            "provider: 'docspace'\nbase_url: \"http://x/\\u00e9\"\ntokens:\n  \"a b\":\n    description: ''\n",
            "provider: docspace\ntokens:\n  a:\n    credential: { env: KEY }\n    expect:\n      exactly: [files:read, \"1\", {privilege: x, reason: r}]\n      active: true\n",
            "provider: docspace\ntokens:\n  a:\n    credential: sk-live-pasted\n  b:\n    credential: KEY_NAME\n",
            "provider: http\nrequest:\n  path: /user\n  headers: { Accept: application/json, X-A: 'b' }\nprivileges: { header: x-scopes }\ntokens:\n  a:\n    probes:\n      - get: /x\n        expect: allowed\n      - post: /y\n        unsafe: invalid body\n        allowed_statuses: [404, 422, 0]\ndenied_statuses: [401, 65535]\n",
            "provider: docspace\ntokens:\n  a:\n    probes: auto\n",
            "provider: oauth2-introspection\nclient:\n  id: { env: ID }\n  secret: { file: secret.txt }\ntokens:\n  a:\n    credential:\n      scheme: basic\n      username: { env: U }\n      password: pasted\n",
            "provider: docspace\ntokens:\n  a:\n    credential: { env: '~' }\n    description: \"null\"\n",
            "# comment\nprovider: docspace # trailing\ntokens: # here\n  a: {} # and here\n",
            "provider: docspace\r\ntokens:\r\n  a: {}\r\n",
            "\u{feff}provider: docspace\ntokens: {}\n",
            "provider: docspace\ntokens:\n  é: {description: \"tab\\there\"}\n",
            "provider: github\ntokens:\n  a:\n    expect: { expires_within: 90d }\n  b:\n    expect: { expires_within: 12h, exactly: [1e] }\n",
        ];
        for text in texts {
            assert!(read(text).is_some(), "not read fast: {text}");
            readers_agree(text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        }
    }

    /// Texts outside the subset, or wrong: the fast reader leaves each to
    /// serde-saphyr, which reads it (resolving YAML's types) or says why.
    #[test]
    fn the_fast_reader_leaves_the_rest_to_serde_saphyr() {
        let base = "provider: docspace\ntokens:\n  a:\n";
        let tails = [
            // Plain words YAML may read as something other than a string.
            "    description: null\n",
            "    description: ~\n",
            "    description:\n",
            "    description: True\n",
            "    description: off\n",
            "    description: N\n",
            "    description: .inf\n",
            "    description: NaN\n",
            "    description: 12\n",
            "    description: -x\n",
            "    description: +1\n",
            "    credential: 0123\n",
            "    expect: { exactly: [yes, 1.5] }\n",
            "    expect: { active: yes }\n",
            "    expect: { active: 'true' }\n",
            "    expect: { active: TRUE }\n",
            "    expect: { expires_within: 0x1f }\n",
            "    expect: { expires_within: 0d }\n",
            "    expect: { expires_within: 1_000d }\n",
            "    expect: { expires_within: 1.5d }\n",
            "    expect: { expires_within: 1:30 }\n",
            "    expect: { expires_within: 1e5 }\n",
            "    expect: { expires_within: 90d5 }\n",
            "    expect: { exactly: [{ privilege: x, review_by: 2027-01-01 }] }\n",
            // Anchors, aliases, tags, merge keys, block scalars.
            "    description: &d x\n  b:\n    description: *d\n",
            "    description: !!str x\n",
            "    <<: { description: x }\n",
            "    description: |\n      x\n",
            "    description: >\n      x\n",
            // Unknown, duplicate or missing keys, wrong shapes.
            "    descripton: x\n",
            "    description: x\n    description: y\n",
            "    expect: [files:read]\n",
            "    probes: { get: /x }\n",
            "    credential: [KEY]\n",
            "  a: {}\n",
        ];
        let mut texts: Vec<String> = tails.iter().map(|t| format!("{base}{t}")).collect();
        texts.extend(
            [
                "tokens: {}\n",
                "provider: docspace\n",
                "provider: docspace\ntokens: {}\n---\nprovider: docspace\ntokens: {}\n",
                "%YAML 1.2\n---\nprovider: docspace\ntokens: {}\n",
                "provider: docspace\nrequest: { path: /x, headers: { A: b, A: c } }\ntokens: {}\n",
                "provider: docspace\nrequest: { path: /x, headers: { A: 1 } }\ntokens: {}\n",
                "provider: docspace\ndenied_statuses: [0401]\ntokens: {}\n",
                "provider: docspace\ndenied_statuses: [65536]\ntokens: {}\n",
                "provider: docspace\ndenied_statuses: ['401']\ntokens: {}\n",
                "provider: docspace\ntokens:\n  yes: {}\n",
                "provider: docspace\ntokens:\n  1: {}\n",
                "provider: docspace\ntokens:\n  a: {}\n  'a': {}\n",
                "provider: docspace\ntokens:\n  b: {}\n  a: {}\n  c: {}\n  b: {}\n",
                "provider: docspace\ntokens: {\n",
                "provider: docspace\ntokens:\n  a: {}\n b: {}\n",
                "[provider, docspace]\n",
            ]
            .map(str::to_owned),
        );
        for text in &texts {
            assert!(read(text).is_none(), "read fast: {text}");
            readers_agree(text).unwrap();
        }
    }

    /// The fields the fast reader knows are every field of the raw types:
    /// a key added to the format and not to the fast reader would make
    /// every spec that uses it fall back (slow, never wrong), and this
    /// test says which.
    #[test]
    fn the_fast_reader_knows_every_key() {
        let missing: Vec<&str> = raw::every_key()
            .filter(|key| {
                let source = include_str!("fast.rs");
                !source.contains(&format!("\"{key}\" => set("))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "keys the fast reader lacks: {missing:?}"
        );
    }
}

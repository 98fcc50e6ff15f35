//! The plain subset's own scanner: the YAML events of a spec written in
//! one-line scalars, block collections and one-line flow collections, for
//! the fast reader, at a tenth of the parser's cost (BENCHMARKS.md,
//! 2026-12-07: granit-parser's events were 300 instructions per byte).
//!
//! It answers the whole file or nothing: on anything it does not know
//! (a tab, a carriage return, a control character, a document marker, a
//! directive, an anchor, an alias, a tag, a block scalar, a plain scalar
//! over several lines, a flow collection over several lines, an empty
//! value, a key with no space after its colon, nesting deeper than
//! [`MAX_DEPTH`]) it returns `None` and granit-parser scans the file.
//!
//! The invariant, checked by `spec::readers_agree` (the fuzz target
//! `spec_readers`, and every YAML file in the repository): when this
//! scanner returns events, granit-parser returns the same events at the
//! same positions, so the fast reader reads the same spec from either.

use super::raw::Pos;
use serde_saphyr::granit_parser::{Event, ScalarStyle, StructureStyle};
use std::borrow::Cow;

/// Deeper than this and granit-parser scans the file.
const MAX_DEPTH: usize = 32;
// The fast reader's budget: a file of more events would be refused by the
// reader anyway, so it is not scanned on.
use super::fast::MAX_EVENTS;

/// Events, each with the position it starts at.
pub(super) type Events<'a> = Vec<(Event<'a>, Pos)>;

/// The events of `text`, or `None`.
pub(super) fn scan(text: &str) -> Option<Events<'_>> {
    let mut lines = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        // Every line, comments included: granit-parser refuses a control
        // character anywhere.
        let ascii = line.is_ascii();
        let printable = match ascii {
            true => line.bytes().all(|b| (b' '..0x7f).contains(&b)),
            false => line.chars().all(allowed),
        };
        if !printable {
            return None;
        }
        let content = &line[spaces(line)..];
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        // Columns count characters: a long line that is not ASCII would
        // cost a count per event, so granit-parser scans it.
        if !ascii && content.len() > 4096 {
            return None;
        }
        lines.push(Line {
            no: u32::try_from(i + 1).ok()?,
            indent: line.len() - content.len(),
            rest: content,
            ascii,
        });
    }
    let mut s = Scanner {
        lines,
        at: 0,
        out: Vec::with_capacity(text.len() / 8),
        depth: 0,
    };
    s.push(Event::StreamStart, Pos::default());
    s.push(Event::DocumentStart(false, None), Pos::default());
    let first = s.lines.first()?;
    if first.indent != 0 || item(first.rest).is_some() {
        return None;
    }
    s.mapping()?;
    if s.at != s.lines.len() {
        return None;
    }
    s.push(Event::DocumentEnd, Pos::default());
    s.push(Event::StreamEnd, Pos::default());
    (s.out.len() <= MAX_EVENTS).then_some(s.out)
}

/// How many spaces `s` starts with.
fn spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// Characters the scanner takes: printable ones and the line feed. YAML
/// 1.1 line breaks (NEL, U+2028, U+2029), the byte order mark and every
/// control character go to granit-parser.
fn allowed(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        ))
}

/// One line with content: its number, its indentation in spaces, and the
/// text after it (a sequence item's mapping is a line of its own, indented
/// to its first key).
#[derive(Clone, Copy)]
struct Line<'a> {
    no: u32,
    indent: usize,
    rest: &'a str,
    ascii: bool,
}

impl Line<'_> {
    fn pos(&self, offset: usize) -> Pos {
        // Columns count characters, as granit-parser's do.
        let chars = match self.ascii {
            true => offset,
            false => self.rest.get(..offset).map_or(0, |s| s.chars().count()),
        };
        Pos {
            line: self.no,
            column: u32::try_from(self.indent + chars + 1).unwrap_or(u32::MAX),
        }
    }
}

/// A sequence item's content: the text after `- `, or `None` when the
/// line is not an item. `-` alone (content on the next lines) is not one
/// the scanner takes.
fn item(rest: &str) -> Option<&str> {
    rest.strip_prefix("- ")
}

/// A block mapping key at the start of `rest`: the scalar, its style, and
/// the offset of the value (after `: `), or of the line's end.
fn key(rest: &str) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    let (value, style, end) = match rest.as_bytes().first()? {
        b'\'' | b'"' => {
            let (value, style, end) = quoted(rest)?;
            (value, style, end)
        }
        _ => {
            if !plain_start(rest) {
                return None;
            }
            let end = rest
                .find(": ")
                .or_else(|| rest.strip_suffix(':').map(str::len))?;
            let value = &rest[..end];
            // `a b: c` is fine; `a #b: c`, `a : c` and a key with a
            // flow indicator are left to granit-parser.
            if value.ends_with(' ')
                || value.contains(" #")
                || value.contains(['{', '}', '[', ']', ','])
            {
                return None;
            }
            (Cow::Borrowed(value), ScalarStyle::Plain, end)
        }
    };
    // A key longer than YAML's 1024-character limit for implicit keys.
    if end > 1024 {
        return None;
    }
    let after = &rest[end..];
    let value_at = if after == ":" {
        rest.len()
    } else if after.starts_with(": ") {
        end + 2
    } else {
        return None;
    };
    Some((value, style, value_at))
}

/// Whether a plain scalar may start `rest`: not with an indicator.
fn plain_start(rest: &str) -> bool {
    rest.as_bytes().first().is_some_and(|b| {
        !matches!(
            b,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b' '
        )
    })
}

/// A quoted scalar closed on its line: its value, style and end offset.
/// Double-quoted ones with an escape go to granit-parser.
fn quoted(rest: &str) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    if let Some(body) = rest.strip_prefix('"') {
        let close = body.find(['"', '\\'])?;
        if body.as_bytes()[close] == b'\\' {
            return None;
        }
        return Some((
            Cow::Borrowed(&body[..close]),
            ScalarStyle::DoubleQuoted,
            close + 2,
        ));
    }
    let body = rest.strip_prefix('\'')?;
    let mut value: Option<String> = None;
    let mut from = 0;
    loop {
        let close = from + body[from..].find('\'')?;
        if body[close + 1..].starts_with('\'') {
            let v = value.get_or_insert_with(String::new);
            v.push_str(&body[from..=close]);
            from = close + 2;
            continue;
        }
        let value = match value {
            None => Cow::Borrowed(&body[..close]),
            Some(mut v) => {
                v.push_str(&body[from..close]);
                Cow::Owned(v)
            }
        };
        return Some((value, ScalarStyle::SingleQuoted, close + 2));
    }
}

/// Whether `rest` holds nothing but spaces and a comment.
fn done(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.len() < rest.len() && trimmed.starts_with('#'))
}

struct Scanner<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
    out: Vec<(Event<'a>, Pos)>,
    depth: usize,
}

fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Event<'_> {
    Event::Scalar(value, style, 0, None)
}

impl<'a> Scanner<'a> {
    fn push(&mut self, event: Event<'a>, pos: Pos) {
        self.out.push((event, pos));
    }

    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH && self.out.len() <= MAX_EVENTS).then_some(())
    }

    /// A block mapping whose first key starts the current line.
    fn mapping(&mut self) -> Option<()> {
        self.deeper()?;
        let first = self.lines[self.at];
        let indent = first.indent;
        self.push(
            Event::MappingStart(StructureStyle::Block, 0, None),
            first.pos(0),
        );
        while let Some(&line) = self.lines.get(self.at) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || item(line.rest).is_some() {
                return None;
            }
            let (k, style, value_at) = key(line.rest)?;
            self.push(scalar(k, style), line.pos(0));
            let value = &line.rest[value_at..];
            if done(value) {
                self.at += 1;
                let next = *self.lines.get(self.at)?;
                let is_item = item(next.rest).is_some();
                if next.indent > indent && is_item {
                    self.sequence(false)?;
                } else if next.indent > indent {
                    self.mapping()?;
                } else if next.indent == indent && is_item {
                    self.sequence(true)?;
                } else {
                    // An empty value: a null, which granit-parser reports.
                    return None;
                }
            } else {
                self.value(line, value_at, indent)?;
            }
        }
        self.push(Event::MappingEnd, Pos::default());
        self.depth -= 1;
        Some(())
    }

    /// A block sequence whose first `- ` starts the current line. One at
    /// its key's indentation (`indentless`) starts, for granit-parser, at
    /// its first item's content; another at its first `-`.
    fn sequence(&mut self, indentless: bool) -> Option<()> {
        self.deeper()?;
        let first = self.lines[self.at];
        let indent = first.indent;
        let at = match indentless {
            true => 1 + spaces(&first.rest[1..]),
            false => 0,
        };
        self.push(
            Event::SequenceStart(StructureStyle::Block, 0, None),
            first.pos(at),
        );
        while let Some(&line) = self.lines.get(self.at) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let Some(content) = item(line.rest) else {
                break;
            };
            let offset = 2 + spaces(content);
            let content = &line.rest[offset..];
            if done(content) || content.starts_with('-') {
                return None;
            }
            if key(content).is_some() {
                // `- key: value`: a mapping indented to its first key.
                self.lines[self.at] = Line {
                    no: line.no,
                    indent: line.indent + line.rest[..offset].chars().count(),
                    rest: content,
                    ascii: line.ascii,
                };
                self.mapping()?;
            } else {
                self.value(line, offset, indent)?;
            }
        }
        self.push(Event::SequenceEnd, Pos::default());
        self.depth -= 1;
        Some(())
    }

    /// A mapping's or sequence's value written after its key or `- `, at
    /// `offset` on the current line: [`Self::inline`], and no line after
    /// it indented deeper than the collection's `indent` (that would be a
    /// plain scalar going on, or something wrong).
    fn value(&mut self, line: Line<'a>, offset: usize, indent: usize) -> Option<()> {
        self.inline(line, offset, indent)?;
        self.at += 1;
        match self.lines.get(self.at) {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A value on the current line from `offset`: a scalar or a flow
    /// collection (which may go on over the next lines, each indented
    /// deeper than `block`), then nothing but a comment. Leaves `at` on the
    /// line where the value ends.
    fn inline(&mut self, line: Line<'a>, offset: usize, block: usize) -> Option<()> {
        let offset = offset + spaces(&line.rest[offset..]);
        let rest = &line.rest[offset..];
        let end = match rest.as_bytes().first()? {
            b'[' | b'{' => {
                let mut at = Cursor {
                    line: self.at,
                    offset,
                };
                self.flow(&mut at, block)?;
                self.at = at.line;
                at.offset
            }
            b'\'' | b'"' => {
                let (value, style, end) = quoted(rest)?;
                self.push(scalar(value, style), line.pos(offset));
                offset + end
            }
            _ => {
                if !plain_start(rest) {
                    return None;
                }
                let end = rest.find(" #").unwrap_or(rest.len());
                let value = rest[..end].trim_end_matches(' ');
                if value.contains(": ") || value.ends_with(':') {
                    return None;
                }
                self.push(
                    scalar(Cow::Borrowed(value), ScalarStyle::Plain),
                    line.pos(offset),
                );
                offset + end
            }
        };
        done(&self.lines[self.at].rest[end..]).then_some(())
    }

    fn rest(&self, at: Cursor) -> &'a str {
        &self.lines[at.line].rest[at.offset..]
    }

    /// Moves `at` past spaces, comments and line ends inside a flow
    /// collection; a line it moves to must be indented deeper than `block`.
    fn skip(&self, at: &mut Cursor, block: usize) -> Option<()> {
        loop {
            let rest = self.rest(*at);
            let trimmed = rest.trim_start_matches(' ');
            at.offset += rest.len() - trimmed.len();
            let comment =
                trimmed.starts_with('#') && (at.offset == 0 || trimmed.len() < rest.len());
            if !trimmed.is_empty() && !comment {
                return Some(());
            }
            if trimmed.starts_with('#') && !comment {
                return None;
            }
            at.line += 1;
            at.offset = 0;
            if self.lines.get(at.line)?.indent <= block {
                return None;
            }
        }
    }

    /// A flow collection starting at `at`; leaves `at` after its close.
    fn flow(&mut self, at: &mut Cursor, block: usize) -> Option<()> {
        self.deeper()?;
        let line = self.lines[at.line];
        let (map, close) = match self.rest(*at).as_bytes().first()? {
            b'{' => (true, b'}'),
            _ => (false, b']'),
        };
        let start = if map {
            Event::MappingStart(StructureStyle::Flow, 0, None)
        } else {
            Event::SequenceStart(StructureStyle::Flow, 0, None)
        };
        self.push(start, line.pos(at.offset));
        at.offset += 1;
        self.skip(at, block)?;
        if self.rest(*at).as_bytes().first() == Some(&close) {
            at.offset += 1;
        } else {
            loop {
                if map {
                    self.flow_node(at, block, true)?;
                    // `: ` after the key, on its line.
                    if !self.rest(*at).starts_with(": ") {
                        return None;
                    }
                    at.offset += 2;
                    self.skip(at, block)?;
                }
                self.flow_node(at, block, false)?;
                self.skip(at, block)?;
                match self.rest(*at).as_bytes().first()? {
                    b',' => {
                        at.offset += 1;
                        self.skip(at, block)?;
                        // `[a, ]` and `[a,,b]` go to granit-parser.
                        if matches!(self.rest(*at).as_bytes().first()?, b',' | b']' | b'}') {
                            return None;
                        }
                    }
                    c if *c == close => {
                        at.offset += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.push(
            if map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            },
            Pos::default(),
        );
        self.depth -= 1;
        Some(())
    }

    /// One node inside a flow collection, at `at`: a flow collection, a
    /// quoted scalar or a plain one, each ending on its line. Leaves `at`
    /// after it.
    fn flow_node(&mut self, at: &mut Cursor, block: usize, is_key: bool) -> Option<()> {
        let line = self.lines[at.line];
        let from = self.rest(*at);
        match from.as_bytes().first()? {
            b'[' | b'{' if !is_key => self.flow(at, block),
            b'\'' | b'"' => {
                let (value, style, end) = quoted(from)?;
                // `"a":b`, JSON's way, goes to granit-parser.
                if from[end..].starts_with(':') && !from[end..].starts_with(": ") {
                    return None;
                }
                self.push(scalar(value, style), line.pos(at.offset));
                at.offset += end;
                Some(())
            }
            _ => {
                if !plain_start(from) {
                    return None;
                }
                let bytes = from.as_bytes();
                let mut end = 0;
                while end < bytes.len() {
                    match bytes[end] {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if matches!(
                            bytes.get(end + 1),
                            None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                        {
                            break;
                        }
                        b'#' if end > 0 && bytes[end - 1] == b' ' => return None,
                        _ => end += 1,
                    }
                }
                let value = from[..end].trim_end_matches(' ');
                // A key is followed by `: `; a value is not (`[a: b]`, a
                // one-pair mapping, goes to granit-parser), nor is a key
                // with spaces before its colon.
                let colon = bytes.get(end) == Some(&b':');
                if value.is_empty() || colon != is_key || (is_key && value.len() != end) {
                    return None;
                }
                // A plain scalar at a line's end that the next line goes
                // on with is one scalar over two lines: granit-parser's.
                if end == bytes.len() && !is_key {
                    let mut next = Cursor {
                        line: at.line,
                        offset: at.offset + end,
                    };
                    self.skip(&mut next, block)?;
                    if !matches!(self.rest(next).as_bytes().first()?, b',' | b']' | b'}') {
                        return None;
                    }
                }
                self.push(
                    scalar(Cow::Borrowed(value), ScalarStyle::Plain),
                    line.pos(at.offset),
                );
                at.offset += value.len();
                Some(())
            }
        }
    }
}

/// A place inside the lines: an index into them and a byte offset into
/// that line's text.
#[derive(Clone, Copy)]
struct Cursor {
    line: usize,
    offset: usize,
}

#[cfg(test)]
mod tests {
    use super::super::scanners_agree;
    use super::scan;

    /// Texts the scanner takes: granit-parser reads the same events.
    #[test]
    fn the_scanner_reads_its_subset_as_granit_parser_does() {
        let texts = [
            "a: b\n",
            "a: b c  \n# comment\n\n  # indented comment\nd: 'e''f' # tail\n",
            "a:\n  b: \"c d\"\n  e:\n    f: g\nh: i\n",
            "a:\n  - x\n  -   y\nb:\n- z\n-  'w'\nc:\n  - k: v\n    j: w\n  -   l: m\n",
            "a: { b: c, 'd': [e, \"f\", {}], g: [] }\n",
            "a: {b: c:d, e: [f:g, h, \"i:j\"]}\n",
            "a: [x, y,\n     z, # comment\n\n     w]   # tail\nb: c\n",
            "a: {\n  b: c,\n  d: [e]\n  }\n",
            "a:\n  - [x,\n    y]\n  - z\n",
            "é: ü\nb: [ä, 'ö']\n",
            "a: http://x/y?z=1#frag\nb: a#b\n",
            "'a b': x\n\"c\": d\ne f: g\n",
            "a: b:c\n",
            "tokens:\n  t0:\n    credential: { env: KEY_0 }\n    expect: { exactly: [files:read, files:write], forbidden: [\"accounts:*\"] }\n",
        ];
        for text in texts {
            assert!(scan(text).is_some(), "not scanned: {text}");
            scanners_agree(text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        }
    }

    /// Texts outside the subset: granit-parser scans them (and reads them,
    /// or refuses them).
    #[test]
    fn the_scanner_leaves_the_rest_to_granit_parser() {
        let texts = [
            "",
            "# only a comment\n",
            "a\n",
            "- a\n",
            "  a: b\n",
            "a: b\n  c\n",
            "a:\tb\n",
            "a: b\r\n",
            "\u{feff}a: b\n",
            "a: b\u{85}c\n",
            "---\na: b\n",
            "a: b\n...\n",
            "%YAML 1.2\n---\na: b\n",
            "a: &x b\nc: *x\n",
            "a: !!str b\n",
            "a: |\n  b\n",
            "a: >\n  b\n",
            "a:\n",
            "a:\nb: c\n",
            "a:b\n",
            "a : b\n",
            "a: b: c\n",
            "a: b:\n",
            "a: \"b\\n\"\n",
            "a: 'b\n",
            "a: \"b\"c\n",
            "a: 'b'#c\n",
            "a: [b]#c\n",
            "a: [b, ]\n",
            "a: [b,, c]\n",
            "a: [b: c]\n",
            "a: {b}\n",
            "a: {b:c}\n",
            "a: {\"b\":c}\n",
            "a: [b\n  c]\n",
            "a: [b,\nc]\n",
            "a: [b # c\n  ]\n",
            "a: [b,#c\n  d]\n",
            "a: [b\n",
            "a: 'b\n  c'\n",
            "a:\n  -\n    b\n",
            "a:\n  - - b\n",
            "a:\n  - b\n    c\n",
            "a:\n  - b\n c: d\n",
            "a:\n    b: c\n  d: e\n",
            "? a\n: b\n",
            "a: -b\n",
            "a: ?b\n",
            "a: @b\n",
            "a: `b\n",
        ];
        for text in texts {
            assert!(scan(text).is_none(), "scanned: {text:?}");
            scanners_agree(text).unwrap();
        }
        let long_key = format!("{}: b\n", "k".repeat(1025));
        assert!(scan(&long_key).is_none());
        // At the limit, granit-parser takes the key too.
        let longest_key = format!("{}: b\n", "k".repeat(1024));
        assert!(scan(&longest_key).is_some());
        scanners_agree(&longest_key).unwrap();
        for control in ["a: b\u{7f}\n", "# \u{1}\na: b\n", "a: é\u{9f}\n"] {
            assert!(scan(control).is_none(), "{control:?}");
            scanners_agree(control).unwrap();
        }
        let deep = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert!(scan(&deep).is_none());
        let shallow = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
        assert!(scan(&shallow).is_some());
        scanners_agree(&shallow).unwrap();
    }

    /// Columns count characters, as granit-parser's do, on lines that are
    /// not ASCII; a long one goes to granit-parser.
    #[test]
    fn columns_count_characters() {
        let text = "ééé: [ü, 'ö', ä]\n";
        let events = scan(text).unwrap();
        let columns: Vec<u32> = events.iter().map(|(_, p)| p.column).collect();
        // `[` is the sixth character, not the ninth byte.
        assert_eq!(columns[4..8], [6, 7, 10, 15], "{columns:?}");
        scanners_agree(text).unwrap();
        let long = format!("a: [{}]\n", vec!["é"; 3000].join(", "));
        assert!(scan(&long).is_none());
    }
}

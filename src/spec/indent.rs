//! Indentation mistakes, named (issue 39): a rule dedented out of
//! `expect:`, a token's key at the top level, a header key inside a token,
//! a key indented under one whose value is already written.
//!
//! YAML reads a key one level off as a key of another mapping, so the
//! deserializer says "unknown key `forbidden`", or reads a dedented rule as
//! a token named `forbidden`, or (for a key indented under a scalar) gives
//! a syntax error. None of that says what happened. This module looks at
//! the lines around the error, as a person would: which key moved, which
//! mapping it is in now, where it belongs, and how many spaces would put it
//! there.
//!
//! It only rewords an error the loader has already found: a spec it looks
//! at never loads, so no reading of it can make a case pass. When the lines
//! do not tell a clear story (tabs, flow mappings over several lines, a key
//! no mapping takes), it says nothing and the loader's own words stand.

use super::raw::{
    RawClient, RawCredentialMap, RawExpect, RawHttpRequest, RawPrivilegeSource, RawProbe,
    RawRefusedWhen, RawSourceMap, RawSpec, RawToken, every_key, fields,
};
use super::{Pos, SpecError};

/// One line that starts a `key:` entry (in a block mapping or as the first
/// key of a list item), or a list item that holds no key.
#[derive(Debug)]
struct Line<'a> {
    /// 1-based.
    number: u32,
    /// The column of the key (0-based): after `- ` for a list item.
    indent: usize,
    /// `None` for a list item with no key (`- x`).
    key: Option<&'a str>,
    /// Where the line's `-` is, when it starts a list item.
    dash: Option<usize>,
    value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// Nothing after `key:`: the value is on the lines below.
    Below,
    /// A scalar, or a flow collection closed on the same line.
    Written,
    /// A flow collection (`{ ...`) left open on this line.
    Flow,
}

/// The mappings a key can be in, named after the raw type that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Spec,
    /// `tokens:`, whose keys are token names.
    Tokens,
    Token,
    Expect,
    Credential,
    Source,
    Probe,
    Client,
    Request,
    PrivilegeSource,
    RefusedWhen,
}

impl Level {
    /// The keys the mapping takes (none for `tokens:`, which takes names).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Level::Spec => fields::<RawSpec>(),
            Level::Tokens => &[],
            Level::Token => fields::<RawToken>(),
            Level::Expect => fields::<RawExpect>(),
            Level::Credential => fields::<RawCredentialMap>(),
            Level::Source => fields::<RawSourceMap>(),
            Level::Probe => fields::<RawProbe>(),
            Level::Client => fields::<RawClient>(),
            Level::Request => fields::<RawHttpRequest>(),
            Level::PrivilegeSource => fields::<RawPrivilegeSource>(),
            Level::RefusedWhen => fields::<RawRefusedWhen>(),
        }
    }

    /// Which mapping a key whose parents are `path` is in; `None` where the
    /// keys are free (request headers) or the place is not one of ours.
    fn of(path: &[&str]) -> Option<Level> {
        Some(match path {
            [] => Level::Spec,
            ["tokens"] => Level::Tokens,
            ["tokens", _] => Level::Token,
            ["tokens", _, "expect"] => Level::Expect,
            ["tokens", _, "credential"] | ["caller"] => Level::Credential,
            ["tokens", _, "credential", "username" | "password"]
            | ["caller", "username" | "password"]
            | ["client", "id" | "secret"] => Level::Source,
            ["tokens", _, "probes"] => Level::Probe,
            ["client"] => Level::Client,
            ["request"] => Level::Request,
            ["privileges"] => Level::PrivilegeSource,
            ["refused_when"] => Level::RefusedWhen,
            _ => return None,
        })
    }
}

impl Story<'_> {
    /// A clearer error than `error` when it comes from a key one level
    /// off; `None` when the lines tell no such story. The story is of the
    /// spec as written (the loader may have blanked broken tokens in its
    /// own copy: positions are the same).
    ///
    /// The lines are read once per file ([`Story::of`]); each error then
    /// costs only a look at the lines around it, so a file of many broken
    /// tokens stays as cheap as the loader's own passes over it.
    pub(super) fn explain(&self, error: &SpecError) -> Option<SpecError> {
        if error.pos.line == 0 {
            return None;
        }
        let at = moved_from(&self.lines, error.pos)?;
        self.tell(at)
    }
}

/// The lines of `text` that start a key or a list item; `None` for a text
/// this module does not read (a tab in the indentation, a flow collection
/// that spans lines with keys inside).
fn lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let number = u32::try_from(i + 1).ok()?;
        if depth > 0 {
            depth = flow_depth(line, depth);
            continue;
        }
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if body.starts_with('\t') {
            return None;
        }
        let mut indent = line.len() - body.len();
        let (dash, rest) = match body.strip_prefix('-') {
            Some(r) if r.is_empty() || r.starts_with(' ') => {
                let dash = indent;
                let after = r.trim_start_matches(' ');
                indent += 1 + (r.len() - after.len());
                (Some(dash), after)
            }
            _ => (None, body),
        };
        let Some((key, after)) = key_of(rest) else {
            if let Some(dash) = dash {
                out.push(Line {
                    number,
                    indent: dash,
                    key: None,
                    dash: Some(dash),
                    value: Value::Written,
                });
            }
            depth = flow_depth(rest, 0);
            continue;
        };
        let after = after.trim_start_matches(' ');
        let value = if after.is_empty() || after.starts_with('#') {
            Value::Below
        } else if after.starts_with(['{', '[']) {
            depth = flow_depth(after, 0);
            if depth > 0 {
                Value::Flow
            } else {
                Value::Written
            }
        } else {
            Value::Written
        };
        out.push(Line {
            number,
            indent,
            key: Some(key),
            dash,
            value,
        });
    }
    Some(out)
}

/// The key a line starts with, unquoted, and the text after its `:`.
fn key_of(rest: &str) -> Option<(&str, &str)> {
    if let Some(quote @ ('"' | '\'')) = rest.chars().next() {
        let end = rest[1..].find(quote)? + 1;
        let after = rest[end + 1..].strip_prefix(':')?;
        return (after.is_empty() || after.starts_with(' ')).then(|| (&rest[1..end], after));
    }
    let colon = rest
        .find(": ")
        .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))?;
    let key = &rest[..colon];
    let plain = !key.is_empty()
        && !key.starts_with(['&', '*', '!', '|', '>', '%', '@', '`', '?', '#'])
        && !key.contains(['{', '}', '[', ']', ',', '#']);
    plain.then(|| (key, &rest[colon + 1..]))
}

/// How deep in flow collections (`[`, `{`) the end of `line` is, starting
/// at `depth`; quoted text and a comment count for nothing.
fn flow_depth(line: &str, mut depth: usize) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.saturating_sub(1),
                '#' if previous == ' ' => break,
                _ => {}
            },
        }
        previous = c;
    }
    depth
}

/// The line of the key the error is about: the key on the error's line
/// (at or before its column), else the key whose value holds the error.
fn moved_from(lines: &[Line<'_>], pos: Pos) -> Option<usize> {
    let column = pos.column.saturating_sub(1) as usize;
    // The lines are in order: the error's line, if it starts a key, is
    // where the lines before it end.
    let at = lines.partition_point(|l| l.number < pos.line);
    if let Some(l) = lines.get(at)
        && l.number == pos.line
        && l.key.is_some()
        && l.indent <= column
    {
        return Some(at);
    }
    lines[..at]
        .iter()
        .rposition(|l| l.key.is_some() && l.indent < column.max(1))
}

/// The lines with each one's parent, read once.
pub(super) struct Story<'a> {
    lines: Vec<Line<'a>>,
    parents: Vec<Option<usize>>,
    /// The top-level `tokens:` line.
    tokens: Option<usize>,
}

impl<'a> Story<'a> {
    /// The lines of `text` and each one's parent; `None` for a text this
    /// module does not read (see [`lines`]).
    pub(super) fn of(text: &'a str) -> Option<Story<'a>> {
        let lines = lines(text)?;
        // Each line's parent is the nearest key above it indented less: the
        // keys still open are a stack, so this is linear in the lines.
        let mut open: Vec<usize> = Vec::new();
        let mut parents = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            while open.last().is_some_and(|&j| lines[j].indent >= line.indent) {
                open.pop();
            }
            parents.push(open.last().copied());
            if line.key.is_some() {
                open.push(i);
            }
        }
        let tokens =
            (0..lines.len()).find(|&i| parents[i].is_none() && lines[i].key == Some("tokens"));
        Some(Story {
            lines,
            parents,
            tokens,
        })
    }

    fn key(&self, i: usize) -> &'a str {
        self.lines[i].key.unwrap_or_default()
    }

    /// The keys above line `i`, outermost first.
    fn path(&self, i: usize) -> Vec<&'a str> {
        let mut path = Vec::new();
        let mut at = self.parents[i];
        while let Some(p) = at {
            path.push(self.key(p));
            at = self.parents[p];
        }
        path.reverse();
        path
    }

    /// The lines right below line `i`: they end where its block does, at
    /// the first line indented no more than it.
    fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let indent = self.lines[i].indent;
        (i + 1..self.lines.len())
            .take_while(move |&j| self.lines[j].indent > indent)
            .filter(move |&j| self.parents[j] == Some(i))
    }

    fn child(&self, i: usize, key: &str) -> Option<usize> {
        self.children(i)
            .find(|&j| self.lines[j].key == Some(key) && self.lines[j].dash.is_none())
    }

    /// The indentation of `i`'s keys: its first child's, else one step more.
    fn inner(&self, i: usize) -> usize {
        self.children(i)
            .find(|&j| self.lines[j].dash.is_none())
            .map_or(self.lines[i].indent + self.step(), |j| self.lines[j].indent)
    }

    /// The file's indentation step: how far token names sit under `tokens:`.
    fn step(&self) -> usize {
        self.tokens_line()
            .and_then(|t| self.children(t).next())
            .map_or(2, |j| self.lines[j].indent.max(1))
    }

    fn tokens_line(&self) -> Option<usize> {
        self.tokens
    }

    /// Whether line `i` holds a value on the lines below it.
    fn has_block(&self, i: usize) -> bool {
        let line = &self.lines[i];
        line.value == Value::Below
            && self.lines.get(i + 1).is_some_and(|next| {
                next.indent > line.indent || next.dash.is_some_and(|d| d >= line.indent)
            })
    }

    /// Whether line `i` is a key out of its place: a key of another mapping
    /// (or, at the top level, a token written there); and the mapping it
    /// belongs in.
    fn misplaced(&self, i: usize) -> Option<Level> {
        let line = &self.lines[i];
        let key = line.key?;
        let level = Level::of(&self.path(i))?;
        if level.keys().contains(&key) {
            return None;
        }
        if every_key().any(|k| k == key) {
            return home(key);
        }
        // A token's name at the top level: a mapping of a token's keys.
        let token_keys = Level::Token.keys();
        (level == Level::Spec
            && self
                .children(i)
                .any(|j| self.lines[j].key.is_some_and(|k| token_keys.contains(&k))))
        .then_some(Level::Tokens)
    }

    /// The token whose entry line `i` is in, or the last one above it.
    fn token(&self, i: usize) -> Option<usize> {
        let tokens = self.tokens_line()?;
        let mut at = Some(i);
        while let Some(j) = at {
            if self.parents[j] == Some(tokens) && j != i {
                return Some(j);
            }
            at = self.parents[j];
        }
        (0..i).rev().find(|&j| self.parents[j] == Some(tokens))
    }

    /// Where line `i` is now, in words.
    fn now(&self, i: usize) -> String {
        let path = self.path(i);
        let token = |j: Option<usize>| j.map_or(String::new(), |j| self.key(j).to_owned());
        match Level::of(&path) {
            Some(Level::Spec) => "the spec's top level".to_owned(),
            Some(Level::Tokens) => "`tokens:`, where it names a token".to_owned(),
            Some(Level::Token) => format!("token `{}`", token(self.token(i))),
            Some(Level::Expect) => format!("`expect:` of token `{}`", token(self.token(i))),
            Some(Level::Credential) if path.first() == Some(&"tokens") => {
                format!("`credential:` of token `{}`", token(self.token(i)))
            }
            _ => format!("`{}:`", path.last().copied().unwrap_or_default()),
        }
    }

    /// The error for the outermost misplaced key from line `at` up, or for
    /// a key indented under one whose value is already written.
    fn tell(&self, at: usize) -> Option<SpecError> {
        if let Some(e) = self.under_a_value(at).or_else(|| self.misaligned(at)) {
            return Some(e);
        }
        let mut found = None;
        let mut i = Some(at);
        while let Some(j) = i {
            if let Some(home) = self.misplaced(j) {
                found = Some((j, home));
            }
            i = self.parents[j];
        }
        let (i, home) = found?;
        let key = self.key(i);
        let line = &self.lines[i];
        let pos = Pos {
            line: line.number,
            column: u32::try_from(line.indent + 1).ok()?,
        };
        let message = match Level::of(&self.path(i)) {
            Some(Level::Spec) if home != Level::Tokens => format!(
                "`{key}` is at the spec's top level, with no indentation: an indentation mistake"
            ),
            Some(Level::Tokens) => format!(
                "`{key}` is indented as a token's name, under `tokens:`: an indentation mistake"
            ),
            _ if home == Level::Tokens => format!(
                "`{key}` looks like a token (it has a token's keys), written at the spec's top \
                 level: an indentation mistake"
            ),
            _ => format!(
                "`{key}` is indented as a key of {}: an indentation mistake",
                self.now(i)
            ),
        };
        let hint = self.fix(i, home);
        Some(SpecError::at(pos, message, Some(&hint)))
    }

    /// A key indented more than the key above it, whose value is already
    /// written on its line, or is a list: YAML cannot read it as that
    /// key's, and says only "did not find expected key".
    fn under_a_value(&self, at: usize) -> Option<SpecError> {
        let line = &self.lines[at];
        let key = line.key?;
        let p = self.parents[at]?;
        let above = &self.lines[p];
        // A list below `above`, whose items' `-` line up with (or right of)
        // this key: the key is inside the list.
        let list = above.value == Value::Below
            && self.lines.get(p + 1).is_some_and(|next| {
                next.number < line.number && next.dash.is_some_and(|d| d >= line.indent)
            });
        if line.dash.is_some() || !(above.value == Value::Written || list) {
            return None;
        }
        let whose = if list { "a list" } else { "already written" };
        let message = format!(
            "`{key}` is indented under `{}` (line {}), whose value is {whose}: an indentation \
             mistake",
            self.key(p),
            above.number
        );
        let hint = format!(
            "line `{key}` up with `{}` (line {}): {}",
            self.key(p),
            above.number,
            shift(above.indent, line.indent, self.has_block(at))
        );
        let pos = Pos {
            line: line.number,
            column: u32::try_from(line.indent + 1).ok()?,
        };
        Some(SpecError::at(pos, message, Some(&hint)))
    }

    /// A key indented less than the key above it in the same mapping, and
    /// more than the mapping's own key: YAML cannot tell which of the two
    /// it belongs to. It is lined up with the one whose mapping takes it.
    fn misaligned(&self, at: usize) -> Option<SpecError> {
        let line = &self.lines[at];
        let key = line.key?;
        if line.dash.is_some() {
            return None;
        }
        let parent = self.parents[at];
        let sibling = (0..at).rev().find(|&j| {
            self.parents[j] == parent && self.lines[j].key.is_some() && self.lines[j].dash.is_none()
        })?;
        let above = &self.lines[sibling];
        if above.indent <= line.indent {
            return None;
        }
        let here = Level::of(&self.path(sibling)).is_some_and(|l| l.keys().contains(&key));
        let up = parent.filter(|&p| {
            !here && Level::of(&self.path(p)).is_some_and(|l| l.keys().contains(&key))
        });
        let (with, want) = match up {
            Some(p) => (p, self.lines[p].indent),
            None if here => (sibling, above.indent),
            // Neither mapping takes it: it belongs elsewhere (`misplaced`).
            None => return None,
        };
        let message = format!(
            "`{key}` is indented by {} {}, and `{}` above it (line {}) by {}: an indentation \
             mistake",
            words(line.indent),
            plural(line.indent),
            self.key(sibling),
            above.number,
            words(above.indent)
        );
        let hint = format!(
            "line `{key}` up with `{}` (line {}): {}",
            self.key(with),
            self.lines[with].number,
            shift(want, line.indent, self.has_block(at))
        );
        let pos = Pos {
            line: line.number,
            column: u32::try_from(line.indent + 1).ok()?,
        };
        Some(SpecError::at(pos, message, Some(&hint)))
    }

    /// Where the key on line `i` belongs, and how to move it there.
    fn fix(&self, i: usize, home: Level) -> String {
        let key = self.key(i);
        let token = self.token(i);
        let name = |t: usize| format!("token `{}`", self.key(t));
        let at = |j: usize| format!("(line {})", self.lines[j].number);
        let (target, under) = match (home, token) {
            (Level::Spec, _) => {
                let provider = (0..self.lines.len())
                    .find(|&j| self.parents[j].is_none() && self.key(j) == "provider");
                let beside = provider.map_or(String::new(), |p| {
                    format!(", beside `provider:` (line {})", self.lines[p].number)
                });
                return format!(
                    "`{key}` is a key of the whole spec, which every token shares: move it \
                     out of `tokens:` to the top level, with no indentation{beside}"
                );
            }
            (Level::Tokens, _) => match self.tokens_line() {
                Some(t) => (
                    t,
                    format!("under `tokens:` (line {})", self.lines[t].number),
                ),
                None => return format!("tokens go under `tokens:`; move `{key}` there"),
            },
            (Level::Token, Some(t)) => (t, format!("to {} {}", name(t), at(t))),
            (Level::Expect, Some(t)) => match self.child(t, "expect") {
                Some(e) => (e, format!("under `expect:` of {} {}", name(t), at(e))),
                None => {
                    return format!(
                        "`{key}` is a rule: it goes under an `expect:` of {} {}, which has \
                         none yet; write `expect:` there, and `{key}` under it",
                        name(t),
                        at(t)
                    );
                }
            },
            (Level::Credential, Some(t)) => match self.child(t, "credential") {
                Some(c) => (c, format!("under `credential:` of {} {}", name(t), at(c))),
                None => {
                    return format!(
                        "`{key}` says where a credential comes from: it goes under \
                         `credential:` of {} {}",
                        name(t),
                        at(t)
                    );
                }
            },
            (Level::Token | Level::Expect | Level::Credential, None) => {
                return format!("`{key}` belongs to a token, under `tokens:`");
            }
            (other, _) => {
                let holder = match other {
                    Level::Probe => "a probe (an item of `probes:`)",
                    Level::Source => {
                        "`username:` or `password:`, or `client:`'s `id:` or `secret:`"
                    }
                    Level::Client => "`client:`",
                    Level::Request => "`request:`",
                    Level::PrivilegeSource => "`privileges:`",
                    _ => "`refused_when:`",
                };
                return format!("`{key}` belongs under {holder}; check its indentation");
            }
        };
        let target_line = &self.lines[target];
        if target_line.value != Value::Below {
            return format!(
                "`{key}` belongs {under}, which is written on one line: move it inside its \
                 `{{ }}`"
            );
        }
        let want = self.inner(target);
        let now = self.lines[i].indent;
        // Only a key right after the target's own lines moves there by its
        // indentation alone; anywhere else it has to be moved.
        // (Every line indented more than the target, from it on, is below
        // it: the parents are found that way.)
        let contiguous =
            target < i && (target + 1..i).all(|j| self.lines[j].indent > target_line.indent);
        if contiguous && want != now {
            format!(
                "`{key}` belongs {under}: {}",
                shift(want, now, self.has_block(i))
            )
        } else {
            format!("`{key}` belongs {under}: move it there")
        }
    }
}

/// The mapping `key` belongs in, by the keys each takes: a rule first, then
/// a token's key, the header's, a credential's, a probe's.
fn home(key: &str) -> Option<Level> {
    [
        Level::Expect,
        Level::Token,
        Level::Spec,
        Level::Credential,
        Level::Probe,
        Level::Client,
        Level::Request,
        Level::PrivilegeSource,
        Level::RefusedWhen,
    ]
    .into_iter()
    .find(|level| level.keys().contains(&key))
}

/// "indent it by two more spaces", "dedent it by four spaces".
fn shift(want: usize, now: usize, block: bool) -> String {
    let with = if block {
        " (and the lines under it)"
    } else {
        ""
    };
    if want > now {
        let n = want - now;
        format!("indent it{with} by {} more {}", words(n), plural(n))
    } else {
        let n = now - want;
        format!("dedent it{with} by {} {}", words(n), plural(n))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "space" } else { "spaces" }
}

fn words(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

#[cfg(test)]
mod tests;

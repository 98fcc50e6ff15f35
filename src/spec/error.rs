//! A spec error: where it is and how to fix it.

use super::Pos;
use super::scan::Mask;
use crate::secret::{REDACTED, looks_like_secret};
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpecError {
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl SpecError {
    pub(crate) fn at(pos: Pos, message: impl Into<String>, hint: Option<&str>) -> Self {
        SpecError {
            pos,
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    /// Renders the error the way rustc does: the message, `file:line:column`,
    /// the offending line with a caret under the column, then the hint.
    ///
    /// `masks` are scalars that must never be shown (a secret pasted where
    /// a credential's source belongs): the line shows `[REDACTED]` in their
    /// place, and neither the message nor the hint quotes them. Anything
    /// else that looks like a secret is hidden the same way.
    pub(crate) fn render(&self, path: &str, source: &str, masks: &[Mask]) -> String {
        let hidden: Vec<&str> = masks
            .iter()
            .filter_map(|m| source.get(m.start..m.end))
            .filter(|s| !s.is_empty())
            .collect();
        let mut out = format!("error: {}\n", hide(&self.message, &hidden));
        if self.pos.line == 0 {
            let _ = writeln!(out, "  --> {path}");
        } else {
            let _ = writeln!(out, "  --> {path}:{}:{}", self.pos.line, self.pos.column);
            let column = self.pos.column.saturating_sub(1) as usize;
            if let Some((line, column)) = masked_line(source, self.pos.line as usize, column, masks)
            {
                let (text, column) = window(&line, column);
                let number = self.pos.line.to_string();
                let pad = " ".repeat(number.len());
                let caret_at = text
                    .chars()
                    .take(column)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect::<String>();
                let rest: String = text.chars().skip(column).collect();
                let width = if rest.starts_with(REDACTED) {
                    REDACTED.len()
                } else {
                    scalar_width(&rest)
                };
                let carets = "^".repeat(width.max(1));
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{number} | {text}");
                let _ = writeln!(out, "{pad} | {caret_at}{carets}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = help: {}", hide(hint, &hidden));
        }
        out
    }
}

/// `text` without the hidden values, or any word that looks like a secret.
fn hide(text: &str, hidden: &[&str]) -> String {
    let mut out = text.to_owned();
    for h in hidden {
        out = out.replace(h, REDACTED);
    }
    out.split_inclusive(|c: char| c.is_whitespace() || "`\"'(),[]{}".contains(c))
        .map(|word| {
            let core =
                word.trim_end_matches(|c: char| c.is_whitespace() || "`\"'(),[]{}".contains(c));
            if looks_like_secret(core) {
                word.replacen(core, REDACTED, 1)
            } else {
                word.to_owned()
            }
        })
        .collect()
}

/// The byte offset where line `number` (1-based) of `text` starts.
pub(super) fn line_start(text: &str, number: usize) -> usize {
    text.split_inclusive('\n')
        .take(number.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// Line `number` (1-based) of `source` with every mask on it, and every
/// word that looks like a secret, replaced by `[REDACTED]`; and where
/// `column` (0-based, in chars) moved to.
fn masked_line(
    source: &str,
    number: usize,
    column: usize,
    masks: &[Mask],
) -> Option<(String, usize)> {
    let start = line_start(source, number);
    let line = source[start..].lines().next()?;
    let end = start + line.len();
    let mut out = String::new();
    let mut new_column = None;
    let mut at = start;
    let mut chars = 0;
    let mut ranges: Vec<(usize, usize)> = masks
        .iter()
        .filter(|m| m.start < end && m.end > start)
        .map(|m| (m.start.max(start), m.end.min(end)))
        .collect();
    ranges.sort_unstable();
    for (from, to) in ranges {
        if from < at {
            continue;
        }
        for c in source[at..from].chars() {
            if chars == column {
                new_column = Some(out.chars().count());
            }
            out.push(c);
            chars += 1;
        }
        let masked = source.get(from..to).map_or(0, |s| s.chars().count());
        if new_column.is_none() && (chars..chars + masked).contains(&column) {
            new_column = Some(out.chars().count());
        }
        out.push_str(REDACTED);
        chars += masked;
        at = to;
    }
    for c in source[at..end].chars() {
        if chars == column {
            new_column = Some(out.chars().count());
        }
        out.push(c);
        chars += 1;
    }
    let column = new_column.unwrap_or_else(|| out.chars().count() + column.saturating_sub(chars));
    let hidden = hide(&out, &[]);
    Some((hidden, column))
}

/// Lines longer than this are shown as a window around the error.
const MAX_SHOWN: usize = 120;

/// The part of `line` to show, and the error's column within it: the
/// whole line when it is short, else about `MAX_SHOWN` characters around
/// the column with `…` where it was cut.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return (line.to_owned(), column);
    }
    let column = column.min(chars.len());
    let start = column.saturating_sub(MAX_SHOWN / 2);
    let end = (start + MAX_SHOWN).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut shift = column - start;
    if start > 0 {
        text.insert(0, '…');
        shift += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    (text, shift)
}

/// The width of the YAML scalar that starts `rest`: up to the closing
/// quote, or for a plain scalar up to `,`, `]`, `}`, ` #` or a `:` that
/// ends a key. Used only to size the caret line.
fn scalar_width(rest: &str) -> usize {
    let chars: Vec<char> = rest.chars().collect();
    if let Some(&quote @ ('"' | '\'')) = chars.first() {
        return chars[1..]
            .iter()
            .position(|c| *c == quote)
            .map_or(chars.len(), |end| end + 2);
    }
    let mut width = 0;
    for (i, c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let ends_key = *c == ':' && next.is_none_or(char::is_whitespace);
        let comment = c.is_whitespace() && next == Some('#');
        if matches!(c, ',' | ']' | '}') || ends_key || comment {
            break;
        }
        width = i + 1;
    }
    rest[..chars[..width].iter().map(|c| c.len_utf8()).sum()]
        .trim_end()
        .chars()
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_place_line_caret_and_hint() {
        let e = SpecError::at(
            Pos { line: 2, column: 5 },
            "bad thing",
            Some("do the other thing"),
        );
        let text = e.render("specs/x.yaml", "a: 1\nb:  oops\n", &[]);
        assert_eq!(
            text,
            "error: bad thing\n  --> specs/x.yaml:2:5\n  |\n2 | b:  oops\n  |     ^^^^\n  = help: do the other thing\n"
        );
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_error() {
        let line = format!("{}bad{}", "x".repeat(5000), "y".repeat(5000));
        let e = SpecError::at(
            Pos {
                line: 1,
                column: 5001,
            },
            "here",
            None,
        );
        let text = e.render("f", &line, &[]);
        assert!(text.len() < 400, "{} bytes", text.len());
        let shown = text.lines().nth(3).unwrap();
        assert!(
            shown.starts_with("1 | …x") && shown.ends_with("y…"),
            "{shown}"
        );
        let caret = text.lines().nth(4).unwrap();
        let at = shown.chars().position(|c| c == 'b').unwrap();
        assert_eq!(caret.chars().position(|c| c == '^'), Some(at), "{caret}");
    }

    #[test]
    fn carets_cover_the_whole_scalar() {
        assert_eq!(scalar_width("file:read, x]"), 9);
        assert_eq!(scalar_width("\"*:wirte\"]"), 9);
        assert_eq!(scalar_width("expcet:"), 6);
        assert_eq!(scalar_width("docspaces  # note"), 9);
        assert_eq!(scalar_width("'unclosed"), 9);
        assert_eq!(scalar_width(""), 0);
    }

    /// Issue 10, item 11: a pasted secret is never shown.
    #[test]
    fn masked_values_and_secret_looking_words_are_never_shown() {
        let source = "tokens:\n  a: { credential: hunter2, foo: 1 }\n";
        let start = source.find("hunter2").unwrap();
        let masks = [Mask {
            start,
            end: start + "hunter2".len(),
        }];
        let e = SpecError::at(
            Pos {
                line: 2,
                column: 29,
            },
            "unknown key `foo` after hunter2",
            Some("not hunter2"),
        );
        let text = e.render("s.yaml", source, &masks);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("2 |   a: { credential: [REDACTED], foo: 1 }"),
            "{text}"
        );
        let caret = text.lines().nth(4).unwrap();
        let at = text.lines().nth(3).unwrap().find("foo").unwrap();
        assert_eq!(caret.find('^'), Some(at), "{text}");
        let key = "sk-f00dfeed1234567890abcdef1234567890abcdef1234567890abcdef12345678";
        let e = SpecError::at(
            Pos { line: 1, column: 7 },
            format!("invalid type: string `{key}`"),
            None,
        );
        let text = e.render("s.yaml", &format!("token {key}\n"), &[]);
        assert!(!text.contains("f00dfeed"), "{text}");
    }

    #[test]
    fn a_position_past_the_end_still_renders() {
        let e = SpecError::at(
            Pos {
                line: 99,
                column: 1,
            },
            "eof",
            None,
        );
        assert_eq!(e.render("f", "a", &[]), "error: eof\n  --> f:99:1\n");
    }
}

//! A spec error: where it is and how to fix it.

use super::Pos;
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
    pub(crate) fn render(&self, path: &str, source: &str) -> String {
        let mut out = format!("error: {}\n", self.message);
        if self.pos.line == 0 {
            let _ = writeln!(out, "  --> {path}");
        } else {
            let _ = writeln!(out, "  --> {path}:{}:{}", self.pos.line, self.pos.column);
            if let Some(line) = source.lines().nth(self.pos.line as usize - 1) {
                let (text, column) = window(line, self.pos.column.saturating_sub(1) as usize);
                let number = self.pos.line.to_string();
                let pad = " ".repeat(number.len());
                let caret_at = text
                    .chars()
                    .take(column)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect::<String>();
                let rest: String = text.chars().skip(column).collect();
                let carets = "^".repeat(scalar_width(&rest).max(1));
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{number} | {text}");
                let _ = writeln!(out, "{pad} | {caret_at}{carets}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = help: {hint}");
        }
        out
    }
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
        let text = e.render("specs/x.yaml", "a: 1\nb:  oops\n");
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
        let text = e.render("f", &line);
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
        assert_eq!(e.render("f", "a"), "error: eof\n  --> f:99:1\n");
    }
}

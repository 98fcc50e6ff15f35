//! Text that fits a terminal's width (issue 39): every line at most so
//! many columns, nothing cut off. A line too long is wrapped at spaces;
//! a word longer than a line (a privilege name, a path) is broken after a
//! separator it holds (`:`, `/`, `.`, ...) where one fits, else at the
//! width, and goes on at the start of the next line, so a name is never
//! elided: it is all there, in order.
//!
//! Widths are display columns (`unicode-width`): a CJK character takes
//! two, a combining mark none. The text is escaped before it gets here
//! (`escape::text`), so no control character is measured.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The narrowest width honoured: a narrower request gets this one (no
/// table, label or indentation reads in fewer columns).
pub(crate) const MIN: usize = 20;

/// How many columns `s` takes.
pub(crate) fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Where a long word may break: after one of these.
fn separator(c: char) -> bool {
    matches!(c, ':' | '/' | '.' | '@' | '_' | '-' | ',' | ';' | ')' | ']')
}

/// `s` left-aligned in `columns` display columns.
pub(crate) fn pad(s: &str, columns: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(width(s))));
    out
}

/// Every line of `text` in at most `max` columns (at least [`MIN`]). A
/// wrapped line goes on four columns deeper than it began, past the
/// two-column steps of the audit's own indentation, so a continuation
/// never reads as a line of its own.
pub(crate) fn fit(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let lead = body.len() - body.trim_start_matches(' ').len();
        for l in wrap(body, max, lead + 4) {
            out.push_str(&l);
            out.push('\n');
        }
        if end.is_empty() {
            out.pop();
        }
    }
    out
}

/// One line in lines of at most `max` columns (at least [`MIN`]): its own
/// leading spaces kept, each next line indented `indent` columns (at most
/// half the width). Spaces where it breaks are dropped; runs of spaces
/// elsewhere (a table's padding) are kept.
pub(crate) fn wrap(line: &str, max: usize, indent: usize) -> Vec<String> {
    let max = max.max(MIN);
    if width(line) <= max {
        return vec![line.to_owned()];
    }
    let body = line.trim_start_matches(' ');
    let lead = (line.len() - body.len()).min(max / 2);
    let indent = indent.min(max / 2);
    let mut lines = Vec::new();
    let mut current = " ".repeat(lead);
    // Whether `current` holds a word yet: a fresh line takes the next
    // word whatever its width (breaking it if it must).
    let mut empty = true;
    let mut spaces = 0;
    for piece in body.split(' ') {
        if piece.is_empty() {
            spaces += 1;
            continue;
        }
        let gap = if empty { 0 } else { spaces + 1 };
        spaces = 0;
        // A word that does not fit here goes to the next line, unless it
        // would not fit there either: then it starts here, when a fair
        // part of it can.
        let here = max.saturating_sub(width(&current) + gap);
        if !empty && width(piece) > here && (width(piece) <= max - indent || here < 8) {
            lines.push(std::mem::replace(&mut current, " ".repeat(indent)));
            empty = true;
        }
        if !empty {
            current.extend(std::iter::repeat_n(' ', gap));
        }
        let mut rest = piece;
        while width(&current) + width(rest) > max {
            let room = max - width(&current);
            let (head, tail) = split_at_width(rest, room);
            current.push_str(head);
            lines.push(std::mem::replace(&mut current, " ".repeat(indent)));
            rest = tail;
        }
        current.push_str(rest);
        if !rest.is_empty() {
            empty = false;
        }
    }
    if !empty {
        lines.push(current);
    }
    lines
}

/// The longest head of `word` within `room` columns that ends after a
/// separator, else the longest head that fits (at least one character,
/// so the loop always moves on).
fn split_at_width(word: &str, room: usize) -> (&str, &str) {
    let mut used = 0;
    let mut fits = 0;
    let mut after_separator = None;
    for (i, c) in word.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > room && i > 0 {
            break;
        }
        used += w;
        fits = i + c.len_utf8();
        if separator(c) {
            after_separator = Some(fits);
        }
    }
    // A break after a separator, unless it leaves most of the line empty.
    let at = match after_separator {
        Some(at) if at < word.len() && width(&word[..at]) * 2 >= room => at,
        _ => fits,
    };
    word.split_at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_fit(lines: &[String], max: usize) -> bool {
        lines.iter().all(|l| width(l) <= max)
    }

    #[test]
    fn a_short_line_is_left_as_it_is() {
        assert_eq!(wrap("  a  b", 40, 4), vec!["  a  b"]);
        assert_eq!(fit("a\n\nb\n", 40), "a\n\nb\n");
        assert_eq!(fit("no end", 40), "no end");
    }

    #[test]
    fn a_long_line_wraps_at_spaces_and_keeps_every_word() {
        let line = "    granted:   files:read, files:write, rooms:read, accounts:read";
        let lines = wrap(line, 30, 15);
        assert!(all_fit(&lines, 30), "{lines:#?}");
        assert_eq!(
            lines,
            vec![
                "    granted:   files:read,",
                "               files:write,",
                "               rooms:read,",
                "               accounts:read",
            ]
        );
    }

    #[test]
    fn a_word_longer_than_a_line_breaks_after_a_separator_and_loses_nothing() {
        let name = "https://www.googleapis.com/auth/cloud-platform.read-only";
        let lines = wrap(&format!("  high: {name} (wildcard)"), 24, 4);
        assert!(all_fit(&lines, 24), "{lines:#?}");
        assert_eq!(lines[0], "  high: https://www.", "started where it is");
        let joined: String = lines.iter().map(|l| l.trim_start()).collect();
        assert_eq!(joined.replace(' ', ""), format!("high:{name}(wildcard)"));
        assert!(
            lines[1].ends_with('/') || lines[1].ends_with('.'),
            "{lines:#?}"
        );
        // No separator at all: broken at the width.
        let lines = wrap(&"x".repeat(50), 20, 2);
        assert_eq!(lines[0], "x".repeat(20));
        assert!(all_fit(&lines, 20));
        assert_eq!(lines.iter().map(|l| l.trim().len()).sum::<usize>(), 50);
    }

    #[test]
    fn widths_are_columns_not_characters() {
        let wide = "権限".repeat(15); // 30 characters, 60 columns
        let lines = wrap(&format!("granted: {wide}"), 25, 2);
        assert!(all_fit(&lines, 25), "{lines:#?}");
        assert_eq!(pad("権", 4), "権  ");
    }

    #[test]
    fn a_width_under_the_minimum_is_the_minimum() {
        let lines = wrap(&"word ".repeat(20), 5, 40);
        assert!(all_fit(&lines, MIN), "{lines:#?}");
        assert!(lines.iter().all(|l| !l.trim().is_empty()));
    }
}

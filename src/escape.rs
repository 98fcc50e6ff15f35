//! Untrusted strings made safe for each rendering (issue 10, item 18).
//!
//! Privilege names, notes and error messages come from servers and files:
//! a newline would forge a line of a report, a `|` a table cell, an escape
//! sequence would repaint the terminal, a bidirectional override would
//! reorder what a reviewer reads. Every value is passed through one of
//! these on its way into text, Markdown or XML; JSON is escaped by serde.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that change how text is laid out or read: C0 and C1
/// controls, DEL, and the invisible or direction-changing format
/// characters.
pub(crate) fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// One line of plain text: every hostile character written as an escape
/// (`\n`, `\t`, `\u{1b}`), so a value can never start a line, paint the
/// terminal or reorder text.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hostile(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Several lines of plain text (a message that has its own line breaks):
/// each line escaped, the breaks kept.
pub(crate) fn lines(s: &str) -> String {
    s.split('\n')
        .map(|l| text(l.strip_suffix('\r').unwrap_or(l)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Markdown code span, safe in a GFM table cell: the content escaped as
/// [`text`], `|` escaped (GFM splits cells before it reads code spans), and
/// a backtick fence longer than any run of backticks inside.
pub(crate) fn md_code(s: &str) -> String {
    let content = text(s).replace('|', "\\|");
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Markdown text, safe in a GFM table cell: escaped as [`text`], then
/// every character Markdown or its inline HTML gives a meaning to is
/// backslash-escaped.
pub(crate) fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text(s).chars() {
        if "\\`*_[]<>|&~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// XML text and attribute escaping; characters XML 1.0 cannot carry are
/// replaced, so any text makes a valid document.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_controls_and_direction_changes() {
        assert_eq!(text("files:read"), "files:read");
        assert_eq!(text("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(text("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(text("bidi\u{202e}txt"), "bidi\\u{202e}txt");
        assert_eq!(text("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(text("é ü 漢"), "é ü 漢");
        assert_eq!(lines("one\ntwo\u{1b}"), "one\ntwo\\u{1b}");
    }

    #[test]
    fn markdown_cells_cannot_be_broken_out_of() {
        assert_eq!(md_code("files:read"), "`files:read`");
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("`tick`"), "`` `tick` ``");
        assert_eq!(md_code("x\n| forged |"), "`x\\n\\| forged \\|`");
        assert_eq!(md_text("<script>"), "\\<script\\>");
        assert_eq!(md_text("a | b"), "a \\| b");
        assert_eq!(md_text("[link](x)"), "\\[link\\](x)");
    }

    #[test]
    fn xml_is_always_well_formed() {
        assert_eq!(
            xml("a<b & \"c\"\u{7}"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}"
        );
    }
}

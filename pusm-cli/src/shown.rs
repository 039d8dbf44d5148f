//! Names from the directory as the terminal may see them: control
//! characters, invisible formatting characters and backslashes escaped, so
//! a file named with ESC or a newline cannot move the cursor, recolour the
//! terminal or forge a line of output.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that could act on a terminal escaped:
/// `\n`, `\r`, `\t`, `\\`, and `\x1b`-style (ASCII) or `\u{202e}`-style
/// (other) escapes for the rest. Printable text, including non-ASCII
/// letters, is unchanged.
///
/// ```
/// use pusm_cli::shown::shown;
/// assert_eq!(shown("robot"), "robot");
/// assert_eq!(shown("a\x1b[2Jb\nc"), "a\\x1b[2Jb\\nc");
/// assert_eq!(shown("héllo"), "héllo");
/// assert_eq!(shown("x\u{202e}y"), "x\\u{202e}y");
/// ```
#[must_use]
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) && c.is_ascii() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, the backslash (so escapes stay unambiguous), and the
/// invisible characters that reorder or hide text (bidirectional overrides,
/// zero-width characters, the byte-order mark).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || c == '\\'
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn every_control_character_is_escaped() {
        for code in (0u32..0x20).chain(0x7f..0xa0) {
            let c = char::from_u32(code).unwrap_or('?');
            let escaped = shown(&c.to_string()).into_owned();
            assert!(
                escaped.starts_with('\\') && !escaped.chars().any(char::is_control),
                "{code:#x} -> {escaped:?}"
            );
        }
        assert_eq!(shown("a\\b"), "a\\\\b");
        assert_eq!(shown("\u{85}"), "\\u{85}");
    }
}

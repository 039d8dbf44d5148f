//! Text of the generated C#: doc comments, array expressions, long lines.

use super::super::doc_lines;
use super::super::writer::Writer;
use super::{INDENT, MEMORY};

/// `new T[n]`, with the length in the right place for jagged arrays (`new float[3][]`).
pub(super) fn new_array(element: &str, len: impl std::fmt::Display) -> String {
    let base = element.trim_end_matches("[]");
    let ranks = &element[base.len()..];
    format!("new {base}[{len}]{ranks}")
}

/// Lines longer than this are split where C# formatters would split them.
const MAX_LINE: usize = 120;

/// Splits the lines of `text` longer than [`MAX_LINE`] at a natural point:
/// before a method's parameters, inside `throw new X(...)`, after ` = `.
pub(super) fn wrap_long_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let code = line.trim_start();
        let split = if line.len() <= MAX_LINE || code.starts_with("//") {
            None
        } else if let Some(at) = code.find(&format!("({MEMORY}")) {
            Some((&code[..=at], &code[at + 1..]))
        } else if code.starts_with("throw new ") {
            code.find('(').map(|at| (&code[..=at], &code[at + 1..]))
        } else {
            code.find(" = ")
                .map(|at| (&code[..at + 2], &code[at + 3..]))
        };
        match split {
            Some((head, tail)) => {
                out.push_str(&format!("{indent}{head}\n{indent}{INDENT}{tail}\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Writes `docs` as an XML `<summary>` (nothing when there are none).
pub(super) fn summary(w: &mut Writer, docs: &[String]) {
    let lines: Vec<String> = doc_lines(docs)
        .iter()
        .map(|line| xml_escape(line))
        .collect();
    match lines.as_slice() {
        [] => {}
        [line] => w.line(format!("/// <summary>{line}</summary>")),
        lines => {
            w.line("/// <summary>");
            for line in lines {
                w.line(if line.is_empty() {
                    "///".to_owned()
                } else {
                    format!("/// {line}")
                });
            }
            w.line("/// </summary>");
        }
    }
}

/// Writes text the emitter wrote itself (already valid XML) as a `<summary>`.
pub(super) fn summary_raw<S: AsRef<str>>(w: &mut Writer, lines: &[S]) {
    match lines {
        [] => {}
        [line] => w.line(format!("/// <summary>{}</summary>", line.as_ref())),
        lines => {
            w.line("/// <summary>");
            for line in lines {
                w.line(format!("/// {}", line.as_ref()));
            }
            w.line("/// </summary>");
        }
    }
}

/// Escapes schema text for an XML doc comment.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jagged_arrays_put_the_length_first() {
        assert_eq!(new_array("float", 3), "new float[3]");
        assert_eq!(new_array("float[]", 3), "new float[3][]");
        assert_eq!(new_array("int?[][]", 2), "new int?[2][][]");
        assert_eq!(new_array("float[]", "count"), "new float[count][]");
    }

    #[test]
    fn docs_are_escaped() {
        assert_eq!(xml_escape("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
    }

    #[test]
    fn long_lines_split_after_the_assignment() {
        let long = format!("    var x = {};\n", "a".repeat(130));
        let wrapped = wrap_long_lines(&long);
        assert_eq!(wrapped.lines().count(), 2);
        assert!(wrapped.starts_with("    var x =\n        aaa"));
    }
}

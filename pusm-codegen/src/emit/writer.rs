//! An indenting line writer for the hand-formatted languages (C#, Python).

/// Builds source text line by line at the current indentation.
#[derive(Debug)]
pub(crate) struct Writer {
    out: String,
    depth: usize,
    unit: &'static str,
}

impl Writer {
    /// An empty writer indenting by `unit` per level.
    pub(crate) fn new(unit: &'static str) -> Self {
        Writer {
            out: String::new(),
            depth: 0,
            unit,
        }
    }

    /// Writes `text` on its own line at the current indentation (an empty
    /// `text` writes an empty line, without trailing spaces).
    /// Text with embedded newlines is written as several lines.
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        for text in text.as_ref().split('\n') {
            if !text.is_empty() {
                for _ in 0..self.depth {
                    self.out.push_str(self.unit);
                }
                self.out.push_str(text);
            }
            self.out.push('\n');
        }
    }

    /// Writes every line of `lines`.
    pub(crate) fn lines<I: IntoIterator<Item = S>, S: AsRef<str>>(&mut self, lines: I) {
        for line in lines {
            self.line(line);
        }
    }

    /// Writes an empty line, unless the text is empty or already ends with one
    /// or with an opening brace.
    pub(crate) fn blank(&mut self) {
        if self.out.is_empty() || self.out.ends_with("\n\n") || self.out.ends_with("{\n") {
            return;
        }
        self.out.push('\n');
    }

    /// One level deeper.
    pub(crate) fn indent(&mut self) {
        self.depth += 1;
    }

    /// One level shallower.
    pub(crate) fn dedent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The current indentation as text.
    pub(crate) fn indentation(&self) -> String {
        self.unit.repeat(self.depth)
    }

    /// The text written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// `head(args)tail` on one line when it fits in `width` columns after
/// `indent`, else with one argument per line. With `trailing_comma` (Black's
/// style) every argument gets a comma and `tail` has a line of its own;
/// without (C#'s style) `tail` ends the last argument's line. The lines come
/// back relative to the current indentation.
pub(crate) fn call_lines(
    head: &str,
    args: &[String],
    tail: &str,
    indent: usize,
    unit: &str,
    width: usize,
    trailing_comma: bool,
) -> Vec<String> {
    let one_line = format!("{head}{}{tail}", args.join(", "));
    if indent + one_line.len() <= width || args.is_empty() {
        return vec![one_line];
    }
    let mut lines = vec![head.to_owned()];
    let last = args.len() - 1;
    for (index, arg) in args.iter().enumerate() {
        if index == last && !trailing_comma {
            // C# style: the closing tokens end the last argument's line.
            lines.push(format!("{unit}{arg}{tail}"));
            return lines;
        }
        lines.push(format!("{unit}{arg},"));
    }
    lines.push(tail.to_owned());
    lines
}

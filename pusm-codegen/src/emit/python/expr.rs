//! Python expressions as small trees, laid out by one rule: an expression
//! fits on its line, or each bracket's contents go one item per line with a
//! trailing comma (which Black keeps as it is: the "magic trailing comma").
//! So the output is stable under Black without imitating its wrapping.

/// The longest line the layout aims for (Black's `--line-length 99`).
pub(super) const WIDTH: usize = 99;
/// One level of indentation.
pub(super) const INDENT: &str = "    ";

/// A Python expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    /// Text that is never split (a name, a number, a string, `values[3]`).
    Atom(String),
    /// `callee(args...)`.
    Call(String, Vec<Expr>),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `[element for target in iter]`.
    ListComp {
        /// The element expression.
        element: Box<Expr>,
        /// The loop variable.
        target: String,
        /// What it loops over.
        iter: Box<Expr>,
    },
}

impl Expr {
    /// An atom.
    pub(super) fn atom(text: impl Into<String>) -> Expr {
        Expr::Atom(text.into())
    }

    /// A call.
    pub(super) fn call(callee: impl Into<String>, args: Vec<Expr>) -> Expr {
        Expr::Call(callee.into(), args)
    }

    /// The expression on one line.
    pub(super) fn flat(&self) -> String {
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Call(callee, args) => {
                let args: Vec<String> = args.iter().map(Expr::flat).collect();
                format!("{callee}({})", args.join(", "))
            }
            Expr::List(items) => {
                let items: Vec<String> = items.iter().map(Expr::flat).collect();
                format!("[{}]", items.join(", "))
            }
            Expr::ListComp {
                element,
                target,
                iter,
            } => format!("[{} for {target} in {}]", element.flat(), iter.flat()),
        }
    }

    /// `prefix`, the expression and `suffix` as lines at `indent` levels
    /// (without the indentation itself, which the caller adds per line:
    /// the returned lines carry their extra indentation).
    pub(super) fn lines(&self, indent: usize, prefix: &str, suffix: &str) -> Vec<String> {
        let flat = format!("{prefix}{}{suffix}", self.flat());
        if indent * INDENT.len() + flat.len() <= WIDTH {
            return vec![flat];
        }
        let mut out = Vec::new();
        match self {
            Expr::Atom(_) => out.push(flat),
            Expr::Call(callee, args) if !args.is_empty() => {
                out.push(format!("{prefix}{callee}("));
                for arg in args {
                    out.extend(indented(arg.lines(indent + 1, "", ",")));
                }
                out.push(format!("){suffix}"));
            }
            Expr::Call(..) => out.push(flat),
            Expr::List(items) if !items.is_empty() => {
                out.push(format!("{prefix}["));
                for item in items {
                    out.extend(indented(item.lines(indent + 1, "", ",")));
                }
                out.push(format!("]{suffix}"));
            }
            Expr::List(_) => out.push(flat),
            Expr::ListComp {
                element,
                target,
                iter,
            } => {
                out.push(format!("{prefix}["));
                // As Black does: the contents on one line of their own when
                // they fit, else the element and the loop on lines of their own.
                let inner = format!("{} for {target} in {}", element.flat(), iter.flat());
                if (indent + 1) * INDENT.len() + inner.len() <= WIDTH {
                    out.push(format!("{INDENT}{inner}"));
                    out.push(format!("]{suffix}"));
                    return out;
                }
                out.extend(indented(element.lines(indent + 1, "", "")));
                out.extend(indented(iter.lines(
                    indent + 1,
                    &format!("for {target} in "),
                    "",
                )));
                out.push(format!("]{suffix}"));
            }
        }
        out
    }
}

/// Lines one level deeper.
fn indented(lines: Vec<String>) -> impl Iterator<Item = String> {
    lines.into_iter().map(|line| format!("{INDENT}{line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_expressions_stay_on_one_line() {
        let call = Expr::call("f", vec![Expr::atom("a"), Expr::atom("b")]);
        assert_eq!(call.lines(1, "x = ", ""), ["x = f(a, b)"]);
    }

    #[test]
    fn long_calls_go_one_argument_per_line_with_a_trailing_comma() {
        let long = "a".repeat(60);
        let call = Expr::call(
            "outer",
            vec![Expr::call(
                "inner",
                vec![Expr::atom(&long), Expr::atom(&long)],
            )],
        );
        assert_eq!(
            call.lines(0, "", ""),
            [
                "outer(".to_owned(),
                "    inner(".to_owned(),
                format!("        {long},"),
                format!("        {long},"),
                "    ),".to_owned(),
                ")".to_owned(),
            ]
        );
    }

    #[test]
    fn long_comprehensions_split_before_for() {
        let comp = Expr::ListComp {
            element: Box::new(Expr::atom("x".repeat(50))),
            target: "v".into(),
            iter: Box::new(Expr::atom("y".repeat(50))),
        };
        let lines = comp.lines(0, "z = ", "");
        assert_eq!(lines[0], "z = [");
        assert_eq!(lines[2], format!("    for v in {}", "y".repeat(50)));
        assert_eq!(lines[3], "]");
    }
}

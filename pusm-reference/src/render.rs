//! A readable tree of a [`Value`]: what `pusm inspect --schema` prints.

use std::fmt::{self, Write as _};

use crate::value::Value;

/// Bytes values longer than this are shown with their first bytes only.
const SHOWN_BYTES: usize = 64;

impl fmt::Display for Value {
    /// A readable tree, one field or element per line, indented by two spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        render(self, 0, &mut out);
        f.write_str(&out)
    }
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Containers of scalars this short or shorter go on one line.
const INLINE_WIDTH: usize = 72;

fn is_scalar(value: &Value) -> bool {
    match value {
        Value::List(_) | Value::Array(_) | Value::Struct { .. } => false,
        Value::Optional(Some(inner)) => is_scalar(inner),
        _ => true,
    }
}

/// The one-line form of a container whose elements are all scalars, when short.
fn inline(value: &Value) -> Option<String> {
    let (open, items, close): (String, Vec<String>, &str) = match value {
        Value::List(items) | Value::Array(items) if items.iter().all(is_scalar) => (
            "[".to_owned(),
            items.iter().map(|item| item.to_string()).collect(),
            "]",
        ),
        Value::Struct { name, fields } if fields.iter().all(|(_, value)| is_scalar(value)) => (
            format!("{name} {{ "),
            fields
                .iter()
                .map(|(field, value)| format!("{field}: {value}"))
                .collect(),
            " }",
        ),
        _ => return None,
    };
    if items.is_empty() {
        return None;
    }
    let line = format!("{open}{}{close}", items.join(", "));
    (line.len() <= INLINE_WIDTH).then_some(line)
}

fn render(value: &Value, depth: usize, out: &mut String) {
    if let Some(line) = inline(value) {
        out.push_str(&line);
        return;
    }
    match value {
        Value::Bool(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Int32(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Float32(value) => {
            let _ = write!(out, "{value:?}");
        }
        Value::String(value) => {
            let _ = write!(out, "{value:?}");
        }
        Value::Bytes(bytes) => {
            let _ = write!(out, "<{} bytes>", bytes.len());
            for byte in bytes.iter().take(SHOWN_BYTES) {
                let _ = write!(out, " {byte:02x}");
            }
            if bytes.len() > SHOWN_BYTES {
                let _ = write!(out, " ... ({} more)", bytes.len() - SHOWN_BYTES);
            }
        }
        Value::List(items) | Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for item in items {
                indent(depth + 1, out);
                render(item, depth + 1, out);
                out.push_str(",\n");
            }
            indent(depth, out);
            out.push(']');
        }
        Value::Optional(None) => out.push_str("None"),
        Value::Optional(Some(inner)) => {
            out.push_str("Some(");
            render(inner, depth, out);
            out.push(')');
        }
        Value::Enum { variant, value, .. } => {
            let _ = write!(out, "{variant} ({value})");
        }
        Value::Struct { name, fields } => {
            if fields.is_empty() {
                let _ = write!(out, "{name} {{}}");
                return;
            }
            let _ = writeln!(out, "{name} {{");
            for (field, value) in fields {
                indent(depth + 1, out);
                let _ = write!(out, "{field}: ");
                render(value, depth + 1, out);
                out.push_str(",\n");
            }
            indent(depth, out);
            out.push('}');
        }
    }
}

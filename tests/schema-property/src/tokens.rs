//! Values as the drivers of generated code read them: one line of
//! space-separated tokens in prefix order (`drivers/driver.py` describes
//! them), with everything a driver needs to find the generated classes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pusm_reference::Value;

/// Where each named type lives: type name -> (Python module, fingerprint
/// for structs).
#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    /// Type name -> the generated Python module that defines it.
    pub modules: BTreeMap<String, String>,
    /// Struct name -> its fingerprint.
    pub fingerprints: BTreeMap<String, u32>,
}

/// The tokens of `value`.
#[must_use]
pub fn tokens(value: &Value, index: &TypeIndex) -> String {
    let mut out = String::new();
    write(value, index, &mut out);
    out.trim_end().to_owned()
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Lower-case hex of `bytes`.
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    hex(bytes)
}

fn module<'i>(index: &'i TypeIndex, name: &str) -> &'i str {
    index.modules.get(name).map_or("?", String::as_str)
}

fn write(value: &Value, index: &TypeIndex, out: &mut String) {
    match value {
        Value::Bool(true) => out.push_str("T "),
        Value::Bool(false) => out.push_str("F "),
        Value::Int32(value) => {
            let _ = write!(out, "i{value} ");
        }
        Value::Float32(value) => {
            let _ = write!(out, "f{} ", hex(&value.to_le_bytes()));
        }
        Value::String(text) => {
            let _ = write!(out, "s{} ", hex(text.as_bytes()));
        }
        Value::Bytes(bytes) => {
            let _ = write!(out, "y{} ", hex(bytes));
        }
        Value::List(items) | Value::Array(items) => {
            let tag = if matches!(value, Value::List(_)) {
                'L'
            } else {
                'A'
            };
            let _ = write!(out, "{tag}{} ", items.len());
            for item in items {
                write(item, index, out);
            }
        }
        Value::Optional(None) => out.push_str("N "),
        Value::Optional(Some(inner)) => {
            out.push_str("O ");
            write(inner, index, out);
        }
        Value::Enum { name, value, .. } => {
            let _ = write!(out, "E{}:{name}:{value} ", module(index, name));
        }
        Value::Struct { name, fields } => {
            let fingerprint = index.fingerprints.get(name).copied().unwrap_or(0);
            let _ = write!(
                out,
                "S{}:{name}:{fingerprint:08x}:{} ",
                module(index, name),
                fields.len()
            );
            for (_, field) in fields {
                write(field, index, out);
            }
        }
    }
}

//! Decoding bytes by a [`Layout`] alone, into a tree of [`Value`]s: what
//! `pusm inspect --schema FILE --type NAME` prints. The layout comes from a
//! schema loaded at run time (`pusm_schema`), so no generated code is needed.
//!
//! Every primitive is read with pusm-core's own [`SharedBuffer`] functions,
//! so the rules (bounds, negative lengths, UTF-8) are the runtime's; on top
//! of them, enum values are checked, and a budget bounds the number of values
//! one decode may produce: a list of empty structs costs four bytes whatever
//! its count, so without a budget four bytes could stand for two billion
//! values.
//!
//! ```
//! use pusm_cli::decode::{decode, encode, Value};
//! use pusm_core::{layout::Layout, SharedBuffer, VecBuffer};
//!
//! let mut buf = VecBuffer::new();
//! buf.write_int32(0, 2)?;
//! buf.write_float32(4, 1.5)?;
//! buf.write_float32(8, -2.0)?;
//! let (value, end) = decode(&Layout::List(&Layout::Float32), &mut buf, 0, 1000)?;
//! assert_eq!(end, 12);
//! assert_eq!(value, Value::List(vec![Value::Float32(1.5), Value::Float32(-2.0)]));
//! assert_eq!(value.to_string(), "[1.5, -2.0]");
//! let mut again = VecBuffer::new();
//! encode(&value, &mut again, 0)?;
//! assert_eq!(again.as_slice(), buf.as_slice());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::{self, Write as _};

use pusm_core::layout::Layout;
use pusm_core::SharedBuffer;

/// The default number of values one decode may produce.
pub const DEFAULT_BUDGET: u64 = 1_000_000;

/// Bytes values longer than this are shown with their first bytes only.
const SHOWN_BYTES: usize = 64;

/// A decoded value: the wire types of `PROTOCOL.md`, section 8.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool` (any non-zero byte reads as true).
    Bool(bool),
    /// `int32`.
    Int32(i32),
    /// `float32`.
    Float32(f32),
    /// `string`.
    String(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `[T]`.
    List(Vec<Value>),
    /// `[T; N]`.
    Array(Vec<Value>),
    /// `T?`.
    Optional(Option<Box<Value>>),
    /// An enum value, with the name of its variant.
    Enum {
        /// The enum's type name.
        name: String,
        /// The variant's name.
        variant: String,
        /// The int32 on the wire.
        value: i32,
    },
    /// A struct: its fields in wire order.
    Struct {
        /// The struct's type name.
        name: String,
        /// Field names and values, in declaration order.
        fields: Vec<(String, Value)>,
    },
}

/// Why bytes could not be decoded, and where.
#[derive(Debug)]
pub enum DecodeError {
    /// A primitive could not be read (out of bounds, negative length,
    /// invalid UTF-8): pusm-core's error.
    Wire {
        /// Where in the value, like `Observation.rays[2]`.
        path: String,
        /// The runtime's error.
        source: pusm_core::Error,
    },
    /// An int32 that is not a variant of the enum.
    UnknownVariant {
        /// Where in the value.
        path: String,
        /// The enum's type name.
        enum_name: String,
        /// The value found.
        value: i32,
        /// Its offset.
        offset: usize,
    },
    /// The bytes stand for more values than the budget allows.
    TooManyValues {
        /// Where in the value the budget ran out.
        path: String,
        /// The budget.
        budget: u64,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Wire { path, source } => write!(f, "at {path}: {source}"),
            DecodeError::UnknownVariant {
                path,
                enum_name,
                value,
                offset,
            } => write!(
                f,
                "at {path}: {value} (offset {offset}) is not a variant of enum {enum_name}"
            ),
            DecodeError::TooManyValues { path, budget } => write!(
                f,
                "at {path}: the bytes stand for more than {budget} values (a huge count of empty values?)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Wire { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Decodes a value of `layout` at `offset` of `buf`; returns it and the
/// offset just past it. At most `budget` values are produced.
///
/// # Errors
/// [`DecodeError`] naming where in the value the bytes went wrong.
pub fn decode<B: SharedBuffer + ?Sized>(
    layout: &Layout<'_>,
    buf: &mut B,
    offset: usize,
    budget: u64,
) -> Result<(Value, usize), DecodeError> {
    let mut decoder = Decoder {
        buf,
        left: budget,
        budget,
        path: root_name(layout),
    };
    decoder.value(layout, offset)
}

fn root_name(layout: &Layout<'_>) -> String {
    match layout {
        Layout::Struct(def) => def.name.to_owned(),
        Layout::Enum(def) => def.name.to_owned(),
        _ => "value".to_owned(),
    }
}

struct Decoder<'b, B: ?Sized> {
    buf: &'b mut B,
    left: u64,
    budget: u64,
    /// Where the decoder is, for error messages.
    path: String,
}

impl<B: SharedBuffer + ?Sized> Decoder<'_, B> {
    fn wire<T>(&self, result: pusm_core::Result<T>) -> Result<T, DecodeError> {
        result.map_err(|source| DecodeError::Wire {
            path: self.path.clone(),
            source,
        })
    }

    fn value(&mut self, layout: &Layout<'_>, at: usize) -> Result<(Value, usize), DecodeError> {
        self.left = match self.left.checked_sub(1) {
            Some(left) => left,
            None => {
                return Err(DecodeError::TooManyValues {
                    path: self.path.clone(),
                    budget: self.budget,
                })
            }
        };
        match *layout {
            Layout::Bool => {
                let result = self.buf.read_bool(at);
                let (value, next) = self.wire(result)?;
                Ok((Value::Bool(value), next))
            }
            Layout::Int32 => {
                let result = self.buf.read_int32(at);
                let (value, next) = self.wire(result)?;
                Ok((Value::Int32(value), next))
            }
            Layout::Float32 => {
                let result = self.buf.read_float32(at);
                let (value, next) = self.wire(result)?;
                Ok((Value::Float32(value), next))
            }
            Layout::String => {
                let result = self.buf.read_string(at);
                let (value, next) = self.wire(result)?;
                Ok((Value::String(value), next))
            }
            Layout::Bytes => {
                let (len, start) = self.length(at)?;
                let result = self.buf.read_bytes(start, len);
                let (value, next) = self.wire(result)?;
                Ok((Value::Bytes(value), next))
            }
            Layout::List(element) => {
                let (count, mut next) = self.length(at)?;
                let mut items = Vec::with_capacity(count.min(4096));
                for index in 0..count {
                    let (item, after) = self.nested(index, element, next)?;
                    items.push(item);
                    next = after;
                }
                Ok((Value::List(items), next))
            }
            Layout::Array(element, len) => {
                let mut items = Vec::with_capacity(len.min(4096));
                let mut next = at;
                for index in 0..len {
                    let (item, after) = self.nested(index, element, next)?;
                    items.push(item);
                    next = after;
                }
                Ok((Value::Array(items), next))
            }
            Layout::Optional(inner) => {
                let result = self.buf.read_bool(at);
                let (present, next) = self.wire(result)?;
                if present {
                    let (value, next) = self.value(inner, next)?;
                    Ok((Value::Optional(Some(Box::new(value))), next))
                } else {
                    Ok((Value::Optional(None), next))
                }
            }
            Layout::Enum(def) => {
                let result = self.buf.read_int32(at);
                let (value, next) = self.wire(result)?;
                match def.variant(value) {
                    Some(variant) => Ok((
                        Value::Enum {
                            name: def.name.to_owned(),
                            variant: variant.name.to_owned(),
                            value,
                        },
                        next,
                    )),
                    None => Err(DecodeError::UnknownVariant {
                        path: self.path.clone(),
                        enum_name: def.name.to_owned(),
                        value,
                        offset: at,
                    }),
                }
            }
            Layout::Struct(def) => {
                let mut fields = Vec::with_capacity(def.fields.len());
                let mut next = at;
                for field in def.fields {
                    let depth = self.path.len();
                    self.path.push('.');
                    self.path.push_str(field.name);
                    let (value, after) = self.value(field.layout, next)?;
                    self.path.truncate(depth);
                    fields.push((field.name.to_owned(), value));
                    next = after;
                }
                Ok((
                    Value::Struct {
                        name: def.name.to_owned(),
                        fields,
                    },
                    next,
                ))
            }
        }
    }

    /// Decodes element `index` of a list or array, with the index in the path.
    fn nested(
        &mut self,
        index: usize,
        element: &Layout<'_>,
        at: usize,
    ) -> Result<(Value, usize), DecodeError> {
        let depth = self.path.len();
        let _ = write!(self.path, "[{index}]");
        let result = self.value(element, at)?;
        self.path.truncate(depth);
        Ok(result)
    }

    /// An int32 length or count, refused when negative.
    fn length(&mut self, at: usize) -> Result<(usize, usize), DecodeError> {
        let result = self.buf.read_int32(at);
        let (raw, next) = self.wire(result)?;
        let len = usize::try_from(raw).map_err(|_| DecodeError::Wire {
            path: self.path.clone(),
            source: pusm_core::Error::InvalidLength {
                offset: at,
                length: i64::from(raw),
                reason: "a length or count cannot be negative",
            },
        })?;
        Ok((len, next))
    }
}

/// Writes `value` at `offset` of `buf` as its wire encoding; returns the
/// offset just past it. The inverse of [`decode`] (bools are written as 0 or 1).
///
/// # Errors
/// When `buf` has no room, or a length does not fit an int32.
pub fn encode<B: SharedBuffer + ?Sized>(
    value: &Value,
    buf: &mut B,
    offset: usize,
) -> pusm_core::Result<usize> {
    match value {
        Value::Bool(value) => buf.write_bool(offset, *value),
        Value::Int32(value) => buf.write_int32(offset, *value),
        Value::Float32(value) => buf.write_float32(offset, *value),
        Value::String(value) => buf.write_string(offset, value),
        Value::Bytes(value) => {
            let next = buf.write_int32(offset, length(value.len(), offset)?)?;
            buf.write_bytes(next, value)
        }
        Value::List(items) => {
            let mut next = buf.write_int32(offset, length(items.len(), offset)?)?;
            for item in items {
                next = encode(item, buf, next)?;
            }
            Ok(next)
        }
        Value::Array(items) => items
            .iter()
            .try_fold(offset, |next, item| encode(item, buf, next)),
        Value::Optional(inner) => {
            let next = buf.write_bool(offset, inner.is_some())?;
            match inner {
                Some(inner) => encode(inner, buf, next),
                None => Ok(next),
            }
        }
        Value::Enum { value, .. } => buf.write_int32(offset, *value),
        Value::Struct { fields, .. } => fields
            .iter()
            .try_fold(offset, |next, (_, value)| encode(value, buf, next)),
    }
}

fn length(len: usize, offset: usize) -> pusm_core::Result<i32> {
    i32::try_from(len).map_err(|_| pusm_core::Error::InvalidLength {
        offset,
        length: i64::try_from(len).unwrap_or(i64::MAX),
        reason: "longer than an int32 length prefix can describe",
    })
}

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

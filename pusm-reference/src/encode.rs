//! Encoding a [`Value`] as a [`Layout`]: checked against the layout, so a
//! value of the wrong shape is an error, never wrong bytes.

use std::fmt::Write as _;

use pusm_layout::Layout;

use crate::error::EncodeError;
use crate::value::Value;

/// The wire encoding of `value` as `layout` (bools as 0 or 1).
///
/// # Errors
/// [`EncodeError`] when the value does not fit the layout, naming where.
pub fn encode(layout: &Layout<'_>, value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_into(layout, value, &mut out)?;
    Ok(out)
}

/// Appends the wire encoding of `value` as `layout` to `out`. On an error,
/// `out` may hold part of the encoding.
///
/// # Errors
/// [`EncodeError`] when the value does not fit the layout, naming where.
pub fn encode_into(
    layout: &Layout<'_>,
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mut encoder = Encoder {
        out,
        path: match layout {
            Layout::Struct(def) => def.name.to_owned(),
            Layout::Enum(def) => def.name.to_owned(),
            _ => "value".to_owned(),
        },
    };
    encoder.value(layout, value)
}

struct Encoder<'o> {
    out: &'o mut Vec<u8>,
    path: String,
}

impl Encoder<'_> {
    fn mismatch(&self, layout: &Layout<'_>, value: &Value) -> EncodeError {
        EncodeError::Mismatch {
            path: self.path.clone(),
            expected: layout.signature(),
            found: value.kind(),
        }
    }

    fn length(&mut self, len: usize) -> Result<(), EncodeError> {
        let raw = i32::try_from(len).map_err(|_| EncodeError::TooLong {
            path: self.path.clone(),
            len,
        })?;
        self.out.extend_from_slice(&raw.to_le_bytes());
        Ok(())
    }

    fn value(&mut self, layout: &Layout<'_>, value: &Value) -> Result<(), EncodeError> {
        match (*layout, value) {
            (Layout::Bool, Value::Bool(value)) => self.out.push(u8::from(*value)),
            (Layout::Int32, Value::Int32(value)) => {
                self.out.extend_from_slice(&value.to_le_bytes());
            }
            (Layout::Float32, Value::Float32(value)) => {
                self.out.extend_from_slice(&value.to_le_bytes());
            }
            (Layout::String, Value::String(text)) => {
                self.length(text.len())?;
                self.out.extend_from_slice(text.as_bytes());
            }
            (Layout::Bytes, Value::Bytes(bytes)) => {
                self.length(bytes.len())?;
                self.out.extend_from_slice(bytes);
            }
            (Layout::List(element), Value::List(items)) => {
                self.length(items.len())?;
                self.elements(element, items)?;
            }
            (Layout::Array(element, len), Value::Array(items)) => {
                if items.len() != len {
                    return Err(EncodeError::ArrayLength {
                        path: self.path.clone(),
                        expected: len,
                        found: items.len(),
                    });
                }
                self.elements(element, items)?;
            }
            (Layout::Optional(inner), Value::Optional(item)) => match item {
                None => self.out.push(0),
                Some(item) => {
                    self.out.push(1);
                    self.value(inner, item)?;
                }
            },
            (
                Layout::Enum(def),
                Value::Enum {
                    name,
                    variant,
                    value,
                },
            ) if name == def.name => match def.variant(*value) {
                Some(found) if found.name == variant => {
                    self.out.extend_from_slice(&value.to_le_bytes());
                }
                _ => {
                    return Err(EncodeError::UnknownVariant {
                        path: self.path.clone(),
                        enum_name: def.name.to_owned(),
                        value: *value,
                    })
                }
            },
            (Layout::Struct(def), Value::Struct { name, fields })
                if name == def.name
                    && fields.len() == def.fields.len()
                    && fields
                        .iter()
                        .zip(def.fields)
                        .all(|((name, _), field)| name == field.name) =>
            {
                for ((name, value), field) in fields.iter().zip(def.fields) {
                    let depth = self.path.len();
                    self.path.push('.');
                    self.path.push_str(name);
                    self.value(field.layout, value)?;
                    self.path.truncate(depth);
                }
            }
            _ => return Err(self.mismatch(layout, value)),
        }
        Ok(())
    }

    fn elements(&mut self, element: &Layout<'_>, items: &[Value]) -> Result<(), EncodeError> {
        for (index, item) in items.iter().enumerate() {
            let depth = self.path.len();
            let _ = write!(self.path, "[{index}]");
            self.value(element, item)?;
            self.path.truncate(depth);
        }
        Ok(())
    }
}

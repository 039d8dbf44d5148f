//! Decoding bytes by a [`Layout`] alone.

use std::fmt::Write as _;

use pusm_layout::Layout;

use crate::error::DecodeError;
use crate::source::Source;
use crate::value::Value;

/// The default number of values that take no bytes (empty structs, arrays
/// of them) one decode may build: without a bound, a four-byte count of
/// empty structs could stand for two billion values.
pub const DEFAULT_BUDGET: u64 = 1_000_000;

/// The fewest bytes any value of `layout` takes on the wire (saturating):
/// a list's count is checked against it before anything is allocated.
///
/// ```
/// use pusm_layout::Layout;
/// assert_eq!(pusm_reference::min_size(&Layout::Optional(&Layout::Int32)), 1);
/// assert_eq!(pusm_reference::min_size(&Layout::Array(&Layout::String, 3)), 12);
/// ```
#[must_use]
pub fn min_size(layout: &Layout<'_>) -> u64 {
    match *layout {
        Layout::Bool | Layout::Optional(_) => 1,
        Layout::Int32
        | Layout::Float32
        | Layout::Enum(_)
        | Layout::String
        | Layout::Bytes
        | Layout::List(_) => 4,
        Layout::Array(element, len) => min_size(element).saturating_mul(len as u64),
        Layout::Struct(def) => def.fields.iter().fold(0u64, |sum, field| {
            sum.saturating_add(min_size(field.layout))
        }),
    }
}

/// Decodes a value of `layout` at the start of `bytes`; returns it and the
/// offset just past it. At most [`DEFAULT_BUDGET`] values that take no
/// bytes are built.
///
/// # Errors
/// [`DecodeError`] naming where in the value the bytes went wrong.
pub fn decode(layout: &Layout<'_>, bytes: &[u8]) -> Result<(Value, usize), DecodeError> {
    let (value, end) = decode_from(layout, bytes, 0, DEFAULT_BUDGET)?;
    // `end` is within `bytes`, so it fits a usize.
    Ok((value, usize::try_from(end).unwrap_or(usize::MAX)))
}

/// Decodes a value of `layout` at `offset` of `source`, reading only the
/// bytes the value occupies; returns it and the offset just past it. At
/// most `budget` values that take no bytes are built.
///
/// # Errors
/// [`DecodeError`] naming where in the value the bytes went wrong.
pub fn decode_from<S: Source + ?Sized>(
    layout: &Layout<'_>,
    source: &S,
    offset: u64,
    budget: u64,
) -> Result<(Value, u64), DecodeError> {
    let mut decoder = Decoder {
        source,
        end: source.len(),
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

struct Decoder<'s, S: ?Sized> {
    source: &'s S,
    end: u64,
    left: u64,
    budget: u64,
    /// Where the decoder is, for error messages.
    path: String,
}

impl<S: Source + ?Sized> Decoder<'_, S> {
    fn available(&self, at: u64) -> u64 {
        self.end.saturating_sub(at)
    }

    /// Checks that `needed` bytes follow `at`, before anything is allocated.
    fn check(&self, at: u64, needed: u64) -> Result<(), DecodeError> {
        let available = self.available(at);
        if needed > available {
            return Err(DecodeError::Truncated {
                path: self.path.clone(),
                offset: at,
                needed,
                available,
            });
        }
        Ok(())
    }

    fn read_into(&self, at: u64, out: &mut [u8]) -> Result<u64, DecodeError> {
        let len = out.len() as u64;
        self.check(at, len)?;
        self.source
            .read_at(at, out)
            .map_err(|source| DecodeError::Source {
                path: self.path.clone(),
                offset: at,
                source,
            })?;
        Ok(at + len)
    }

    fn four(&self, at: u64) -> Result<([u8; 4], u64), DecodeError> {
        let mut raw = [0u8; 4];
        let next = self.read_into(at, &mut raw)?;
        Ok((raw, next))
    }

    fn int32(&self, at: u64) -> Result<(i32, u64), DecodeError> {
        let (raw, next) = self.four(at)?;
        Ok((i32::from_le_bytes(raw), next))
    }

    /// An int32 length or count, refused when negative.
    fn length(&self, at: u64) -> Result<(u64, u64), DecodeError> {
        let (raw, next) = self.int32(at)?;
        match u64::try_from(raw) {
            Ok(len) => Ok((len, next)),
            Err(_) => Err(DecodeError::NegativeLength {
                path: self.path.clone(),
                offset: at,
                length: raw,
            }),
        }
    }

    /// A length-prefixed run of bytes, allocated only once known to be there.
    fn blob(&self, at: u64) -> Result<(Vec<u8>, u64), DecodeError> {
        let (len, start) = self.length(at)?;
        self.check(start, len)?;
        let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(usize::MAX)];
        let next = self.read_into(start, &mut bytes)?;
        Ok((bytes, next))
    }

    fn charge(&mut self, layout: &Layout<'_>) -> Result<(), DecodeError> {
        // Only structs and arrays can take no bytes (`[string; 0]` too,
        // though it has no fixed size).
        if matches!(layout, Layout::Struct(_) | Layout::Array(..)) && min_size(layout) == 0 {
            self.left = self
                .left
                .checked_sub(1)
                .ok_or_else(|| DecodeError::TooManyValues {
                    path: self.path.clone(),
                    budget: self.budget,
                })?;
        }
        Ok(())
    }

    fn value(&mut self, layout: &Layout<'_>, at: u64) -> Result<(Value, u64), DecodeError> {
        self.charge(layout)?;
        match *layout {
            Layout::Bool => {
                let mut raw = [0u8; 1];
                let next = self.read_into(at, &mut raw)?;
                Ok((Value::Bool(raw[0] != 0), next))
            }
            Layout::Int32 => {
                let (value, next) = self.int32(at)?;
                Ok((Value::Int32(value), next))
            }
            Layout::Float32 => {
                let (raw, next) = self.four(at)?;
                Ok((Value::Float32(f32::from_le_bytes(raw)), next))
            }
            Layout::String => {
                let (bytes, next) = self.blob(at)?;
                match String::from_utf8(bytes) {
                    Ok(text) => Ok((Value::String(text), next)),
                    Err(_) => Err(DecodeError::InvalidUtf8 {
                        path: self.path.clone(),
                        offset: at + 4,
                    }),
                }
            }
            Layout::Bytes => {
                let (bytes, next) = self.blob(at)?;
                Ok((Value::Bytes(bytes), next))
            }
            Layout::List(element) => {
                let (count, start) = self.length(at)?;
                let items = self.elements(element, count, start)?;
                Ok((Value::List(items.0), items.1))
            }
            Layout::Array(element, len) => {
                let items = self.elements(element, len as u64, at)?;
                Ok((Value::Array(items.0), items.1))
            }
            Layout::Optional(inner) => {
                let mut raw = [0u8; 1];
                let next = self.read_into(at, &mut raw)?;
                if raw[0] != 0 {
                    let (value, next) = self.value(inner, next)?;
                    Ok((Value::Optional(Some(Box::new(value))), next))
                } else {
                    Ok((Value::Optional(None), next))
                }
            }
            Layout::Enum(def) => {
                let (value, next) = self.int32(at)?;
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

    /// `count` elements from `at`: the bytes they need at the least are
    /// checked first, so the vector is never larger than the input allows.
    fn elements(
        &mut self,
        element: &Layout<'_>,
        count: u64,
        at: u64,
    ) -> Result<(Vec<Value>, u64), DecodeError> {
        let least = min_size(element);
        self.check(at, count.saturating_mul(least))?;
        let capacity = if least == 0 { count.min(1024) } else { count };
        let mut items = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        let mut next = at;
        for index in 0..count {
            let depth = self.path.len();
            let _ = write!(self.path, "[{index}]");
            let (item, after) = self.value(element, next)?;
            self.path.truncate(depth);
            items.push(item);
            next = after;
        }
        Ok((items, next))
    }
}

#[cfg(test)]
mod tests {
    //! Small cases that Miri runs too (`cargo +nightly miri test -p pusm-reference --lib`).

    use super::*;
    use crate::encode::encode;
    use pusm_layout::{Field, StructLayout};

    const PAIR: StructLayout<'static> = StructLayout {
        name: "Pair",
        fields: &[
            Field {
                name: "name",
                layout: &Layout::Optional(&Layout::String),
            },
            Field {
                name: "xs",
                layout: &Layout::List(&Layout::Array(&Layout::Float32, 2)),
            },
        ],
    };

    #[test]
    fn round_trip_and_every_prefix_fails() {
        let layout = Layout::Struct(&PAIR);
        let value = Value::Struct {
            name: "Pair".into(),
            fields: vec![
                (
                    "name".into(),
                    Value::Optional(Some(Box::new(Value::String("hé".into())))),
                ),
                (
                    "xs".into(),
                    Value::List(vec![Value::Array(vec![
                        Value::Float32(1.0),
                        Value::Float32(-0.0),
                    ])]),
                ),
            ],
        };
        let bytes = encode(&layout, &value).unwrap();
        assert_eq!(bytes.len(), 1 + 4 + 3 + 4 + 8);
        assert_eq!(decode(&layout, &bytes).unwrap(), (value, bytes.len()));
        for cut in 0..bytes.len() {
            assert!(decode(&layout, &bytes[..cut]).is_err(), "{cut}");
        }
    }

    #[test]
    fn hostile_counts_fail_without_allocating() {
        let list = Layout::List(&Layout::String);
        let mut bytes = i32::MAX.to_le_bytes().to_vec();
        bytes.extend_from_slice(&[0xff; 12]);
        assert!(matches!(
            decode(&list, &bytes),
            Err(DecodeError::Truncated { .. })
        ));
        bytes[..4].copy_from_slice(&(-1i32).to_le_bytes());
        assert!(matches!(
            decode(&list, &bytes),
            Err(DecodeError::NegativeLength { .. })
        ));
    }
}

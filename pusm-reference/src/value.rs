//! The dynamic value tree.

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

impl Value {
    /// The kind of value, as the schema language spells the type
    /// constructor (`int32`, `list`, `struct Vec3`): for error messages.
    #[must_use]
    pub fn kind(&self) -> String {
        match self {
            Value::Bool(_) => "bool".into(),
            Value::Int32(_) => "int32".into(),
            Value::Float32(_) => "float32".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::List(_) => "list".into(),
            Value::Array(_) => "fixed array".into(),
            Value::Optional(_) => "optional".into(),
            Value::Enum { name, .. } => format!("enum {name}"),
            Value::Struct { name, .. } => format!("struct {name}"),
        }
    }

    /// Equality that compares floats by their bits, so a NaN equals the same
    /// NaN and `0.0` differs from `-0.0`: what "the same bytes" means.
    #[must_use]
    pub fn same_bits(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Float32(a), Value::Float32(b)) => a.to_bits() == b.to_bits(),
            (Value::List(a), Value::List(b)) | (Value::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same_bits(b))
            }
            (Value::Optional(a), Value::Optional(b)) => match (a, b) {
                (Some(a), Some(b)) => a.same_bits(b),
                (None, None) => true,
                _ => false,
            },
            (
                Value::Struct { name, fields },
                Value::Struct {
                    name: other_name,
                    fields: other_fields,
                },
            ) => {
                name == other_name
                    && fields.len() == other_fields.len()
                    && fields
                        .iter()
                        .zip(other_fields)
                        .all(|((a, x), (b, y))| a == b && x.same_bits(y))
            }
            _ => self == other,
        }
    }
}

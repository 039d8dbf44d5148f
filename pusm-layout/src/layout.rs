//! The layout tree: what a message type is made of, as far as the wire cares.

/// The wire shape of one message type.
///
/// A `Layout` borrows its children, so a derived type can describe itself in a
/// `const` (`&'static Layout<'static>`) and the code generator can build one
/// from a parsed schema without copying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout<'a> {
    /// `bool`: one byte.
    Bool,
    /// `int32`: four bytes, little-endian.
    Int32,
    /// `float32`: four bytes, little-endian IEEE 754.
    Float32,
    /// `string`: int32 byte length, then UTF-8.
    String,
    /// `bytes`: int32 length, then raw bytes.
    Bytes,
    /// `[T]`: int32 element count, then the elements.
    List(&'a Layout<'a>),
    /// `[T; N]`: exactly `N` elements, no count.
    Array(&'a Layout<'a>, usize),
    /// `T?`: a presence bool, then the value when present.
    Optional(&'a Layout<'a>),
    /// An enum: its int32 value.
    Enum(&'a EnumLayout<'a>),
    /// A struct: its fields, inline, in declaration order.
    Struct(&'a StructLayout<'a>),
}

/// A user-defined enum: a name and its variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumLayout<'a> {
    /// The type name as written in the schema or the Rust source.
    pub name: &'a str,
    /// The variants, in declaration order.
    pub variants: &'a [Variant<'a>],
}

/// One variant of an [`EnumLayout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant<'a> {
    /// The variant name as written in the schema or the Rust source.
    pub name: &'a str,
    /// The int32 that stands for this variant on the wire.
    pub value: i32,
}

/// A user-defined struct: a name and its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructLayout<'a> {
    /// The type name as written in the schema or the Rust source.
    pub name: &'a str,
    /// The fields, in declaration (and wire) order.
    pub fields: &'a [Field<'a>],
}

/// One field of a [`StructLayout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name as written in the schema (for the derive: the Rust field
    /// name without any `r#` prefix).
    pub name: &'a str,
    /// The field's type.
    pub layout: &'a Layout<'a>,
}

impl<'a> EnumLayout<'a> {
    /// The variant that stands for `value` on the wire, if any.
    #[must_use]
    pub fn variant(&self, value: i32) -> Option<&Variant<'a>> {
        self.variants.iter().find(|variant| variant.value == value)
    }
}

impl Layout<'_> {
    /// The schema-language spelling of a primitive (`"int32"`, ...), or `None`
    /// for composite layouts.
    #[must_use]
    pub const fn primitive_name(&self) -> Option<&'static str> {
        match self {
            Layout::Bool => Some("bool"),
            Layout::Int32 => Some("int32"),
            Layout::Float32 => Some("float32"),
            Layout::String => Some("string"),
            Layout::Bytes => Some("bytes"),
            _ => None,
        }
    }
}

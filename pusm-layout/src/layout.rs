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

/// The enum value to suggest where one is missing or taken: one more than
/// `previous` (0 when there is none), skipping every value in `taken` and
/// wrapping past the largest int32 to 0, so that following the suggestion
/// never makes two variants share a value. The derive and the schema checks
/// both suggest values with it.
#[must_use]
pub fn free_enum_value(previous: Option<i32>, taken: &[i32]) -> i32 {
    let mut candidate = previous.and_then(|value| value.checked_add(1)).unwrap_or(0);
    // At most `taken.len()` candidates can be taken, so this many steps find one.
    for _ in 0..=taken.len() {
        if !taken.contains(&candidate) {
            return candidate;
        }
        candidate = candidate.checked_add(1).unwrap_or(0);
    }
    candidate
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

#[cfg(test)]
mod tests {
    use super::free_enum_value;

    #[test]
    fn free_enum_values_follow_the_previous_one_and_skip_taken_ones() {
        assert_eq!(free_enum_value(None, &[]), 0);
        assert_eq!(free_enum_value(None, &[0, 1, 3]), 2);
        assert_eq!(free_enum_value(Some(4), &[5, 6]), 7);
        assert_eq!(free_enum_value(Some(-2), &[]), -1);
        assert_eq!(free_enum_value(Some(i32::MAX), &[0]), 1);
        assert_eq!(free_enum_value(Some(i32::MAX - 1), &[i32::MAX, 0]), 1);
    }
}

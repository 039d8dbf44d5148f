//! Flat segments of fixed-size data: consecutive primitives packed or
//! unpacked with one `struct.Struct`. Arrays of structs (or of arrays) end a
//! segment; they are handled per element, through a comprehension or a
//! helper function, never unrolled.

use crate::plan::{Fixed, Scalar};

/// The `struct` code of a primitive.
pub(super) fn code(scalar: Scalar) -> char {
    match scalar {
        Scalar::Bool => '?',
        Scalar::Int32 | Scalar::Enum(_) => 'i',
        Scalar::Float32 => 'f',
    }
}

/// A `struct` format (without the byte order) built from runs of codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Format {
    runs: Vec<(usize, char)>,
    /// Values the format packs or unpacks.
    pub(super) values: usize,
}

impl Format {
    /// Adds `count` values of `code`; returns the index of the first in the
    /// unpacked tuple.
    pub(super) fn push(&mut self, code: char, count: usize) -> usize {
        let index = self.values;
        match self.runs.last_mut() {
            Some((n, last)) if *last == code => *n += count,
            _ => self.runs.push((count, code)),
        }
        self.values += count;
        index
    }

    /// Whether nothing was added.
    pub(super) fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// The format text, such as `i?4fi`.
    pub(super) fn text(&self) -> String {
        self.runs
            .iter()
            .map(|(count, code)| {
                if *count == 1 {
                    code.to_string()
                } else {
                    format!("{count}{code}")
                }
            })
            .collect()
    }
}

/// The element of a repeat when it is a primitive (then the repeat is part
/// of a flat segment).
pub(super) fn scalar_element(element: &Fixed) -> Option<Scalar> {
    match element {
        Fixed::Scalar { scalar, .. } => Some(*scalar),
        _ => None,
    }
}

/// Whether `value` packs with one format: primitives, structs of them and
/// arrays of primitives.
pub(super) fn is_one_format(value: &Fixed) -> bool {
    match value {
        Fixed::Scalar { .. } => true,
        Fixed::Struct { fields, .. } => fields.iter().all(is_one_format),
        Fixed::Repeat { element, .. } => scalar_element(element).is_some(),
        Fixed::Nested { .. } => false,
    }
}

/// The format of a value for which [`is_one_format`] holds.
pub(super) fn format_of(value: &Fixed, format: &mut Format) {
    match value {
        Fixed::Scalar { scalar, .. } => {
            format.push(code(*scalar), 1);
        }
        Fixed::Struct { fields, .. } => fields.iter().for_each(|field| format_of(field, format)),
        Fixed::Repeat { count, element, .. } => {
            if let Some(scalar) = scalar_element(element) {
                format.push(code(scalar), *count);
            }
        }
        Fixed::Nested { .. } => {}
    }
}

/// `base + offset` as Python, folded when one side is 0.
pub(super) fn plus(base: &str, offset: usize) -> String {
    match (base, offset) {
        ("0", _) => offset.to_string(),
        (_, 0) => base.to_owned(),
        _ => format!("{base} + {offset}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_count_runs_of_codes_without_expanding_them() {
        let mut format = Format::default();
        assert_eq!(format.push('i', 1), 0);
        assert_eq!(format.push('f', 65536), 1);
        assert_eq!(format.push('f', 3), 65537);
        assert_eq!(format.push('?', 1), 65540);
        assert_eq!(format.text(), "i65539f?");
        assert_eq!(plus("0", 4), "4");
        assert_eq!(plus("size", 0), "size");
        assert_eq!(plus("at", 8), "at + 8");
    }
}

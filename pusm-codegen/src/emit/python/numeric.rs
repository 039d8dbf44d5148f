//! The numpy option: which values are numpy arrays, and their dtype and shape.

use pusm_schema::TypeRef;

use crate::plan::{Fixed, Scalar};

/// A value that is a numpy array with the numpy option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Numeric {
    /// The little-endian dtype: `<i4`, `<f4` or `u1`.
    pub(super) dtype: &'static str,
    /// The shape of a fixed array; `None` for one dimension of any length
    /// (a list, bytes).
    pub(super) shape: Option<Vec<usize>>,
}

impl Numeric {
    /// The element type's name in numpy (`numpy.float32`).
    pub(super) fn scalar_type(&self) -> &'static str {
        match self.dtype {
            "<i4" => "numpy.int32",
            "<f4" => "numpy.float32",
            _ => "numpy.uint8",
        }
    }

    /// The type hint.
    pub(super) fn hint(&self) -> String {
        format!("numpy.typing.NDArray[{}]", self.scalar_type())
    }

    /// The shape as a Python tuple, `(3, 2)` or `(4,)`, or `None`.
    pub(super) fn shape_text(&self) -> String {
        match self.shape.as_deref() {
            None => "None".to_owned(),
            Some([one]) => format!("({one},)"),
            Some(shape) => {
                let parts: Vec<String> = shape.iter().map(ToString::to_string).collect();
                format!("({})", parts.join(", "))
            }
        }
    }
}

fn dtype(scalar: &TypeRef) -> Option<&'static str> {
    match scalar {
        TypeRef::Int32 => Some("<i4"),
        TypeRef::Float32 => Some("<f4"),
        _ => None,
    }
}

/// Whether a value of `ty` is a numpy array: bytes, a list of int32 or
/// float32, or fixed arrays (nested or not) of them.
pub(super) fn numeric_type(ty: &TypeRef) -> Option<Numeric> {
    match ty {
        TypeRef::Bytes => Some(Numeric {
            dtype: "u1",
            shape: None,
        }),
        TypeRef::List(element) => dtype(element).map(|dtype| Numeric { dtype, shape: None }),
        TypeRef::Array(..) => {
            let mut shape = Vec::new();
            let mut inner = ty;
            while let TypeRef::Array(element, count) = inner {
                shape.push(*count);
                inner = element;
            }
            dtype(inner).map(|dtype| Numeric {
                dtype,
                shape: Some(shape),
            })
        }
        _ => None,
    }
}

/// The same for a planned fixed value: repeats (nested or not) of int32 or float32.
pub(super) fn numeric_fixed(value: &Fixed) -> Option<Numeric> {
    let mut shape = Vec::new();
    let mut inner = value;
    while let Fixed::Repeat { count, element, .. } = inner {
        shape.push(*count);
        inner = element;
    }
    let dtype = match inner {
        Fixed::Scalar {
            scalar: Scalar::Int32,
            ..
        } => "<i4",
        Fixed::Scalar {
            scalar: Scalar::Float32,
            ..
        } => "<f4",
        _ => return None,
    };
    (!shape.is_empty()).then_some(Numeric {
        dtype,
        shape: Some(shape),
    })
}

/// Whether `value` contains a numpy array (so it cannot pack with one format).
pub(super) fn contains_numeric(value: &Fixed) -> bool {
    if numeric_fixed(value).is_some() {
        return true;
    }
    match value {
        Fixed::Scalar { .. } | Fixed::Nested { .. } => false,
        Fixed::Struct { fields, .. } => fields.iter().any(contains_numeric),
        Fixed::Repeat { element, .. } => contains_numeric(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_lists_and_arrays_and_bytes_are_arrays() {
        let grid = TypeRef::Array(Box::new(TypeRef::Array(Box::new(TypeRef::Float32), 3)), 2);
        let numeric = numeric_type(&grid).expect("an array of float32");
        assert_eq!(numeric.dtype, "<f4");
        assert_eq!(numeric.shape_text(), "(2, 3)");
        assert_eq!(numeric.hint(), "numpy.typing.NDArray[numpy.float32]");
        let list = numeric_type(&TypeRef::List(Box::new(TypeRef::Int32))).expect("a list");
        assert_eq!((list.dtype, list.shape_text()), ("<i4", "None".to_owned()));
        assert_eq!(numeric_type(&TypeRef::Bytes).map(|n| n.dtype), Some("u1"));
        assert!(numeric_type(&TypeRef::List(Box::new(TypeRef::Bool))).is_none());
        assert!(numeric_type(&TypeRef::List(Box::new(TypeRef::String))).is_none());
    }
}

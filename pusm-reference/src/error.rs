//! The codec's errors: each names where in the value it happened, as a path
//! like `Observation.rays[2]`.

use std::fmt;

use crate::source::SourceError;

/// Why bytes could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The value needs bytes past the end of the input.
    Truncated {
        /// Where in the value, like `Observation.rays[2]`.
        path: String,
        /// Where the missing bytes start.
        offset: u64,
        /// How many bytes the value needs there (for a list: its count
        /// times the smallest size of an element).
        needed: u64,
        /// How many there are from `offset` to the end.
        available: u64,
    },
    /// A negative length or count.
    NegativeLength {
        /// Where in the value.
        path: String,
        /// The offset of the length.
        offset: u64,
        /// The length found.
        length: i32,
    },
    /// A string whose bytes are not UTF-8.
    InvalidUtf8 {
        /// Where in the value.
        path: String,
        /// The offset of the string's bytes.
        offset: u64,
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
        offset: u64,
    },
    /// The bytes stand for more values than the budget allows.
    TooManyValues {
        /// Where in the value the budget ran out.
        path: String,
        /// The budget.
        budget: u64,
    },
    /// The source could not deliver bytes it has (an I/O error).
    Source {
        /// Where in the value.
        path: String,
        /// The offset asked for.
        offset: u64,
        /// The source's error.
        source: SourceError,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated {
                path,
                offset,
                needed,
                available,
            } => write!(
                f,
                "at {path}: needs {needed} bytes at offset {offset}, only {available} left"
            ),
            DecodeError::NegativeLength {
                path,
                offset,
                length,
            } => write!(f, "at {path}: negative length {length} at offset {offset}"),
            DecodeError::InvalidUtf8 { path, offset } => {
                write!(f, "at {path}: the string at offset {offset} is not UTF-8")
            }
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
            DecodeError::Source {
                path,
                offset,
                source,
            } => write!(f, "at {path}: cannot read offset {offset}: {source}"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Source { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a value could not be encoded as a layout, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The value is not of the layout's kind (an int32 for a string, a
    /// struct of another name or with other fields).
    Mismatch {
        /// Where in the value.
        path: String,
        /// What the layout expects (its signature).
        expected: String,
        /// What the value is.
        found: String,
    },
    /// A fixed array of another length.
    ArrayLength {
        /// Where in the value.
        path: String,
        /// The layout's length.
        expected: usize,
        /// The value's length.
        found: usize,
    },
    /// An enum value that is not a variant of the enum.
    UnknownVariant {
        /// Where in the value.
        path: String,
        /// The enum's type name.
        enum_name: String,
        /// The value.
        value: i32,
    },
    /// A string, bytes or list longer than an int32 length can say.
    TooLong {
        /// Where in the value.
        path: String,
        /// Its length.
        len: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Mismatch {
                path,
                expected,
                found,
            } => write!(f, "at {path}: expected {expected}, found {found}"),
            EncodeError::ArrayLength {
                path,
                expected,
                found,
            } => write!(
                f,
                "at {path}: a fixed array of {expected} elements, found {found}"
            ),
            EncodeError::UnknownVariant {
                path,
                enum_name,
                value,
            } => write!(f, "at {path}: {value} is not a variant of enum {enum_name}"),
            EncodeError::TooLong { path, len } => write!(
                f,
                "at {path}: {len} is longer than an int32 length prefix can describe"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

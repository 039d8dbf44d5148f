//! # pusm-reference
//!
//! The reference codec of the pusm wire format (`PROTOCOL.md`, sections 7
//! and 8): it encodes and decodes a message of any type driven by its
//! [`Layout`] alone, into and from a dynamic [`Value`] tree. No generated
//! code and no runtime is involved, so it is what every generated codec is
//! compared against (the property test over random schemas in
//! `tests/schema-property`), and what `pusm inspect --schema` decodes with.
//!
//! It never panics on any input, allocates only after checking that the
//! bytes a count or length announces are there (a hostile count cannot make
//! it allocate), bounds the number of values one decode builds (values that
//! take no bytes could otherwise stand for billions of objects), and has no
//! `unsafe` (Miri-clean).
//!
//! ```
//! use pusm_layout::Layout;
//! use pusm_reference::{decode, encode, Value};
//!
//! let layout = Layout::List(&Layout::Float32);
//! let value = Value::List(vec![Value::Float32(1.5), Value::Float32(-2.0)]);
//! let bytes = encode(&layout, &value)?;
//! assert_eq!(bytes[..4], 2i32.to_le_bytes());
//! assert_eq!(decode(&layout, &bytes)?, (value, 12));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod decode;
mod encode;
mod error;
pub mod random;
mod render;
mod source;
mod value;

pub use decode::{decode, decode_from, min_size, DEFAULT_BUDGET};
pub use encode::{encode, encode_into};
pub use error::{DecodeError, EncodeError};
pub use source::{Source, SourceError};
pub use value::Value;

pub use pusm_layout::Layout;

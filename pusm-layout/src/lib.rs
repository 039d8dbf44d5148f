//! The one description of how pusm messages look on the wire.
//!
//! Both `#[derive(SharedLayout)]` (through `pusm-core`) and the schema code
//! generator (`pusm-codegen`) describe every message type as a [`Layout`] tree and
//! ask this crate for its fixed size and its [fingerprint](Layout::fingerprint).
//! Keeping those rules here, in a crate with no dependencies, is what stops the
//! Rust derive, the generated C# and the generated Python from drifting apart.
//!
//! The encoding itself is specified in `PROTOCOL.md`, section 8:
//!
//! | layout | bytes on the wire |
//! |---|---|
//! | [`Layout::Bool`] | 1 byte, 0 or 1 (non-zero reads as true) |
//! | [`Layout::Int32`], [`Layout::Enum`] | 4 bytes, little-endian |
//! | [`Layout::Float32`] | 4 bytes, little-endian IEEE 754 |
//! | [`Layout::String`], [`Layout::Bytes`] | int32 byte length, then the bytes (UTF-8 for strings) |
//! | [`Layout::List`] | int32 element count, then the elements |
//! | [`Layout::Array`] | exactly N elements, no count |
//! | [`Layout::Optional`] | a bool, then the value only if the bool is true |
//! | [`Layout::Struct`] | the fields in declaration order, no padding |
//!
//! Every function that matters here is a `const fn`, so a derived type's
//! fingerprint is a compile-time constant:
//!
//! ```
//! use pusm_layout::{Field, Layout, StructLayout};
//!
//! const VEC3: StructLayout<'static> = StructLayout {
//!     name: "Vec3",
//!     fields: &[
//!         Field { name: "x", layout: &Layout::Float32 },
//!         Field { name: "y", layout: &Layout::Float32 },
//!         Field { name: "z", layout: &Layout::Float32 },
//!     ],
//! };
//! const LAYOUT: Layout<'static> = Layout::Struct(&VEC3);
//! const FINGERPRINT: u32 = LAYOUT.fingerprint();
//!
//! assert_eq!(LAYOUT.signature(), "Vec3{x:float32,y:float32,z:float32}");
//! assert_eq!(FINGERPRINT, pusm_layout::fnv1a32(b"Vec3{x:float32,y:float32,z:float32}"));
//! assert_eq!(LAYOUT.fixed_size(), Some(12));
//! ```

#![forbid(unsafe_code)]

mod bounds;
mod fnv;
mod layout;
mod signature;
mod size;
pub mod wire;

pub use fnv::{fnv1a32, Fnv1a};
pub use layout::{free_enum_value, EnumLayout, Field, Layout, StructLayout, Variant};

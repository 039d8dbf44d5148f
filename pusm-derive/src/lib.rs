//! `#[derive(SharedLayout)]`: pusm wire serializers for Rust structs and enums.
//!
//! Use it through `pusm-core`, which re-exports it:
//!
//! ```
//! use pusm_core::{SharedLayout, VecBuffer};
//!
//! #[derive(SharedLayout, Debug, Clone, Copy, PartialEq)]
//! #[repr(i32)]
//! enum Command {
//!     Idle = 0,
//!     Move = 1,
//!     Reset = -1,
//! }
//!
//! #[derive(SharedLayout, Debug, PartialEq)]
//! struct Action {
//!     command: Command,
//!     force: [f32; 3],
//!     tags: Vec<String>,
//!     dt: Option<f32>,
//! }
//!
//! let action = Action { command: Command::Move, force: [1.0, 0.0, 0.0], tags: vec![], dt: None };
//! let mut buf = VecBuffer::new();
//! action.write(&mut buf, 0)?;
//! assert_eq!(Action::read(&mut buf, 0)?.0, action);
//! assert_eq!(
//!     Action::LAYOUT.signature(),
//!     "Action{command:Command(Idle=0,Move=1,Reset=-1),force:[float32;3],tags:[string],dt:float32?}"
//! );
//! # Ok::<(), pusm_core::Error>(())
//! ```
//!
//! # What derives
//!
//! - Structs with named fields (or no fields), in declaration order, no padding.
//! - Enums of unit variants with `#[repr(i32)]` and an explicit integer
//!   discriminant on every variant; the discriminant is the wire value. A
//!   variant without one is an error suggesting a value no variant has.
//!
//! # Field types
//!
//! | Rust | schema |
//! |---|---|
//! | `bool`, `i32`, `f32` | `bool`, `int32`, `float32` |
//! | `String` | `string` |
//! | `Vec<u8>` | `bytes` |
//! | `Vec<T>` | `[T]` |
//! | `[T; N]` | `[T; N]` |
//! | `Box<[T; N]>` | `[T; N]`, decoded on the heap |
//! | `Option<T>` | `T?` |
//! | any type that implements `SharedLayout` | that type |
//!
//! A fixed array held inline in a field may take at most 64 KiB: reading
//! builds it on the stack, so a bigger one (`[[i32; 65536]; 16]`) is a
//! compile error asking for `Box<[T; N]>`, which is decoded straight into the
//! heap and never overflows the stack.
//!
//! Anything else (`u32`, `i64`, `f64`, `usize`, `&str`, tuples, maps,
//! `Option<Option<T>>`, generic parameters, tuple structs, enums with data,
//! unions) is a compile error on the offending token, naming the nearest
//! supported type.
//!
//! # Attributes
//!
//! - `#[pusm(rename = "Name")]` on a type, field or variant: the name the
//!   fingerprint uses, when the Rust name has to differ from the schema's
//!   (raw identifiers need nothing: `r#type` is named `type`).
//! - `#[pusm(crate = "path::to::pusm_core")]` on a type: where to find
//!   `pusm-core` when it is renamed or re-exported.
//!
//! # What the generated code does
//!
//! The bytes are each field's encoding in order; how they are copied is
//! chosen for speed. A run of consecutive fields that are not `String`,
//! `Vec` or `Option` and turn out (at compile time, through
//! `Layout::fixed_size_of_run`) to have a fixed size of at most 1 KiB is
//! staged in an array on the stack and copied with one `write_bytes` or
//! `read_bytes_into`: one bounds check and one wait for control per run,
//! not per field. Nested derived structs in a run write into the same
//! block. When a block cannot be used (the run does not fit in the memory,
//! a value is invalid), the fields are written or read one by one instead,
//! so the result, the error and its offset are always those of one call per
//! field. Lists and arrays of `i32` and `f32` are copied in chunks.

mod ast;
mod attr;
mod errors;
mod expand;
mod field_type;

use proc_macro::TokenStream;

/// Implements `pusm_core::SharedLayout` for a struct with named fields or a
/// `#[repr(i32)]` enum of unit variants. See the [crate docs](crate).
#[proc_macro_derive(SharedLayout, attributes(pusm))]
pub fn derive_shared_layout(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match ast::Input::from_syn(&input) {
        Ok(parsed) => expand::expand(&parsed).into(),
        Err(errors) => {
            // The errors, plus a stand-in impl so that the uses of the type
            // do not bury them under "SharedLayout is not implemented".
            let mut tokens = errors.to_compile_error();
            tokens.extend(expand::fallback(&input));
            tokens.into()
        }
    }
}

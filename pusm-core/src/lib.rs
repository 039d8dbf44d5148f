//! # pusm-core
//!
//! Typed messages between Rust, Python and Unity over a shared memory-mapped
//! file, wire-compatible with the original `PythonUnitySharedMemory` packages.
//!
//! - [`SharedMemory`] is one side of a conversation: two files in the temp
//!   directory, two roles that take turns ([`Role`]), the seed's five
//!   primitives at byte offsets ([`SharedBuffer`]).
//! - [`SharedLayout`] (with `#[derive(SharedLayout)]`) turns Rust structs and
//!   enums into those primitives, so nobody counts offsets by hand.
//! - [`VecBuffer`] is the same [`SharedBuffer`] in process memory, for tests
//!   and staging.
//!
//! ```
//! use pusm_core::{SharedLayout, VecBuffer};
//!
//! #[derive(SharedLayout, Debug, PartialEq)]
//! #[repr(i32)]
//! enum Command { Idle = 0, Jump = 2 }
//!
//! #[derive(SharedLayout, Debug, PartialEq)]
//! struct Action { command: Command, force: [f32; 3], note: Option<String> }
//!
//! let action = Action { command: Command::Jump, force: [0.0, 9.8, 0.0], note: None };
//! let mut buf = VecBuffer::new();
//! let end = action.write(&mut buf, 0)?;
//! assert_eq!(end, action.encoded_len());
//! assert_eq!(Action::read(&mut buf, 0)?, (action, end));
//! # Ok::<(), pusm_core::Error>(())
//! ```
//!
//! The wire format is specified in `PROTOCOL.md` at the repository root's
//! `docs/`; the layout rules shared with the code generator live in
//! [`layout`] (the `pusm-layout` crate).

#[cfg(not(unix))]
compile_error!("pusm-core maps files with Unix APIs; Windows is not supported yet");

mod buffer;
mod codec;
mod error;
mod memory;
mod message;
mod role;
mod vec_buffer;

pub use buffer::SharedBuffer;
pub use error::{Error, Result};
pub use memory::files::{default_dir, delete_files, delete_files_in, DIR_NAME};
pub use memory::{
    inspect_hook, probe_liveness, remove_stale, Builder, HookState, Liveness, LockState,
    SharedMemory, StaleRemoval, WaitStrategy,
};
pub use message::{fingerprint_bits, SharedLayout};
pub use role::{ParseRoleError, Role};
pub use vec_buffer::VecBuffer;

/// What the code `#[derive(SharedLayout)]` generates calls, and nothing else
/// should: block copies of runs of fixed-size fields. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::message::block::{read_block, write_block, Block, MAX_BLOCK};
}

/// The layout model shared with the code generator: re-export of `pusm-layout`.
pub use pusm_layout as layout;

/// `#[derive(SharedLayout)]`: implements [`SharedLayout`] for a struct with
/// named fields or a `#[repr(i32)]` enum of unit variants.
///
/// See the `pusm-derive` crate for the supported field types and attributes.
#[cfg(feature = "derive")]
pub use pusm_derive::SharedLayout;

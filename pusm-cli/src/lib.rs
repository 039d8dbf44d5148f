//! # pusm-cli
//!
//! The library behind the `pusm` command-line tool, which looks at the shared
//! memories in a directory without joining them:
//!
//! - `pusm list`: every shared memory, its hook, and whether a live process
//!   still holds it ([`scan`]);
//! - `pusm inspect PREFIX`: the hook decoded, a hex view of the data file, and
//!   optionally the data decoded as a type of a schema file, by the reference
//!   codec ([`pusm_reference`]), reading only the bytes shown or decoded
//!   ([`data`]);
//! - `pusm clean [--stale] [PREFIX]`: removing the files of one shared
//!   memory, or of every stale one.
//!
//! Names from the directory are printed escaped ([`shown`]): a file name
//! cannot send control characters to the terminal.
//!
//! Run `pusm --help` for the options; `docs/RELIABILITY.md` describes the
//! tool and what "live" and "stale" mean.

#![forbid(unsafe_code)]

pub mod data;
pub mod hex;
pub mod scan;
pub mod shown;

/// The reference codec (`pusm-reference`) that `pusm inspect --schema`
/// decodes with.
pub use pusm_reference as reference;

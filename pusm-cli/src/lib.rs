//! # pusm-cli
//!
//! The library behind the `pusm` command-line tool, which looks at the shared
//! memories in a directory without joining them:
//!
//! - `pusm list`: every shared memory, its hook, and whether a live process
//!   still holds it ([`scan`]);
//! - `pusm inspect PREFIX`: the hook decoded, a hex view of the data file, and
//!   optionally the data decoded as a type of a schema file ([`decode`]);
//! - `pusm clean [--stale] [PREFIX]`: removing the files of one shared
//!   memory, or of every stale one.
//!
//! Run `pusm --help` for the options; `docs/RELIABILITY.md` describes the
//! tool and what "live" and "stale" mean.

pub mod decode;
pub mod scan;

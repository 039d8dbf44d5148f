//! The Rust that `pusm-codegen` generates from `schemas/*.pusm` (and its
//! test-only `shadowing.pusm`), included the documented way: one module per
//! schema file. The tests check it against hand-written
//! `#[derive(SharedLayout)]` types and against the generated Python and C#.

include!(concat!(env!("OUT_DIR"), "/pusm_schemas.rs"));

/// The folder holding the generated Python modules.
pub const PYTHON_DIR: &str = concat!(env!("OUT_DIR"), "/python");

/// The folder holding the generated C# files.
pub const CSHARP_DIR: &str = concat!(env!("OUT_DIR"), "/csharp");

//! The Rust that `pusm-codegen` generates from `schemas/*.pusm` (and its
//! test-only `shadowing.pusm`), included the documented way: one module per
//! schema file. The tests check it against hand-written
//! `#[derive(SharedLayout)]` types and against the generated Python and C#.
//!
//! Missing docs are errors here: generated items carry docs or an allow, so
//! crates that deny missing docs build.

#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/pusm_schemas.rs"));

/// One schema file's module included on its own, as the README shows: the
/// files it imports go beside it (`robot.rs` names `super::common::Vec3`).
pub mod single_files {
    /// `common.pusm`, which `robot.pusm` imports.
    pub mod common {
        include!(concat!(env!("OUT_DIR"), "/common.rs"));
    }
    /// `robot.pusm`.
    pub mod robot {
        include!(concat!(env!("OUT_DIR"), "/robot.rs"));
    }
}

/// The deepest and biggest types the schema language accepts
/// (`tests/codegen-build/schemas/`).
pub mod limits {
    include!(concat!(env!("OUT_DIR"), "/limits/pusm_schemas.rs"));
}

/// `pusm-core` under another path, for `Builder::crate_path`.
pub use pusm_core as reexported_pusm;

/// `robot.pusm` generated with `crate_path`, `type_attribute` and
/// `field_attribute`.
pub mod options {
    include!(concat!(env!("OUT_DIR"), "/options/pusm_schemas.rs"));
}

/// `robot.pusm` generated with `extern_path(".common", "crate::common")`:
/// it uses the `common` module above instead of a copy of its own.
pub mod shared {
    include!(concat!(env!("OUT_DIR"), "/shared/pusm_schemas.rs"));
}

/// The folder holding the generated C# and Python of [`limits`].
pub const LIMITS_CSHARP_DIR: &str = concat!(env!("OUT_DIR"), "/limits_csharp");

/// The folder holding the generated Python of [`limits`].
pub const LIMITS_PYTHON_DIR: &str = concat!(env!("OUT_DIR"), "/limits_python");

/// The folder holding the generated Python modules.
pub const PYTHON_DIR: &str = concat!(env!("OUT_DIR"), "/python");

/// The folder holding the generated C# files.
pub const CSHARP_DIR: &str = concat!(env!("OUT_DIR"), "/csharp");

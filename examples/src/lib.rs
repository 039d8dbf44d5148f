//! The pieces the example programs share: the message types generated from
//! `schemas/` by `build.rs`, the echo contract (`ECHO.md`), seeded random
//! messages for the cross-language tests, and the robot demo's little world.

pub mod echo;
pub mod random;
pub mod world;

/// The message types of `schemas/*.pusm`, generated at build time.
#[allow(missing_docs)]
pub mod schemas {
    include!(concat!(env!("OUT_DIR"), "/pusm_schemas.rs"));
}

//! Generates the Rust message types of `schemas/` into `OUT_DIR`, the way a
//! user's crate would (see `src/lib.rs` for the `include!`).

fn main() -> Result<(), pusm_codegen::Error> {
    pusm_codegen::Builder::new()
        .schema("../schemas/common.pusm")
        .schema("../schemas/robot.pusm")
        .schema("../schemas/edge_cases.pusm")
        .compile()
}

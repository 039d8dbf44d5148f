//! Generates Rust (into `OUT_DIR`), C# and Python (into `OUT_DIR/csharp` and
//! `OUT_DIR/python`) from every schema in `schemas/` and the code generator's
//! test-only `shadowing.pusm`, the way a user's build script would.
//!
//! Then, each into a folder of its own: the schemas at the language's
//! limits (`tests/codegen-build/schemas/`, all three languages), and
//! `robot.pusm` again with the Rust options of `prost-build` users
//! (`crate_path`, `type_attribute`, `field_attribute`, `extern_path`).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() -> Result<(), pusm_codegen::Error> {
    let root = PathBuf::from("../..");
    let mut schemas: Vec<PathBuf> = fs::read_dir(root.join("schemas"))
        .map_err(|source| pusm_codegen::Error::Io {
            path: root.join("schemas"),
            source,
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pusm"))
        .collect();
    schemas.sort();
    schemas.push(root.join("pusm-codegen/tests/schemas/shadowing.pusm"));
    // A new schema file is a new module.
    println!("cargo:rerun-if-changed=../../schemas");

    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or(pusm_codegen::Error::MissingOutDir)?);
    pusm_codegen::Builder::new()
        .schemas(&schemas)
        .csharp_out(out.join("csharp"))
        .python_out(out.join("python"))
        .compile()?;

    // The deepest and biggest types the schema language accepts.
    pusm_codegen::Builder::new()
        .schemas(["schemas/deep.pusm", "schemas/big.pusm"])
        .rust_out(out.join("limits"))
        .csharp_out(out.join("limits_csharp"))
        .python_out(out.join("limits_python"))
        .compile()?;

    // pusm-core through a re-export, with extra attributes.
    pusm_codegen::Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.join("options"))
        .crate_path("crate::reexported_pusm")
        .type_attribute(".", "#[derive(PartialOrd)]")
        .field_attribute("Observation.step", "#[doc(alias = \"tick\")]")
        .compile()?;

    // `common.pusm` shared with the modules generated above.
    pusm_codegen::Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.join("shared"))
        .extern_path(".common", "crate::common")
        .compile()
}

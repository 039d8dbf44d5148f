//! Generates Rust (into `OUT_DIR`), C# and Python (into `OUT_DIR/csharp` and
//! `OUT_DIR/python`) from every schema in `schemas/` and the code generator's
//! test-only `shadowing.pusm`, the way a user's build script would.

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
        .compile()
}

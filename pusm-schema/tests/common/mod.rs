//! Helpers shared by the integration tests.

#![allow(dead_code)]

use pusm_schema::{load_sources, Diagnostics, Schema, Sources};

/// An in-memory set of files.
pub fn sources(files: &[(&str, &str)]) -> Sources {
    let mut sources = Sources::new();
    for (path, text) in files {
        sources.add(*path, *text);
    }
    sources
}

/// Loads the first file of `files` (the others are there to be imported).
pub fn load(files: &[(&str, &str)]) -> Result<Schema, Diagnostics> {
    let root = files.first().map_or("", |(path, _)| *path);
    load_sources(&sources(files), &[root])
}

/// Loads one file that must be valid.
pub fn ok(text: &str) -> Schema {
    ok_files(&[("test.pusm", text)])
}

/// Loads files that must be valid.
pub fn ok_files(files: &[(&str, &str)]) -> Schema {
    match load(files) {
        Ok(schema) => schema,
        Err(errors) => panic!("expected no errors, got:\n{errors}"),
    }
}

/// The plain rendering of the errors of one file that must be invalid.
pub fn errors(text: &str) -> String {
    errors_files(&[("test.pusm", text)])
}

/// The plain rendering of the errors of files that must be invalid.
pub fn errors_files(files: &[(&str, &str)]) -> String {
    match load(files) {
        Ok(_) => panic!("expected errors, got a schema"),
        Err(errors) => errors.render(false),
    }
}

/// The messages only, one per error.
pub fn messages(text: &str) -> Vec<String> {
    messages_files(&[("test.pusm", text)])
}

/// The messages only, one per error.
pub fn messages_files(files: &[(&str, &str)]) -> Vec<String> {
    match load(files) {
        Ok(_) => panic!("expected errors, got a schema"),
        Err(errors) => errors.iter().map(|error| error.message.clone()).collect(),
    }
}

/// FNV-1a 32, written out again here so the tests check the IR against an
/// independent implementation.
pub fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811C_9DC5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

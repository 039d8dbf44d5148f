//! Arbitrary bytes as schema files (split into `a.pusm`, `b.pusm`... on
//! `\0\0`), imports resolved in memory: an error, never a panic or a hang.
#![no_main]

#[path = "../bodies/schema_parser.rs"]
mod schema_parser;

libfuzzer_sys::fuzz_target!(|data: &[u8]| schema_parser::run(data));

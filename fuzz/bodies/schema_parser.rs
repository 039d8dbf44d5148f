//! Fuzz body `schema_parser`: arbitrary bytes as schema files, with imports
//! resolved in an in-memory `Sources`. Loading returns a schema or
//! diagnostics, never panics or hangs; whatever comes back can be used
//! (rendered, fingerprinted, laid out) without panicking either.
//!
//! Shared by `fuzz/fuzz_targets/schema_parser.rs` (cargo-fuzz) and
//! `pusm-schema/tests/fuzz_harness.rs` (CI). Depends on pusm-schema only.

#![allow(dead_code)]

use pusm_schema::{load_sources, Item, Schema, Sources, TypeRef};

/// The real schema files, importable by name from every input.
pub const COMMON: &str = include_str!("../../schemas/common.pusm");
/// `schemas/robot.pusm`.
pub const ROBOT: &str = include_str!("../../schemas/robot.pusm");
/// `schemas/edge_cases.pusm`.
pub const EDGE_CASES: &str = include_str!("../../schemas/edge_cases.pusm");

/// Separates the files of one input: `a.pusm`, then `b.pusm`, `c.pusm`...
pub const FILE_SEPARATOR: &[u8] = b"\0\0";

/// Splits an input into files, so that inputs can import each other.
pub fn files(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut files = Vec::new();
    let mut rest = data;
    let mut index = 0u8;
    loop {
        let name = format!("{}.pusm", char::from(b'a' + index));
        match find(rest, FILE_SEPARATOR) {
            Some(at) if index < 3 => {
                files.push((name, &rest[..at]));
                rest = &rest[at + FILE_SEPARATOR.len()..];
                index += 1;
            }
            _ => {
                files.push((name, rest));
                return files;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The body: load `a.pusm` (and whatever it imports) from `data`.
pub fn run(data: &[u8]) {
    let mut sources = Sources::new();
    sources.add("common.pusm", COMMON);
    for (name, text) in files(data) {
        sources.add_bytes(name, text.to_vec());
    }
    match load_sources(&sources, &["a.pusm"]) {
        Ok(schema) => use_schema(&schema),
        Err(errors) => {
            assert!(!errors.is_empty(), "an Err carries at least one diagnostic");
            let plain = errors.render(false);
            assert!(plain.starts_with("error: "), "{plain}");
            let _ = errors.render(true);
            for error in errors.iter() {
                assert!(!error.message.is_empty());
                if let Some(span) = &error.span {
                    assert!(span.start <= span.end, "{span:?}");
                    assert!(error.line >= 1 && error.column >= 1);
                }
            }
        }
    }
}

/// Every question a code generator asks of a schema, asked of every type.
pub fn use_schema(schema: &Schema) {
    for (id, item) in schema.types() {
        let ty = TypeRef::Named(id);
        let signature = schema.signature(&ty);
        assert!(signature.starts_with(item.name()), "{signature}");
        assert_eq!(
            schema.fingerprint(&ty),
            fnv1a(signature.as_bytes()),
            "{signature}"
        );
        let fixed = schema.fixed_size(&ty);
        let layout_fixed = schema.with_layout(&ty, |layout| layout.fixed_size());
        assert_eq!(fixed, layout_fixed);
        if let Item::Enum(def) = item {
            assert!(!def.variants.is_empty(), "an empty enum is an error");
            assert_eq!(fixed, Some(4));
        }
    }
    let _ = schema.source_files();
}

/// FNV-1a 32, written out again so the harness does not trust the code it checks.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5_u32, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Valid (and nearly valid) inputs to start mutating from.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [ROBOT, EDGE_CASES, COMMON]
        .iter()
        .map(|text| text.as_bytes().to_vec())
        .collect();
    // Two files importing each other's types.
    let mut pair = b"namespace a;\nimport \"b.pusm\";\nstruct A { b: B; list: [B?]; grid: [[int32; 2]; 3]; }\n".to_vec();
    pair.extend_from_slice(FILE_SEPARATOR);
    pair.extend_from_slice(b"namespace b;\nimport \"common.pusm\";\n/// doc\nstruct B { v: Vec3; t: Team; s: string; x: bytes; f: float32; ok: bool; }\nenum E { X = 0, Y = -1 }\n");
    seeds.push(pair);
    seeds.push(b"struct Empty {}\nstruct Many { e: [Empty]; f: [Empty; 65536]; }\n".to_vec());
    seeds.push(b"import \"a.pusm\";\nstruct Loop { me: Loop?; }\n".to_vec());
    seeds
}

//! The `schema_parser` fuzz target's body (`fuzz/bodies/schema_parser.rs`),
//! run in CI as an ordinary test: random bytes and mutations of the real
//! schema files, with imports resolved in memory, for a bounded time
//! (`PUSM_FUZZ_SECONDS` to run longer, `PUSM_FUZZ_SEED` for other inputs).
//! Loading must give a schema or diagnostics: never a panic, never a hang.
//! See `docs/RELIABILITY.md`.

#[path = "../../fuzz/bodies/driver.rs"]
mod driver;
#[path = "../../fuzz/bodies/schema_parser.rs"]
mod schema_parser;

/// Seconds spent here in a default (CI) run.
const DEFAULT_SECONDS: f64 = 20.0;

#[test]
fn schema_files_from_arbitrary_bytes_load_or_fail_cleanly() {
    let stats = driver::run(
        "schema_parser",
        DEFAULT_SECONDS,
        &schema_parser::seeds(),
        4096,
        schema_parser::run,
    );
    assert!(stats.inputs >= schema_parser::seeds().len() as u64);
}

#[test]
fn the_seeds_are_valid_where_they_should_be() {
    use pusm_schema::{load_sources, Sources};
    for (index, seed) in schema_parser::seeds().iter().enumerate().take(4) {
        let mut sources = Sources::new();
        sources.add("common.pusm", schema_parser::COMMON);
        for (name, text) in schema_parser::files(seed) {
            sources.add_bytes(name, text.to_vec());
        }
        if let Err(errors) = load_sources(&sources, &["a.pusm"]) {
            panic!("seed {index} should load:\n{errors}");
        }
    }
}

#[test]
fn files_are_split_on_the_separator() {
    let files = schema_parser::files(b"one\0\0two\0\0three\0\0four\0\0five");
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["a.pusm", "b.pusm", "c.pusm", "d.pusm"]);
    assert_eq!(files[3].1, b"four\0\0five");
}

//! Every compile error of `#[derive(SharedLayout)]`, pinned.
//! Re-bless after an intended change with `TRYBUILD=overwrite cargo test -p pusm-derive`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

//! The generated C# (written by the build script with `Builder::csharp_out`)
//! decodes every sample the generated Rust encoded and writes the same bytes
//! back, with the same fingerprints. Compiled with Mono's `mcs` against the
//! code generator's test stub of the original package's `SharedMemory`; without `mcs` and
//! `mono` the test prints a notice and passes, unless `PUSM_REQUIRE_ALL=1`.

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn generated_csharp_agrees_with_generated_rust_byte_for_byte() {
    if !support::tools::have("mcs", "the generated C#'s agreement test")
        || !support::tools::have("mono", "the generated C#'s agreement test")
    {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    support::write_samples(dir.path());
    let mut generated: Vec<PathBuf> = fs::read_dir(pusm_codegen_build_test::CSHARP_DIR)
        .expect("the build script wrote C#")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    generated.sort();
    let root = support::repo_root();
    let exe = dir.path().join("CSharpAgreement.exe");
    support::run(
        Command::new("mcs")
            .arg(format!("-out:{}", exe.display()))
            .arg(root.join("pusm-codegen/tests/csharp/SharedMemoryStub.cs"))
            .arg(root.join("tests/codegen-build/tests/CSharpAgreement.cs"))
            .args(&generated),
    );
    let stdout = support::run(Command::new("mono").arg(&exe).arg(dir.path()));
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

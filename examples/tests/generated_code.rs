//! The generated Python and C# checked in under `examples/` is exactly what
//! the code generator makes of `schemas/` today. Re-bless after a change with
//! `PUSM_BLESS=1 cargo test -p pusm-examples --test generated_code`.

mod support;

use std::path::Path;

use support::repo;

fn check_folder(language: &str, generated: &Path, checked_in: &Path) {
    let bless = std::env::var_os("PUSM_BLESS").is_some();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(generated).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let fresh = std::fs::read_to_string(entry.path()).unwrap();
        let target = checked_in.join(&name);
        if bless {
            std::fs::create_dir_all(checked_in).unwrap();
            std::fs::write(&target, &fresh).unwrap();
        } else {
            let current = std::fs::read_to_string(&target).unwrap_or_else(|err| {
                panic!("{}: {err} (re-bless with PUSM_BLESS=1)", target.display())
            });
            assert!(
                current == fresh,
                "{} is out of date with schemas/ (re-bless with PUSM_BLESS=1)",
                target.display()
            );
        }
        names.push(name);
    }
    names.sort();
    let mut present: Vec<String> = std::fs::read_dir(checked_in)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".py") || name.ends_with(".cs"))
        .collect();
    present.sort();
    assert_eq!(
        present, names,
        "the {language} files checked in are exactly the generated ones"
    );
}

#[test]
fn checked_in_python_and_csharp_are_up_to_date() {
    let out = tempfile::tempdir().unwrap();
    let schemas = ["common.pusm", "robot.pusm", "edge_cases.pusm"]
        .map(|name| repo().join("schemas").join(name));
    pusm_codegen::Builder::new()
        .schemas(schemas)
        .without_rust()
        .emit_rerun_if_changed(false)
        .python_out(out.path().join("python"))
        .csharp_out(out.path().join("csharp"))
        .compile()
        .unwrap();
    check_folder(
        "Python",
        &out.path().join("python"),
        &repo().join("examples/python/generated"),
    );
    check_folder(
        "C#",
        &out.path().join("csharp"),
        &repo().join("examples/csharp/Generated"),
    );
}

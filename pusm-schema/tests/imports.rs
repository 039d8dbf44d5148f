//! Imports: relative paths, subfolders, files imported twice, cycles,
//! missing files, the order of `Schema::files`, and loading from disk.

mod common;

use std::path::{Path, PathBuf};

use common::{errors_files, messages_files, ok_files, sources};
use pusm_schema::{load, load_sources, load_with_includes, FileId};

fn paths(schema: &pusm_schema::Schema) -> Vec<String> {
    schema
        .files
        .iter()
        .map(|file| file.path.display().to_string())
        .collect()
}

#[test]
fn imports_are_relative_to_the_importing_file() {
    let schema = ok_files(&[
        ("schemas/robot.pusm", "import \"common.pusm\";\nimport \"sub/extra.pusm\";\nstruct R { v: Vec3; e: Extra; }\n"),
        ("schemas/common.pusm", "struct Vec3 {}\n"),
        ("schemas/sub/extra.pusm", "import \"../common.pusm\";\nimport \"./deeper/leaf.pusm\";\nstruct Extra { v: Vec3; l: Leaf; }\n"),
        ("schemas/sub/deeper/leaf.pusm", "struct Leaf {}\n"),
    ]);
    assert_eq!(
        paths(&schema),
        [
            "schemas/common.pusm",
            "schemas/sub/deeper/leaf.pusm",
            "schemas/sub/extra.pusm",
            "schemas/robot.pusm"
        ]
    );
    assert_eq!(schema.files[3].imports, vec![FileId(0), FileId(2)]);
    assert_eq!(schema.files[2].imports, vec![FileId(0), FileId(1)]);
    assert_eq!(schema.files[3].module, "robot");
}

#[test]
fn a_file_imported_twice_is_read_once() {
    // Diamond: top imports left and right, which both import base, spelled
    // three different ways.
    let schema = ok_files(&[
        (
            "top.pusm",
            "import \"left.pusm\";\nimport \"right.pusm\";\nimport \"./base.pusm\";\n",
        ),
        (
            "left.pusm",
            "import \"base.pusm\";\nstruct Left { b: Base; }\n",
        ),
        (
            "right.pusm",
            "import \"x/../base.pusm\";\nstruct Right { b: Base; }\n",
        ),
        ("base.pusm", "struct Base {}\n"),
    ]);
    assert_eq!(
        paths(&schema),
        ["base.pusm", "left.pusm", "right.pusm", "top.pusm"]
    );
    assert_eq!(
        schema.files[3].imports,
        vec![FileId(1), FileId(2), FileId(0)]
    );
    assert_eq!(
        schema.source_files(),
        ["base.pusm", "left.pusm", "right.pusm", "top.pusm"].map(PathBuf::from)
    );
}

#[test]
fn files_come_after_their_imports_and_otherwise_in_the_order_named() {
    let sources = sources(&[
        ("z.pusm", "struct Z {}\n"),
        ("y.pusm", "import \"w.pusm\";\n"),
        ("x.pusm", "import \"y.pusm\";\n"),
        ("w.pusm", ""),
    ]);
    let schema = load_sources(&sources, &["z.pusm", "x.pusm", "y.pusm", "./z.pusm"]).unwrap();
    assert_eq!(paths(&schema), ["z.pusm", "w.pusm", "y.pusm", "x.pusm"]);
    let schema = load_sources(&sources, &["y.pusm", "x.pusm"]).unwrap();
    assert_eq!(paths(&schema), ["w.pusm", "y.pusm", "x.pusm"]);
    let none: [&str; 0] = [];
    assert!(load_sources(&sources, &none).unwrap().files.is_empty());
}

#[test]
fn an_import_cycle_is_an_error_naming_the_cycle() {
    assert_eq!(
        errors_files(&[
            ("a.pusm", "import \"b.pusm\";\nstruct A { b: B; }\n"),
            ("b.pusm", "import \"a.pusm\";\nstruct B {}\n"),
        ]),
        "\
error: import cycle: a.pusm -> b.pusm -> a.pusm
  --> b.pusm:1:8
  |
1 | import \"a.pusm\";
  |        ^^^^^^^^ this import closes the cycle
  |
  = help: move the types both files need into a third file that both import

"
    );
    assert_eq!(
        messages_files(&[
            ("a.pusm", "import \"sub/b.pusm\";\n"),
            ("sub/b.pusm", "import \"c.pusm\";\n"),
            ("sub/c.pusm", "import \"../a.pusm\";\n"),
        ]),
        vec!["import cycle: a.pusm -> sub/b.pusm -> sub/c.pusm -> a.pusm".to_owned()]
    );
    assert_eq!(
        messages_files(&[("self.pusm", "import \"self.pusm\";\n")]),
        vec!["import cycle: self.pusm -> self.pusm".to_owned()]
    );
}

#[test]
fn a_missing_import_is_an_error_at_the_import_string() {
    assert_eq!(
        errors_files(&[
            (
                "schemas/robot.pusm",
                "namespace robot;\n\nimport \"comon.pusm\";\n"
            ),
            ("schemas/common.pusm", ""),
        ]),
        "\
error: cannot find imported file 'schemas/comon.pusm'
  --> schemas/robot.pusm:3:8
  |
3 | import \"comon.pusm\";
  |        ^^^^^^^^^^^^ not found
  |
  = note: imports are relative to the folder of the importing file

"
    );
}

#[test]
fn a_missing_root_file_is_an_error_without_a_snippet() {
    let errors = load_sources(&sources(&[]), &["nowhere.pusm"]).unwrap_err();
    assert_eq!(
        errors.render(false),
        "error: cannot find schema file 'nowhere.pusm'\n\n"
    );
    let error = errors.iter().next().unwrap();
    assert_eq!(
        (error.path.to_str(), error.line, error.column),
        (Some("nowhere.pusm"), 0, 0)
    );
    assert!(errors.files().is_empty());
}

#[test]
fn an_empty_import_path_is_an_error() {
    assert_eq!(
        messages_files(&[("a.pusm", "import \"\";\n")]),
        vec!["empty import path".to_owned()]
    );
}

#[test]
fn diagnostics_list_every_file_read_even_on_failure() {
    let errors = common::load(&[
        ("a.pusm", "import \"b.pusm\";\nimport \"missing.pusm\";\n"),
        ("b.pusm", "import \"c.pusm\";\nstruct B { x: nope; }\n"),
        ("c.pusm", "struct C {}\n"),
    ])
    .unwrap_err();
    assert_eq!(
        errors.files(),
        ["a.pusm", "b.pusm", "c.pusm"].map(PathBuf::from)
    );
    assert_eq!(errors.len(), 2);
}

#[test]
fn errors_in_several_files_are_all_reported_in_reading_order() {
    assert_eq!(
        messages_files(&[
            ("a.pusm", "import \"b.pusm\";\nstruct A { x: Bee; }\n"),
            ("b.pusm", "struct B { y: int; }\n"),
        ]),
        vec![
            "unknown type 'Bee'".to_owned(),
            "unknown type 'int'".to_owned()
        ]
    );
}

/// A fresh folder under the system's temporary folder.
fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn loading_from_disk_resolves_imports_relative_to_each_file() {
    let dir = temp_dir();
    let root = dir.path();
    write(root, "app/main.pusm", "import \"../lib/shapes.pusm\";\nimport \"local.pusm\";\nstruct Main { p: Point; l: Local; }\n");
    write(
        root,
        "app/local.pusm",
        "import \"../lib/./shapes.pusm\";\nstruct Local { p: Point; }\n",
    );
    write(root, "lib/shapes.pusm", "struct Point { x: float32; }\n");
    let main = root.join("app/main.pusm");
    // `lib/` is outside `app/`: reachable through an include folder.
    let schema = load_with_includes(&[&main], &[root]).unwrap();
    assert_eq!(
        schema.source_files(),
        vec![
            root.join("lib/shapes.pusm"),
            root.join("app/local.pusm"),
            root.join("app/main.pusm")
        ]
    );
    // The same file named twice, spelled differently, is read once.
    let again = root.join("lib/../app/main.pusm");
    assert_eq!(
        load_with_includes(&[main.clone(), again], &[root])
            .unwrap()
            .files
            .len(),
        3
    );
}

#[test]
fn loading_from_disk_reports_missing_files_and_folders() {
    let dir = temp_dir();
    let root = dir.path();
    write(
        root,
        "main.pusm",
        "import \"missing.pusm\";\nimport \"folder.pusm\";\n",
    );
    std::fs::create_dir_all(root.join("folder.pusm")).unwrap();
    let errors = load(&[root.join("main.pusm"), root.join("absent.pusm")]).unwrap_err();
    let messages: Vec<String> = errors.iter().map(|error| error.message.clone()).collect();
    assert_eq!(
        messages,
        vec![
            format!(
                "cannot find imported file '{}'",
                root.join("missing.pusm").display()
            ),
            format!(
                "cannot read imported file '{}': it is a directory",
                root.join("folder.pusm").display()
            ),
            format!(
                "cannot find schema file '{}'",
                root.join("absent.pusm").display()
            ),
        ]
    );
    assert_eq!(errors.files(), vec![root.join("main.pusm")]);
}

#[test]
fn loading_from_disk_with_relative_paths_keeps_them_relative() {
    // The crate's tests run in the crate folder: the repository's schemas
    // are two folders up.
    let schema = load(&["../schemas/robot.pusm"]).unwrap();
    assert_eq!(
        schema.source_files(),
        [
            PathBuf::from("../schemas/common.pusm"),
            PathBuf::from("../schemas/robot.pusm")
        ]
    );
}

//! What an import may read (`docs/SCHEMA.md`, "Imports"): regular files
//! only, at most `MAX_FILE_SIZE` bytes, relative `.pusm` paths, inside the
//! folders of the schema files named or an include folder (symlinks
//! resolved), looked up next to the importing file and then in each include
//! folder.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use pusm_schema::{
    load, load_sources_with_includes, load_with_includes, Diagnostics, Sources, MAX_FILE_SIZE,
};

fn write(dir: &Path, path: &str, text: &str) -> PathBuf {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn messages(errors: &Diagnostics) -> Vec<String> {
    errors.iter().map(|error| error.message.clone()).collect()
}

/// Runs `f` on another thread and fails if it does not finish in time: a
/// blocked open would otherwise hang the test run instead of failing it.
fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("loading blocked: an import was opened in a way that waits")
}

#[test]
fn device_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.pusm")).unwrap();
    let main = write(root, "main.pusm", "import \"zero.pusm\";\n");
    // Outside the schema folders: refused before it is opened.
    let outside = main.clone();
    let errors = within_a_minute(move || load(&[outside]).unwrap_err());
    assert!(
        messages(&errors)[0].ends_with("is outside the schema folders"),
        "{errors}"
    );
    // Inside an include folder: opened, and refused as not a regular file.
    let errors = within_a_minute(move || load_with_includes(&[main], &["/dev"]).unwrap_err());
    let message = &messages(&errors)[0];
    assert!(
        message.ends_with(
            "zero.pusm': it is not a regular file (a FIFO, socket or device); schema files are regular files"
        ),
        "{message}"
    );
    // Named on the command line: the same rule.
    let errors = within_a_minute(|| load(&["/dev/zero"]).unwrap_err());
    assert!(
        messages(&errors)[0].contains("not a regular file"),
        "{errors}"
    );
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let fifo = root.join("pipe.pusm");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let main = write(&root, "main.pusm", "import \"pipe.pusm\";\n");
    let errors = within_a_minute(move || load(&[main]).unwrap_err());
    assert_eq!(
        messages(&errors),
        vec![format!(
            "cannot read imported file '{}': it is not a regular file (a FIFO, socket or device); schema files are regular files",
            fifo.display()
        )]
    );
}

#[test]
fn files_over_the_size_limit_are_refused_naming_the_file_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let big = format!("// {}\n", "x".repeat(MAX_FILE_SIZE as usize));
    let big_path = write(root, "big.pusm", &big);
    let main = write(root, "main.pusm", "import \"big.pusm\";\n");
    let errors = load(&[main]).unwrap_err();
    assert_eq!(
        messages(&errors),
        vec![format!(
            "imported file '{}' is too large: {} bytes, over the limit of 1048576 bytes",
            big_path.display(),
            big.len()
        )]
    );
    // Just under the limit is read.
    let fine = format!(
        "// {}\nstruct A {{}}\n",
        "x".repeat(MAX_FILE_SIZE as usize - 20)
    );
    assert!(fine.len() as u64 <= MAX_FILE_SIZE);
    write(root, "big.pusm", &fine);
    assert!(load(&[root.join("main.pusm")]).is_ok());
}

#[test]
fn a_symlink_out_of_the_schema_folders_is_refused_without_quoting_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let secret = write(
        dir.path(),
        "elsewhere/secret.txt",
        "struct hunter2-password-line\n",
    );
    std::fs::create_dir_all(&project).unwrap();
    std::os::unix::fs::symlink(&secret, project.join("leak.pusm")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", project.join("passwd.pusm")).unwrap();
    let main = write(
        &project,
        "main.pusm",
        "import \"leak.pusm\";\nimport \"passwd.pusm\";\nimport \"../elsewhere/secret.pusm\";\n",
    );
    write(
        dir.path(),
        "elsewhere/secret.pusm",
        "struct hunter3-password-line\n",
    );
    let errors = load(&[&main]).unwrap_err();
    let rendered = errors.render(false);
    assert!(!rendered.contains("hunter"), "{rendered}");
    assert!(!rendered.contains("root:"), "{rendered}");
    assert_eq!(
        messages(&errors),
        vec![
            format!(
                "imported file '{}' is outside the schema folders",
                project.join("leak.pusm").display()
            ),
            format!(
                "imported file '{}' is outside the schema folders",
                project.join("passwd.pusm").display()
            ),
            format!(
                "imported file '{}' is outside the schema folders",
                dir.path().join("elsewhere/secret.pusm").display()
            ),
        ]
    );
    assert_eq!(errors.files(), vec![main]);
}

#[test]
fn imports_name_relative_pusm_paths() {
    let mut sources = Sources::new();
    sources.add(
        "main.pusm",
        "import \"/etc/passwd\";\nimport \"/abs/x.pusm\";\nimport \"notes.txt\";\n",
    );
    sources.add("notes.txt", "struct A {}\n");
    let errors = load_sources_with_includes(&sources, &["main.pusm"], &[] as &[&str]).unwrap_err();
    assert_eq!(
        messages(&errors),
        vec![
            "import path '/etc/passwd' is absolute".to_owned(),
            "import path '/abs/x.pusm' is absolute".to_owned(),
            "import path 'notes.txt' does not name a '.pusm' file".to_owned(),
        ]
    );
}

#[test]
fn include_folders_are_searched_after_the_importing_folder_in_order() {
    let mut sources = Sources::new();
    sources.add(
        "app/main.pusm",
        "import \"common.pusm\";\nimport \"shared.pusm\";\nstruct M { a: Local; b: First; }\n",
    );
    sources.add("app/common.pusm", "struct Local {}\n");
    sources.add("first/common.pusm", "struct NotThisOne {}\n");
    sources.add("first/shared.pusm", "struct First {}\n");
    sources.add("second/shared.pusm", "struct Second {}\n");
    let schema =
        load_sources_with_includes(&sources, &["app/main.pusm"], &["first", "second"]).unwrap();
    let paths: Vec<PathBuf> = schema.source_files();
    assert_eq!(
        paths,
        [
            PathBuf::from("app/common.pusm"),
            PathBuf::from("first/shared.pusm"),
            PathBuf::from("app/main.pusm")
        ]
    );
    // Without the include folders, the import is not found, and the error
    // says where it looked.
    let errors =
        load_sources_with_includes(&sources, &["app/main.pusm"], &[] as &[&str]).unwrap_err();
    assert_eq!(
        messages(&errors),
        vec![
            "cannot find imported file 'app/shared.pusm'".to_owned(),
            "unknown type 'First'".to_owned()
        ]
    );
    let errors =
        load_sources_with_includes(&sources, &["app/main.pusm"], &["nowhere"]).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert!(
        error
            .notes
            .contains(&"also looked in the include folders 'nowhere'".to_owned()),
        "{errors}"
    );
}

#[test]
fn dot_dot_may_not_leave_the_schema_folders() {
    let mut sources = Sources::new();
    sources.add("app/main.pusm", "import \"../lib/shapes.pusm\";\n");
    sources.add("lib/shapes.pusm", "struct Point {}\n");
    let errors =
        load_sources_with_includes(&sources, &["app/main.pusm"], &[] as &[&str]).unwrap_err();
    assert_eq!(
        messages(&errors),
        vec!["imported file 'lib/shapes.pusm' is outside the schema folders".to_owned()]
    );
    let error = errors.iter().next().unwrap();
    assert_eq!(
        error.help.as_deref(),
        Some("add its folder as an include folder: '-I <folder>' or Builder::include")
    );
    // With the common parent as an include folder it is inside.
    assert!(load_sources_with_includes(&sources, &["app/main.pusm"], &["."]).is_ok());
    assert!(load_sources_with_includes(&sources, &["app/main.pusm"], &["lib"]).is_ok());
}

#[test]
fn include_folders_on_disk_resolve_and_confine() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let main = write(
        root,
        "app/main.pusm",
        "import \"geometry/shapes.pusm\";\nstruct M { p: Point; }\n",
    );
    write(
        root,
        "vendor/geometry/shapes.pusm",
        "struct Point { x: float32; }\n",
    );
    assert!(load(&[&main]).is_err());
    let schema = load_with_includes(&[&main], &[root.join("vendor")]).unwrap();
    assert_eq!(
        schema.source_files(),
        vec![root.join("vendor/geometry/shapes.pusm"), main.clone()]
    );
}

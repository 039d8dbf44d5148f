//! The same errors for the same faults in every runtime (`docs/DECISIONS.md`,
//! rule C): an unfinished hook, names too long for the file system, hard
//! links and files that are not regular files, at every path pusm opens.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use pusm_core::{
    inspect_hook, probe_liveness, remove_stale, Error, Role, SharedBuffer, SharedMemory,
};
use support::{create, file_names, join, private_dir, unique_prefix};

/// A complete, valid hook: version 1, data file 1 of 8 bytes, Python's turn.
const HOOK: [u8; 15] = [1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0];

fn joiner(dir: &Path, prefix: &str) -> pusm_core::Result<SharedMemory> {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(Role::Python)
        .timeout(Some(Duration::from_millis(300)))
        .open()
}

fn creator(dir: &Path, prefix: &str, replace_stale: bool) -> pusm_core::Result<SharedMemory> {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(Role::Unity)
        .capacity(8)
        .create_new(true)
        .replace_stale(replace_stale)
        .timeout(Some(Duration::from_millis(300)))
        .open()
}

/// Fails unless `result` is `UnsafeFile` for `path` with a reason containing `why`.
fn assert_unsafe<T: std::fmt::Debug>(result: pusm_core::Result<T>, path: &Path, why: &str) {
    match result {
        Err(Error::UnsafeFile {
            path: named,
            reason,
        }) => {
            assert_eq!(named, path);
            assert!(reason.contains(why), "reason {reason:?} lacks {why:?}");
        }
        other => panic!(
            "expected UnsafeFile ({why}) for {}, got {other:?}",
            path.display()
        ),
    }
}

#[test]
fn a_hook_still_at_version_zero_is_corrupt_not_another_version() {
    let dir = private_dir();
    let prefix = unique_prefix("version-zero");
    let mut hook = HOOK;
    hook[0] = 0;
    std::fs::write(dir.path().join(&prefix), hook).unwrap();
    std::fs::write(dir.path().join(format!("{prefix}_")), [0u8; 8]).unwrap();
    match joiner(dir.path(), &prefix) {
        Err(err @ Error::CorruptFile { .. }) => {
            assert!(err.to_string().contains("version is still 0"), "{err}")
        }
        other => panic!("expected CorruptFile, got {other:?}"),
    }
    // Another nonzero version is still a version mismatch.
    std::fs::write(dir.path().join(&prefix), {
        let mut hook = HOOK;
        hook[0] = 2;
        hook
    })
    .unwrap();
    assert!(matches!(
        joiner(dir.path(), &prefix),
        Err(Error::VersionMismatch { found: 2, .. })
    ));
}

#[test]
fn a_prefix_longer_than_254_bytes_is_refused_before_any_file_is_touched() {
    let dir = private_dir();
    for prefix in ["p".repeat(255), "\u{e9}".repeat(128)] {
        let result = creator(dir.path(), &prefix, false);
        assert!(
            matches!(result, Err(Error::InvalidPrefix { .. })),
            "{result:?}"
        );
        assert!(file_names(dir.path()).is_empty());
        assert!(matches!(
            joiner(dir.path(), &prefix),
            Err(Error::InvalidPrefix { .. })
        ));
    }
    // 254 bytes: the hook's name is 254 bytes, the data file's 255.
    let prefix = "q".repeat(254);
    let sm = creator(dir.path(), &prefix, false).expect("a 254-byte prefix works");
    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}_")]
    );
    sm.delete().unwrap();
}

#[test]
fn a_resize_past_the_name_limit_is_refused_and_changes_nothing() {
    let dir = private_dir();
    let prefix = "r".repeat(253);
    let mut sm = creator(dir.path(), &prefix, false).unwrap();
    sm.write_int32(0, 77).unwrap();
    sm.resize(16).expect("data file 2 is named by 255 bytes");
    match sm.resize(32) {
        Err(err @ Error::InvalidResize { .. }) => {
            assert!(
                err.to_string()
                    .contains("the data file name would exceed 255 bytes"),
                "{err}"
            );
        }
        other => panic!("expected InvalidResize, got {other:?}"),
    }
    assert_eq!(sm.capacity(), 16);
    assert_eq!(sm.read_int32(0).unwrap().0, 77);
    let state = inspect_hook(dir.path(), &prefix).unwrap().unwrap();
    assert_eq!((state.file_number, state.capacity), (2, 16));
    sm.delete().unwrap();
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn a_resize_that_does_not_grow_names_its_reason() {
    let dir = private_dir();
    let prefix = unique_prefix("shrink");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 8);
    let err = sm.resize(8).unwrap_err();
    assert!(
        err.to_string().contains("must be strictly greater"),
        "{err}"
    );
    sm.delete().unwrap();
}

#[test]
fn a_hard_linked_hook_is_refused_everywhere() {
    let dir = private_dir();
    let prefix = unique_prefix("linked-hook");
    let elsewhere = dir.path().join("precious");
    std::fs::write(&elsewhere, HOOK).unwrap();
    let hook = dir.path().join(&prefix);
    std::fs::hard_link(&elsewhere, &hook).unwrap();
    std::fs::write(dir.path().join(format!("{prefix}_")), [0u8; 8]).unwrap();

    assert_unsafe(joiner(dir.path(), &prefix), &hook, "hard link");
    assert_unsafe(creator(dir.path(), &prefix, true), &hook, "hard link");
    assert_unsafe(remove_stale(dir.path(), &prefix), &hook, "hard link");
    assert_unsafe(probe_liveness(dir.path(), &prefix), &hook, "hard link");
    assert_unsafe(inspect_hook(dir.path(), &prefix), &hook, "hard link");
    assert_eq!(std::fs::read(&elsewhere).unwrap(), HOOK, "never written");
    assert!(hook.exists(), "never removed");
}

#[test]
fn a_hard_linked_data_file_is_refused_when_joining_and_following_a_resize() {
    let dir = private_dir();
    let prefix = unique_prefix("linked-data");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let data = dir.path().join(format!("{prefix}_"));
    std::fs::hard_link(&data, dir.path().join("copy")).unwrap();
    assert_unsafe(joiner(dir.path(), &prefix), &data, "hard link");
    unity.delete().unwrap();

    // The peer resizes to a file that someone links meanwhile.
    let prefix = unique_prefix("linked-resize");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let mut python = join(dir.path(), &prefix, Role::Python);
    python.resize(16).unwrap();
    let resized = dir.path().join(format!("{prefix}__"));
    std::fs::hard_link(&resized, dir.path().join("copy2")).unwrap();
    python.give_control(false).unwrap();
    assert_unsafe(unity.wait_unblocked(), &resized, "hard link");
    python.delete().unwrap();
    drop(unity);
}

#[test]
fn files_that_are_not_regular_files_are_refused_by_name() {
    let dir = private_dir();
    // A directory, a socket and a FIFO at the hook's path.
    let prefix = unique_prefix("dir-hook");
    let hook = dir.path().join(&prefix);
    std::fs::create_dir(&hook).unwrap();
    assert_unsafe(joiner(dir.path(), &prefix), &hook, "directory");
    assert_unsafe(creator(dir.path(), &prefix, false), &hook, "directory");
    assert_unsafe(creator(dir.path(), &prefix, true), &hook, "directory");
    assert_unsafe(remove_stale(dir.path(), &prefix), &hook, "directory");
    assert!(hook.is_dir());

    let prefix = unique_prefix("socket-hook");
    let hook = dir.path().join(&prefix);
    let _listener = std::os::unix::net::UnixListener::bind(&hook).unwrap();
    assert_unsafe(joiner(dir.path(), &prefix), &hook, "socket");
    assert_unsafe(creator(dir.path(), &prefix, true), &hook, "socket");

    let prefix = unique_prefix("fifo-hook");
    let hook = dir.path().join(&prefix);
    let status = std::process::Command::new("mkfifo")
        .arg(&hook)
        .status()
        .unwrap();
    assert!(status.success());
    assert_unsafe(joiner(dir.path(), &prefix), &hook, "named pipe");

    // A directory at the data file's path.
    let prefix = unique_prefix("dir-data");
    std::fs::write(dir.path().join(&prefix), HOOK).unwrap();
    let data = dir.path().join(format!("{prefix}_"));
    std::fs::create_dir(&data).unwrap();
    assert_unsafe(joiner(dir.path(), &prefix), &data, "directory");
    // A creator over it (the hook gone) refuses it too, and leaves no hook.
    std::fs::remove_file(dir.path().join(&prefix)).unwrap();
    assert_unsafe(creator(dir.path(), &prefix, false), &data, "directory");
    assert!(!dir.path().join(&prefix).exists());
}

#[test]
fn a_world_writable_directory_without_the_sticky_bit_is_refused_not_changed() {
    let dir = private_dir();
    let shared = dir.path().join("open-to-all");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let prefix = unique_prefix("sticky");
    assert_unsafe(creator(&shared, &prefix, false), &shared, "sticky bit");
    assert_unsafe(joiner(&shared, &prefix), &shared, "sticky bit");
    let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o777, "the directory's mode is left alone");
    assert!(file_names(&shared).is_empty());
}

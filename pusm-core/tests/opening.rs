//! Opening, joining and refusing: prefixes, versions, damaged and unsafe files.

mod support;

use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use pusm_core::{delete_files_in, Error, Role, SharedBuffer, SharedMemory};
use support::{create, file_names, join, private_dir, unique_prefix};

fn joiner(
    dir: &std::path::Path,
    prefix: &str,
    timeout: Duration,
) -> pusm_core::Result<SharedMemory> {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(Role::Python)
        .timeout(Some(timeout))
        .open()
}

#[test]
fn every_invalid_prefix_is_refused_with_its_reason() {
    let dir = private_dir();
    for prefix in [
        "",
        "ends_",
        "a/b",
        "a\\b",
        "nul\0",
        "..",
        "a..b",
        ".hidden",
        "/etc/passwd",
    ] {
        let result = SharedMemory::builder(prefix)
            .directory(dir.path())
            .capacity(8)
            .create_new(true)
            .open();
        match result {
            Err(err @ Error::InvalidPrefix { .. }) => {
                assert!(err.to_string().contains("invalid prefix"), "{err}");
            }
            other => panic!("{prefix:?}: expected InvalidPrefix, got {other:?}"),
        }
    }
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn capacities_the_hook_cannot_hold_are_refused() {
    let dir = private_dir();
    for capacity in [0, i32::MAX as usize + 1] {
        let result = SharedMemory::builder(&unique_prefix("capacity"))
            .directory(dir.path())
            .capacity(capacity)
            .create_new(true)
            .open();
        assert!(
            matches!(result, Err(Error::InvalidCapacity { .. })),
            "{capacity}"
        );
    }
    let missing = SharedMemory::builder("no-capacity")
        .directory(dir.path())
        .create_new(true)
        .open();
    assert!(matches!(missing, Err(Error::InvalidCapacity { .. })));
}

#[test]
fn creating_twice_fails_and_leaves_the_first_intact() {
    let dir = private_dir();
    let prefix = unique_prefix("twice");
    let first = create(dir.path(), &prefix, Role::Unity, 8);
    let second = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .open();
    assert!(matches!(second, Err(Error::AlreadyExists { .. })));
    // Even with replace_stale: the first conversation is alive.
    let third = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .replace_stale(true)
        .open();
    assert!(matches!(third, Err(Error::AlreadyExists { .. })));
    first.delete().unwrap();
}

#[test]
fn replace_stale_takes_over_files_nobody_holds() {
    let dir = private_dir();
    let prefix = unique_prefix("stale");
    // Files as a crashed process would leave them (no locks held).
    let mut hook = vec![1, 0, 0, 0, 2, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0];
    std::fs::write(dir.path().join(&prefix), &hook).unwrap();
    std::fs::write(dir.path().join(format!("{prefix}__")), [0u8; 8]).unwrap();
    let plain = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .open();
    assert!(matches!(plain, Err(Error::AlreadyExists { .. })));

    let sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(16)
        .create_new(true)
        .replace_stale(true)
        .open()
        .unwrap();
    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}_")]
    );
    hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(&hook[..12], &[1, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0]);
    sm.delete().unwrap();
}

#[test]
fn a_second_process_in_the_same_role_is_refused() {
    let dir = private_dir();
    let prefix = unique_prefix("role");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let also_unity = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Unity)
        .timeout(Some(Duration::from_secs(5)))
        .open();
    match also_unity {
        Err(Error::RoleTaken {
            role: Role::Unity, ..
        }) => {}
        other => panic!("expected RoleTaken, got {other:?}"),
    }
    unity.delete().unwrap();
}

#[test]
fn a_joiner_waits_for_a_late_creator() {
    let dir = private_dir();
    let prefix = unique_prefix("late");
    let creator = {
        let dir = dir.path().to_owned();
        let prefix = prefix.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            let mut sm = create(&dir, &prefix, Role::Unity, 8);
            sm.write_int32(0, 42).unwrap();
            sm.give_control(true).unwrap();
            sm
        })
    };
    let mut python = joiner(dir.path(), &prefix, Duration::from_secs(20)).unwrap();
    assert_eq!(python.read_int32(0).unwrap().0, 42);
    python.give_control(false).unwrap();
    creator.join().unwrap().delete().unwrap();
}

#[test]
fn a_joiner_without_a_creator_gives_up_at_the_timeout() {
    let dir = private_dir();
    let started = Instant::now();
    match joiner(dir.path(), "nobody-here", Duration::from_millis(100)) {
        Err(err @ Error::NotFound { .. }) => {
            assert!(err.to_string().contains("nobody-here"), "{err}")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_wait_past_the_timeout_fails_and_removes_the_files() {
    let dir = private_dir();
    let prefix = unique_prefix("timeout");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .timeout(Some(Duration::from_millis(200)))
        .open()
        .unwrap();
    match sm.give_control(true) {
        Err(Error::Timeout { waited, .. }) => assert!(waited >= Duration::from_millis(200)),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn another_protocol_version_is_refused() {
    let dir = private_dir();
    let prefix = unique_prefix("version");
    std::fs::write(
        dir.path().join(&prefix),
        [2, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0],
    )
    .unwrap();
    std::fs::write(dir.path().join(format!("{prefix}_")), [0u8; 8]).unwrap();
    match joiner(dir.path(), &prefix, Duration::from_secs(5)) {
        Err(Error::VersionMismatch {
            found: 2,
            expected: 1,
            ..
        }) => {}
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
}

#[test]
fn a_truncated_hook_is_a_clear_error() {
    let dir = private_dir();
    let prefix = unique_prefix("truncated");
    std::fs::write(dir.path().join(&prefix), [1, 0, 0, 0, 1, 0, 0]).unwrap();
    match joiner(dir.path(), &prefix, Duration::from_millis(300)) {
        Err(err @ Error::CorruptFile { .. }) => {
            assert!(err.to_string().contains("7 bytes"), "{err}")
        }
        other => panic!("expected CorruptFile, got {other:?}"),
    }
}

#[test]
fn a_data_file_smaller_than_the_hook_says_is_a_clear_error() {
    let dir = private_dir();
    let prefix = unique_prefix("short-data");
    std::fs::write(
        dir.path().join(&prefix),
        [1, 0, 0, 0, 1, 0, 0, 0, 64, 0, 0, 0, 1, 0, 0],
    )
    .unwrap();
    std::fs::write(dir.path().join(format!("{prefix}_")), [0u8; 10]).unwrap();
    match joiner(dir.path(), &prefix, Duration::from_secs(5)) {
        Err(err @ Error::CorruptFile { .. }) => {
            assert!(err.to_string().contains("10 bytes"), "{err}")
        }
        other => panic!("expected CorruptFile, got {other:?}"),
    }
}

#[test]
fn a_hook_with_a_nonsense_capacity_is_a_clear_error() {
    let dir = private_dir();
    let prefix = unique_prefix("bad-capacity");
    std::fs::write(
        dir.path().join(&prefix),
        [1, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0],
    )
    .unwrap();
    match joiner(dir.path(), &prefix, Duration::from_secs(5)) {
        Err(err @ Error::CorruptFile { .. }) => {
            assert!(err.to_string().contains("capacity -1"), "{err}")
        }
        other => panic!("expected CorruptFile, got {other:?}"),
    }
}

#[test]
fn symlinks_at_a_file_name_are_refused_never_followed() {
    let dir = private_dir();
    let target = dir.path().join("target-file");
    std::fs::write(&target, [0u8; 15]).unwrap();
    let prefix = unique_prefix("symlink");
    symlink(&target, dir.path().join(&prefix)).unwrap();

    let created = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .open();
    assert!(
        matches!(created, Err(Error::UnsafeFile { .. })),
        "{created:?}"
    );
    let joined = joiner(dir.path(), &prefix, Duration::from_secs(1));
    assert!(
        matches!(joined, Err(Error::UnsafeFile { .. })),
        "{joined:?}"
    );
    assert_eq!(
        std::fs::read(&target).unwrap(),
        [0u8; 15],
        "the symlink's target is untouched"
    );
}

#[test]
fn files_of_another_user_are_refused() {
    let dir = private_dir();
    let prefix = unique_prefix("owner");
    let hook = dir.path().join(&prefix);
    std::fs::write(&hook, [1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0]).unwrap();
    if std::os::unix::fs::chown(&hook, Some(4242), None).is_err() {
        eprintln!("notice: not root, cannot give a file to another user; skipping");
        return;
    }
    match joiner(dir.path(), &prefix, Duration::from_secs(1)) {
        Err(err @ Error::UnsafeFile { .. }) => {
            assert!(err.to_string().contains("another user"), "{err}")
        }
        other => panic!("expected UnsafeFile, got {other:?}"),
    }
}

#[test]
fn a_world_writable_directory_without_sticky_bit_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = private_dir();
    let shared = dir.path().join("open-to-all");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let result = SharedMemory::builder("x")
        .directory(&shared)
        .capacity(8)
        .create_new(true)
        .open();
    assert!(
        matches!(result, Err(Error::UnsafeFile { .. })),
        "{result:?}"
    );
}

#[test]
fn created_files_and_directory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = private_dir();
    let nested = dir.path().join("python_unity_shared_memory");
    let prefix = unique_prefix("modes");
    let sm = create(&nested, &prefix, Role::Unity, 8);
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&nested.join(&prefix)), 0o600);
    assert_eq!(mode(&nested.join(format!("{prefix}_"))), 0o600);
    sm.delete().unwrap();
}

#[test]
fn delete_files_removes_only_the_prefix_and_its_data_files() {
    let dir = private_dir();
    for name in ["p", "p_", "p__", "pother", "p_x", "q_"] {
        std::fs::write(dir.path().join(name), b"").unwrap();
    }
    delete_files_in(dir.path(), "p").unwrap();
    assert_eq!(file_names(dir.path()), ["p_x", "pother", "q_"]);
    assert!(matches!(
        delete_files_in(dir.path(), "p_"),
        Err(Error::InvalidPrefix { .. })
    ));
}

#[test]
fn drop_closes_so_the_peer_is_told() {
    let dir = private_dir();
    let prefix = unique_prefix("drop");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    drop(join(dir.path(), &prefix, Role::Python));
    assert!(matches!(
        unity.wait_unblocked(),
        Err(Error::PeerClosed { .. })
    ));
}

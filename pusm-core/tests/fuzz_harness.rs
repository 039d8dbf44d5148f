//! Bad input, bounded: the bodies of the `decoders` (derived half) and
//! `hook_open` fuzz targets (`fuzz/bodies/`), run in CI as ordinary tests on
//! random bytes and mutations of valid inputs for a few seconds each
//! (`PUSM_FUZZ_SECONDS` to run longer, `PUSM_FUZZ_SEED` for other inputs);
//! regression tests for what fuzzing found; and the file-security rules of
//! `docs/DECISIONS.md` that `opening.rs` does not cover (hostile files are
//! bad input too). See `docs/RELIABILITY.md`.

mod support;

#[path = "../../fuzz/bodies/derived.rs"]
mod derived;
#[path = "../../fuzz/bodies/driver.rs"]
mod driver;
#[path = "../../fuzz/bodies/hook_open.rs"]
mod hook_open;
#[path = "../../fuzz/bodies/layouts.rs"]
mod layouts;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::time::{Duration, Instant};

use pusm_core::{
    delete_files_in, inspect_hook, probe_liveness, remove_stale, Error, Role, SharedBuffer,
    SharedLayout, SharedMemory, VecBuffer,
};
use support::{create, file_names, private_dir, unique_prefix};

/// Seconds spent on each fuzz body in a default (CI) run.
const DERIVED_SECONDS: f64 = 10.0;
const HOOK_SECONDS: f64 = 10.0;

#[test]
fn derived_types_decode_arbitrary_bytes_or_fail_cleanly() {
    let mut rng = driver::Rng::new(0xDE_C0DE);
    let seeds = derived::seeds(&mut || rng.next_u64());
    let stats = driver::run(
        "decoders (derived)",
        DERIVED_SECONDS,
        &seeds,
        2048,
        derived::run,
    );
    assert!(stats.inputs >= seeds.len() as u64);
}

#[test]
fn arbitrary_hook_and_data_files_are_joined_or_refused_cleanly() {
    let seeds = hook_open::seeds();
    let stats = driver::run("hook_open", HOOK_SECONDS, &seeds, 512, hook_open::run);
    assert!(stats.inputs >= seeds.len() as u64);
}

#[test]
fn the_hook_seeds_join_and_run_their_scripts() {
    // The seeds must reach past the join, or the fuzzing above tests little.
    for seed in hook_open::seeds() {
        let dir = private_dir();
        std::fs::write(dir.path().join(hook_open::PREFIX), &seed[2..17]).unwrap();
        std::fs::write(dir.path().join("fuzz_"), [0u8; 32]).unwrap();
        let role = if seed[0] & 0x80 != 0 {
            Role::Unity
        } else {
            Role::Python
        };
        let sm = SharedMemory::builder(hook_open::PREFIX)
            .directory(dir.path())
            .role(role)
            .timeout(Some(Duration::from_secs(1)))
            .open()
            .unwrap();
        assert_eq!(sm.capacity(), 32);
        sm.delete().unwrap();
        hook_open::run(&seed);
    }
}

#[test]
fn the_canonical_reading_agrees_with_the_derive_on_valid_encodings() {
    let mut rng = driver::Rng::new(7);
    for _ in 0..200 {
        let bytes = layouts::random_encoding(derived::Everything::LAYOUT, &mut || rng.next_u64());
        let mut budget = layouts::VALUE_BUDGET;
        let (canonical, end) =
            layouts::canonical(derived::Everything::LAYOUT, &bytes, 0, &mut budget).unwrap();
        assert_eq!(end, bytes.len());
        assert_eq!(canonical, bytes);
        let (value, read_end) = derived::Everything::read(&mut VecBuffer::from(bytes), 0).unwrap();
        assert_eq!(read_end, end);
        assert_eq!(value.encoded_len(), end);
    }
}

// ---------------------------------------------------------------------------
// What fuzzing found

/// A hook naming data file number 2^31 - 1 made every runtime build a file
/// name of two billion underscores (2 GiB of memory) before the open failed
/// with "file name too long". pusm-core now refuses file numbers that cannot
/// name a file (a name is at most 255 bytes) as a corrupt hook.
#[test]
fn a_hook_naming_an_impossible_data_file_is_refused_without_building_the_name() {
    let dir = private_dir();
    let prefix = unique_prefix("huge-number");
    let mut hook = hook_open::valid_hook(8, true);
    hook[4..8].copy_from_slice(&i32::MAX.to_le_bytes());
    std::fs::write(dir.path().join(&prefix), hook).unwrap();
    let before = max_rss_kib();
    let started = Instant::now();
    let joined = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(5)))
        .open();
    match joined {
        Err(err @ Error::CorruptFile { .. }) => {
            assert!(err.to_string().contains("2147483647"), "{err}")
        }
        other => panic!("expected CorruptFile, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    let grown = max_rss_kib().saturating_sub(before);
    assert!(
        grown < 256 * 1024,
        "the join grew the process by {grown} KiB"
    );

    // The same number arriving later, as a "resize" by the peer.
    let prefix = unique_prefix("huge-number-later");
    std::fs::write(dir.path().join(&prefix), hook_open::valid_hook(8, true)).unwrap();
    std::fs::write(dir.path().join(format!("{prefix}_")), [0u8; 8]).unwrap();
    let mut sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(5)))
        .open()
        .unwrap();
    let file = std::fs::File::options()
        .write(true)
        .open(dir.path().join(&prefix))
        .unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, &i32::MAX.to_le_bytes(), 4).unwrap();
    assert!(matches!(
        sm.wait_unblocked(),
        Err(Error::CorruptFile { .. })
    ));
    assert!(max_rss_kib().saturating_sub(before) < 256 * 1024);
}

fn max_rss_kib() -> u64 {
    // SAFETY: `usage` is a plain C struct that getrusage fills in; all-zero
    // bytes are a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF is valid and `usage` is a live, writable rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0);
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

/// A list of a zero-size type (an empty struct) costs four bytes whatever its
/// count, so 2^31 - 1 elements fit in any buffer: decoding them is correct,
/// but loops two billion times. This pins down that it stays an answer, not
/// a hang (seconds in a release build), and that the fuzz bodies skip it;
/// `docs/RELIABILITY.md` says so.
#[test]
fn a_huge_list_of_empty_structs_is_known_and_skipped_by_the_fuzz_bodies() {
    let mut bytes = VecBuffer::new();
    bytes.write_int32(0, i32::MAX).unwrap();
    bytes.write_int32(4, 0).unwrap();
    let mut budget = layouts::VALUE_BUDGET;
    assert_eq!(
        layouts::canonical(derived::Hollow::LAYOUT, bytes.as_slice(), 0, &mut budget),
        Err(layouts::Reject::TooMuchWork)
    );
    assert_eq!(derived::Nothing::LAYOUT.fixed_size(), Some(0));
    // A count that is merely large decodes in a blink.
    let mut small = VecBuffer::new();
    small.write_int32(0, 100_000).unwrap();
    small.write_int32(4, 3).unwrap();
    let started = Instant::now();
    let (hollow, end) = derived::Hollow::read(&mut small, 0).unwrap();
    assert_eq!(
        (hollow.nothings.len(), hollow.triples.len(), end),
        (100_000, 3, 8)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A creator makes its data file, then sets its length: a joiner that looked
/// in between saw a data file of 0 bytes and failed with "corrupt file"
/// (found as a rare failure of `opening.rs`'s late-creator test). A data
/// file shorter than the hook says now gets the same grace as a missing one.
#[test]
fn a_data_file_still_being_sized_is_waited_for() {
    let dir = private_dir();
    let prefix = unique_prefix("sizing");
    std::fs::write(dir.path().join(&prefix), hook_open::valid_hook(64, true)).unwrap();
    let data = dir.path().join(format!("{prefix}_"));
    std::fs::write(&data, b"").unwrap();
    let sizer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::File::options()
            .write(true)
            .open(&data)
            .unwrap()
            .set_len(64)
            .unwrap();
    });
    let sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(10)))
        .open()
        .expect("the joiner waits for the creator to size the data file");
    assert_eq!(sm.capacity(), 64);
    sizer.join().unwrap();
    sm.delete().unwrap();
}

/// `inspect_hook` read the whole file at the hook's name with `std::fs::read`:
/// a named pipe there blocked it forever, and a symbolic link was followed.
#[test]
fn inspecting_a_pipe_or_a_symlink_is_refused_without_blocking() {
    let dir = private_dir();
    let fifo = dir.path().join("pipe");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let (done, finished) = std::sync::mpsc::channel();
    let path = dir.path().to_owned();
    std::thread::spawn(move || {
        let _ = done.send(inspect_hook(&path, "pipe").map(|_| ()));
    });
    match finished.recv_timeout(Duration::from_secs(5)) {
        Ok(Err(Error::UnsafeFile { .. })) => {}
        Ok(other) => panic!("expected UnsafeFile, got {other:?}"),
        Err(_) => panic!("inspect_hook blocked on a named pipe"),
    }
    std::fs::write(dir.path().join("target"), hook_open::valid_hook(8, true)).unwrap();
    symlink(dir.path().join("target"), dir.path().join("link")).unwrap();
    assert!(matches!(
        inspect_hook(dir.path(), "link"),
        Err(Error::UnsafeFile { .. })
    ));
    // A long file is fine: the first 15 bytes are the hook.
    let mut long = hook_open::valid_hook(8, true).to_vec();
    long.extend_from_slice(&[9; 100]);
    std::fs::write(dir.path().join("long"), long).unwrap();
    let state = inspect_hook(dir.path(), "long").unwrap().unwrap();
    assert_eq!((state.version, state.capacity), (1, 8));
}

// ---------------------------------------------------------------------------
// Hostile files: the rules of DECISIONS.md "Files" not covered by opening.rs

#[test]
fn a_symlink_at_the_data_file_is_refused_never_followed() {
    let dir = private_dir();
    let prefix = unique_prefix("data-link");
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, [0u8; 8]).unwrap();
    std::fs::write(dir.path().join(&prefix), hook_open::valid_hook(8, true)).unwrap();
    symlink(&target, dir.path().join(format!("{prefix}_"))).unwrap();
    let joined = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(1)))
        .open();
    assert!(
        matches!(joined, Err(Error::UnsafeFile { .. })),
        "{joined:?}"
    );

    // A creator whose data file name is taken by a symlink.
    let prefix = unique_prefix("data-link-create");
    symlink(&target, dir.path().join(format!("{prefix}_"))).unwrap();
    let created = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .capacity(8)
        .create_new(true)
        .open();
    assert!(created.is_err(), "{created:?}");
    assert!(!dir.path().join(&prefix).exists(), "no hook is left behind");
    assert_eq!(std::fs::read(&target).unwrap(), [0u8; 8]);
}

#[test]
fn a_symlinked_directory_is_refused() {
    let dir = private_dir();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    let link = dir.path().join("link");
    symlink(&real, &link).unwrap();
    let result = SharedMemory::builder("x")
        .directory(&link)
        .capacity(8)
        .create_new(true)
        .open();
    assert!(
        matches!(result, Err(Error::UnsafeFile { .. })),
        "{result:?}"
    );
    assert!(file_names(&real).is_empty());
}

#[test]
fn a_directory_or_data_file_of_another_user_is_refused() {
    let dir = private_dir();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    if std::os::unix::fs::chown(&theirs, Some(4242), None).is_err() {
        eprintln!("notice: not root, cannot give a directory to another user; skipping");
        return;
    }
    let result = SharedMemory::builder("x")
        .directory(&theirs)
        .capacity(8)
        .create_new(true)
        .open();
    match result {
        Err(err @ Error::UnsafeFile { .. }) => {
            assert!(err.to_string().contains("another user"), "{err}")
        }
        other => panic!("expected UnsafeFile, got {other:?}"),
    }

    let prefix = unique_prefix("their-data");
    std::fs::write(dir.path().join(&prefix), hook_open::valid_hook(8, true)).unwrap();
    let data = dir.path().join(format!("{prefix}_"));
    std::fs::write(&data, [0u8; 8]).unwrap();
    std::os::unix::fs::chown(&data, Some(4242), None).unwrap();
    let joined = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(1)))
        .open();
    assert!(
        matches!(joined, Err(Error::UnsafeFile { .. })),
        "{joined:?}"
    );
}

#[test]
fn a_world_writable_directory_with_the_sticky_bit_is_accepted() {
    // Like /tmp itself: others may create files, but not swap ours.
    let dir = private_dir();
    let shared = dir.path().join("sticky");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let sm = create(&shared, "x", Role::Unity, 8);
    let mode = std::fs::metadata(shared.join("x"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    sm.delete().unwrap();
}

#[test]
fn no_entry_point_accepts_a_prefix_that_leaves_the_directory() {
    let dir = private_dir();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    // A file one level up that an escaping prefix would name.
    std::fs::write(dir.path().join("victim"), b"keep").unwrap();
    for prefix in [
        "../victim",
        "..",
        "a/../../victim",
        "/etc/passwd",
        ".hidden",
    ] {
        assert!(
            matches!(
                delete_files_in(&inner, prefix),
                Err(Error::InvalidPrefix { .. })
            ),
            "delete_files_in {prefix:?}"
        );
        assert!(
            matches!(
                inspect_hook(&inner, prefix),
                Err(Error::InvalidPrefix { .. })
            ),
            "inspect_hook {prefix:?}"
        );
        assert!(
            matches!(
                probe_liveness(&inner, prefix),
                Err(Error::InvalidPrefix { .. })
            ),
            "probe_liveness {prefix:?}"
        );
        assert!(
            matches!(
                remove_stale(&inner, prefix),
                Err(Error::InvalidPrefix { .. })
            ),
            "remove_stale {prefix:?}"
        );
        let joined = SharedMemory::builder(prefix)
            .directory(&inner)
            .timeout(Some(Duration::from_millis(10)))
            .open();
        assert!(
            matches!(joined, Err(Error::InvalidPrefix { .. })),
            "join {prefix:?}"
        );
    }
    assert_eq!(std::fs::read(dir.path().join("victim")).unwrap(), b"keep");
}

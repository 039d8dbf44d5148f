//! Waking a waiting side (`docs/DECISIONS.md`, rule A) and closing implicitly
//! (rule B), checked through the bytes the original packages read.
//!
//! Latency is measured in pusm-bench, never here: these tests assert what
//! happens (the waiter is woken, the message stays readable), and how a long
//! wait sleeps (few blocking sleeps on the futex, not a thousand naps).

mod support;

use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use pusm_core::{inspect_hook, Error, Role, SharedBuffer};
use support::{create, file_names, join, private_dir, unique_prefix};

/// How long the giver keeps control in the wake-up tests: long enough for
/// the waiter to pass its spinning phase and sleep.
const HOLD: Duration = Duration::from_millis(400);

/// The hook's 15 bytes, as an original package would read them.
fn hook_bytes(dir: &Path, prefix: &str) -> Vec<u8> {
    std::fs::read(dir.join(prefix)).unwrap()
}

/// Hands control from Python to Unity the way the original packages do:
/// plain writes of the flag bytes (Python's flag, then Unity's), no futex.
fn original_style_hand_over(dir: &Path, prefix: &str) {
    let hook = OpenOptions::new()
        .write(true)
        .open(dir.join(prefix))
        .unwrap();
    hook.write_all_at(&[0], 12).unwrap();
    hook.write_all_at(&[1], 13).unwrap();
}

/// Voluntary context switches (blocking sleeps) of the calling thread so far.
fn blocking_sleeps_of_this_thread() -> i64 {
    // SAFETY: getrusage writes one rusage struct, for which zeroes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    usage.ru_nvcsw
}

#[test]
fn a_side_dropped_after_handing_over_leaves_the_message_readable() {
    let dir = private_dir();
    let prefix = unique_prefix("implicit-close");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.write_int32(0, 42).unwrap();
    unity.give_control(false).unwrap();
    drop(unity); // no close(): the peer holds control

    // An original receiver fails every call once the closed flag is set;
    // here it finds its turn, no closed flag, and the message.
    let hook = hook_bytes(dir.path(), &prefix);
    assert_eq!(hook[12..15], [1, 0, 0], "Python's turn, not closed");
    let data = std::fs::read(dir.path().join(format!("{prefix}_"))).unwrap();
    assert_eq!(data[..4], 42i32.to_le_bytes());
    pusm_core::delete_files_in(dir.path(), &prefix).unwrap();
}

#[test]
fn a_pusm_peer_learns_of_the_implicit_close_from_the_liveness_lock() {
    let dir = private_dir();
    let prefix = unique_prefix("implicit-close-pusm");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.write_int32(0, 42).unwrap();
    unity.give_control(false).unwrap();
    let mut python = join(dir.path(), &prefix, Role::Python);
    drop(unity);
    assert_eq!(python.read_int32(0).unwrap().0, 42, "the last message");
    match python.give_control(true) {
        Err(Error::PeerDied {
            role: Role::Unity, ..
        }) => {}
        other => panic!("expected PeerDied, got {other:?}"),
    }
    assert!(
        file_names(dir.path()).is_empty(),
        "the waiter removed the files"
    );
}

#[test]
fn a_side_dropped_while_holding_control_still_closes() {
    let dir = private_dir();
    let prefix = unique_prefix("explicit-turn-close");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let python = join(dir.path(), &prefix, Role::Python);
    drop(python); // holds control: nothing can be lost, the flag is set
    assert_eq!(hook_bytes(dir.path(), &prefix)[14], 1);
    assert!(matches!(
        unity.wait_unblocked(),
        Err(Error::PeerClosed { .. })
    ));
}

#[test]
fn dropping_after_the_peer_closed_removes_the_files() {
    let dir = private_dir();
    let prefix = unique_prefix("closed-then-dropped");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let python = join(dir.path(), &prefix, Role::Python);
    python.close().unwrap(); // closed without handing control back
    drop(unity);
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn a_pusm_giver_wakes_a_sleeping_pusm_waiter() {
    let dir = private_dir();
    let prefix = unique_prefix("futex-wake");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let mut python = join(dir.path(), &prefix, Role::Python);
    let giver = std::thread::spawn(move || {
        for round in 0..3 {
            python.wait_unblocked().unwrap();
            std::thread::sleep(HOLD);
            python.write_int32(0, round).unwrap();
            python.give_control(false).unwrap();
        }
        python
    });
    let sleeps_before = blocking_sleeps_of_this_thread();
    for round in 0..3 {
        unity.wait_unblocked().unwrap();
        assert_eq!(unity.read_int32(0).unwrap().0, round);
        unity.give_control(false).unwrap();
    }
    let sleeps = blocking_sleeps_of_this_thread() - sleeps_before;
    let python = giver.join().unwrap();
    // 1.2 s of waiting: about 24 futex sleeps of at most 50 ms (plus a few
    // short ones early in each wait), against ~1000 with 1 ms naps.
    assert!(
        sleeps < 200,
        "{sleeps} blocking sleeps: the waiter napped instead of sleeping on the futex"
    );
    python.delete().unwrap();
    drop(unity);
}

#[test]
fn an_original_style_giver_that_only_writes_the_flags_still_wakes_the_waiter() {
    let dir = private_dir();
    let prefix = unique_prefix("original-giver");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    // No pusm peer joins: the "peer" is this test writing bytes, holding no lock.
    let path = dir.path().to_owned();
    let name = prefix.clone();
    let giver = std::thread::spawn(move || {
        std::thread::sleep(HOLD);
        let data = OpenOptions::new()
            .write(true)
            .open(path.join(format!("{name}_")))
            .unwrap();
        data.write_all_at(&7i32.to_le_bytes(), 0).unwrap();
        original_style_hand_over(&path, &name);
    });
    unity.wait_unblocked().unwrap();
    giver.join().unwrap();
    assert_eq!(unity.read_int32(0).unwrap().0, 7);
    unity.delete().unwrap();
}

#[test]
fn a_live_peer_that_never_wakes_is_still_noticed() {
    // A pusm-looking peer (its lock is held) that hands over without the
    // futex, as a pusm runtime built before the wake-up would: the bounded
    // futex sleep still notices the flag.
    let dir = private_dir();
    let prefix = unique_prefix("silent-giver");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let python = join(dir.path(), &prefix, Role::Python);
    let path = dir.path().to_owned();
    let name = prefix.clone();
    let giver = std::thread::spawn(move || {
        std::thread::sleep(HOLD);
        original_style_hand_over(&path, &name);
    });
    unity.wait_unblocked().unwrap();
    giver.join().unwrap();
    let state = inspect_hook(dir.path(), &prefix).unwrap().unwrap();
    assert!(state.unity_active && !state.python_active);
    drop(python);
    unity.delete().unwrap();
}

#[test]
fn a_close_wakes_a_sleeping_waiter_with_peer_closed() {
    let dir = private_dir();
    let prefix = unique_prefix("close-wakes");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 8);
    unity.give_control(false).unwrap();
    let python = join(dir.path(), &prefix, Role::Python);
    let closer = std::thread::spawn(move || {
        std::thread::sleep(HOLD);
        python.close().unwrap();
    });
    assert!(matches!(
        unity.wait_unblocked(),
        Err(Error::PeerClosed { .. })
    ));
    closer.join().unwrap();
    assert!(file_names(dir.path()).is_empty());
}

//! Two real processes taking turns: this test binary re-executes itself to run
//! the peer (the `child` test below does nothing in a normal run).

mod support;

use std::io::{BufRead, BufReader};
use std::time::Duration;

use pusm_core::{Error, Role, SharedBuffer, SharedMemory};
use support::{
    child_args, create, expect_success, file_names, join, private_dir, spawn_child, unique_prefix,
};

const HANDOFFS: i32 = 10_000;

/// The peer side of every test in this file; a no-op unless re-executed.
#[test]
fn child() {
    let Some((mode, dir, prefix)) = child_args() else {
        return;
    };
    match mode.as_str() {
        "handoffs" => {
            let mut sm = join(&dir, &prefix, Role::Python);
            for i in 0..HANDOFFS {
                let (value, _) = sm.read_int32(0).unwrap();
                assert_eq!(value, i, "the parent's value at handoff {i}");
                sm.write_int32(4, value.wrapping_mul(3) + 1).unwrap();
                // The last turn is the parent's: hand over without waiting.
                sm.give_control(i + 1 < HANDOFFS).unwrap();
            }
        }
        "resize" => {
            let mut sm = join(&dir, &prefix, Role::Python);
            // Turn 1: the parent resized to 64 before giving control.
            assert_eq!(sm.capacity(), 64);
            assert_eq!(sm.read_string(0).unwrap().0, "before any resize");
            assert_eq!(sm.read_int32(40).unwrap().0, 77);
            assert_eq!(
                file_names(&dir),
                [prefix.clone(), format!("{prefix}__")],
                "the child removes the old file"
            );
            // Now this side resizes.
            sm.resize(256).unwrap();
            sm.write_int32(200, 99).unwrap();
            sm.give_control(true).unwrap();
            // Turn 2: the parent saw our resize.
            assert_eq!(sm.read_int32(200).unwrap().0, 100);
            sm.give_control(false).unwrap();
            let _ = sm.close();
        }
        "close-after-one-turn" => {
            let mut sm = join(&dir, &prefix, Role::Python);
            sm.write_int32(0, 1).unwrap();
            sm.close().unwrap();
        }
        "expect-peer-closed" => {
            let mut sm = join(&dir, &prefix, Role::Python);
            sm.give_control(false).unwrap();
            match sm.wait_unblocked() {
                Err(Error::PeerClosed { .. }) => {}
                other => panic!("expected PeerClosed, got {other:?}"),
            }
        }
        "hold-forever" => {
            let _sm = join(&dir, &prefix, Role::Python);
            // Work a little while holding control, then report in.
            std::thread::sleep(Duration::from_millis(100));
            println!("joined");
            std::thread::sleep(Duration::from_secs(600));
        }
        other => panic!("unknown child mode {other}"),
    }
}

#[test]
fn ten_thousand_handoffs_with_checked_values() {
    let dir = private_dir();
    let prefix = unique_prefix("handoffs");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 64);
    let child = spawn_child("child", "handoffs", dir.path(), &prefix);
    for i in 0..HANDOFFS {
        sm.write_int32(0, i).unwrap();
        sm.give_control(true).unwrap();
        assert_eq!(
            sm.read_int32(4).unwrap().0,
            i.wrapping_mul(3) + 1,
            "the child's answer at handoff {i}"
        );
    }
    expect_success(child);
    sm.delete().unwrap();
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn each_side_resizes_mid_conversation() {
    let dir = private_dir();
    let prefix = unique_prefix("resize");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 32);
    let child = spawn_child("child", "resize", dir.path(), &prefix);
    sm.write_string(0, "before any resize").unwrap();
    sm.resize(64).unwrap();
    sm.write_int32(40, 77).unwrap();
    sm.give_control(true).unwrap();

    // The child resized to 256 and wrote 99.
    assert_eq!(sm.capacity(), 256);
    assert_eq!(sm.read_string(0).unwrap().0, "before any resize");
    assert_eq!(sm.read_int32(40).unwrap().0, 77);
    assert_eq!(sm.read_int32(200).unwrap().0, 99);
    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}___")]
    );
    sm.write_int32(200, 100).unwrap();
    sm.give_control(true).unwrap_or_else(|err| match err {
        Error::PeerClosed { .. } => {}
        other => panic!("{other}"),
    });
    expect_success(child);
}

#[test]
fn a_close_by_the_joiner_reaches_the_creator() {
    let dir = private_dir();
    let prefix = unique_prefix("close-joiner");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 16);
    let child = spawn_child("child", "close-after-one-turn", dir.path(), &prefix);
    match sm.give_control(true) {
        Err(Error::PeerClosed { prefix: named }) => assert_eq!(named, prefix),
        other => panic!("expected PeerClosed, got {other:?}"),
    }
    expect_success(child);
    assert!(
        file_names(dir.path()).is_empty(),
        "the side that saw the close removes the files"
    );
}

#[test]
fn a_close_by_the_creator_reaches_the_joiner() {
    let dir = private_dir();
    let prefix = unique_prefix("close-creator");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 16);
    let child = spawn_child("child", "expect-peer-closed", dir.path(), &prefix);
    sm.give_control(true).unwrap();
    sm.close().unwrap();
    expect_success(child);
}

#[test]
fn a_killed_peer_is_reported_as_dead_before_the_timeout() {
    let dir = private_dir();
    let prefix = unique_prefix("killed");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Unity)
        .capacity(16)
        .create_new(true)
        .timeout(Some(Duration::from_secs(120)))
        .open()
        .unwrap();
    let mut child = spawn_child("child", "hold-forever", dir.path(), &prefix);
    let stdout = child.stdout.take().unwrap();
    // Kill the child once it holds control, while this side waits for it.
    let killer = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        while !line.contains("joined") {
            line.clear();
            assert_ne!(
                reader.read_line(&mut line).unwrap(),
                0,
                "the child exited before joining"
            );
        }
        child.kill().unwrap();
        child.wait().unwrap();
    });
    match sm.give_control(true) {
        Err(Error::PeerDied {
            role: Role::Python, ..
        }) => {}
        other => panic!("expected PeerDied, got {other:?}"),
    }
    killer.join().unwrap();
    assert!(file_names(dir.path()).is_empty());
}

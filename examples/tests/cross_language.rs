//! Every side reads and writes identical bytes: drivers and echo peers in
//! Rust, Python and C# talk over one shared memory, in both role
//! assignments, with 1,000 seeded random messages of every struct type of
//! `schemas/`, a resize started by each side, a schema mismatch seen by both
//! sides, and a close by each side (the contract is `examples/ECHO.md`).

mod support;

use std::fmt::Write as _;

use pusm_core::{Error, Role, SharedBuffer, SharedLayout, SharedMemory};
use pusm_examples::echo::{
    known_fingerprints, Echoed, OP_CLOSE, OP_ECHO, OP_OFFSET, OP_RESIZE, PAYLOAD_OFFSET, STATUS_OK,
    STATUS_SCHEMA_MISMATCH,
};
use pusm_examples::random::{checked_bytes, random_message, Rng};
use pusm_examples::schemas::robot;
use pusm_examples::with_struct_type;
use support::{finish, open, peer_args, spawn, unique_prefix, Lang, Scratch};

const ROUND_TRIPS: usize = 1000;
/// Where in the conversation the driver resizes, and where it asks the peer to.
const DRIVER_RESIZES_AT: usize = 300;
const PEER_RESIZES_AT: usize = 600;

/// An `Observation` from another version of the schema: same name, other
/// fields, so another fingerprint.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Observation {
    step: i32,
    mood: String,
}

/// How a conversation ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    /// The driver closes; the peer must exit 0.
    DriverCloses,
    /// The driver asks the peer to close (op 3); the driver must see "peer closed".
    PeerCloses,
}

/// One echo round trip of a random message of the `index % 7`-th struct type.
fn round_trip(sm: &mut SharedMemory, rng: &mut Rng, index: usize) {
    let fingerprint = known_fingerprints()[index % known_fingerprints().len()];
    with_struct_type!(
        fingerprint,
        |T| {
            let message: T = random_message(rng).expect("a random message");
            let expected = checked_bytes(&message.clone().echoed()).unwrap();
            sm.write_int32(OP_OFFSET, OP_ECHO).unwrap();
            message.write_checked(sm, PAYLOAD_OFFSET).unwrap();
            sm.give_control(true)
                .unwrap_or_else(|err| panic!("round trip {index}: {err}"));
            assert_eq!(
                sm.read_int32(OP_OFFSET).unwrap().0,
                STATUS_OK,
                "round trip {index}: status"
            );
            let (reply, _) = T::read_checked(sm, PAYLOAD_OFFSET).unwrap();
            assert_eq!(
                checked_bytes(&reply).unwrap(),
                expected,
                "round trip {index}: the reply to {message:?}"
            );
        },
        unreachable!("every known fingerprint has a type")
    )
}

/// The Rust driver's half of a conversation.
fn drive(sm: &mut SharedMemory, seed: u64, ending: Ending) {
    let mut rng = Rng::new(seed);
    for index in 0..ROUND_TRIPS {
        if index == DRIVER_RESIZES_AT {
            let bigger = sm.capacity() * 2;
            sm.resize(bigger).unwrap();
        }
        if index == PEER_RESIZES_AT {
            let bigger = sm.capacity() * 2;
            sm.write_int32(OP_OFFSET, OP_RESIZE).unwrap();
            sm.write_int32(PAYLOAD_OFFSET, bigger as i32).unwrap();
            sm.give_control(true).unwrap();
            assert_eq!(sm.read_int32(OP_OFFSET).unwrap().0, STATUS_OK);
            assert_eq!(
                sm.capacity(),
                bigger,
                "the driver follows the peer's resize"
            );
        }
        round_trip(sm, &mut rng, index);
    }

    // A message from another schema: the peer refuses it and answers with its
    // own Observation, which this side refuses in turn.
    sm.write_int32(OP_OFFSET, OP_ECHO).unwrap();
    Observation {
        step: 1,
        mood: "curious".into(),
    }
    .write_checked(sm, PAYLOAD_OFFSET)
    .unwrap();
    sm.give_control(true).unwrap();
    assert_eq!(sm.read_int32(OP_OFFSET).unwrap().0, STATUS_SCHEMA_MISMATCH);
    match Observation::read_checked(sm, PAYLOAD_OFFSET) {
        Err(Error::SchemaMismatch { expected, found }) => {
            assert_eq!(expected, Observation::FINGERPRINT);
            assert_eq!(found, robot::Observation::FINGERPRINT);
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
    let (theirs, _) = robot::Observation::read_checked(sm, PAYLOAD_OFFSET).unwrap();
    assert_eq!(theirs, robot::Observation::default());

    match ending {
        Ending::DriverCloses => {}
        Ending::PeerCloses => {
            sm.write_int32(OP_OFFSET, OP_CLOSE).unwrap();
            match sm.give_control(true) {
                Err(Error::PeerClosed { .. }) => {}
                other => panic!("expected the peer's close, got {other:?}"),
            }
        }
    }
}

/// The Rust driver against `lang`'s echo peer. With `driver_creates`, the
/// driver creates the memory in the Unity role and the peer joins as Python;
/// otherwise the peer creates as Unity and the driver joins as Python.
fn rust_driver_against(lang: Lang, driver_creates: bool, ending: Ending) {
    if !lang.available() {
        return;
    }
    let scratch = Scratch::new();
    let prefix = unique_prefix("rust-driver");
    let (driver_role, peer_role) = if driver_creates {
        (Role::Unity, Role::Python)
    } else {
        (Role::Python, Role::Unity)
    };
    let mut sm = driver_creates.then(|| open(&scratch, &prefix, driver_role, true));
    let mut command = lang.echo_command(&scratch);
    peer_args(&mut command, &prefix, peer_role, !driver_creates);
    let peer = spawn(command);
    let mut sm = sm
        .take()
        .unwrap_or_else(|| open(&scratch, &prefix, driver_role, false));

    drive(&mut sm, 0x5EED ^ driver_creates as u64, ending);
    if matches!(ending, Ending::DriverCloses) {
        sm.close().unwrap();
    } else {
        drop(sm);
    }
    let output = finish(peer);
    support::assert_success(&format!("the {lang:?} echo peer"), &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("schema mismatch"),
        "the {lang:?} peer reports the mismatch on its side too; stderr:\n{stderr}"
    );
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "no file is left behind"
    );
}

#[test]
fn rust_and_rust_driver_creates() {
    rust_driver_against(Lang::Rust, true, Ending::DriverCloses);
}

#[test]
fn rust_and_rust_peer_creates() {
    rust_driver_against(Lang::Rust, false, Ending::PeerCloses);
}

#[test]
fn rust_and_python_driver_creates() {
    rust_driver_against(Lang::Python, true, Ending::DriverCloses);
}

#[test]
fn rust_and_python_peer_creates() {
    rust_driver_against(Lang::Python, false, Ending::PeerCloses);
}

#[test]
fn rust_and_csharp_driver_creates() {
    rust_driver_against(Lang::CSharp, true, Ending::DriverCloses);
}

#[test]
fn rust_and_csharp_peer_creates() {
    rust_driver_against(Lang::CSharp, false, Ending::PeerCloses);
}

/// A script for `examples/python/driver.py`: random requests and the replies
/// the Rust side expects, a resize by each side, a mismatch, and an ending.
fn python_driver_script(seed: u64, ending: Ending) -> String {
    let mut rng = Rng::new(seed);
    let mut script = String::new();
    let hex = |bytes: &[u8]| {
        bytes.iter().fold(String::new(), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
    };
    for index in 0..ROUND_TRIPS {
        if index == DRIVER_RESIZES_AT {
            script.push_str("resize 8192\n");
        }
        if index == PEER_RESIZES_AT {
            script.push_str("resize-peer 16384\n");
        }
        let fingerprint = known_fingerprints()[index % known_fingerprints().len()];
        let (request, reply) = with_struct_type!(
            fingerprint,
            |T| {
                let message: T = random_message(&mut rng).expect("a random message");
                let reply = checked_bytes(&message.clone().echoed()).unwrap();
                (checked_bytes(&message).unwrap(), reply)
            },
            unreachable!("every known fingerprint has a type")
        );
        let _ = writeln!(script, "echo {} {}", hex(&request), hex(&reply));
    }
    script.push_str("mismatch\n");
    script.push_str(match ending {
        Ending::DriverCloses => "close\n",
        Ending::PeerCloses => "close-by-peer\n",
    });
    script
}

/// The Python driver against `lang`'s echo peer, roles as in [`rust_driver_against`].
fn python_driver_against(lang: Lang, driver_creates: bool, ending: Ending) {
    if !Lang::Python.available() || !lang.available() {
        return;
    }
    let scratch = Scratch::new();
    let prefix = unique_prefix("python-driver");
    let script_path = scratch.tmp.path().join("script.txt");
    std::fs::write(
        &script_path,
        python_driver_script(0xD1CE ^ driver_creates as u64, ending),
    )
    .unwrap();
    let (driver_role, peer_role) = if driver_creates {
        (Role::Unity, Role::Python)
    } else {
        (Role::Python, Role::Unity)
    };

    let mut driver = scratch.command("python3");
    driver.arg(support::repo().join("examples/python/driver.py"));
    peer_args(&mut driver, &prefix, driver_role, driver_creates);
    driver.arg("--script").arg(&script_path);
    let driver = spawn(driver);
    let mut peer = lang.echo_command(&scratch);
    peer_args(&mut peer, &prefix, peer_role, !driver_creates);
    let peer = spawn(peer);

    let driver_output = finish(driver);
    let peer_output = finish(peer);
    support::assert_success("the Python driver", &driver_output);
    support::assert_success(&format!("the {lang:?} echo peer"), &peer_output);
    let report = String::from_utf8_lossy(&driver_output.stdout);
    assert!(
        report.contains("ok "),
        "the driver reports its steps: {report}"
    );
    let stderr = String::from_utf8_lossy(&peer_output.stderr);
    assert!(
        stderr.contains("schema mismatch"),
        "the {lang:?} peer reports the mismatch; stderr:\n{stderr}"
    );
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "no file is left behind"
    );
}

#[test]
fn python_and_python_driver_creates() {
    python_driver_against(Lang::Python, true, Ending::DriverCloses);
}

#[test]
fn python_and_python_peer_creates() {
    python_driver_against(Lang::Python, false, Ending::PeerCloses);
}

#[test]
fn python_and_csharp_driver_creates() {
    python_driver_against(Lang::CSharp, true, Ending::DriverCloses);
}

#[test]
fn python_and_csharp_peer_creates() {
    python_driver_against(Lang::CSharp, false, Ending::PeerCloses);
}

#[test]
fn python_and_rust_driver_creates() {
    python_driver_against(Lang::Rust, true, Ending::PeerCloses);
}

#[test]
fn python_and_rust_peer_creates() {
    python_driver_against(Lang::Rust, false, Ending::DriverCloses);
}

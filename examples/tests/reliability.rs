//! Reliability across processes and languages (`docs/RELIABILITY.md`):
//!
//! - a peer in Rust, Python or C# killed with SIGKILL while a Rust driver
//!   waits for it is reported as `Error::PeerDied` within moments, long
//!   before the 120-second timeout; and a Python side waiting on a Rust peer
//!   that is killed raises `PeerDiedError`;
//! - a killed creator's files are replaced by a new creator with
//!   `replace_stale` (in Rust and in Python), a live conversation never is;
//! - of two creators racing with `replace_stale` over the same stale files,
//!   in every pair of runtimes, exactly one wins and keeps its files
//!   (`reliability/race.rs`);
//! - every type generated from `schemas/` decodes arbitrary bytes to a value
//!   or an error (the `decoders` fuzz body, bounded; `PUSM_FUZZ_SECONDS` runs
//!   it longer).

mod support;

#[path = "reliability/race.rs"]
mod race;

#[path = "../../fuzz/bodies/driver.rs"]
mod driver;
#[path = "../../fuzz/bodies/generated.rs"]
mod generated;
#[path = "../../fuzz/bodies/layouts.rs"]
mod layouts;

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use pusm_core::{probe_liveness, Error, LockState, Role, SharedBuffer, SharedLayout, SharedMemory};
use pusm_examples::echo::{OP_ECHO, OP_OFFSET, PAYLOAD_OFFSET, STATUS_OK};
use pusm_examples::schemas::common::Vec3;
use support::{peer_args, repo, spawn, unique_prefix, Lang, Scratch};

/// The timeout every side runs with: a dead peer must be seen long before it.
const LONG_TIMEOUT: Duration = Duration::from_secs(120);
/// How soon after the kill the death must be reported (in practice: tens of ms).
const REPORTED_WITHIN: Duration = Duration::from_secs(10);
/// Seconds of generated-type fuzzing in a default (CI) run.
const GENERATED_SECONDS: f64 = 15.0;

// ---------------------------------------------------------------------------
// Helpers

/// Sends `signal` (a `kill -s` name) to a process.
fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {signal} {}", child.id());
}

/// Waits until `role` of `prefix` is held by a live process (the peer has
/// opened the memory), or fails after 60 seconds with the child's output.
fn wait_until_held(scratch: &Scratch, prefix: &str, role: Role, child: &mut Child) {
    let started = Instant::now();
    loop {
        if let Ok(Some(liveness)) = probe_liveness(&scratch.memory_dir(), prefix) {
            if liveness.role(role) == LockState::Held {
                return;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            let output = child.stderr.take().map(std::io::read_to_string);
            panic!("the peer exited with {status} before opening {prefix}: {output:?}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{role} of {prefix} never became live"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One echo round trip of a `Vec3`.
fn echo_round_trip(sm: &mut SharedMemory, x: f32) {
    let message = Vec3 { x, y: 2.0, z: 3.0 };
    sm.write_int32(OP_OFFSET, OP_ECHO).unwrap();
    message.write_checked(sm, PAYLOAD_OFFSET).unwrap();
    sm.give_control(true).unwrap();
    assert_eq!(sm.read_int32(OP_OFFSET).unwrap().0, STATUS_OK);
    assert_eq!(Vec3::read_checked(sm, PAYLOAD_OFFSET).unwrap().0, message);
}

fn driver_memory(scratch: &Scratch, prefix: &str) -> SharedMemory {
    SharedMemory::builder(prefix)
        .directory(scratch.memory_dir())
        .role(Role::Unity)
        .capacity(4096)
        .create_new(true)
        .timeout(Some(LONG_TIMEOUT))
        .open()
        .unwrap()
}

fn read_line_from(reader: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("read the child's output");
    line
}

// ---------------------------------------------------------------------------
// A peer killed while the Rust driver waits for it

/// The Rust driver (Unity, creator) against `lang`'s echo peer (Python,
/// joiner): a few round trips; then the peer is frozen (SIGSTOP) while it
/// waits, so that the next request stays unanswered, and killed (SIGKILL)
/// while the driver waits for the answer.
fn peer_killed_while_the_driver_waits(lang: Lang) {
    if !lang.available() {
        return;
    }
    let scratch = Scratch::new();
    let prefix = unique_prefix(&format!("killed-{lang:?}").to_lowercase());
    let mut sm = driver_memory(&scratch, &prefix);
    let mut command = lang.echo_command(&scratch);
    peer_args(&mut command, &prefix, Role::Python, false);
    command.args(["--timeout", "120"]);
    let mut peer = spawn(command);

    for round in 0..20 {
        echo_round_trip(&mut sm, round as f32);
    }
    // The peer now waits for the next request: freeze it there.
    signal(&peer, "STOP");
    sm.write_int32(OP_OFFSET, OP_ECHO).unwrap();
    Vec3::default()
        .write_checked(&mut sm, PAYLOAD_OFFSET)
        .unwrap();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        peer.kill().expect("SIGKILL the peer");
        let killed_at = Instant::now();
        peer.wait().expect("reap the peer");
        killed_at
    });
    let waited_from = Instant::now();
    let outcome = sm.give_control(true);
    let seen_at = Instant::now();
    let killed_at = killer.join().unwrap();
    match outcome {
        Err(Error::PeerDied {
            role: Role::Python,
            prefix: named,
        }) => assert_eq!(named, prefix),
        other => panic!("{lang:?}: expected PeerDied, got {other:?}"),
    }
    let after_kill = seen_at.saturating_duration_since(killed_at);
    assert!(
        after_kill < REPORTED_WITHIN,
        "{lang:?}: the death was reported {after_kill:?} after the kill"
    );
    eprintln!(
        "{lang:?} peer: PeerDied {after_kill:?} after SIGKILL ({:?} into the wait)",
        seen_at - waited_from
    );
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "the side that saw the death removes the files"
    );
}

#[test]
fn a_killed_rust_peer_is_reported_while_the_driver_waits() {
    peer_killed_while_the_driver_waits(Lang::Rust);
}

#[test]
fn a_killed_python_peer_is_reported_while_the_driver_waits() {
    peer_killed_while_the_driver_waits(Lang::Python);
}

#[test]
fn a_killed_csharp_peer_is_reported_while_the_driver_waits() {
    peer_killed_while_the_driver_waits(Lang::CSharp);
}

/// A stopped peer (SIGSTOP) is alive: it keeps its liveness lock, so the
/// driver waits for it until its own timeout (`Error::Timeout`, never
/// `PeerDied`), as `docs/RELIABILITY.md` says. The driver then leaves
/// without closing (it handed control over, so rule B leaves the closed
/// flag clear); once continued, the peer answers the request it was handed
/// and its next wait reports the driver gone.
#[test]
fn a_stopped_peer_is_waited_for_until_the_timeout() {
    let scratch = Scratch::new();
    let prefix = unique_prefix("stopped");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(scratch.memory_dir())
        .role(Role::Unity)
        .capacity(4096)
        .create_new(true)
        .timeout(Some(Duration::from_secs(1)))
        .open()
        .unwrap();
    let mut command = Lang::Rust.echo_command(&scratch);
    peer_args(&mut command, &prefix, Role::Python, false);
    command.args(["--timeout", "120"]);
    let peer = spawn(command);
    echo_round_trip(&mut sm, 1.0);
    signal(&peer, "STOP");
    sm.write_int32(OP_OFFSET, OP_ECHO).unwrap();
    Vec3::default()
        .write_checked(&mut sm, PAYLOAD_OFFSET)
        .unwrap();
    match sm.give_control(true) {
        Err(Error::Timeout { .. }) => {}
        other => panic!("expected a timeout for a stopped peer, got {other:?}"),
    }
    drop(sm);
    signal(&peer, "CONT");
    let output = support::finish(peer);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("exited without closing"),
        "the continued peer should report the driver gone: {stderr}"
    );
}

/// Voluntary context switches (blocking sleeps) of the calling thread so far.
fn blocking_sleeps_of_this_thread() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").expect("read /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("a voluntary_ctxt_switches line")
}

/// A Python giver that keeps control 400 ms each turn, then hands over.
const PYTHON_SLOW_GIVER: &str = r#"
import os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "python"))
from pusm import SharedMemory
sm = SharedMemory(sys.argv[2], 0, False, 30, role="python")
for turn in range(3):
    time.sleep(0.4)
    sm.write_int32(0, 100 + turn)
    sm.give_control()
sm.close()
"#;

/// A Rust waiter sleeps on the futex while a Python giver holds control
/// (it knows Python for a pusm peer by its lock), and gets every message
/// when Python hands over (rule A; latency is measured in pusm-bench).
#[test]
fn a_rust_waiter_sleeps_on_the_futex_and_gets_a_python_givers_messages() {
    if !Lang::Python.available() {
        return;
    }
    let scratch = Scratch::new();
    let prefix = unique_prefix("python-giver");
    let mut sm = driver_memory(&scratch, &prefix);
    sm.give_control(false).unwrap();
    let mut python = scratch.command("python3");
    python
        .args(["-c", PYTHON_SLOW_GIVER])
        .arg(repo())
        .arg(&prefix);
    let python = spawn(python);
    // The first turn also waits for Python to start and join: until its lock
    // is seen, the waiter naps as it would for an original peer (however
    // long a loaded machine takes to start Python), so only the two turns
    // after it are counted.
    sm.wait_unblocked().unwrap();
    assert_eq!(sm.read_int32(0).unwrap().0, 100);
    sm.give_control(false).unwrap();
    let before = blocking_sleeps_of_this_thread();
    for turn in 1..3 {
        sm.wait_unblocked().unwrap();
        assert_eq!(sm.read_int32(0).unwrap().0, 100 + turn);
        sm.give_control(false).unwrap();
    }
    let sleeps = blocking_sleeps_of_this_thread() - before;
    let output = support::finish(python);
    support::assert_success("the Python giver", &output);
    // About 0.8 s of waiting: a few dozen futex sleeps of up to 50 ms, where
    // 1 ms naps would take about 800.
    assert!(sleeps < 300, "{sleeps} blocking sleeps while waiting");
    drop(sm);
    pusm_core::delete_files_in(&scratch.memory_dir(), &prefix).unwrap();
}

// ---------------------------------------------------------------------------
// The reverse: Python waits on a Rust peer that is killed

/// Joins as Python, does one echo round trip with the Rust echo peer, says
/// "ready", waits for a line on stdin (the test freezes the peer meanwhile),
/// sends another request and waits: `PeerDiedError` must come.
const PYTHON_WAITS_ON_A_DEAD_PEER: &str = r#"
import os, sys, time
repo, prefix = sys.argv[1], sys.argv[2]
sys.path[:0] = [os.path.join(repo, "python"), os.path.join(repo, "examples", "python", "generated")]
from pusm import SharedMemory, PeerDiedError
import common

sm = SharedMemory(prefix, 0, False, 120, role="python")
sm.write_int32(0, 1)
common.Vec3(x=1.0, y=2.0, z=3.0).write_checked(sm, 4)
sm.give_control()
assert sm.read_int32(0)[0] == 0, "echo status"
print("ready", flush=True)
sys.stdin.readline()
sm.write_int32(0, 1)
common.Vec3(x=4.0, y=5.0, z=6.0).write_checked(sm, 4)
started = time.monotonic()
try:
    sm.give_control()
except PeerDiedError as error:
    print("peer died after %.3f s: %s" % (time.monotonic() - started, error), flush=True)
    sys.exit(0)
print("give_control returned without PeerDiedError", flush=True)
sys.exit(1)
"#;

#[test]
fn python_waiting_on_a_killed_rust_peer_raises_peer_died() {
    if !Lang::Python.available() {
        return;
    }
    let scratch = Scratch::new();
    let prefix = unique_prefix("python-waits");
    let mut echo = Lang::Rust.echo_command(&scratch);
    peer_args(&mut echo, &prefix, Role::Unity, true);
    echo.args(["--timeout", "120"]);
    let mut echo = spawn(echo);
    wait_until_held(&scratch, &prefix, Role::Unity, &mut echo);

    let mut python = scratch.command("python3");
    python
        .args(["-c", PYTHON_WAITS_ON_A_DEAD_PEER])
        .arg(repo())
        .arg(&prefix)
        .stdin(Stdio::piped());
    let mut python = spawn(python);
    let mut stdout = BufReader::new(python.stdout.take().unwrap());
    let ready = read_line_from(&mut stdout);
    assert!(
        ready.contains("ready"),
        "python said {ready:?}; stderr: {:?}",
        python.stderr.take().map(std::io::read_to_string)
    );
    // The Rust peer waits for the next request: freeze it, let Python ask,
    // then kill the peer while Python waits for the answer.
    signal(&echo, "STOP");
    let mut stdin = python.stdin.take().unwrap();
    stdin.write_all(b"go\n").unwrap();
    drop(stdin);
    std::thread::sleep(Duration::from_millis(300));
    echo.kill().unwrap();
    let killed_at = Instant::now();
    echo.wait().unwrap();

    let answer = read_line_from(&mut stdout);
    let reported_after = killed_at.elapsed();
    let status = python.wait().unwrap();
    let stderr = python
        .stderr
        .take()
        .map(std::io::read_to_string)
        .transpose()
        .unwrap()
        .unwrap_or_default();
    assert!(
        status.success() && answer.starts_with("peer died after"),
        "python: {status}, said {answer:?}, stderr:\n{stderr}"
    );
    assert!(
        reported_after < REPORTED_WITHIN,
        "PeerDiedError came {reported_after:?} after the kill"
    );
    eprintln!("python: {}", answer.trim());
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Stale files across processes

/// A Rust creator (the echo peer) killed: its files stay, refused to a plain
/// creator, taken over by one with `replace_stale`.
#[test]
fn a_killed_rust_creators_files_are_replaced_with_replace_stale() {
    let scratch = Scratch::new();
    let prefix = unique_prefix("stale-rust");
    let mut echo = Lang::Rust.echo_command(&scratch);
    peer_args(&mut echo, &prefix, Role::Unity, true);
    echo.args(["--capacity", "64"]);
    let mut echo = spawn(echo);
    wait_until_held(&scratch, &prefix, Role::Unity, &mut echo);
    echo.kill().unwrap();
    echo.wait().unwrap();

    let liveness = probe_liveness(&scratch.memory_dir(), &prefix)
        .unwrap()
        .expect("the killed creator's hook is still there");
    assert!(liveness.is_stale(), "{liveness:?}");
    let creator = |replace_stale| {
        SharedMemory::builder(&prefix)
            .directory(scratch.memory_dir())
            .role(Role::Unity)
            .capacity(128)
            .create_new(true)
            .replace_stale(replace_stale)
            .open()
    };
    assert!(matches!(creator(false), Err(Error::AlreadyExists { .. })));
    let sm = creator(true).expect("replace_stale takes over a dead creator's files");
    assert_eq!(sm.capacity(), 128);
    let state = pusm_core::inspect_hook(&scratch.memory_dir(), &prefix)
        .unwrap()
        .unwrap();
    assert_eq!((state.file_number, state.capacity), (1, 128));
    assert!(state.unity_active && !state.python_active && !state.closed);
    sm.delete().unwrap();
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

/// A live conversation is never replaced, by Rust or by Python, and goes on
/// afterwards: first with only its creator (the echo peer) there, then with
/// both sides. (Python tries only once both sides are there: with only the
/// creator, Python's check itself would make the creator see a dying peer,
/// the bug of `python_replace_stale_attempts_never_fake_a_peer_...`.)
#[test]
fn a_live_conversation_is_never_replaced() {
    let scratch = Scratch::new();
    let prefix = unique_prefix("stale-live");
    let mut echo = Lang::Rust.echo_command(&scratch);
    peer_args(&mut echo, &prefix, Role::Unity, true);
    let mut echo = spawn(echo);
    wait_until_held(&scratch, &prefix, Role::Unity, &mut echo);

    let rust_attempts = || {
        let replaced = SharedMemory::builder(&prefix)
            .directory(scratch.memory_dir())
            .capacity(64)
            .create_new(true)
            .replace_stale(true)
            .open();
        assert!(
            matches!(replaced, Err(Error::AlreadyExists { .. })),
            "{replaced:?}"
        );
        assert_eq!(
            pusm_core::remove_stale(&scratch.memory_dir(), &prefix).unwrap(),
            pusm_core::StaleRemoval::Live
        );
    };
    rust_attempts();

    // Join it and talk to the peer: it is intact.
    let mut sm = SharedMemory::builder(&prefix)
        .directory(scratch.memory_dir())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(30)))
        .open()
        .unwrap();
    echo_round_trip(&mut sm, 9.0);
    rust_attempts();
    if Lang::Python.available() {
        let output = scratch
            .command("python3")
            .args([
                "-c",
                "import os, sys\n\
                 sys.path.insert(0, os.path.join(sys.argv[1], 'python'))\n\
                 from pusm import SharedMemory, AlreadyExistsError\n\
                 try:\n    SharedMemory(sys.argv[2], 64, True, 5, role='unity', replace_stale=True)\n\
                 except AlreadyExistsError as error:\n    print('refused:', error)\n    sys.exit(0)\n\
                 sys.exit(1)\n",
            ])
            .arg(repo())
            .arg(&prefix)
            .output()
            .unwrap();
        support::assert_success("python replace_stale on a live conversation", &output);
    }
    echo_round_trip(&mut sm, 10.0);
    sm.close().unwrap();
    let output = support::finish(echo);
    support::assert_success("the echo peer", &output);
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

/// Python's replace_stale over a killed Rust creator, and Rust's over a
/// killed Python creator: the runtimes agree on what is stale.
#[test]
fn stale_files_are_replaced_across_languages() {
    if !Lang::Python.available() {
        return;
    }
    // A Python creator, killed; Rust replaces it.
    let scratch = Scratch::new();
    let prefix = unique_prefix("stale-python");
    let mut python = scratch.command("python3");
    python
        .args([
            "-c",
            "import os, sys, time\n\
             sys.path.insert(0, os.path.join(sys.argv[1], 'python'))\n\
             from pusm import SharedMemory\n\
             sm = SharedMemory(sys.argv[2], 32, True, 120, role='python')\n\
             sm.resize(48)\n\
             time.sleep(600)\n",
        ])
        .arg(repo())
        .arg(&prefix);
    let mut python = spawn(python);
    wait_until_held(&scratch, &prefix, Role::Python, &mut python);
    python.kill().unwrap();
    python.wait().unwrap();
    let sm = SharedMemory::builder(&prefix)
        .directory(scratch.memory_dir())
        .role(Role::Python)
        .capacity(16)
        .create_new(true)
        .replace_stale(true)
        .open()
        .expect("Rust replaces a killed Python creator's files");
    assert_eq!(
        scratch.leftovers(),
        [prefix.clone(), format!("{prefix}_")],
        "the resized creator's two data files are gone, a fresh one is there"
    );
    drop(sm);
    pusm_core::delete_files_in(&scratch.memory_dir(), &prefix).unwrap();

    // A Rust creator, killed; Python replaces it.
    let prefix = unique_prefix("stale-rust-by-python");
    let mut echo = Lang::Rust.echo_command(&scratch);
    peer_args(&mut echo, &prefix, Role::Unity, true);
    let mut echo = spawn(echo);
    wait_until_held(&scratch, &prefix, Role::Unity, &mut echo);
    echo.kill().unwrap();
    echo.wait().unwrap();
    let output = scratch
        .command("python3")
        .args([
            "-c",
            "import os, sys\n\
             sys.path.insert(0, os.path.join(sys.argv[1], 'python'))\n\
             from pusm import SharedMemory\n\
             sm = SharedMemory(sys.argv[2], 24, True, 5, role='unity', replace_stale=True)\n\
             assert sm.capacity == 24\n\
             sm.delete()\n",
        ])
        .arg(repo())
        .arg(&prefix)
        .output()
        .unwrap();
    support::assert_success("python replace_stale over a killed Rust creator", &output);
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

/// A creator waits for its peer to join, probing the peer's lock. Attempts
/// to replace its live conversation must not take that lock, not even for a
/// moment: the creator would take whoever held it for its peer, and declare
/// the peer dead when the lock went away.
fn replace_attempts_while_a_creator_waits<T>(
    attempts: impl FnOnce(&Scratch, &str) -> T,
) -> (T, pusm_core::Result<()>) {
    let scratch = Scratch::new();
    let prefix = unique_prefix("replace-attempts");
    let mut creator = SharedMemory::builder(&prefix)
        .directory(scratch.memory_dir())
        .role(Role::Unity)
        .capacity(8)
        .create_new(true)
        .timeout(Some(Duration::from_secs(4)))
        .open()
        .unwrap();
    let waiter = std::thread::spawn(move || creator.give_control(true));
    std::thread::sleep(Duration::from_millis(50));
    let result = attempts(&scratch, &prefix);
    (result, waiter.join().unwrap())
}

#[test]
fn rust_replace_stale_attempts_never_fake_a_peer_for_a_waiting_creator() {
    let ((), outcome) = replace_attempts_while_a_creator_waits(|scratch, prefix| {
        let started = Instant::now();
        let mut attempts = 0;
        while started.elapsed() < Duration::from_secs(2) {
            let attempt = SharedMemory::builder(prefix)
                .directory(scratch.memory_dir())
                .capacity(8)
                .create_new(true)
                .replace_stale(true)
                .open();
            assert!(
                matches!(attempt, Err(Error::AlreadyExists { .. })),
                "{attempt:?}"
            );
            assert_eq!(
                pusm_core::remove_stale(&scratch.memory_dir(), prefix).unwrap(),
                pusm_core::StaleRemoval::Live
            );
            attempts += 1;
        }
        assert!(attempts > 100);
    });
    assert!(
        matches!(outcome, Err(Error::Timeout { .. })),
        "the creator must wait out its timeout, got {outcome:?}"
    );
}

/// Python's `replace_stale` on a live conversation must only look at the
/// locks: taking one, even briefly, would look to a creator waiting there like
/// a peer that joined and died (a bug this test found, fixed in
/// `python/pusm/_memory.py`, `_remove_stale`).
#[test]
fn python_replace_stale_attempts_never_fake_a_peer_for_a_waiting_creator() {
    if !Lang::Python.available() {
        return;
    }
    let (output, outcome) = replace_attempts_while_a_creator_waits(|scratch, prefix| {
        scratch
            .command("python3")
            .args([
                "-c",
                "import os, sys, time\n\
                 sys.path.insert(0, os.path.join(sys.argv[1], 'python'))\n\
                 from pusm import SharedMemory, AlreadyExistsError\n\
                 started = time.monotonic()\n\
                 while time.monotonic() - started < 2:\n\
                 \x20   try:\n\
                 \x20       SharedMemory(sys.argv[2], 8, True, 1, role='unity', replace_stale=True)\n\
                 \x20       sys.exit('created anew: the live conversation was replaced, or its creator had given up on it')\n\
                 \x20   except AlreadyExistsError:\n\
                 \x20       pass\n\
                 \x20   except FileNotFoundError:\n\
                 \x20       sys.exit('the files are gone: the creator declared its peer dead')\n",
            ])
            .arg(repo())
            .arg(prefix)
            .output()
            .unwrap()
    });
    assert!(
        matches!(outcome, Err(Error::Timeout { .. })),
        "the creator must wait out its timeout, got {outcome:?}"
    );
    support::assert_success("python replace_stale attempts", &output);
}

/// Data files without a hook (a process died while deleting) are in the way
/// of a new creator: refused, naming the file, or removed with replace_stale;
/// either way a later resize cannot trip over them.
#[test]
fn leftover_data_files_without_a_hook() {
    let scratch = Scratch::new();
    let dir = scratch.memory_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = unique_prefix("leftover");
    let leftover = dir.join(format!("{prefix}__"));
    std::fs::write(&leftover, [0u8; 8]).unwrap();
    let creator = |replace_stale| {
        SharedMemory::builder(&prefix)
            .directory(&dir)
            .capacity(8)
            .create_new(true)
            .replace_stale(replace_stale)
            .open()
    };
    match creator(false) {
        Err(Error::AlreadyExists { path, .. }) => assert_eq!(path, leftover),
        other => panic!("expected AlreadyExists naming the leftover, got {other:?}"),
    }
    assert_eq!(
        scratch.leftovers(),
        [format!("{prefix}__")],
        "nothing else made"
    );
    let mut sm = creator(true).unwrap();
    sm.resize(16).expect("the resize finds its file name free");
    sm.delete().unwrap();
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Generated types against arbitrary bytes

#[test]
fn generated_types_decode_arbitrary_bytes_or_fail_cleanly() {
    let mut rng = driver::Rng::new(0x6E4E);
    let seeds = generated::seeds(&mut || rng.next_u64());
    let stats = driver::run(
        "decoders (generated)",
        GENERATED_SECONDS,
        &seeds,
        2048,
        generated::run,
    );
    assert!(stats.inputs >= seeds.len() as u64);
}

#[test]
fn every_generated_struct_is_seeded() {
    let mut rng = driver::Rng::new(1);
    let seeds = generated::seeds(&mut || rng.next_u64());
    assert_eq!(seeds.len(), 6 * 2 * generated::struct_layouts().len());
    for seed in &seeds {
        generated::run(seed);
    }
}

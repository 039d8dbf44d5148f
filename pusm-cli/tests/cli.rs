//! The `pusm` binary against real files made by pusm-core: live ones (held
//! by this test process or a child), stale ones (left by a killed child),
//! orphans and damaged ones. Checks the output, the exit status and what is
//! left on disk.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use pusm_core::{Role, SharedBuffer, SharedLayout, SharedMemory};
use pusm_examples::schemas::robot;
use support::pusm;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn expect_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

fn memory_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("pusm-cli-test-")
        .tempdir()
        .unwrap()
}

fn create(dir: &Path, prefix: &str, role: Role, capacity: usize) -> SharedMemory {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(role)
        .capacity(capacity)
        .create_new(true)
        .timeout(Some(Duration::from_secs(30)))
        .open()
        .unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Files as a process that died without closing leaves them: a valid hook
/// (file number `number`, Unity holding control) and its data file; no lock.
fn leave_stale(dir: &Path, prefix: &str, number: i32, capacity: i32) {
    let mut hook = vec![1, 0, 0, 0];
    hook.extend_from_slice(&number.to_le_bytes());
    hook.extend_from_slice(&capacity.to_le_bytes());
    hook.extend_from_slice(&[0, 1, 0]);
    std::fs::write(dir.join(prefix), hook).unwrap();
    let data = format!("{prefix}{}", "_".repeat(number as usize));
    std::fs::write(dir.join(data), vec![0xAB; capacity as usize]).unwrap();
}

fn row<'a>(listing: &'a str, prefix: &str) -> Vec<&'a str> {
    listing
        .lines()
        .find(|line| line.split_whitespace().next() == Some(prefix))
        .unwrap_or_else(|| panic!("no row for {prefix} in:\n{listing}"))
        .split_whitespace()
        .collect()
}

// ---------------------------------------------------------------------------
// A child process that creates a memory and waits to be killed.

const CHILD: &str = "PUSM_CLI_TEST_CHILD";

#[test]
fn child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (dir, prefix) = spec.split_once('\n').unwrap();
    let mut sm = create(Path::new(dir), prefix, Role::Unity, 64);
    sm.write_string(0, "from the child").unwrap();
    println!("ready");
    std::thread::sleep(Duration::from_secs(600));
}

/// Starts the child, waits until its memory exists, and returns it.
fn spawn_child(dir: &Path, prefix: &str) -> std::process::Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, format!("{}\n{prefix}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ready") {
        line.clear();
        assert_ne!(reader.read_line(&mut line).unwrap(), 0, "the child died");
    }
    child
}

// ---------------------------------------------------------------------------

#[test]
fn list_shows_every_memory_with_its_hook_and_state() {
    let dir = memory_dir();
    let mut live = create(dir.path(), "live", Role::Unity, 128);
    live.give_control(false).unwrap();
    let joined = SharedMemory::builder("live")
        .directory(dir.path())
        .role(Role::Python)
        .timeout(Some(Duration::from_secs(30)))
        .open()
        .unwrap();
    leave_stale(dir.path(), "stale", 2, 32);
    std::fs::write(dir.path().join("stale_"), [0u8; 16]).unwrap(); // a resize the peer never saw
    std::fs::write(dir.path().join("orphan__"), [0u8; 8]).unwrap();
    std::fs::write(dir.path().join("short"), [1, 0, 0]).unwrap();
    std::fs::write(dir.path().join(".not-pusm"), b"x").unwrap();

    let output = pusm(dir.path(), &["list"]);
    expect_status(&output, 0);
    let listing = stdout(&output);
    assert!(
        listing.starts_with("PREFIX  VERSION  FILE  CAPACITY  CONTROL  CLOSED  STATE"),
        "{listing}"
    );
    assert_eq!(
        row(&listing, "live"),
        [
            "live",
            "1",
            "1",
            "128",
            "python",
            "no",
            "live",
            "(python+unity)"
        ]
    );
    assert_eq!(
        row(&listing, "stale"),
        ["stale", "1", "2", "32", "unity", "no", "stale", "older", "data", "files", "1"]
    );
    assert_eq!(
        row(&listing, "orphan"),
        ["orphan", "-", "-", "-", "-", "-", "orphan", "no", "hook,", "1", "data", "file(s)"]
    );
    let short = row(&listing, "short");
    assert_eq!(short[6], "stale", "{listing}");
    assert!(
        listing.contains("3 bytes"),
        "the short hook is explained:\n{listing}"
    );
    assert!(!listing.contains("not-pusm"), "{listing}");

    drop(joined);
    live.delete().unwrap();
}

#[test]
fn list_of_an_empty_or_missing_directory_says_so() {
    let dir = memory_dir();
    let output = pusm(dir.path(), &["list"]);
    expect_status(&output, 0);
    assert!(stdout(&output).starts_with("no shared memory in "));
    let output = pusm(&dir.path().join("missing"), &["list"]);
    expect_status(&output, 0);
}

#[test]
fn inspect_shows_the_hook_and_the_data_in_hex() {
    let dir = memory_dir();
    let mut sm = create(dir.path(), "demo", Role::Unity, 64);
    sm.write_string(0, "hello").unwrap();
    let output = pusm(dir.path(), &["inspect", "demo"]);
    expect_status(&output, 0);
    let text = stdout(&output);
    for expected in [
        "shared memory \"demo\"",
        "state         live (unity)",
        "  version     1",
        "  file number 1",
        "  capacity    64 bytes",
        "  python      waits, lock free",
        "  unity       may act, lock held",
        "  closed      no",
        "demo_ (64 bytes)",
        "00000000  05 00 00 00 68 65 6c 6c  6f 00 00 00 00 00 00 00  |....hello.......|",
        "*\n00000040\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let short = pusm(dir.path(), &["inspect", "demo", "--length", "4"]);
    expect_status(&short, 0);
    assert!(stdout(&short).contains("(60 more bytes; --all or --length N to see them)"));
    sm.delete().unwrap();
}

fn robot_schema() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/robot.pusm")
        .display()
        .to_string()
}

#[test]
fn inspect_decodes_the_data_with_a_schema() {
    let dir = memory_dir();
    let mut sm = create(dir.path(), "robot", Role::Unity, 512);
    let observation = robot::Observation {
        step: 41,
        done: true,
        rays: vec![0.5, 1.5],
        name: "r2·d2".into(),
        camera: vec![1, 2, 3],
        last_command: robot::Command::Jump,
        ..Default::default()
    };
    sm.write_int32(0, 1).unwrap();
    observation.write_checked(&mut sm, 4).unwrap();
    let schema = robot_schema();

    let output = pusm(
        dir.path(),
        &[
            "inspect",
            "robot",
            "--schema",
            &schema,
            "--type",
            "robot.Observation",
            "--offset",
            "4",
            "--checked",
        ],
    );
    expect_status(&output, 0);
    let text = stdout(&output);
    let expected_end = 8 + observation.encoded_len();
    for expected in [
        format!(
            "fingerprint   {:#010x} at offset 4 matches robot.Observation",
            robot::Observation::FINGERPRINT
        ),
        format!("robot.Observation at offset 8..{expected_end}"),
        "  step: 41,".to_owned(),
        "  done: true,".to_owned(),
        "  rays: [0.5, 1.5],".to_owned(),
        "  name: \"r2·d2\",".to_owned(),
        "  camera: <3 bytes> 01 02 03,".to_owned(),
        "  target: None,".to_owned(),
        "  last_command: Jump (2),".to_owned(),
        "  team: Neutral (0),".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }

    // Unchecked, at the message itself; the type by its bare name.
    let output = pusm(
        dir.path(),
        &[
            "inspect",
            "robot",
            "--schema",
            &schema,
            "--type",
            "Observation",
            "--offset",
            "8",
        ],
    );
    expect_status(&output, 0);
    assert!(stdout(&output).contains("  step: 41,"));

    // The wrong type: a schema mismatch, exit status 1.
    let output = pusm(
        dir.path(),
        &[
            "inspect",
            "robot",
            "--schema",
            &schema,
            "--type",
            "Action",
            "--offset",
            "4",
            "--checked",
        ],
    );
    expect_status(&output, 1);
    assert!(
        stderr(&output).contains("schema mismatch at offset 4: robot.Action"),
        "{}",
        stderr(&output)
    );

    // Garbage where the type wants a message: an error that says where.
    let output = pusm(
        dir.path(),
        &[
            "inspect", "robot", "--schema", &schema, "--type", "Command", "--offset", "5",
        ],
    );
    expect_status(&output, 1);
    assert!(
        stderr(&output).contains("not a variant of enum Command"),
        "{}",
        stderr(&output)
    );
    sm.delete().unwrap();
}

#[test]
fn inspect_reports_bad_requests_clearly() {
    let dir = memory_dir();
    let sm = create(dir.path(), "here", Role::Unity, 16);
    let schema = robot_schema();

    let missing = pusm(dir.path(), &["inspect", "nowhere"]);
    expect_status(&missing, 1);
    assert!(stderr(&missing).contains("pusm: error: no shared memory \"nowhere\" in "));

    let invalid = pusm(dir.path(), &["inspect", "../etc"]);
    expect_status(&invalid, 1);
    assert!(stderr(&invalid).contains("invalid prefix \"../etc\""));

    let unknown = pusm(
        dir.path(),
        &["inspect", "here", "--schema", &schema, "--type", "Nope"],
    );
    expect_status(&unknown, 1);
    assert!(
        stderr(&unknown).contains("no type \"Nope\" in the schema; it has: common.Vec3 (struct)"),
        "{}",
        stderr(&unknown)
    );

    let broken = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(broken.path(), "struct A { x: int; }\n").unwrap();
    let output = pusm(
        dir.path(),
        &[
            "inspect",
            "here",
            "--schema",
            broken.path().to_str().unwrap(),
            "--type",
            "A",
        ],
    );
    expect_status(&output, 1);
    assert!(
        stderr(&output).contains("unknown type 'int'"),
        "{}",
        stderr(&output)
    );

    // Usage errors: exit status 2.
    expect_status(&pusm(dir.path(), &["inspect", "here", "--type", "A"]), 2);
    expect_status(&pusm(dir.path(), &["inspect", "here", "--checked"]), 2);
    expect_status(&pusm(dir.path(), &["frobnicate"]), 2);
    expect_status(&pusm(dir.path(), &["clean"]), 2);
    sm.delete().unwrap();
}

#[test]
fn clean_removes_a_prefix_but_never_a_live_one_without_force() {
    let dir = memory_dir();
    let live = create(dir.path(), "busy", Role::Unity, 16);
    let refused = pusm(dir.path(), &["clean", "busy"]);
    expect_status(&refused, 1);
    assert!(
        stderr(&refused).contains("not removing \"busy\": it is live (unity)"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(names(dir.path()), ["busy", "busy_"]);

    let stale_only = pusm(dir.path(), &["clean", "--stale", "busy"]);
    expect_status(&stale_only, 1);
    assert_eq!(names(dir.path()), ["busy", "busy_"]);

    let dry = pusm(dir.path(), &["clean", "--force", "--dry-run", "busy"]);
    expect_status(&dry, 0);
    assert!(stdout(&dry).contains("would remove busy"));
    assert_eq!(names(dir.path()), ["busy", "busy_"]);

    let forced = pusm(dir.path(), &["clean", "--force", "busy"]);
    expect_status(&forced, 0);
    assert!(names(dir.path()).is_empty());
    drop(live);

    leave_stale(dir.path(), "gone", 1, 8);
    let output = pusm(dir.path(), &["clean", "gone"]);
    expect_status(&output, 0);
    assert!(stdout(&output).contains("removed gone (stale)"));
    assert!(names(dir.path()).is_empty());
    let again = pusm(dir.path(), &["clean", "gone"]);
    expect_status(&again, 1);
    assert!(stderr(&again).contains("no shared memory \"gone\""));
}

#[test]
fn clean_stale_removes_what_a_killed_process_left_and_keeps_live_ones() {
    let dir = memory_dir();
    let mut killed = spawn_child(dir.path(), "killed");
    let alive = spawn_child(dir.path(), "alive");
    let mine = create(dir.path(), "mine", Role::Python, 16);
    std::fs::write(dir.path().join("orphan_"), [0u8; 4]).unwrap();

    let before = pusm(dir.path(), &["list"]);
    assert_eq!(row(&stdout(&before), "killed")[6], "live");
    killed.kill().unwrap();
    killed.wait().unwrap();
    let after = pusm(dir.path(), &["list"]);
    let listing = stdout(&after);
    assert_eq!(row(&listing, "killed")[6], "stale", "{listing}");
    assert_eq!(row(&listing, "alive")[6], "live", "{listing}");

    let dry = pusm(dir.path(), &["clean", "--stale", "--dry-run"]);
    expect_status(&dry, 0);
    assert!(
        stdout(&dry).contains("would remove 2 stale shared memories; 2 kept"),
        "{}",
        stdout(&dry)
    );
    assert_eq!(names(dir.path()).len(), 7);

    let output = pusm(dir.path(), &["clean", "--stale"]);
    expect_status(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("removed killed (stale)"), "{text}");
    assert!(text.contains("removed orphan (orphan)"), "{text}");
    assert!(
        text.contains("removed 2 stale shared memories; 2 kept"),
        "{text}"
    );
    assert_eq!(names(dir.path()), ["alive", "alive_", "mine", "mine_"]);

    let mut alive = alive;
    alive.kill().unwrap();
    alive.wait().unwrap();
    mine.delete().unwrap();
    let output = pusm(dir.path(), &["clean", "--stale"]);
    expect_status(&output, 0);
    assert!(names(dir.path()).is_empty());
}

#[test]
fn the_default_directory_follows_tmpdir() {
    let tmp = memory_dir();
    let dir = tmp.path().join(pusm_core::DIR_NAME);
    std::fs::create_dir(&dir).unwrap();
    leave_stale(&dir, "via-tmpdir", 1, 8);
    let output = Command::new(env!("CARGO_BIN_EXE_pusm"))
        .arg("list")
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(row(&stdout(&output), "via-tmpdir")[6], "stale");
}

#[test]
fn list_and_clean_escape_control_characters_in_names() {
    let dir = memory_dir();
    // A name that would recolour the terminal and forge a second row.
    let evil = "evil\x1b[31mred\nfake  1  0  64";
    leave_stale(dir.path(), evil, 1, 64);
    let output = pusm(dir.path(), &["list"]);
    expect_status(&output, 0);
    let text = stdout(&output);
    assert!(!text.contains('\x1b'), "raw ESC in:\n{text:?}");
    assert!(
        text.contains("evil\\x1b[31mred\\nfake  1  0  64"),
        "{text:?}"
    );
    assert_eq!(text.lines().count(), 2, "a header and one row: {text:?}");

    let output = pusm(dir.path(), &["clean", "--stale", "--dry-run"]);
    expect_status(&output, 0);
    let text = stdout(&output);
    assert!(
        !text.contains('\x1b') && text.contains("would remove evil\\x1b[31mred\\nfake"),
        "{text:?}"
    );
}

#[test]
fn names_that_are_not_utf8_are_never_printed_raw() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = memory_dir();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff\x1b]0;title\x07");
    std::fs::write(dir.path().join(name), [0u8; 15]).unwrap();
    leave_stale(dir.path(), "good", 1, 16);
    let output = pusm(dir.path(), &["list"]);
    expect_status(&output, 0);
    assert!(
        !output.stdout.contains(&0x1b) && !output.stdout.contains(&0xff),
        "{:?}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("good"));
}

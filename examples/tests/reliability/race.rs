//! `replace_stale` races across runtimes (issue 13.1, `docs/DECISIONS.md`):
//! two creators with `replace_stale` over the same stale files, released at
//! the same instant, in every pair of runtimes. Exactly one must win each
//! round, and the winner's files must survive the loser.
//!
//! Each racer is a long-lived process driven over stdin/stdout (Rust: this
//! test binary re-run as [`rust_racer_child`]; Python: `racer.py`; C#:
//! `Racer.cs`), so a round costs no process start. A round: the test writes
//! stale files (a complete hook and two data files nobody holds), tells both
//! racers the prefix and a small random delay, waits until both are ready
//! (spinning on a "go" file), creates the go file, and collects the answers.
//! `PUSM_RACE_ROUNDS` sets the rounds per pair (default 100; the C# pairs
//! run half as many, mono being slower).

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

use pusm_core::{inspect_hook, probe_liveness, Error, LockState, Role, SharedMemory};

use crate::support::{self, repo, unique_prefix, Lang, Scratch};

/// The environment variable that makes this test binary a Rust racer.
const RACER_ENV: &str = "PUSM_RACER_CHILD";
/// The capacity of the stale files the racers replace.
const STALE_CAPACITY: i32 = 8;
/// Every protocol line starts with this (the test harness prints its own lines too).
const TAG: &str = "racer: ";

fn rounds(lang_a: Lang, lang_b: Lang) -> usize {
    let rounds: usize = std::env::var("PUSM_RACE_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100);
    if lang_a == Lang::CSharp || lang_b == Lang::CSharp {
        rounds.div_ceil(2)
    } else {
        rounds
    }
}

/// One racer process.
struct Racer {
    lang: Lang,
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Racer {
    fn start(lang: Lang, scratch: &Scratch) -> Racer {
        let mut command = match lang {
            Lang::Rust => {
                let mut command = scratch.command(std::env::current_exe().unwrap());
                command
                    .args(["race::rust_racer_child", "--exact", "--nocapture"])
                    .args(["--test-threads=1"])
                    .env(RACER_ENV, "1");
                command
            }
            Lang::Python => {
                let mut command = scratch.command("python3");
                command
                    .arg(repo().join("examples/tests/reliability/racer.py"))
                    .arg(repo());
                command
            }
            Lang::CSharp => {
                let mut command = scratch.command("mono");
                command.arg(csharp_racer());
                command
            }
        };
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("start the {lang:?} racer: {err}"));
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Racer {
            lang,
            child,
            input,
            output,
        }
    }

    fn send(&mut self, line: &str) {
        writeln!(self.input, "{line}")
            .and_then(|()| self.input.flush())
            .unwrap_or_else(|err| panic!("tell the {:?} racer {line:?}: {err}", self.lang));
    }

    /// The racer's next protocol line.
    fn answer(&mut self) -> String {
        loop {
            let mut line = String::new();
            let read = self.output.read_line(&mut line).unwrap();
            assert!(read > 0, "the {:?} racer exited", self.lang);
            // The Rust racer's harness may print "test ... " before it on the line.
            if let Some((_, answer)) = line.trim_end().split_once(TAG) {
                return answer.to_owned();
            }
        }
    }
}

impl Drop for Racer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds `Racer.cs` with the C# runtime, once per test binary.
fn csharp_racer() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("racer-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let exe = out.join("Racer.exe");
        let runtime = repo().join("unity/com.pusm.runtime/Runtime");
        let mut command = Command::new("mcs");
        command.args(["-langversion:7.2", "-unsafe", "-target:exe"]);
        command.arg(format!("-out:{}", exe.display()));
        let mut sources: Vec<PathBuf> = std::fs::read_dir(&runtime)
            .unwrap()
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "cs"))
            .collect();
        sources.sort();
        command.args(&sources);
        command.arg(repo().join("examples/tests/reliability/Racer.cs"));
        let output = command.output().expect("run mcs");
        support::assert_success("mcs Racer.cs", &output);
        exe
    })
}

/// Files nobody holds: a complete hook naming data file 2, and data files 1 and 2.
fn write_stale_files(dir: &Path, prefix: &str) {
    let mut hook = [0u8; 15];
    hook[0..4].copy_from_slice(&1i32.to_le_bytes());
    hook[4..8].copy_from_slice(&2i32.to_le_bytes());
    hook[8..12].copy_from_slice(&STALE_CAPACITY.to_le_bytes());
    hook[13] = 1;
    std::fs::write(dir.join(prefix), hook).unwrap();
    std::fs::write(dir.join(format!("{prefix}_")), [0u8; 4]).unwrap();
    std::fs::write(dir.join(format!("{prefix}__")), [0u8; 8]).unwrap();
}

/// A small pseudo-random delay in microseconds, different for each round and racer.
fn jitter(round: usize, racer: usize) -> u64 {
    let mut x = (round as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (racer as u64 + 1);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    // Half the rounds start together; the others give one side a head start
    // of up to 400 µs, to cover the windows of slower runtimes too.
    if x % 2 == 0 {
        0
    } else {
        (x >> 8) % 400
    }
}

/// Races `a` against `b` for the configured number of rounds; on a failure,
/// panics naming the pair, the round and what went wrong.
fn race_pair(a: Lang, b: Lang) {
    if !a.available() || !b.available() {
        return;
    }
    let scratch = Scratch::new();
    let dir = scratch.memory_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let mut racers = [Racer::start(a, &scratch), Racer::start(b, &scratch)];
    let rounds = rounds(a, b);
    let mut wins = [0usize; 2];
    for round in 0..rounds {
        let prefix = unique_prefix(&format!("race{round}"));
        let go = scratch.tmp.path().join(format!("go-{prefix}"));
        write_stale_files(&dir, &prefix);
        for (index, racer) in racers.iter_mut().enumerate() {
            let capacity = 100 + index;
            let delay = jitter(round, index);
            racer.send(&format!(
                "race {prefix} {capacity} {} {delay}",
                go.display()
            ));
        }
        for racer in &mut racers {
            assert_eq!(racer.answer(), "ready");
        }
        std::fs::write(&go, b"").unwrap();
        let answers: Vec<String> = racers.iter_mut().map(Racer::answer).collect();
        let context = format!("{a:?}+{b:?}, round {round}: answers {answers:?}");
        let winners: Vec<usize> = (0..2).filter(|&i| answers[i] == "won").collect();
        assert_eq!(winners.len(), 1, "{context}: exactly one must win");
        let winner = winners[0];
        assert_eq!(
            answers[1 - winner],
            "lost AlreadyExists",
            "{context}: the loser must be refused"
        );
        wins[winner] += 1;
        assert_winner_files_survive(&dir, &prefix, 100 + winner, &context);
        racers[winner].send("release");
        assert_eq!(racers[winner].answer(), "released", "{context}");
        let left: Vec<String> = scratch
            .leftovers()
            .into_iter()
            .filter(|name| name.starts_with(&prefix))
            .collect();
        assert!(left.is_empty(), "{context}: left {left:?}");
        std::fs::remove_file(&go).unwrap();
    }
    eprintln!("{a:?}+{b:?}: {rounds} rounds, wins {wins:?}");
}

/// The winner's hook (its capacity), its data file, and its live lock are there.
fn assert_winner_files_survive(dir: &Path, prefix: &str, capacity: usize, context: &str) {
    let state = inspect_hook(dir, prefix)
        .unwrap_or_else(|err| panic!("{context}: {err}"))
        .unwrap_or_else(|| panic!("{context}: the winner's hook is gone"));
    assert_eq!(
        (state.version, state.file_number, state.capacity as usize),
        (1, 1, capacity),
        "{context}: the hook is not the winner's"
    );
    let data = dir.join(format!("{prefix}_"));
    let len = std::fs::metadata(&data)
        .unwrap_or_else(|err| panic!("{context}: the winner's data file: {err}"))
        .len();
    assert_eq!(
        len as usize, capacity,
        "{context}: the data file is not the winner's"
    );
    assert!(
        !dir.join(format!("{prefix}__")).exists(),
        "{context}: the stale data file 2 is still there"
    );
    let liveness = probe_liveness(dir, prefix).unwrap().unwrap();
    assert_eq!(
        liveness.unity,
        LockState::Held,
        "{context}: the winner's lock"
    );
}

/// Not a test of its own: this binary re-run as a Rust racer (see [`Racer::start`]).
#[test]
fn rust_racer_child() {
    if std::env::var_os(RACER_ENV).is_none() {
        return;
    }
    let dir = pusm_core::default_dir();
    let answer = |text: &str| println!("{TAG}{text}");
    let mut won: Option<SharedMemory> = None;
    for line in std::io::stdin().lines() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split(' ').collect();
        match words[0] {
            "race" => {
                answer("ready");
                let go = Path::new(words[3]);
                while !go.exists() {
                    std::hint::spin_loop();
                }
                let delay = std::time::Duration::from_micros(words[4].parse().unwrap());
                let started = std::time::Instant::now();
                while started.elapsed() < delay {
                    std::hint::spin_loop();
                }
                let opened = SharedMemory::builder(words[1])
                    .directory(&dir)
                    .role(Role::Unity)
                    .capacity(words[2].parse().unwrap())
                    .create_new(true)
                    .replace_stale(true)
                    .open();
                match opened {
                    Ok(memory) => {
                        won = Some(memory);
                        answer("won");
                    }
                    Err(Error::AlreadyExists { .. }) => answer("lost AlreadyExists"),
                    Err(err) => answer(&format!("error {err}")),
                }
            }
            "release" => {
                won.take().unwrap().delete().unwrap();
                answer("released");
            }
            other => panic!("unknown racer command {other:?}"),
        }
    }
}

#[test]
fn replace_stale_race_rust_rust() {
    race_pair(Lang::Rust, Lang::Rust);
}

#[test]
fn replace_stale_race_rust_python() {
    race_pair(Lang::Rust, Lang::Python);
}

#[test]
fn replace_stale_race_python_python() {
    race_pair(Lang::Python, Lang::Python);
}

#[test]
fn replace_stale_race_csharp_csharp() {
    race_pair(Lang::CSharp, Lang::CSharp);
}

#[test]
fn replace_stale_race_rust_csharp() {
    race_pair(Lang::Rust, Lang::CSharp);
}

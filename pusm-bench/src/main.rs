//! `pusm-bench`: pusm measured against the original's design, in one run,
//! printed as one table.
//!
//! ```text
//! cargo run --release -p pusm-bench                  # all eight, then the table (~4 minutes)
//! cargo run --release -p pusm-bench -- --saved       # #4 from the last `cargo bench`
//! cargo run --release -p pusm-bench -- --quick       # the same in seconds (smaller, for tests)
//! cargo run --release -p pusm-bench -- --json results.json --markdown
//! ```
//!
//! #4 is a criterion bench (`cargo bench -p pusm-examples --bench
//! serializers`): a full run starts it first, then reads its saved samples.
//! #6 interleaves pusm's copies with their baselines round by round
//! (`bulk.rs`); `cargo bench -p pusm-core --bench bulk` measures the same
//! copies with criterion, one after the other, for profiling.
//!
//! | # | measurement | baseline, measured in the same run |
//! |---|---|---|
//! | 1 | Rust-Rust `give_control` ping-pong between two processes | two processes flipping two bytes of a mapped file with atomics |
//! | 2 | CPU of a waiting process while its peer holds control, and its wake-up latency | a waiter that spins the whole time (the original's design) |
//! | 3 | Rust-Python and Rust-C# (Mono) round trips of one int32 | original-style peers: one call per field, the hook re-read on every call, busy spin |
//! | 4 | derived `write` + `read` of `Observation` | hand-written primitive calls; bincode into a `Vec` plus a copy |
//! | 5 | generated Python `write` + `read` of `Observation`; one primitive call | one runtime call per field; the original's per-call design |
//! | 6 | `write_bytes` / `read_bytes` / `read_bytes_into` of 64 MiB | `copy_from_slice` between two `Vec<u8>`; for `read_bytes`, also a new `Vec` filled without pusm |
//! | 7 | wake-up of a Rust and a Python waiter after 10 ms, 100 ms, 1 s idle; CPU while waiting 1 s; a Rust-Python round trip on one CPU | a shared futex between two Rust processes; a Python process blocked on a Unix socket; the same exchange over a Unix socket |
//! | 8 | generated C# `Write` + `Read` of `Observation` in runs; with `ReadInto` | the C# generated before runs: one runtime call per primitive |
//!
//! The cross-process peers are this executable (hidden `__peer`
//! subcommand) and the scripts and programs of `pusm-bench/peers/`.
//! Everything runs in a private `TMPDIR` that is removed at the end. Rows
//! whose tool (python3, mono) is missing say so instead of failing. Exit
//! status: 0 when every row was measured, skipped or not run; 1 when a
//! measurement failed; 2 on a bad command line.

mod atomics;
mod bulk;
mod cargo_bench;
mod criterion_results;
mod csharp_codec;
mod error;
mod foreign;
mod numpy_codec;
mod peer_output;
mod python_codec;
mod python_payload;
mod report;
mod rust_pair;
mod scratch;
mod stats;
mod wakeup;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use serde_json::json;

use error::{Context, Error, Result};
use report::{Figure, Kind, Outcome, Report, Row, Target};
use rust_pair::{HandoffSize, HoldSize, PeerArgs, Strategy};
use scratch::{have, Scratch};

/// pusm measured against the original's design; prints one table.
#[derive(Debug, Parser)]
#[command(name = "pusm-bench", version, about, long_about = None)]
struct Cli {
    /// A much smaller run that takes seconds: checks that everything runs, not for figures.
    #[arg(long)]
    quick: bool,
    /// Also write the results, with every percentile, as JSON to PATH.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Print the table as Markdown.
    #[arg(long)]
    markdown: bool,
    /// Where criterion saved #4 (default: $CRITERION_HOME, else
    /// $CARGO_TARGET_DIR/criterion, else target/criterion).
    #[arg(long, value_name = "DIR")]
    criterion_dir: Option<PathBuf>,
    /// Measure only these (of 1 to 8): e.g. --only 1,3.
    #[arg(long, value_delimiter = ',', value_name = "N,...")]
    only: Vec<u8>,
    /// For #4, read the results an earlier `cargo bench` saved instead
    /// of running it first (it takes a few minutes). Implied by --quick.
    #[arg(long)]
    saved: bool,
    #[command(subcommand)]
    command: Option<Hidden>,
}

#[derive(Debug, Subcommand)]
enum Hidden {
    /// The other process of measurements 1 and 2 (started by the bench itself).
    #[command(name = "__peer", hide = true)]
    Peer(PeerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Hidden::Peer(args)) = &cli.command {
        return match rust_pair::run_peer(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("pusm-bench peer: {err}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&cli) {
        Ok(report) => {
            if report.has_errors() {
                eprintln!("pusm-bench: some measurements failed (see the table)");
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("pusm-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

/// How big each measurement is.
struct Sizes {
    handoff: HandoffSize,
    hold: HoldSize,
    python: foreign::CounterSize,
    csharp: foreign::CounterSize,
    wake: wakeup::WakeSize,
    bulk: bulk::BulkSize,
}

impl Sizes {
    fn new(quick: bool) -> Self {
        if quick {
            Sizes {
                handoff: HandoffSize {
                    warmup: 100,
                    samples: 1_000,
                    rounds: 1,
                },
                hold: HoldSize {
                    hold: Duration::from_millis(20),
                    holds: 3,
                },
                python: foreign::CounterSize {
                    warmup: 50,
                    samples: 500,
                    rounds: 1,
                },
                csharp: foreign::CounterSize {
                    warmup: 50,
                    samples: 500,
                    rounds: 1,
                },
                wake: wakeup::WakeSize {
                    waits: [5, 3, 1],
                    pinned: 500,
                },
                bulk: bulk::BulkSize {
                    bytes: 4 << 20,
                    rounds: 3,
                    warmup: 1,
                },
            }
        } else {
            Sizes {
                handoff: HandoffSize {
                    warmup: 10_000,
                    samples: 60_000,
                    rounds: 5,
                },
                hold: HoldSize {
                    hold: Duration::from_millis(200),
                    holds: 10,
                },
                python: foreign::CounterSize {
                    warmup: 5_000,
                    samples: 20_000,
                    rounds: 3,
                },
                csharp: foreign::CounterSize {
                    warmup: 10_000,
                    samples: 20_000,
                    rounds: 3,
                },
                wake: wakeup::WakeSize {
                    waits: [50, 20, 5],
                    pinned: 5_000,
                },
                bulk: bulk::BulkSize {
                    bytes: 64 << 20,
                    rounds: 40,
                    warmup: 3,
                },
            }
        }
    }
}

/// A row before it is measured.
struct Spec {
    issue: u8,
    key: &'static str,
    label: String,
    baseline: &'static str,
    target: Target,
}

impl Spec {
    fn row(self, outcome: Outcome) -> Row {
        Row {
            issue: self.issue,
            key: self.key,
            label: self.label,
            baseline: self.baseline,
            target: self.target,
            outcome,
        }
    }
}

/// The rows of one measurement: figures for each spec, or one reason for all.
fn rows(specs: Vec<Spec>, measured: Result<Vec<(Figure, Figure)>>) -> Vec<Row> {
    match measured {
        Ok(figures) => specs
            .into_iter()
            .zip(figures)
            .map(|(spec, (pusm, baseline))| spec.row(Outcome::Measured { pusm, baseline }))
            .collect(),
        Err(err) => {
            eprintln!("pusm-bench: {err}");
            let why = err.to_string();
            specs
                .into_iter()
                .map(|spec| spec.row(Outcome::Failed(why.clone())))
                .collect()
        }
    }
}

fn all_rows(specs: Vec<Spec>, outcome: &Outcome) -> Vec<Row> {
    specs.into_iter().map(|s| s.row(outcome.clone())).collect()
}

/// The first missing tool of `tools`, as a skip reason.
fn missing(tools: &[&str]) -> Option<Outcome> {
    tools
        .iter()
        .find(|tool| !have(tool))
        .map(|tool| Outcome::Skipped(format!("skipped (no {tool})")))
}

struct Run<'a> {
    cli: &'a Cli,
    scratch: Scratch,
    sizes: Sizes,
    notes: Vec<String>,
}

impl Run<'_> {
    fn selected(&self, issue: u8) -> bool {
        self.cli.only.is_empty() || self.cli.only.contains(&issue)
    }

    fn progress(&self, what: &str) {
        eprintln!("pusm-bench: measuring {what}...");
    }

    fn handoff(&mut self) -> Vec<Row> {
        let baseline = "two processes flipping two bytes of a mapped file with atomics";
        let specs = vec![
            Spec {
                issue: 1,
                key: "handoff_rust_rust",
                label: "Rust-Rust handoff round trip (give_control ping-pong, 2 processes)"
                    .to_owned(),
                baseline,
                target: Target::TimeRatioAtMost(1.2),
            },
            Spec {
                issue: 1,
                key: "handoff_rust_rust_spin",
                label: "  the same with WaitStrategy::Spin on both sides".to_owned(),
                baseline,
                target: Target::Info,
            },
        ];
        if !self.selected(1) {
            return all_rows(specs, &not_selected());
        }
        self.progress("#1 Rust-Rust handoff");
        let measured = rust_pair::handoff(&self.scratch, self.sizes.handoff, Strategy::Adaptive)
            .and_then(|(adaptive, baseline)| {
                let (spin, baseline_again) =
                    rust_pair::handoff(&self.scratch, self.sizes.handoff, Strategy::Spin)?;
                Ok(vec![
                    (Figure::time(adaptive), Figure::time(baseline)),
                    (Figure::time(spin), Figure::time(baseline_again)),
                ])
            });
        rows(specs, measured)
    }

    fn hold(&mut self) -> Vec<Row> {
        let ms = self.sizes.hold.hold.as_millis();
        let baseline = "a waiter that spins the whole time (the original's design)";
        let specs = vec![
            Spec {
                issue: 2,
                key: "wait_cpu",
                label: format!(
                    "CPU of a waiter while the peer holds control {ms} ms (default wait)"
                ),
                baseline,
                target: Target::AtMost(5.0, Kind::CpuPercent),
            },
            Spec {
                issue: 2,
                key: "wake_latency",
                label: format!("wake-up latency after a {ms} ms wait (default wait)"),
                baseline,
                target: Target::Info,
            },
        ];
        if !self.selected(2) {
            return all_rows(specs, &not_selected());
        }
        self.progress("#2 waiting CPU and wake-up latency");
        let measured = rust_pair::hold(&self.scratch, self.sizes.hold).map(|f| {
            vec![
                (
                    Figure::of(Kind::CpuPercent, f.pusm_cpu),
                    Figure::of(Kind::CpuPercent, f.baseline_cpu),
                ),
                (Figure::time(f.pusm_wake), Figure::time(f.baseline_wake)),
            ]
        });
        rows(specs, measured)
    }

    fn foreign(&mut self) -> Vec<Row> {
        let python_spec = Spec {
            issue: 3,
            key: "round_trip_python",
            label: "Rust-Python round trip of one int32 (pusm Python runtime)".to_owned(),
            baseline: "original-style Python peer: hook re-read on every call, busy spin",
            target: Target::AtMost(3_000.0, Kind::Time),
        };
        let csharp_spec = Spec {
            issue: 3,
            key: "round_trip_csharp",
            label: "Rust-C# (Mono) round trip of one int32 (pusm C# runtime)".to_owned(),
            baseline: "original-style C# peer: hook re-read on every call, busy spin",
            target: Target::Info,
        };
        if !self.selected(3) {
            return all_rows(vec![python_spec, csharp_spec], &not_selected());
        }
        let mut out = Vec::new();
        match missing(&["python3"]) {
            Some(skip) => out.extend(all_rows(vec![python_spec], &skip)),
            None => {
                self.progress("#3 Rust-Python round trips");
                let measured = foreign::python_round_trips(&self.scratch, self.sizes.python)
                    .map(|(p, b)| vec![(Figure::time(p), Figure::time(b))]);
                out.extend(rows(vec![python_spec], measured));
            }
        }
        match missing(&["mono", "mcs"]) {
            Some(skip) => out.extend(all_rows(vec![csharp_spec], &skip)),
            None => {
                self.progress("#3 Rust-C# round trips (compiling the C# peers first)");
                let measured = foreign::csharp_round_trips(&self.scratch, self.sizes.csharp)
                    .map(|(p, b)| vec![(Figure::time(p), Figure::time(b))]);
                out.extend(rows(vec![csharp_spec], measured));
            }
        }
        out
    }

    fn serializers(&mut self, dir: &std::path::Path) -> Vec<Row> {
        let hand = "the same fields written and read by hand with primitive calls";
        let bincode = "bincode 1 into a Vec, then write_bytes (and read_bytes, then deserialize)";
        let mut out = Vec::new();
        for (group, memory, key_hand, key_bincode) in [
            (
                "observation_shared_memory",
                "SharedMemory",
                "serializer_shm_vs_hand",
                "serializer_shm_vs_bincode",
            ),
            (
                "observation_vec_buffer",
                "VecBuffer",
                "serializer_vec_vs_hand",
                "serializer_vec_vs_bincode",
            ),
        ] {
            let label = |than: &str| {
                format!("derived write+read of Observation (64 rays) on {memory}, vs {than}")
            };
            for (key, than, baseline, target, function) in [
                (
                    key_hand,
                    "hand-written",
                    hand,
                    Target::TimeRatioAtMost(1.1),
                    "hand_written",
                ),
                (
                    key_bincode,
                    "bincode",
                    bincode,
                    Target::Faster,
                    "bincode_copy",
                ),
            ] {
                let spec = Spec {
                    issue: 4,
                    key,
                    label: label(than),
                    baseline,
                    target,
                };
                out.push(self.saved(spec, dir, group, "derived", function));
            }
        }
        out
    }

    /// A row of #4 from criterion's saved results of `group`.
    fn saved(
        &mut self,
        spec: Spec,
        dir: &std::path::Path,
        group: &str,
        pusm: &str,
        baseline: &str,
    ) -> Row {
        let (package, bench) = ("pusm-examples", "serializers");
        match criterion_results::pair(dir, group, pusm, baseline) {
            Ok(criterion_results::Pair::Found(p, b)) => {
                let note = format!(
                    "#{}: {group} from criterion (cargo bench), saved {} in {}",
                    spec.issue,
                    criterion_results::age(p.modified),
                    dir.display()
                );
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
                spec.row(Outcome::Measured {
                    pusm: Figure::time(p.summary),
                    baseline: Figure::time(b.summary),
                })
            }
            Ok(criterion_results::Pair::Missing) => spec.row(Outcome::NotRun(format!(
                "not run: cargo bench -p {package} --bench {bench}"
            ))),
            Ok(criterion_results::Pair::Stale(why)) => spec.row(Outcome::NotRun(format!(
                "{why}: cargo bench -p {package} --bench {bench}"
            ))),
            Err(err) => spec.row(Outcome::Failed(err.to_string())),
        }
    }

    fn python_codec(&mut self) -> Vec<Row> {
        let specs = vec![
            Spec {
                issue: 5,
                key: "python_message",
                label: "generated Python write+read of Observation (64 rays), pusm runtime"
                    .to_owned(),
                baseline: "one runtime call per field on the same runtime",
                target: Target::SpeedupAtLeast(5.0),
            },
            Spec {
                issue: 5,
                key: "python_read_int32",
                label: "Python read_int32, one call on pusm's runtime".to_owned(),
                baseline: "the original's design: hook re-read through struct on every call",
                target: Target::SpeedupAtLeast(3.0),
            },
            Spec {
                issue: 5,
                key: "python_write_int32",
                label: "Python write_int32, one call on pusm's runtime".to_owned(),
                baseline: "the original's design: hook re-read through struct on every call",
                target: Target::SpeedupAtLeast(3.0),
            },
        ];
        if !self.selected(5) {
            return all_rows(specs, &not_selected());
        }
        if let Some(skip) = missing(&["python3"]) {
            return all_rows(specs, &skip);
        }
        self.progress("#5 Python serializers and primitive calls");
        let measured = python_codec::run(&self.scratch, self.cli.quick).and_then(|figures| {
            for info in &figures.info {
                self.notes.push(format!("#5: {info}"));
            }
            let pair = |pusm: &str, baseline: &str| -> Result<(Figure, Figure)> {
                Ok((
                    Figure::time(figures.get(pusm)?),
                    Figure::time(figures.get(baseline)?),
                ))
            };
            Ok(vec![
                pair("message_generated", "message_per_field")?,
                pair("read_int32_pusm", "read_int32_original")?,
                pair("write_int32_pusm", "write_int32_original")?,
            ])
        });
        rows(specs, measured)
    }
}

fn not_selected() -> Outcome {
    Outcome::NotRun("not run (--only)".to_owned())
}

/// The machine, for the notes: cores, CPU model, load.
fn machine() -> (usize, String) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    (cores, model)
}

/// The 1, 5 and 15 minute load averages.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn run(cli: &Cli) -> Result<Report> {
    let (cores, model) = machine();
    let load_before = load();
    let mut run = Run {
        cli,
        scratch: Scratch::new()?,
        sizes: Sizes::new(cli.quick),
        notes: Vec::new(),
    };
    let criterion_dir = cli
        .criterion_dir
        .clone()
        .unwrap_or_else(criterion_results::default_dir);

    if !cli.quick && !cli.saved {
        for (issue, package, bench) in cargo_bench::BENCHES {
            if run.selected(issue) {
                eprintln!(
                    "pusm-bench: running #{issue}: cargo bench -p {package} --bench {bench}..."
                );
                cargo_bench::run(package, bench, &criterion_dir)?;
            }
        }
    }

    let mut all = Vec::new();
    all.extend(run.handoff());
    all.extend(run.hold());
    all.extend(run.foreign());
    all.extend(run.serializers(&criterion_dir));
    all.extend(run.python_codec());
    all.extend(run.numpy_codec());
    all.extend(run.bulk());
    all.extend(run.python_payload());
    all.extend(run.wakeup());
    all.extend(run.csharp_codec());

    let load_after = load();
    let mut notes =
        vec![format!(
        "machine: {cores} CPUs ({model}); load average {load_before} before, {load_after} after{}",
        if cli.quick { "; --quick: small samples, not figures to quote" } else { "" }
    )];
    notes.append(&mut run.notes);
    notes.push(
        "ratio: pusm/baseline p50 time, except \"x faster\" (baseline/pusm) and #6 (pusm throughput/baseline throughput)"
            .to_owned(),
    );
    let report = Report { rows: all, notes };

    if cli.markdown {
        print!("{}", report.markdown());
    } else {
        print!("{}", report.text());
    }
    if let Some(path) = &cli.json {
        let extra = json!({
            "quick": cli.quick,
            "cpus": cores,
            "cpu_model": model,
            "load_before": load_before,
            "load_after": load_after,
        });
        let text = serde_json::to_string_pretty(&report.json(extra))
            .map_err(|err| Error::new(format!("cannot encode the JSON results: {err}")))?;
        std::fs::write(path, text + "\n").context(|| format!("cannot write {}", path.display()))?;
    }
    run.scratch.remove()?;
    Ok(report)
}

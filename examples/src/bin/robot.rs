//! The pusm demo: a Rust robot simulator (the Unity side) and a Python agent
//! (the Python side) exchange one `Observation` and one `Action` per step over
//! a shared memory, with types generated from `schemas/robot.pusm` on both
//! sides. The memory starts small and grows as the camera frames do.
//!
//! ```text
//! cargo run --release -p pusm-examples --bin robot
//! ```

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::Parser;
use pusm_core::{Role, SharedLayout, SharedMemory};
use pusm_examples::schemas::robot::Action;
use pusm_examples::world::World;

/// Runs the robot simulator against the Python agent.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// How many steps to simulate.
    #[arg(long, default_value_t = 5000)]
    steps: u32,
    /// The Python interpreter.
    #[arg(long, default_value = "python3")]
    python: String,
    /// The agent script.
    #[arg(long, default_value_os_t = default_agent())]
    agent: PathBuf,
    /// The shared memory's name (default: robot-demo-PID, PID being this process's id).
    #[arg(long)]
    prefix: Option<String>,
    /// The initial capacity in bytes; the simulator resizes when an
    /// observation outgrows it.
    #[arg(long, default_value_t = 1024)]
    capacity: usize,
}

fn default_agent() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join("agent.py")
}

struct Summary {
    steps: u32,
    episodes: u32,
    resizes: u32,
    capacity: usize,
    elapsed: Duration,
}

fn simulate(sm: &mut SharedMemory, steps: u32) -> Result<Summary, pusm_core::Error> {
    let mut world = World::new();
    let mut resizes = 0;
    let started = Instant::now();
    for _ in 0..steps {
        let observation = world.observe();
        let needed = 4 + observation.encoded_len();
        if needed > sm.capacity() {
            let mut capacity = sm.capacity();
            while capacity < needed {
                capacity *= 2;
            }
            sm.resize(capacity)?;
            resizes += 1;
        }
        observation.write_checked(sm, 0)?;
        sm.give_control(true)?;
        let (action, _) = Action::read_checked(sm, 0)?;
        world.apply(&observation, &action);
    }
    Ok(Summary {
        steps,
        episodes: world.episodes(),
        resizes,
        capacity: sm.capacity(),
        elapsed: started.elapsed(),
    })
}

fn run(args: Args) -> Result<(), String> {
    let prefix = args
        .prefix
        .unwrap_or_else(|| format!("robot-demo-{}", std::process::id()));
    let mut sm = SharedMemory::builder(&prefix)
        .role(Role::Unity)
        .capacity(args.capacity)
        .create_new(true)
        .timeout(Some(Duration::from_secs(30)))
        .open()
        .map_err(|err| err.to_string())?;
    println!("pusm robot demo: Rust simulator (Unity role) <-> Python agent (Python role)");
    println!(
        "  shared memory {} ({} bytes)",
        sm.directory().join(&prefix).display(),
        sm.capacity()
    );
    let mut agent = Command::new(&args.python)
        .arg(&args.agent)
        .args(["--prefix", &prefix])
        .spawn()
        .map_err(|err| {
            format!(
                "cannot start the agent ({} {}): {err}",
                args.python,
                args.agent.display()
            )
        })?;

    let outcome = simulate(&mut sm, args.steps);
    let closed = sm.close();
    let agent_status = agent
        .wait()
        .map_err(|err| format!("cannot wait for the agent: {err}"))?;
    let summary = outcome.map_err(|err| format!("simulation failed: {err}"))?;
    closed.map_err(|err| err.to_string())?;
    if !agent_status.success() {
        return Err(format!("the agent failed: {agent_status}"));
    }
    let seconds = summary.elapsed.as_secs_f64();
    println!(
        "  simulator: {} steps, {} episodes, {} (memory grew to {} bytes)",
        summary.steps,
        summary.episodes,
        plural(summary.resizes, "resize"),
        summary.capacity
    );
    println!(
        "  {} steps in {:.3} s: {:.0} steps/s, {:.1} µs per step (one Observation out, one Action back)",
        summary.steps,
        seconds,
        f64::from(summary.steps) / seconds,
        seconds * 1e6 / f64::from(summary.steps.max(1))
    );
    Ok(())
}

fn plural(count: u32, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("robot: error: {message}");
            ExitCode::FAILURE
        }
    }
}

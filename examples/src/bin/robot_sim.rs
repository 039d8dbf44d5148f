//! The robot simulator as a server of episodes, for `examples/gym/robot_env.py`
//! (a `gymnasium.Env`) and the Ray example: it creates the shared memory in
//! the Unity role and then answers every `robot.Action` with a
//! `robot.Observation`, until the agent closes the memory.
//!
//! ```text
//! robot_sim --prefix NAME [--capacity BYTES] [--timeout SECONDS]
//! ```
//!
//! The conversation, one `Observation` then one `Action` at offset 0 each turn:
//!
//! - On start, the observation of a fresh world (target (5, 0, 5)).
//! - An `Action` with `command: Reset` starts a new episode: the robot back at
//!   the origin, step 0, and the target at the action's `force` (the zero
//!   vector: the default target (5, 0, 5)). The answer is the episode's first
//!   observation.
//! - Any other `Action` moves the world one step (`World::apply`).
//!
//! Exit codes: 0 when the agent closed the memory, 1 on any other error
//! (message on stderr), including a dead agent or a wait longer than the
//! timeout. Unlike `robot`, it starts no agent: the agent starts it.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pusm_core::{Error, Role, SharedLayout, SharedMemory};
use pusm_examples::schemas::common::Vec3;
use pusm_examples::schemas::robot::{Action, Command, Observation};
use pusm_examples::world::World;

/// Serves robot episodes to an agent over a shared memory.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The shared memory's name (the agent joins it in the Python role).
    #[arg(long)]
    prefix: String,
    /// The initial capacity in bytes; the simulator resizes when an
    /// observation outgrows it.
    #[arg(long, default_value_t = 1024)]
    capacity: usize,
    /// The longest wait for the agent (to join, then to answer), in seconds;
    /// 0 waits forever. A crashed agent is noticed at once either way.
    #[arg(long, default_value_t = 300.0)]
    timeout: f64,
}

/// The world a `Reset` action asks for.
fn reset_world(action: &Action) -> World {
    let Vec3 { x, y, z } = action.force;
    if x == 0.0 && y == 0.0 && z == 0.0 {
        World::new()
    } else {
        World::with_target(action.force.clone())
    }
}

/// Writes `observation`, growing the memory first when it does not fit.
fn send(sm: &mut SharedMemory, observation: &Observation) -> Result<(), Error> {
    let needed = 4 + observation.encoded_len();
    if needed > sm.capacity() {
        let mut capacity = sm.capacity().max(1);
        while capacity < needed {
            capacity = capacity.saturating_mul(2);
        }
        sm.resize(capacity)?;
    }
    observation.write_checked(sm, 0)?;
    Ok(())
}

/// Serves until the agent closes (`Ok`) or something fails.
fn serve(sm: &mut SharedMemory) -> Result<(), Error> {
    let mut world = World::new();
    loop {
        let observation = world.observe();
        send(sm, &observation)?;
        match sm.give_control(true) {
            Err(Error::PeerClosed { .. }) => return Ok(()),
            other => other?,
        }
        let (action, _) = Action::read_checked(sm, 0)?;
        if action.command == Command::Reset {
            world = reset_world(&action);
        } else {
            world.apply(&observation, &action);
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if !(args.timeout.is_finite() && args.timeout >= 0.0) {
        return Err(format!(
            "--timeout must be a number of seconds >= 0, not {}",
            args.timeout
        ));
    }
    let timeout = (args.timeout > 0.0).then(|| Duration::from_secs_f64(args.timeout));
    let mut sm = SharedMemory::builder(&args.prefix)
        .role(Role::Unity)
        .capacity(args.capacity)
        .create_new(true)
        .timeout(timeout)
        .open()
        .map_err(|err| err.to_string())?;
    let served = serve(&mut sm);
    // The agent closed first: this side's close removes the files.
    let closed = sm.close();
    served.map_err(|err| err.to_string())?;
    closed.map_err(|err| err.to_string())
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("robot_sim: error: {message}");
            ExitCode::FAILURE
        }
    }
}

//! The Rust echo peer of `ECHO.md`: a template for a pusm program, and one
//! side of the cross-language tests.
//!
//! ```text
//! cargo run -p pusm-examples --bin echo -- --prefix demo --role python [--create]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pusm_core::{Error, Role, SharedMemory};
use pusm_examples::echo::{self, Ending};

/// Answers echo requests on a pusm shared memory until the driver closes it.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The shared memory's name.
    #[arg(long)]
    prefix: String,
    /// The role this side plays: python or unity.
    #[arg(long)]
    role: Role,
    /// Create the memory (and hand control to the driver) instead of joining it.
    #[arg(long)]
    create: bool,
    /// The capacity in bytes, when creating.
    #[arg(long, default_value_t = 4096)]
    capacity: usize,
    /// Seconds any wait may last.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
}

fn run(args: Args) -> Result<Ending, Error> {
    let timeout = Duration::try_from_secs_f64(args.timeout).ok();
    let mut sm = SharedMemory::builder(&args.prefix)
        .role(args.role)
        .capacity(args.capacity)
        .create_new(args.create)
        .timeout(timeout)
        .open()?;
    if args.create {
        // The creator holds control first: the driver writes the first request.
        sm.give_control(false)?;
    }
    echo::serve(sm, |mismatch| eprintln!("echo: {mismatch}"))
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("echo: error: {err}");
            ExitCode::FAILURE
        }
    }
}

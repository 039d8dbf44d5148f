//! `pusm-codegen`: generates Rust, C# and Python message types from pusm
//! schema files.
//!
//! ```text
//! pusm-codegen [-I DIR]... [--rust DIR] [--csharp DIR] [--python DIR] SCHEMA...
//! pusm-codegen [-I DIR]... --check SCHEMA...
//! ```
//!
//! It writes what the `Builder` of a build script writes (for Rust, the
//! module index `pusm_schemas.rs` too) and prints one line per file:
//! `wrote PATH` or `unchanged PATH`.
//!
//! Exit codes: 0 on success, 1 when a schema is invalid or a file cannot be
//! written (diagnostics on stderr), 2 on a usage error.

use std::env;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use pusm_codegen::output::WriteOutcome;
use pusm_codegen::{Builder, Error};

/// Generates Rust, C# and Python message types from pusm schema files.
///
/// One file is written per schema file and per file it imports (for Rust,
/// also the module index pusm_schemas.rs), only when its contents change;
/// each is listed on stdout as "wrote PATH" or "unchanged PATH".
#[derive(Debug, Parser)]
#[command(name = "pusm-codegen", version)]
#[command(group(
    ArgGroup::new("action")
        .required(true)
        .multiple(true)
        .args(["rust", "csharp", "python", "check"])
))]
struct Cli {
    /// Write Rust modules (robot.pusm -> robot.rs) and the module index
    /// pusm_schemas.rs to DIR.
    #[arg(long, value_name = "DIR")]
    rust: Option<PathBuf>,

    /// Write C# classes (robot.pusm -> Robot.cs) to DIR.
    #[arg(long, value_name = "DIR")]
    csharp: Option<PathBuf>,

    /// Write Python modules (robot.pusm -> robot.py) to DIR.
    #[arg(long, value_name = "DIR")]
    python: Option<PathBuf>,

    /// Only check the schema files; write nothing.
    #[arg(long, conflicts_with_all = ["rust", "csharp", "python"])]
    check: bool,

    /// Look up imports in DIR too, after the importing file's folder (in the
    /// order given); imports may reach files inside DIR.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include: Vec<PathBuf>,

    /// Generated Python imports its sibling modules relative to its package
    /// (`from . import common`), so DIR can be a package.
    #[arg(long, requires = "python")]
    python_relative_imports: bool,

    /// Generated Python uses numpy arrays for lists and arrays of int32 and
    /// float32 and for bytes (needs numpy; default: standard library only).
    #[arg(long, requires = "python")]
    python_numpy: bool,

    /// Generated C# uses UnityEngine.Vector3 and Quaternion for structs of
    /// exactly x, y, z (and w) float32 fields.
    #[arg(long, requires = "csharp")]
    csharp_unity_types: bool,

    /// The path generated Rust uses for pusm-core (default ::pusm_core).
    #[arg(long, value_name = "PATH", requires = "rust")]
    crate_path: Option<String>,

    /// The schema files (their imports are read too).
    #[arg(value_name = "SCHEMA", required = true)]
    schemas: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut builder = Builder::new()
        .schemas(&cli.schemas)
        .emit_rerun_if_changed(false)
        .python_relative_imports(cli.python_relative_imports)
        .python_numpy(cli.python_numpy)
        .csharp_unity_types(cli.csharp_unity_types);
    for dir in &cli.include {
        builder = builder.include(dir);
    }
    builder = match &cli.rust {
        Some(dir) => builder.rust_out(dir),
        None => builder.without_rust(),
    };
    if let Some(dir) = &cli.csharp {
        builder = builder.csharp_out(dir);
    }
    if let Some(dir) = &cli.python {
        builder = builder.python_out(dir);
    }
    if let Some(path) = &cli.crate_path {
        builder = builder.crate_path(path);
    }
    if cli.check {
        return match pusm_codegen::schema::load_with_includes(&cli.schemas, &cli.include) {
            Ok(_) => ExitCode::SUCCESS,
            Err(diagnostics) => fail(&Error::Schema(diagnostics)),
        };
    }
    match builder.generate() {
        Ok(generated) => {
            let mut stdout = io::stdout().lock();
            for file in &generated.files {
                let what = match file.outcome {
                    WriteOutcome::Written => "wrote",
                    WriteOutcome::Unchanged => "unchanged",
                };
                // Nothing more can be done if stdout is gone.
                let _ = writeln!(stdout, "{what} {}", file.path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// Prints `error` on stderr (diagnostics in colour on a terminal).
fn fail(error: &Error) -> ExitCode {
    let mut stderr = io::stderr();
    let text = match error {
        Error::Schema(diagnostics) => {
            let color = stderr.is_terminal()
                && env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
            diagnostics.render(color)
        }
        other => format!("error: {other}\n"),
    };
    // Nothing more can be done if stderr is gone.
    let _ = stderr.write_all(text.as_bytes());
    ExitCode::FAILURE
}

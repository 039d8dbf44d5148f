//! `pusm-codegen`: generates Rust, C# and Python message types from pusm
//! schema files.
//!
//! ```text
//! pusm-codegen [--rust DIR] [--csharp DIR] [--python DIR] SCHEMA...
//! pusm-codegen --check SCHEMA...
//! ```
//!
//! Exit codes: 0 on success, 1 when a schema is invalid or a file cannot be
//! written (diagnostics on stderr), 2 on a usage error.

use std::env;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use pusm_codegen::builder::write_language;
use pusm_codegen::Language;

/// Generates Rust, C# and Python message types from pusm schema files.
///
/// One file is written per schema file and per file it imports, only when its
/// contents change.
#[derive(Debug, Parser)]
#[command(name = "pusm-codegen", version)]
#[command(group(
    ArgGroup::new("action")
        .required(true)
        .multiple(true)
        .args(["rust", "csharp", "python", "check"])
))]
struct Cli {
    /// Write Rust modules (robot.pusm -> robot.rs) to DIR.
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

    /// The schema files (their imports are read too).
    #[arg(value_name = "SCHEMA", required = true)]
    schemas: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let schema = match pusm_codegen::schema::load(&cli.schemas) {
        Ok(schema) => schema,
        Err(diagnostics) => {
            let mut stderr = io::stderr();
            let color = stderr.is_terminal()
                && env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
            // Nothing more can be done if stderr is gone.
            let _ = stderr.write_all(diagnostics.render(color).as_bytes());
            return ExitCode::FAILURE;
        }
    };
    if cli.check {
        return ExitCode::SUCCESS;
    }
    let outputs = [
        (Language::Rust, &cli.rust),
        (Language::CSharp, &cli.csharp),
        (Language::Python, &cli.python),
    ];
    for (language, dir) in outputs {
        let Some(dir) = dir else { continue };
        if let Err(error) = write_language(&schema, language, dir) {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

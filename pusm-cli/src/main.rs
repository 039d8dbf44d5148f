//! `pusm`: list, inspect and clean the shared memories in a directory.
//!
//! ```text
//! pusm list                                   every shared memory: hook, state
//! pusm inspect PREFIX [--length N | --all]    the hook decoded, the data in hex
//! pusm inspect PREFIX --schema robot.pusm --type Observation [--offset 4] [--checked]
//! pusm clean PREFIX [--force]                 remove one shared memory's files
//! pusm clean --stale [PREFIX] [--dry-run]     remove every stale one (or that one if stale)
//! ```
//!
//! `--dir DIR` (any subcommand) looks in DIR instead of
//! `$TMPDIR/python_unity_shared_memory`. Exit status: 0 on success, 1 when
//! something failed or was refused (the message says why), 2 for a bad
//! command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use pusm_cli::data::DataFile;
use pusm_cli::hex::HexDump;
use pusm_cli::reference::{self, Source as _, DEFAULT_BUDGET};
use pusm_cli::scan::{self, Found, Hook, Status};
use pusm_cli::shown::shown;
use pusm_core::{remove_stale, Error, LockState, Role, StaleRemoval};
use pusm_schema::{Item, Schema, TypeId, TypeRef};

/// Looks at pusm shared memories without joining them: lists them, shows
/// one's hook and data, removes stale ones.
#[derive(Debug, Parser)]
#[command(name = "pusm", version, propagate_version = true)]
struct Cli {
    /// The directory of the shared memories [default: $TMPDIR/python_unity_shared_memory,
    /// where every pusm runtime and the original packages put them]
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every shared memory in the directory: version, file number,
    /// capacity, who holds control, closed, and live or stale.
    List,
    /// Show one shared memory: its hook decoded and its data file in hex,
    /// optionally decoded as a type of a schema file.
    Inspect(InspectArgs),
    /// Remove the files of a shared memory (all of a prefix), or of every
    /// stale one (--stale).
    Clean(CleanArgs),
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The shared memory's name.
    prefix: String,
    /// How many bytes of the data file to show in hex.
    #[arg(long, value_name = "N", default_value_t = 256, conflicts_with = "all")]
    length: u64,
    /// Show the whole data file in hex.
    #[arg(long)]
    all: bool,
    /// A .pusm schema file (its imports come along) to decode the data with.
    #[arg(long, value_name = "FILE", requires = "type_name")]
    schema: Option<PathBuf>,
    /// The type to decode the data as: `Observation`, or `robot.Observation`
    /// (file module or namespace, then the type name).
    #[arg(long = "type", value_name = "NAME", requires = "schema")]
    type_name: Option<String>,
    /// Where in the data file the message starts.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "schema")]
    offset: usize,
    /// Expect the type's fingerprint (an int32) at the offset, as
    /// `write_checked` puts it, and the message right after it.
    #[arg(long, requires = "schema")]
    checked: bool,
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("what")
        .required(true)
        .multiple(true)
        .args(["prefix", "stale"])
))]
struct CleanArgs {
    /// The shared memory whose files to remove.
    prefix: Option<String>,
    /// Remove only what no live process holds: hooks whose two role locks are
    /// free, and data files without a hook. Files the original packages are
    /// using look stale too (they take no locks).
    #[arg(long)]
    stale: bool,
    /// Remove PREFIX's files even when a live process holds them.
    #[arg(long, conflicts_with = "stale", requires = "prefix")]
    force: bool,
    /// Say what would be removed, and remove nothing.
    #[arg(long)]
    dry_run: bool,
}

/// A failure, reported as `pusm: error: ...` with exit status 1.
#[derive(Debug)]
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure(err.to_string())
    }
}

type Outcome<T = ()> = Result<T, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.dir.clone().unwrap_or_else(pusm_core::default_dir);
    let result = match cli.command {
        Command::List => list(&dir),
        Command::Inspect(args) => inspect(&dir, &args),
        Command::Clean(args) => clean(&dir, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("pusm: error: {message}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------
// list

fn list(dir: &Path) -> Outcome {
    let found = scan::scan(dir).map_err(|err| format!("cannot list {}: {err}", shown_path(dir)))?;
    if found.is_empty() {
        println!("no shared memory in {}", shown_path(dir));
        return Ok(());
    }
    let mut rows = vec![[
        "PREFIX", "VERSION", "FILE", "CAPACITY", "CONTROL", "CLOSED", "STATE", "NOTE",
    ]
    .map(str::to_owned)];
    for memory in &found {
        let (version, file, capacity, control, closed) = match &memory.hook {
            Hook::State(state) => (
                state.version.to_string(),
                state.file_number.to_string(),
                state.capacity.to_string(),
                control(state.python_active, state.unity_active).to_owned(),
                yes_no(state.closed).to_owned(),
            ),
            Hook::Missing | Hook::Unreadable(_) => {
                let dash = || "-".to_owned();
                (dash(), dash(), dash(), dash(), dash())
            }
        };
        rows.push([
            shown(&memory.prefix).into_owned(),
            version,
            file,
            capacity,
            control,
            closed,
            state(memory),
            shown(&notes(memory).join("; ")).into_owned(),
        ]);
    }
    print!("{}", table(&rows));
    Ok(())
}

fn control(python: bool, unity: bool) -> &'static str {
    match (python, unity) {
        (true, false) => "python",
        (false, true) => "unity",
        (true, true) => "both",
        (false, false) => "none",
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// A path as the terminal may see it ([`shown`]).
fn shown_path(path: &Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

/// `live (python+unity)`, `stale`, `orphan`, `unknown`.
fn state(memory: &Found) -> String {
    let status = memory.status();
    match (&memory.liveness, status) {
        (Some(Ok(liveness)), Status::Live) => {
            let holders: Vec<&str> = [Role::Python, Role::Unity]
                .into_iter()
                .filter(|&role| liveness.role(role) == LockState::Held)
                .map(Role::as_str)
                .collect();
            format!("live ({})", holders.join("+"))
        }
        _ => status.as_str().to_owned(),
    }
}

/// What is odd about a shared memory's files.
fn notes(memory: &Found) -> Vec<String> {
    let mut notes = Vec::new();
    match &memory.hook {
        Hook::Unreadable(err) => notes.push(err.clone()),
        Hook::Missing => notes.push(format!("no hook, {} data file(s)", memory.data_files.len())),
        Hook::State(state) => {
            let current = usize::try_from(state.file_number).ok();
            match memory
                .data_files
                .iter()
                .find(|file| Some(file.number) == current)
            {
                None => notes.push(format!("data file {} missing", state.file_number)),
                Some(file) if (file.len as i64) < i64::from(state.capacity) => notes.push(format!(
                    "data file {} has {} bytes, the hook says {}",
                    file.number, file.len, state.capacity
                )),
                Some(_) => {}
            }
            let others: Vec<String> = memory
                .data_files
                .iter()
                .filter(|file| Some(file.number) != current)
                .map(|file| file.number.to_string())
                .collect();
            if !others.is_empty() {
                notes.push(format!("older data files {}", others.join(",")));
            }
        }
    }
    if let Some(Err(err)) = &memory.liveness {
        notes.push(format!("cannot probe: {err}"));
    }
    notes
}

/// Left-aligned columns separated by two spaces; trailing spaces trimmed.
fn table(rows: &[[String; 8]]) -> String {
    let mut widths = [0usize; 8];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if index + 1 < row.len() {
                let pad = widths[index] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// inspect

fn inspect(dir: &Path, args: &InspectArgs) -> Outcome {
    // Check the prefix first, so a bad one is named as such.
    if let Err(err @ Error::InvalidPrefix { .. }) = pusm_core::inspect_hook(dir, &args.prefix) {
        return Err(err.into());
    }
    let Some(memory) = scan::find(dir, &args.prefix)? else {
        return Err(Failure(format!(
            "no shared memory {:?} in {}",
            args.prefix,
            shown_path(dir)
        )));
    };
    println!("shared memory {:?} in {}", memory.prefix, shown_path(dir));
    println!("state         {}", state(&memory));
    let current = match &memory.hook {
        Hook::State(state) => {
            println!("hook          {}", shown_path(&dir.join(&memory.prefix)));
            println!("  version     {}", state.version);
            println!("  file number {}", state.file_number);
            println!("  capacity    {} bytes", state.capacity);
            println!(
                "  python      {}{}",
                if state.python_active {
                    "may act"
                } else {
                    "waits"
                },
                lock_note(&memory, Role::Python)
            );
            println!(
                "  unity       {}{}",
                if state.unity_active {
                    "may act"
                } else {
                    "waits"
                },
                lock_note(&memory, Role::Unity)
            );
            println!("  closed      {}", yes_no(state.closed));
            usize::try_from(state.file_number).ok()
        }
        Hook::Missing => {
            println!("hook          missing");
            None
        }
        Hook::Unreadable(err) => {
            println!("hook          unreadable: {err}");
            None
        }
    };
    for note in notes(&memory) {
        println!("note          {}", shown(&note));
    }
    // The data file the hook names, else the newest one there is.
    let data = memory
        .data_files
        .iter()
        .find(|file| Some(file.number) == current)
        .or_else(|| memory.data_files.last());
    let Some(data) = data else {
        if args.schema.is_some() {
            return Err(Failure("there is no data file to decode".to_owned()));
        }
        return Ok(());
    };
    let path = scan::data_path(dir, &memory.prefix, data.number);
    let limit = match &memory.hook {
        Hook::State(state) if state.capacity > 0 => (state.capacity as u64).min(data.len),
        _ => data.len,
    };
    let file = DataFile::open(&path, limit)
        .map_err(|err| format!("cannot read {}: {err}", shown_path(&path)))?;
    println!("data          {} ({} bytes)", shown_path(&path), data.len);
    let shown_len = if args.all {
        file.len()
    } else {
        args.length.min(file.len())
    };
    show_hex(&file, shown_len)
        .map_err(|err| format!("cannot read {}: {err}", shown_path(&path)))?;
    if shown_len < file.len() {
        println!(
            "({} more bytes; --all or --length N to see them)",
            file.len() - shown_len
        );
    }
    if let (Some(schema_path), Some(type_name)) = (&args.schema, &args.type_name) {
        decode_as(&file, schema_path, type_name, args.offset, args.checked)?;
    }
    Ok(())
}

/// Prints the first `len` bytes of `file` in hex, reading them a chunk at a
/// time: `--all` on a file of gigabytes never holds it in memory.
fn show_hex(file: &DataFile, len: u64) -> std::io::Result<()> {
    const CHUNK: u64 = 1 << 16;
    let mut dump = HexDump::new(0);
    let mut at = 0;
    while at < len {
        let want = CHUNK.min(len - at);
        let mut chunk = vec![0u8; usize::try_from(want).unwrap_or(0)];
        file.read_at(at, &mut chunk)
            .map_err(|err| std::io::Error::other(err.to_string()))?;
        print!("{}", dump.push(&chunk));
        at += want;
    }
    print!("{}", dump.finish());
    Ok(())
}

fn lock_note(memory: &Found, role: Role) -> &'static str {
    match &memory.liveness {
        Some(Ok(liveness)) => match liveness.role(role) {
            LockState::Held => ", lock held (a live process plays it)",
            LockState::Free => ", lock free",
            _ => ", lock unknown",
        },
        _ => "",
    }
}

fn decode_as(
    file: &DataFile,
    schema_path: &Path,
    type_name: &str,
    offset: usize,
    checked: bool,
) -> Outcome {
    let schema = pusm_schema::load(&[schema_path]).map_err(|errors| {
        format!(
            "{} has errors:\n{}",
            schema_path.display(),
            errors.render(false).trim_end()
        )
    })?;
    let (id, qualified) = find_type(&schema, type_name)?;
    let ty = TypeRef::Named(id);
    let fingerprint = schema.fingerprint(&ty);
    let offset = offset as u64;
    let mut start = offset;
    println!();
    if checked {
        let (found, next) = reference::decode_from(&reference::Layout::Int32, file, offset, 1)
            .map_err(|err| format!("cannot read the fingerprint: {err}"))?;
        let reference::Value::Int32(found) = found else {
            return Err(Failure("the fingerprint is not an int32".to_owned()));
        };
        let found = found as u32;
        if found != fingerprint {
            return Err(Failure(format!(
                "schema mismatch at offset {offset}: {qualified} has fingerprint {fingerprint:#010x}, the data has {found:#010x}"
            )));
        }
        println!("fingerprint   {fingerprint:#010x} at offset {offset} matches {qualified}");
        start = next;
    }
    let decoded = schema.with_layout(&ty, |layout| {
        reference::decode_from(layout, file, start, DEFAULT_BUDGET)
    });
    let (value, end) =
        decoded.map_err(|err| format!("cannot decode {qualified} at offset {start}: {err}"))?;
    println!(
        "{qualified} at offset {start}..{end} ({} bytes):",
        end - start
    );
    println!("{value}");
    Ok(())
}

/// The type called `name` (`Type`, `module.Type` or `namespace.Type`).
fn find_type(schema: &Schema, name: &str) -> Outcome<(TypeId, String)> {
    let mut matches = Vec::new();
    let mut all = Vec::new();
    for (id, item) in schema.types() {
        let file = schema.file(id.file);
        let qualified = format!("{}.{}", file.module, item.name());
        let namespaced = file
            .namespace
            .as_ref()
            .map(|namespace| format!("{}.{}", namespace.join("."), item.name()));
        if name == item.name() || name == qualified || namespaced.as_deref() == Some(name) {
            matches.push((id, qualified.clone()));
        }
        let kind = match item {
            Item::Enum(_) => "enum",
            Item::Struct(_) => "struct",
        };
        all.push(format!("{qualified} ({kind})"));
    }
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Failure(format!(
            "no type {name:?} in the schema; it has: {}",
            all.join(", ")
        ))),
        _ => Err(Failure(format!(
            "{name:?} is ambiguous: {}; name one with its module",
            matches
                .iter()
                .map(|(_, qualified)| qualified.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

// ---------------------------------------------------------------------------
// clean

fn clean(dir: &Path, args: &CleanArgs) -> Outcome {
    let targets: Vec<Found> = match &args.prefix {
        Some(prefix) => {
            pusm_core::probe_liveness(dir, prefix)?; // names a bad prefix as such
            match scan::find(dir, prefix)? {
                Some(found) => vec![found],
                None => {
                    return Err(Failure(format!(
                        "no shared memory {prefix:?} in {}",
                        shown_path(dir)
                    )))
                }
            }
        }
        None => scan::scan(dir).map_err(|err| format!("cannot list {}: {err}", shown_path(dir)))?,
    };
    let mut removed = 0;
    let mut kept = Vec::new();
    for memory in &targets {
        let status = memory.status();
        if args.force {
            if args.dry_run {
                println!("would remove {} ({})", shown(&memory.prefix), state(memory));
            } else {
                pusm_core::delete_files_in(dir, &memory.prefix)?;
                println!("removed {} ({})", shown(&memory.prefix), state(memory));
            }
            removed += 1;
            continue;
        }
        if !status.is_stale() {
            kept.push(memory);
            continue;
        }
        if args.dry_run {
            println!(
                "would remove {} ({})",
                shown(&memory.prefix),
                status.as_str()
            );
            removed += 1;
            continue;
        }
        // Checked again under the locks: it may have come alive since the scan.
        match remove_stale(dir, &memory.prefix)? {
            StaleRemoval::Removed => {
                println!("removed {} ({})", shown(&memory.prefix), status.as_str());
                removed += 1;
            }
            StaleRemoval::NotFound => {}
            _ => kept.push(memory),
        }
    }
    match &args.prefix {
        Some(prefix) if removed == 0 => {
            let why = kept
                .first()
                .map(|memory| state(memory))
                .unwrap_or_else(|| "gone".to_owned());
            Err(Failure(format!(
                "not removing {prefix:?}: it is {why}{}",
                if why.starts_with("live") {
                    " (a process still uses it; --force removes it anyway)"
                } else {
                    " (its liveness cannot be told; --force removes it anyway)"
                }
            )))
        }
        Some(_) => Ok(()),
        None => {
            let verb = if args.dry_run {
                "would remove"
            } else {
                "removed"
            };
            println!(
                "{verb} {removed} stale shared memor{}; {} kept (live or unknown)",
                if removed == 1 { "y" } else { "ies" },
                kept.len()
            );
            Ok(())
        }
    }
}

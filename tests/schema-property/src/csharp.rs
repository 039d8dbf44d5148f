//! Generated C#, compiled with `mcs` once per batch of schemas (with
//! `drivers/Driver.cs` and the `SharedMemory` stub of pusm-codegen's tests)
//! and run with `mono`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pusm_codegen::{generate, Language};

use crate::case::Loaded;
use crate::Failure;

/// Compiles the C# of every case in `batch` into one program under `dir`
/// and checks every message. A case whose code does not compile fails and
/// is left out; the others are compiled again without it.
#[must_use]
pub fn check(batch: &[&Loaded], dir: &Path) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut sources: Vec<(usize, Vec<PathBuf>)> = Vec::new();
    for (index, loaded) in batch.iter().enumerate() {
        let out = dir.join(format!("case{index}"));
        match write(loaded, &out) {
            Ok(files) => sources.push((index, files)),
            Err(err) => failures.push(loaded.case.failure("csharp", err)),
        }
    }
    let root = crate::repo_root();
    let exe = dir.join("Driver.exe");
    for attempt in 0..2 {
        let output = Command::new("mcs")
            .arg(format!("-out:{}", exe.display()))
            .arg(root.join("tests/schema-property/drivers/Driver.cs"))
            .arg(root.join("pusm-codegen/tests/csharp/SharedMemoryStub.cs"))
            .args(sources.iter().flat_map(|(_, files)| files))
            .output();
        let output = match output {
            Ok(output) => output,
            Err(err) => {
                failures.push(batch_failure(batch, format!("cannot run mcs: {err}")));
                return failures;
            }
        };
        if output.status.success() {
            break;
        }
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let errors: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("error CS"))
            .collect();
        let mut failed = Vec::new();
        for (index, _) in &sources {
            let folder = format!("case{index}/");
            let own: Vec<&str> = errors
                .iter()
                .copied()
                .filter(|line| line.contains(&folder))
                .collect();
            if !own.is_empty() {
                failed.push(*index);
                failures.push(batch[*index].case.failure(
                    "csharp",
                    format!(
                        "mcs refuses the generated C#:\n{}",
                        crate::clip(&own.join("\n"), 6000)
                    ),
                ));
            }
        }
        if failed.is_empty() || attempt == 1 {
            failures.push(batch_failure(
                batch,
                format!("mcs fails:\n{}", crate::clip(&text, 6000)),
            ));
            return failures;
        }
        sources.retain(|(index, _)| !failed.contains(index));
    }
    let mut lines = String::new();
    let mut order = Vec::new();
    for (index, _) in &sources {
        let loaded = batch[*index];
        for message in &loaded.messages {
            lines.push_str(&format!(
                "{} {:08x} x{} {}\n",
                loaded.csharp_key(message.file),
                message.fingerprint,
                crate::tokens::to_hex(&message.bytes),
                message.tokens
            ));
            order.push((*index, message));
        }
    }
    let cases = dir.join("cases.txt");
    if let Err(err) = fs::write(&cases, lines) {
        failures.push(batch_failure(
            batch,
            format!("cannot write {}: {err}", cases.display()),
        ));
        return failures;
    }
    let output = match Command::new("mono").arg(&exe).arg(&cases).output() {
        Ok(output) => output,
        Err(err) => {
            failures.push(batch_failure(batch, format!("cannot run mono: {err}")));
            return failures;
        }
    };
    failures.extend(crate::message_failures(
        "csharp",
        &output,
        order
            .iter()
            .map(|(index, message)| (&batch[*index].case, *message)),
    ));
    failures
}

fn write(loaded: &Loaded, out: &Path) -> Result<Vec<PathBuf>, String> {
    fs::create_dir_all(out).map_err(|err| err.to_string())?;
    let mut files = Vec::new();
    for file in generate(&loaded.schema, Language::CSharp) {
        let path = out.join(&file.name);
        fs::write(&path, file.contents).map_err(|err| err.to_string())?;
        files.push(path);
    }
    Ok(files)
}

fn batch_failure(batch: &[&Loaded], detail: String) -> Failure {
    Failure {
        case: format!(
            "the batch of {}",
            batch
                .iter()
                .map(|loaded| loaded.case.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        language: "csharp",
        schema: String::new(),
        detail,
    }
}

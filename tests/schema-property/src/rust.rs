//! Generated Rust, compiled as one crate per batch of schemas (each case a
//! module, laid out as `pusm_codegen::Builder` lays out `$OUT_DIR`), with a
//! `main` that reads each reference message with the generated type and
//! writes it again: the same end, the same bytes, the same fingerprint.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pusm_codegen::emit::rust::module_index;
use pusm_codegen::names::{rust_module, rust_name};
use pusm_codegen::{generate, Language, MODULE_INDEX};

use crate::case::Loaded;
use crate::Failure;

const MAIN: &str = r#"
/// Reads the reference bytes with `T`, checks the end and the fingerprint,
/// writes the value again and compares.
fn check<T: ::pusm_core::SharedLayout>(fingerprint: u32, bytes: &[u8]) -> Result<(), String> {
    if T::FINGERPRINT != fingerprint {
        return Err(format!("fingerprint {:#010x}, the schema's {fingerprint:#010x}", T::FINGERPRINT));
    }
    let mut input = bytes.to_vec();
    input.push(0xEE);
    let (value, end) = T::read(&mut ::pusm_core::VecBuffer::from(input), 0)
        .map_err(|err| format!("read: {err}"))?;
    if end != bytes.len() {
        return Err(format!("read ended at {end}, the message has {} bytes", bytes.len()));
    }
    let mut out = ::pusm_core::VecBuffer::new();
    let end = value.write(&mut out, 0).map_err(|err| format!("write: {err}"))?;
    if out.as_slice() != bytes || end != bytes.len() {
        return Err(format!("write gave {} bytes that differ from the reference", out.as_slice().len()));
    }
    Ok(())
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect()
}

fn main() {
    for line in ::std::io::stdin().lines() {
        let line = line.unwrap_or_default();
        let mut words = line.split(' ');
        let key = words.next().unwrap_or("");
        let fingerprint = u32::from_str_radix(words.next().unwrap_or("0"), 16).unwrap_or(0);
        let bytes = unhex(words.next().unwrap_or("x").get(1..).unwrap_or(""));
        let result = run(key, fingerprint, &bytes);
        match result {
            Ok(()) => println!("ok"),
            Err(err) => println!("FAIL {err}"),
        }
    }
}
"#;

/// Builds the Rust of every case in `batch` as one crate under `dir` and
/// checks every message. A case whose code does not compile fails and is
/// left out; the others are built again without it.
#[must_use]
pub fn check(batch: &[&Loaded], dir: &Path) -> Vec<Failure> {
    let mut failures = Vec::new();
    let src = dir.join("src");
    let mut included: Vec<usize> = Vec::new();
    for (index, loaded) in batch.iter().enumerate() {
        match write(loaded, &src.join(format!("case{index}"))) {
            Ok(()) => included.push(index),
            Err(err) => failures.push(loaded.case.failure("rust", err)),
        }
    }
    if let Err(err) = write_manifest(dir) {
        failures.push(batch_failure(batch, err));
        return failures;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| crate::repo_root().join("target"), PathBuf::from)
        .join("schema-property");
    let exe = target.join("debug/pusm-property-rust");
    for attempt in 0..2 {
        if let Err(err) = fs::write(src.join("main.rs"), main_rs(batch, &included)) {
            failures.push(batch_failure(batch, err.to_string()));
            return failures;
        }
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--offline", "--quiet", "--message-format", "short"])
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .output();
        let output = match output {
            Ok(output) => output,
            Err(err) => {
                failures.push(batch_failure(batch, format!("cannot run cargo: {err}")));
                return failures;
            }
        };
        if output.status.success() {
            break;
        }
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut failed = Vec::new();
        for &index in &included {
            let folder = format!("case{index}/");
            let own: Vec<&str> = text
                .lines()
                .filter(|line| line.contains(&folder) && line.contains("error"))
                .collect();
            if !own.is_empty() {
                failed.push(index);
                failures.push(batch[index].case.failure(
                    "rust",
                    format!(
                        "the generated Rust does not compile:\n{}",
                        crate::clip(&own.join("\n"), 6000)
                    ),
                ));
            }
        }
        if failed.is_empty() || attempt == 1 {
            failures.push(batch_failure(
                batch,
                format!("cargo build fails:\n{}", crate::clip(&text, 6000)),
            ));
            return failures;
        }
        included.retain(|index| !failed.contains(index));
    }
    run(batch, &included, &exe, &mut failures);
    failures
}

fn run(batch: &[&Loaded], included: &[usize], exe: &Path, failures: &mut Vec<Failure>) {
    let mut input = String::new();
    let mut order = Vec::new();
    for &index in included {
        for message in &batch[index].messages {
            let _ = writeln!(
                input,
                "{index}:{} {:08x} x{}",
                message.root,
                message.fingerprint,
                crate::tokens::to_hex(&message.bytes)
            );
            order.push((index, message));
        }
    }
    let child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(err) => {
            failures.push(batch_failure(
                batch,
                format!("cannot run {}: {err}", exe.display()),
            ));
            return;
        }
    };
    let output = match crate::feed(child, input) {
        Ok(output) => output,
        Err(err) => {
            failures.push(batch_failure(batch, format!("the driver failed: {err}")));
            return;
        }
    };
    failures.extend(crate::message_failures(
        "rust",
        &output,
        order
            .iter()
            .map(|(index, message)| (&batch[*index].case, *message)),
    ));
}

fn write(loaded: &Loaded, out: &Path) -> Result<(), String> {
    fs::create_dir_all(out).map_err(|err| err.to_string())?;
    for file in generate(&loaded.schema, Language::Rust) {
        fs::write(out.join(&file.name), file.contents).map_err(|err| err.to_string())?;
    }
    fs::write(out.join(MODULE_INDEX), module_index(&loaded.schema)).map_err(|err| err.to_string())
}

fn write_manifest(dir: &Path) -> Result<(), String> {
    let root = crate::repo_root();
    let manifest = format!(
        "[package]\nname = \"pusm-property-rust\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\npusm-core = {{ path = {:?} }}\n\n[workspace]\n",
        root.join("pusm-core").display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|err| err.to_string())?;
    // The workspace's lock file: the same versions, resolvable offline.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|err| err.to_string())?;
    Ok(())
}

fn main_rs(batch: &[&Loaded], included: &[usize]) -> String {
    let mut out = String::from("//! Generated by the schema property test.\n\n");
    for &index in included {
        let _ = writeln!(
            out,
            "#[allow(warnings)]\npub mod case{index} {{\n    include!(\"case{index}/{MODULE_INDEX}\");\n}}"
        );
    }
    out.push_str(MAIN);
    out.push_str("\nfn run(key: &str, fingerprint: u32, bytes: &[u8]) -> Result<(), String> {\n    match key {\n");
    for &index in included {
        let loaded = batch[index];
        for (id, item) in loaded.schema.types() {
            if !matches!(item, pusm_schema::Item::Struct(_)) {
                continue;
            }
            let module = rust_module(&loaded.schema.file(id.file).module).source();
            let name = rust_name(item.name(), &BTreeSet::new()).source();
            let _ = writeln!(
                out,
                "        \"{index}:{}\" => check::<case{index}::{module}::{name}>(fingerprint, bytes),",
                item.name()
            );
        }
    }
    out.push_str("        _ => Err(format!(\"no type {key}\")),\n    }\n}\n");
    out
}

fn batch_failure(batch: &[&Loaded], detail: String) -> Failure {
    Failure {
        case: format!("the batch of {} schemas", batch.len()),
        language: "rust",
        schema: String::new(),
        detail,
    }
}

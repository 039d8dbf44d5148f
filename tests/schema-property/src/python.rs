//! Generated Python, driven by `drivers/driver.py`: one `python3` per schema.

use std::fs;
use std::process::{Command, Stdio};

use pusm_codegen::{generate, Language};

use crate::case::Loaded;
use crate::Failure;

/// Generates the case's Python, imports it, and checks every message:
/// written bytes equal the reference, read back equals the value.
#[must_use]
pub fn check(loaded: &Loaded) -> Vec<Failure> {
    let case = &loaded.case;
    let out = loaded.dir.join("python");
    let written = fs::create_dir_all(&out).and_then(|()| {
        for file in generate(&loaded.schema, Language::Python) {
            let path = out.join(&file.name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, file.contents)?;
        }
        Ok(())
    });
    if let Err(err) = written {
        return vec![case.failure("python", format!("cannot write the generated code: {err}"))];
    }
    let input: String = loaded
        .messages
        .iter()
        .map(|message| {
            let module = loaded
                .index
                .modules
                .get(&message.root)
                .map_or("?", String::as_str);
            format!(
                "{module} {:08x} x{} {}\n",
                message.fingerprint,
                crate::tokens::to_hex(&message.bytes),
                message.tokens
            )
        })
        .collect();
    let root = crate::repo_root();
    let child = Command::new("python3")
        .arg(root.join("tests/schema-property/drivers/driver.py"))
        .arg(&out)
        .arg(root.join("examples/python/bytes_memory.py"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(err) => return vec![case.failure("python", format!("cannot run python3: {err}"))],
    };
    let output = match crate::feed(child, input) {
        Ok(output) => output,
        Err(err) => return vec![case.failure("python", format!("python3 failed: {err}"))],
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(fatal) = stdout.lines().find(|line| line.starts_with("FATAL")) {
        return vec![case.failure("python", fatal.replace(" | ", "\n"))];
    }
    crate::message_failures(
        "python",
        &output,
        loaded.messages.iter().map(|message| (case, message)),
    )
}

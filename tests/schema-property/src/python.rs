//! Generated Python, driven by `drivers/driver.py`: one `python3` per schema.

use std::fs;
use std::io::Write as _;
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
    let mut child = match child {
        Ok(child) => child,
        Err(err) => return vec![case.failure("python", format!("cannot run python3: {err}"))],
    };
    // Written from a thread, so a driver that prints while it reads never
    // blocks on a full pipe; one that stopped early closes it, and its
    // output says why.
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let output = child.wait_with_output();
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let output = match output {
        Ok(output) => output,
        Err(err) => return vec![case.failure("python", format!("python3 failed: {err}"))],
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    if let Some(fatal) = lines.iter().find(|line| line.starts_with("FATAL")) {
        return vec![case.failure("python", fatal.replace(" | ", "\n"))];
    }
    let mut failures = Vec::new();
    for (index, message) in loaded.messages.iter().enumerate() {
        match lines.get(index) {
            Some(&"ok") => {}
            Some(line) => failures.push(case.failure(
                "python",
                format!(
                    "{}\n{}",
                    line.trim_start_matches("FAIL ").replace(" | ", "\n"),
                    message.describe()
                ),
            )),
            None => {
                failures.push(case.failure(
                    "python",
                    format!(
                        "the driver stopped before this message (status {}):\n{}\n{}",
                        output.status,
                        crate::clip(&stderr, 4000),
                        message.describe()
                    ),
                ));
                break;
            }
        }
    }
    failures
}

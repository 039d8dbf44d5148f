//! Measurement 5: Python serializers on pusm's Python runtime, timed by
//! `peers/codec_bench.py` in one process; this side parses what it prints.

use std::collections::HashMap;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::foreign::python;
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::stats::Summary;

/// The keys `codec_bench.py` prints a `RESULT` line for.
pub const KEYS: [&str; 6] = [
    "message_generated",
    "message_per_field",
    "read_int32_pusm",
    "read_int32_original",
    "write_int32_pusm",
    "write_int32_original",
];

/// What the script measured, by key, in nanoseconds per operation.
pub struct CodecFigures {
    results: HashMap<String, Summary>,
    /// Lines of the form `INFO ...`: the interpreter, the loop overhead.
    pub info: Vec<String>,
}

impl CodecFigures {
    /// The figure of `key`.
    pub fn get(&self, key: &str) -> Result<Summary> {
        self.results
            .get(key)
            .copied()
            .ok_or_else(|| Error::new(format!("codec_bench.py printed no result for {key}")))
    }
}

/// Runs `codec_bench.py` (smaller with `quick`) and parses its results.
pub fn run(scratch: &Scratch, quick: bool) -> Result<CodecFigures> {
    let mut command = python(scratch, &peers_dir().join("codec_bench.py"));
    command
        .arg("--runtime")
        .arg(repo_file("python")?)
        .arg("--generated")
        .arg(repo_file("examples/python/generated")?);
    if quick {
        command.arg("--quick");
    }
    let finished = Peer::spawn(command, "codec_bench.py")?.finish_ok(Duration::from_secs(600))?;
    parse(&finished.stdout)
}

/// Parses `RESULT key n p50 p99 min max mean` and `INFO ...` lines.
fn parse(stdout: &str) -> Result<CodecFigures> {
    let mut results = HashMap::new();
    let mut info = Vec::new();
    for line in stdout.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("RESULT") => {
                let key = words
                    .next()
                    .ok_or_else(|| Error::new(format!("a RESULT line without a key: {line:?}")))?;
                let numbers: Vec<f64> = words
                    .map(str::parse)
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|err| Error::new(format!("bad number in {line:?}: {err}")))?;
                let [n, p50, p99, min, max, mean] = numbers[..] else {
                    return Err(Error::new(format!(
                        "expected 6 numbers after the key in {line:?}"
                    )));
                };
                results.insert(
                    key.to_owned(),
                    Summary {
                        n: n as usize,
                        p50,
                        p99,
                        min,
                        max,
                        mean,
                    },
                );
            }
            Some("INFO") => info.push(line["INFO".len()..].trim().to_owned()),
            _ => {}
        }
    }
    let figures = CodecFigures { results, info };
    for key in KEYS {
        figures.get(key)?;
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_results_and_info() {
        let mut out = String::from("INFO python 3.11\nnoise\n");
        for key in KEYS {
            out.push_str(&format!("RESULT {key} 10 1.5 2 1 3 1.7\n"));
        }
        let figures = parse(&out).unwrap();
        assert_eq!(figures.get("read_int32_pusm").unwrap().p99, 2.0);
        assert_eq!(figures.info, ["python 3.11"]);
        assert!(parse("RESULT message_generated 1 2\n").is_err());
        assert!(parse("").is_err());
    }
}

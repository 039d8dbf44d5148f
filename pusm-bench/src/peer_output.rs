//! What a measuring peer program prints: `RESULT key n p50 p99 min max mean`
//! lines (nanoseconds per operation) and `INFO ...` lines, parsed the same
//! way for every peer (`codec_bench.py`, `numpy_bench.py`, `CSharpCodec.exe`).

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::stats::Summary;

/// A peer's figures by key, and its `INFO` lines.
#[derive(Debug)]
pub struct PeerOutput {
    program: &'static str,
    results: HashMap<String, Summary>,
    /// Lines of the form `INFO ...`, without the word: the interpreter, the
    /// loop overhead, the message size.
    pub info: Vec<String>,
}

impl PeerOutput {
    /// Parses the standard output of `program`, which must have printed a
    /// `RESULT` line for every key of `required`.
    pub fn parse(program: &'static str, stdout: &str, required: &[&str]) -> Result<Self> {
        let mut results = HashMap::new();
        let mut info = Vec::new();
        for line in stdout.lines() {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("RESULT") => {
                    let (key, summary) = result_line(line, words)?;
                    results.insert(key.to_owned(), summary);
                }
                Some("INFO") => info.push(line["INFO".len()..].trim().to_owned()),
                _ => {}
            }
        }
        let output = PeerOutput {
            program,
            results,
            info,
        };
        for key in required {
            output.get(key)?;
        }
        Ok(output)
    }

    /// The figure of `key`.
    pub fn get(&self, key: &str) -> Result<Summary> {
        self.results
            .get(key)
            .copied()
            .ok_or_else(|| Error::new(format!("{} printed no result for {key}", self.program)))
    }
}

/// The key and figures of one `RESULT` line, `words` following the word.
fn result_line<'l>(
    line: &str,
    mut words: impl Iterator<Item = &'l str>,
) -> Result<(&'l str, Summary)> {
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
    let summary = Summary {
        n: n as usize,
        p50,
        p99,
        min,
        max,
        mean,
    };
    Ok((key, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_results_and_info_and_requires_the_keys() {
        let out = "INFO python 3.11\nnoise\nRESULT a 10 1.5 2 1 3 1.7\nRESULT b 5 1 2 0.5 3 1.5\n";
        let output = PeerOutput::parse("peer", out, &["a", "b"]).unwrap();
        assert_eq!(output.get("a").unwrap().p99, 2.0);
        assert_eq!(output.get("b").unwrap().n, 5);
        assert_eq!(output.info, ["python 3.11"]);
        let missing = PeerOutput::parse("peer", out, &["c"]).unwrap_err();
        assert!(missing.to_string().contains("peer printed no result for c"));
        assert!(PeerOutput::parse("peer", "RESULT a 1 2\n", &[]).is_err());
        assert!(PeerOutput::parse("peer", "RESULT a 1 2 x 4 5 6\n", &[]).is_err());
        assert!(PeerOutput::parse("peer", "RESULT\n", &[]).is_err());
    }
}

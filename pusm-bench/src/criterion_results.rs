//! Measurements 4 and 6 run under criterion (`cargo bench`); this reads the
//! samples criterion saved, so that the one table has every row.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::error::{Context, Error, Result};
use crate::scratch::repo;
use crate::stats::{Samples, Summary};

/// Two results further apart than this were not measured by the same `cargo bench`.
const SAME_RUN: Duration = Duration::from_secs(30 * 60);

/// Where criterion keeps its results: `CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else the workspace's `target/criterion`.
pub fn default_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => PathBuf::from(target).join("criterion"),
        None => repo().join("target").join("criterion"),
    }
}

/// criterion's `sample.json`: total time of `iters[i]` iterations in `times[i]` ns.
#[derive(Deserialize)]
struct SampleFile {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// One benchmark's saved result.
#[derive(Debug, Clone, Copy)]
pub struct Saved {
    /// Time per iteration over criterion's samples, in ns.
    pub summary: Summary,
    /// When criterion wrote it.
    pub modified: SystemTime,
}

/// The latest result of `group/function`, or `None` when it was never run.
pub fn load(dir: &Path, group: &str, function: &str) -> Result<Option<Saved>> {
    let path = dir
        .join(group)
        .join(function)
        .join("new")
        .join("sample.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::new(format!("cannot read {}: {err}", path.display()))),
    };
    let file: SampleFile =
        serde_json::from_str(&text).context(|| format!("cannot parse {}", path.display()))?;
    let mut samples = Samples::with_capacity(file.iters.len());
    for (iters, time) in file.iters.iter().zip(&file.times) {
        if *iters > 0.0 {
            samples.push_value(time / iters);
        }
    }
    let summary = samples
        .summary()
        .ok_or_else(|| Error::new(format!("{} holds no samples", path.display())))?;
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .context(|| format!("cannot stat {}", path.display()))?;
    Ok(Some(Saved { summary, modified }))
}

/// What criterion saved for one row.
pub enum Pair {
    /// One of the two was never run.
    Missing,
    /// Both exist, but from different runs: the message says how far apart.
    Stale(String),
    /// pusm's result and the baseline's, from one run.
    Found(Saved, Saved),
}

/// pusm's and the baseline's results of `group`.
pub fn pair(dir: &Path, group: &str, pusm: &str, baseline: &str) -> Result<Pair> {
    let (Some(p), Some(b)) = (load(dir, group, pusm)?, load(dir, group, baseline)?) else {
        return Ok(Pair::Missing);
    };
    let apart = p
        .modified
        .duration_since(b.modified)
        .or_else(|_| b.modified.duration_since(p.modified))
        .unwrap_or_default();
    if apart > SAME_RUN {
        return Ok(Pair::Stale(format!(
            "stale: {group}/{pusm} and {group}/{baseline} were saved {} min apart (not one run)",
            apart.as_secs() / 60
        )));
    }
    Ok(Pair::Found(p, b))
}

/// How long ago `time` was, for a note: "12 min ago".
pub fn age(time: SystemTime) -> String {
    let minutes = SystemTime::now()
        .duration_since(time)
        .unwrap_or_default()
        .as_secs()
        / 60;
    if minutes < 120 {
        format!("{minutes} min ago")
    } else {
        format!("{} h ago", minutes / 60)
    }
}

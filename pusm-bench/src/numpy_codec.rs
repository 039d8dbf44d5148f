//! Measurement 5, numpy row: the generated Python's numpy option against its
//! default list output, on an Observation with 100,000 float32 rays, timed by
//! `peers/numpy_bench.py` in one process (both outputs in the same run).

use std::fs;
use std::path::Path;
use std::time::Duration;

use pusm_codegen::emit::{generate_with, Python};
use pusm_codegen::schema::{load_sources, Sources};

use crate::error::{Error, Result};
use crate::foreign::python;
use crate::peer_output::PeerOutput;
use crate::report::{Figure, Row, Target};
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::stats::Summary;
use crate::{all_rows, missing, not_selected, rows, Run, Spec};

/// Writes the Python generated from `schemas/robot.pusm` as the package
/// `dir/name` (package-relative imports), with or without the numpy option.
fn generate_package(dir: &Path, name: &str, numpy: bool) -> Result<()> {
    let mut sources = Sources::new();
    for schema in ["robot.pusm", "common.pusm"] {
        let path = repo_file(&format!("schemas/{schema}"))?;
        let text = fs::read_to_string(&path)
            .map_err(|err| Error::new(format!("read {}: {err}", path.display())))?;
        sources.add(schema, text);
    }
    let schema = load_sources(&sources, &["robot.pusm"])
        .map_err(|diagnostics| Error::new(format!("schemas/robot.pusm: {diagnostics}")))?;
    let package = dir.join(name);
    let write = |path: &Path, contents: &str| {
        fs::write(path, contents)
            .map_err(|err| Error::new(format!("write {}: {err}", path.display())))
    };
    fs::create_dir_all(&package)
        .map_err(|err| Error::new(format!("create {}: {err}", package.display())))?;
    write(&package.join("__init__.py"), "")?;
    let emitter = Python::new().relative_imports(true).numpy(numpy);
    for file in generate_with(&schema, &emitter) {
        write(&package.join(&file.name), &file.contents)?;
    }
    Ok(())
}

/// Runs `numpy_bench.py`; returns (numpy output, list output) per write+read.
fn measure(scratch: &Scratch, quick: bool) -> Result<(Summary, Summary)> {
    let generated = scratch.path().join("numpy-bench");
    generate_package(&generated, "lists", false)?;
    generate_package(&generated, "arrays", true)?;
    let mut command = python(scratch, &peers_dir().join("numpy_bench.py"));
    command
        .arg("--runtime")
        .arg(repo_file("python")?)
        .arg("--generated")
        .arg(&generated);
    if quick {
        command.arg("--quick");
    }
    let finished = Peer::spawn(command, "numpy_bench.py")?.finish_ok(Duration::from_secs(600))?;
    let results = PeerOutput::parse("numpy_bench.py", &finished.stdout, &KEYS)?;
    Ok((results.get(KEYS[0])?, results.get(KEYS[1])?))
}

/// The keys `numpy_bench.py` prints a `RESULT` line for: numpy, then lists.
const KEYS: [&str; 2] = ["rays_numpy", "rays_lists"];

impl Run<'_> {
    /// The numpy row of measurement 5.
    pub(crate) fn numpy_codec(&mut self) -> Vec<Row> {
        let specs = vec![Spec {
            issue: 5,
            key: "python_numpy_rays",
            label: "generated Python write+read, 100,000 float32 rays, numpy option".to_owned(),
            baseline: "the default output (Python lists) in the same run",
            target: Target::SpeedupAtLeast(50.0),
        }];
        if !self.selected(5) {
            return all_rows(specs, &not_selected());
        }
        if let Some(skip) = missing(&["python3"]) {
            return all_rows(specs, &skip);
        }
        self.progress("#5 the generated Python's numpy option");
        let measured = measure(&self.scratch, self.cli.quick)
            .map(|(numpy, lists)| vec![(Figure::time(numpy), Figure::time(lists))]);
        rows(specs, measured)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_keys_are_required() {
        let out = "noise\nRESULT rays_numpy 5 1 2 0.5 3 1.5\nRESULT rays_lists 5 90 95 80 99 91\n";
        let results = PeerOutput::parse("numpy_bench.py", out, &KEYS).unwrap();
        assert_eq!(results.get("rays_lists").unwrap().p50, 90.0);
        assert_eq!(results.get("rays_numpy").unwrap().n, 5);
        let one = "RESULT rays_numpy 5 1 2 0.5 3 1.5\n";
        assert!(PeerOutput::parse("numpy_bench.py", one, &KEYS).is_err());
    }
}

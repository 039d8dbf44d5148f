//! `pusm inspect` on a data file far larger than it shows: an 8 GiB sparse
//! file whose hook states the largest capacity (2 GiB - 1). It must read
//! only the bytes it shows and the message it decodes, so the child's peak
//! memory stays small (reading the capacity whole needs 2 GiB). Alone in
//! its test binary, so the peak memory of this process's children is the
//! `pusm` runs' own.

mod support;

use std::path::PathBuf;

use pusm_core::{SharedLayout, VecBuffer};
use pusm_examples::schemas::robot;
use support::pusm;

/// Peak memory, in bytes, a `pusm` run may reach: far below the 2 GiB a
/// whole read of the capacity takes.
const MAX_PEAK: u64 = 256 << 20;

/// The largest peak resident size among the waited-for children, in bytes.
fn children_peak() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `struct rusage` into the pointer it is given,
    // which points to one, zero-initialized.
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(status, 0, "getrusage");
    // SAFETY: getrusage succeeded, so it filled the struct (it was zeroed anyway).
    let usage = unsafe { usage.assume_init() };
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024 // kilobytes on Linux
}

#[test]
fn inspect_reads_only_what_it_shows_of_an_8_gib_sparse_file() {
    let dir = tempfile::Builder::new()
        .prefix("pusm-cli-large-")
        .tempdir()
        .unwrap();
    let mut hook = vec![1, 0, 0, 0];
    hook.extend_from_slice(&1i32.to_le_bytes());
    hook.extend_from_slice(&i32::MAX.to_le_bytes());
    hook.extend_from_slice(&[0, 1, 0]);
    std::fs::write(dir.path().join("big"), hook).unwrap();
    let observation = robot::Observation {
        step: 7,
        rays: vec![0.25],
        name: "far".into(),
        ..Default::default()
    };
    let mut message = VecBuffer::new();
    observation.write(&mut message, 0).unwrap();
    let data = std::fs::File::create(dir.path().join("big_")).unwrap();
    data.set_len(8 << 30).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&data, message.as_slice(), 0).unwrap();
    drop(data);

    let output = pusm(dir.path(), &["inspect", "big", "--length", "32"]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let first = message.as_slice()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>();
    assert!(
        text.contains(&format!(
            "00000000  {}  {}",
            first[..8].join(" "),
            first[8..].join(" ")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("({} more bytes;", i32::MAX as u64 - 32)),
        "{text}"
    );

    let schema: PathBuf = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/robot.pusm");
    let output = pusm(
        dir.path(),
        &[
            "inspect",
            "big",
            "--schema",
            schema.to_str().unwrap(),
            "--type",
            "Observation",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("  step: 7,") && text.contains("  name: \"far\","),
        "{text}"
    );
    assert!(
        children_peak() < MAX_PEAK,
        "a pusm run peaked at {} bytes of memory",
        children_peak()
    );
}

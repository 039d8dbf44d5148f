//! `pusm-bench --quick` runs every measurement it can on this machine, exits
//! 0 and prints every row of the table. Timings are never asserted.

use std::process::Command;

/// Every row: its JSON key and a piece of its label in the printed table.
const ROWS: &[(&str, &str)] = &[
    ("handoff_rust_rust", "Rust-Rust handoff round trip"),
    ("handoff_rust_rust_spin", "the same with WaitStrategy::Spin"),
    ("wait_cpu", "CPU of a waiter while the peer holds control"),
    ("wake_latency", "wake-up latency after a"),
    ("round_trip_python", "Rust-Python round trip of one int32"),
    (
        "round_trip_csharp",
        "Rust-C# (Mono) round trip of one int32",
    ),
    ("serializer_shm_vs_hand", "on SharedMemory, vs hand-written"),
    ("serializer_shm_vs_bincode", "on SharedMemory, vs bincode"),
    ("serializer_vec_vs_hand", "on VecBuffer, vs hand-written"),
    ("serializer_vec_vs_bincode", "on VecBuffer, vs bincode"),
    (
        "python_message",
        "generated Python write+read of Observation",
    ),
    ("python_read_int32", "Python read_int32"),
    ("python_write_int32", "Python write_int32"),
    (
        "python_numpy_rays",
        "generated Python write+read, 100,000 float32 rays",
    ),
    ("bulk_write", "write_bytes of 64 MiB"),
    ("bulk_read", "read_bytes of 64 MiB"),
    ("bulk_read_into", "read_bytes_into a kept 64 MiB buffer"),
    (
        "bulk_read_fresh",
        "the same read_bytes, vs a fresh allocation",
    ),
    (
        "python_payload_read_into",
        "Python read_bytes_into a kept bytearray",
    ),
    (
        "python_payload_read",
        "Python read_bytes (a new bytes each call)",
    ),
    ("wake_rust_10ms", "Rust waiter wake-up after 10 ms idle"),
    ("wake_rust_100ms", "Rust waiter wake-up after 100 ms idle"),
    ("wake_rust_1s", "Rust waiter wake-up after 1 s idle"),
    ("wait_cpu_rust_1s", "CPU of a Rust waiter during a 1 s wait"),
    ("wake_python_10ms", "Python waiter wake-up after 10 ms idle"),
    (
        "wake_python_100ms",
        "Python waiter wake-up after 100 ms idle",
    ),
    ("wake_python_1s", "Python waiter wake-up after 1 s idle"),
    (
        "wait_cpu_python_1s",
        "CPU of a Python waiter during a 1 s wait",
    ),
    (
        "pinned_round_trip_python",
        "Rust-Python round trip, both processes pinned to CPU 0",
    ),
    (
        "csharp_message_runs",
        "generated C# Write+Read of Observation",
    ),
    ("csharp_message_read_into", "the same with ReadInto"),
];

#[test]
fn quick_run_prints_every_row() {
    let dir = tempfile::Builder::new()
        .prefix("pusm-bench-test-")
        .tempdir()
        .expect("create a temp dir");
    let json_path = dir.path().join("results.json");
    let output = Command::new(env!("CARGO_BIN_EXE_pusm-bench"))
        .arg("--quick")
        .arg("--json")
        .arg(&json_path)
        // No criterion results: the rows of #4 must say how to make them.
        .env("CRITERION_HOME", dir.path().join("no-criterion"))
        .output()
        .expect("run pusm-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pusm-bench --quick failed with {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    for (_, label) in ROWS {
        assert!(
            stdout.lines().any(|line| line.contains(label)),
            "no row {label:?} in\n{stdout}"
        );
    }
    assert!(stdout.contains("not run: cargo bench -p pusm-examples --bench serializers"));

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("read the JSON"))
            .expect("parse the JSON");
    assert_eq!(json["run"]["quick"], true);
    let rows = json["rows"].as_array().expect("a rows array");
    let keys: Vec<&str> = rows.iter().filter_map(|r| r["key"].as_str()).collect();
    let expected: Vec<&str> = ROWS.iter().map(|(key, _)| *key).collect();
    assert_eq!(keys, expected);
    let require_all = std::env::var_os("PUSM_REQUIRE_ALL").is_some();
    for row in rows {
        let result = row["result"].as_str().unwrap_or_default();
        assert!(
            ["met", "missed", "info", "skipped", "not_run"].contains(&result),
            "row {} came out {result:?}: {}",
            row["key"],
            row["reason"]
        );
        if result == "skipped" {
            assert!(
                !require_all,
                "row {} was skipped ({}) and PUSM_REQUIRE_ALL is set",
                row["key"], row["reason"]
            );
        }
        let key = row["key"].as_str().unwrap_or_default();
        if key.starts_with("bulk_") {
            // #6 measures in this process, criterion or not.
            assert!(["met", "missed", "info"].contains(&result), "{row}");
        }
        if ["met", "missed", "info"].contains(&result) {
            assert!(row["pusm"]["p50"].as_f64().is_some(), "{row}");
            assert!(row["baseline"]["p50"].as_f64().is_some(), "{row}");
        }
    }
}

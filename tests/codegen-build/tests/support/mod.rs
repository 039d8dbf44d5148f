//! Sample values of every generated type, encoded by the generated Rust.

#![allow(dead_code)]

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use pusm_codegen_build_test::{common, edge_cases, robot, shadowing};
use pusm_core::{SharedLayout, VecBuffer};

#[path = "../../../support/tools.rs"]
pub mod tools;

/// One value of one type, as the generated Rust encodes it.
pub struct Sample {
    /// `module.Class` in the generated Python.
    pub python: &'static str,
    /// `Namespace.Class` in the generated C#.
    pub csharp: &'static str,
    /// The type's fingerprint.
    pub fingerprint: u32,
    /// `write` at offset 0.
    pub bytes: Vec<u8>,
}

impl Sample {
    fn new<T: SharedLayout + PartialEq + std::fmt::Debug>(
        python: &'static str,
        csharp: &'static str,
        value: &T,
    ) -> Self {
        let mut buf = VecBuffer::new();
        let end = value.write(&mut buf, 0).expect("a sample encodes");
        assert_eq!(end, buf.len());
        assert_eq!(end, value.encoded_len(), "{python}: encoded_len");
        let (back, back_end) = T::read(&mut buf, 0).expect("a sample decodes");
        assert_eq!((&back, back_end), (value, end), "{python}: Rust round trip");
        Sample {
            python,
            csharp,
            fingerprint: T::FINGERPRINT,
            bytes: buf.into_inner(),
        }
    }
}

fn v(x: f32, y: f32, z: f32) -> common::Vec3 {
    common::Vec3 { x, y, z }
}

/// Several values of every struct of the schemas (defaults, extremes,
/// non-ASCII text, present and absent optionals, empty and full lists).
pub fn samples() -> Vec<Sample> {
    let observation = robot::Observation {
        step: -7,
        done: true,
        reward: 0.25,
        position: v(1.0, -2.5, 3.75),
        rays: vec![0.5, 1.5, -0.0, f32::MAX, f32::MIN_POSITIVE],
        corners: [
            v(0.0, 0.0, 0.0),
            v(1.0, 0.0, 0.0),
            v(1.0, 1.0, 0.0),
            v(0.0, 1.0, 0.0),
        ],
        name: "h\u{e9}llo \u{2713} \u{65e5}\u{672c}".to_owned(),
        camera: vec![0, 1, 254, 255],
        target: Some(v(-1.0, 0.0, 1e9)),
        last_command: robot::Command::Reset,
        team: common::Team::Blue,
    };
    let nested = edge_cases::Nested {
        matrix: vec![vec![], vec![1, -2, i32::MAX, i32::MIN]],
        maybe_list: Some(vec!["".to_owned(), "x".to_owned()]),
        list_of_maybes: vec![None, Some(v(1.0, 2.0, 3.0)), None],
        grid: [[1.0, 2.0], [3.0, 4.0], [-5.0, 0.5]],
        blobs: vec![vec![], vec![9, 8, 7]],
        teams: [common::Team::Red, common::Team::Blue],
        flags: vec![true, false, true],
    };
    let segment = |color| shadowing::Segment {
        ends: [0.5, -0.5],
        color,
        on: true,
    };
    vec![
        Sample::new("common.Vec3", "Common.Vec3", &common::Vec3::default()),
        Sample::new(
            "common.Vec3",
            "Common.Vec3",
            &v(f32::MIN, f32::INFINITY, -0.0),
        ),
        Sample::new(
            "robot.Observation",
            "Robot.Observation",
            &robot::Observation::default(),
        ),
        Sample::new("robot.Observation", "Robot.Observation", &observation),
        Sample::new("robot.Action", "Robot.Action", &robot::Action::default()),
        Sample::new(
            "robot.Action",
            "Robot.Action",
            &robot::Action {
                command: robot::Command::Jump,
                force: v(0.0, 9.75, 0.0),
                gains: [1.0, 0.125, -3.0],
                tags: vec!["a".to_owned(), "\u{1f916}".to_owned(), String::new()],
                dt: Some(0.0625),
            },
        ),
        Sample::new(
            "edge_cases.Nested",
            "EdgeCases.Nested",
            &edge_cases::Nested::default(),
        ),
        Sample::new("edge_cases.Nested", "EdgeCases.Nested", &nested),
        Sample::new(
            "edge_cases.Keywords",
            "EdgeCases.Keywords",
            &edge_cases::Keywords::default(),
        ),
        Sample::new(
            "edge_cases.Keywords",
            "EdgeCases.Keywords",
            &edge_cases::Keywords {
                r#type: 1,
                class: "class".to_owned(),
                from: true,
                lambda: 2.5,
                string: b"bytes".to_vec(),
                namespace: 3,
                read: 4,
                write: true,
                encoded_len: 5,
                fingerprint: 6,
                keywords: 7,
            },
        ),
        Sample::new("edge_cases.Empty", "EdgeCases.Empty", &edge_cases::Empty {}),
        Sample::new(
            "edge_cases.Pose",
            "EdgeCases.Pose",
            &edge_cases::Pose {
                position: v(1.0, 2.0, 3.0),
                heading: -1.5,
                visible: true,
                id: 42,
                team: common::Team::Red,
            },
        ),
        Sample::new(
            "shadowing.Vec",
            "Shadow.TestNames.Vec",
            &shadowing::Vec { x: 1.0 },
        ),
        Sample::new(
            "shadowing.String",
            "Shadow.TestNames.String",
            &shadowing::String {
                text: "\u{e9}\u{e8}".to_owned(),
            },
        ),
        Sample::new(
            "shadowing.Option",
            "Shadow.TestNames.Option",
            &shadowing::Option { some: Some(false) },
        ),
        Sample::new(
            "shadowing.Result",
            "Shadow.TestNames.Result",
            &shadowing::Result { ok: -1 },
        ),
        Sample::new(
            "shadowing.Buffer",
            "Shadow.TestNames.Buffer",
            &shadowing::Buffer {
                bytes: vec![0; 300],
            },
        ),
        Sample::new(
            "shadowing.Object",
            "Shadow.TestNames.Object",
            &shadowing::Object {
                color: shadowing::Color::Green,
            },
        ),
        Sample::new(
            "shadowing.List",
            "Shadow.TestNames.List",
            &shadowing::List { items: vec![1, 2] },
        ),
        Sample::new(
            "shadowing.Type",
            "Shadow.TestNames.Type",
            &shadowing::Type {
                kind: shadowing::Self_::Default,
            },
        ),
        Sample::new(
            "shadowing.Encoding",
            "Shadow.TestNames.Encoding",
            &shadowing::Encoding {
                utf8: "\u{0}".to_owned(),
            },
        ),
        Sample::new(
            "shadowing.System",
            "Shadow.TestNames.System",
            &shadowing::System { io: 3 },
        ),
        Sample::new(
            "shadowing.SharedMemory",
            "Shadow.TestNames.SharedMemory",
            &shadowing::SharedMemory { sm: 4 },
        ),
        Sample::new(
            "shadowing.DecodeError_",
            "Shadow.TestNames.DecodeError",
            &shadowing::DecodeError {
                message: "m".to_owned(),
            },
        ),
        Sample::new(
            "shadowing.ShadowingWire",
            "Shadow.TestNames.ShadowingWire",
            &shadowing::ShadowingWire { wire: true },
        ),
        Sample::new(
            "shadowing.Locals",
            "Shadow.TestNames.Locals",
            &shadowing::Locals {
                sm: 1,
                offset: 2,
                cls: "cls".to_owned(),
                data: true,
                values: 3.5,
                end: 4,
                count: 5,
                count1: vec![6, 7],
                item: "item".to_owned(),
                present: Some(true),
                i: [8, 9],
                value: shadowing::Color::Blue,
                found: 10,
                self_: 11,
                super_: 12,
                crate_: 13,
                dataclasses: 14,
                list: vec![15],
                common: v(16.0, 17.0, 18.0),
                string: shadowing::String {
                    text: "s".to_owned(),
                },
                color: shadowing::Color::Red,
            },
        ),
        Sample::new(
            "shadowing.Nothing",
            "Shadow.TestNames.Nothing",
            &shadowing::Nothing {},
        ),
        Sample::new(
            "shadowing.Shapes",
            "Shadow.TestNames.Shapes",
            &shadowing::Shapes {
                nothing: shadowing::Nothing {},
                nothings: [shadowing::Nothing {}, shadowing::Nothing {}],
                segments: [
                    segment(shadowing::Color::Red),
                    segment(shadowing::Color::Green),
                ],
                segment_list: vec![segment(shadowing::Color::Blue)],
                pairs: vec![[1, 2], [3, 4]],
                colors: vec![shadowing::Color::Blue, shadowing::Color::Green],
                maybe_color: Some(shadowing::Color::Green),
                maybe_array: Some([1.0, 2.0, 3.0]),
                maybe_segment: None,
                words: ["one".to_owned(), "two".to_owned()],
                matrix: [[shadowing::Color::Red; 2], [shadowing::Color::Blue; 2]],
                big: std::array::from_fn(|i| i as i32 * 1000),
                after: -1,
            },
        ),
        Sample::new(
            "shadowing.RunEdges",
            "Shadow.TestNames.RunEdges",
            &shadowing::RunEdges {
                id: 7,
                blob: vec![1, 2, 3],
                flag: true,
                maybe: Some(-5),
                scale: 0.5,
                note: Some("é!".to_owned()),
                color: shadowing::Color::Blue,
                maybe_vec: Some(shadowing::Vec { x: 4.0 }),
                tail: i32::MIN,
            },
        ),
        Sample::new(
            "shadowing.RunEdges",
            "Shadow.TestNames.RunEdges",
            &shadowing::RunEdges {
                id: -1,
                blob: vec![],
                flag: false,
                maybe: None,
                scale: -0.0,
                note: None,
                color: shadowing::Color::Green,
                maybe_vec: None,
                tail: 0,
            },
        ),
    ]
}

/// Writes every sample into `dir` (`<n>.bin`) and an index,
/// `python-name csharp-name 0xFINGERPRINT file` per line; returns the index.
pub fn write_samples(dir: &Path) -> PathBuf {
    let mut index = String::new();
    for (n, sample) in samples().iter().enumerate() {
        let file = format!("{n}.bin");
        std::fs::write(dir.join(&file), &sample.bytes).expect("sample can be written");
        index.push_str(&format!(
            "{} {} 0x{:08X} {file}\n",
            sample.python, sample.csharp, sample.fingerprint
        ));
    }
    let path = dir.join("samples.txt");
    std::fs::write(&path, index).expect("index can be written");
    path
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `command`; panics with its output unless it succeeds. Returns stdout.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

//! The reference codec that `pusm inspect --schema` decodes with, against the code generated
//! from the same schemas: the same layouts, the same values, the same
//! failures, on valid messages and on arbitrary bytes (the `dynamic` fuzz
//! body, for a few seconds; `PUSM_FUZZ_SECONDS` runs it longer).

#[path = "../../fuzz/bodies/driver.rs"]
mod driver;
#[path = "../../fuzz/bodies/dynamic.rs"]
mod dynamic;
#[path = "../../fuzz/bodies/generated.rs"]
mod generated;
#[path = "../../fuzz/bodies/layouts.rs"]
mod layouts;

use std::path::PathBuf;

use pusm_cli::reference::{decode, encode, DecodeError, Value};
use pusm_core::{SharedBuffer, SharedLayout, VecBuffer};
use pusm_examples::random::{random_message, Rng};
use pusm_examples::schemas::{common, edge_cases, robot};
use pusm_schema::TypeRef;

const DYNAMIC_SECONDS: f64 = 5.0;

fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

#[test]
fn layouts_from_the_schema_files_are_the_generated_ones() {
    let schema = pusm_schema::load(&[
        schemas().join("robot.pusm"),
        schemas().join("edge_cases.pusm"),
    ])
    .unwrap();
    let generated: Vec<(&str, u32)> = vec![
        ("Vec3", common::Vec3::FINGERPRINT),
        ("Team", common::Team::FINGERPRINT),
        ("Command", robot::Command::FINGERPRINT),
        ("Observation", robot::Observation::FINGERPRINT),
        ("Action", robot::Action::FINGERPRINT),
        ("Nested", edge_cases::Nested::FINGERPRINT),
        ("Keywords", edge_cases::Keywords::FINGERPRINT),
        ("Empty", edge_cases::Empty::FINGERPRINT),
        ("Pose", edge_cases::Pose::FINGERPRINT),
    ];
    for (name, fingerprint) in generated {
        let (id, _) = schema
            .types()
            .find(|(_, item)| item.name() == name)
            .unwrap_or_else(|| panic!("{name} is in the schemas"));
        assert_eq!(
            schema.fingerprint(&TypeRef::Named(id)),
            fingerprint,
            "{name}"
        );
    }
}

#[test]
fn random_messages_decode_dynamically_to_the_same_bytes() {
    let mut rng = Rng::new(99);
    for round in 0..300 {
        let observation: robot::Observation = random_message(&mut rng).unwrap();
        let nested: edge_cases::Nested = random_message(&mut rng).unwrap();
        for (layout, bytes) in [
            (robot::Observation::LAYOUT, encoded(&observation)),
            (edge_cases::Nested::LAYOUT, encoded(&nested)),
        ] {
            let (value, end) = decode(layout, &bytes).unwrap();
            assert_eq!(end, bytes.len(), "round {round}");
            assert_eq!(encode(layout, &value).unwrap(), bytes, "round {round}");
        }
    }
}

fn encoded<T: SharedLayout>(value: &T) -> Vec<u8> {
    let mut buf = VecBuffer::new();
    value.write(&mut buf, 0).unwrap();
    buf.into_inner()
}

#[test]
fn arbitrary_bytes_decode_the_same_way_dynamically_and_with_generated_code() {
    let mut rng = driver::Rng::new(0xD1A);
    let seeds = generated::seeds(&mut || rng.next_u64());
    let stats = driver::run(
        "decoders (dynamic)",
        DYNAMIC_SECONDS,
        &seeds,
        2048,
        dynamic::run,
    );
    assert!(stats.inputs >= seeds.len() as u64);
}

#[test]
fn errors_say_where_in_the_value_the_bytes_went_wrong() {
    let mut buf = VecBuffer::new();
    // Observation: step, done, reward, position (12 bytes), then rays: a
    // count of 3 with only one float behind it: refused from the count.
    buf.write_int32(0, 1).unwrap();
    buf.write_bool(4, true).unwrap();
    buf.write_float32(5, 0.5).unwrap();
    buf.write_bytes(9, &[0; 12]).unwrap();
    buf.write_int32(21, 3).unwrap();
    buf.write_float32(25, 1.0).unwrap();
    let err = decode(robot::Observation::LAYOUT, buf.as_slice()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("at Observation.rays: needs 12 bytes at offset 25, only 4 left"),
        "{err}"
    );

    let mut enum_buf = VecBuffer::new();
    enum_buf.write_int32(0, 5).unwrap();
    let err = decode(common::Team::LAYOUT, enum_buf.as_slice()).unwrap_err();
    assert!(matches!(err, DecodeError::UnknownVariant { value: 5, .. }));
    assert!(
        err.to_string().contains("not a variant of enum Team"),
        "{err}"
    );
}

#[test]
fn a_huge_count_of_empty_values_runs_into_the_budget_not_a_hang() {
    let mut buf = VecBuffer::new();
    buf.write_int32(0, i32::MAX).unwrap();
    let list_of_empty = pusm_core::layout::Layout::List(edge_cases::Empty::LAYOUT);
    let err = decode(&list_of_empty, buf.as_slice()).unwrap_err();
    assert!(matches!(err, DecodeError::TooManyValues { .. }), "{err}");
}

#[test]
fn values_render_as_a_readable_tree() {
    let pose = edge_cases::Pose {
        position: common::Vec3 {
            x: 1.0,
            y: -2.5,
            z: 0.0,
        },
        heading: 0.25,
        visible: true,
        id: 7,
        team: common::Team::Blue,
    };
    let bytes = encoded(&pose);
    let (value, _) = decode(edge_cases::Pose::LAYOUT, &bytes).unwrap();
    assert_eq!(
        value.to_string(),
        "Pose {\n  position: Vec3 { x: 1.0, y: -2.5, z: 0.0 },\n  heading: 0.25,\n  visible: true,\n  id: 7,\n  team: Blue (2),\n}"
    );
    let text = Value::String("a\"b".into());
    assert_eq!(text.to_string(), "\"a\\\"b\"");
    let blob = Value::Bytes((0..70).collect());
    assert!(blob.to_string().ends_with("3f ... (6 more)"), "{blob}");
}

//! The generated Rust agrees with Rust written by hand: for every type of
//! `schemas/`, the same struct written with `#[derive(SharedLayout)]` has the
//! same signature and fingerprint and reads and writes the same bytes. And
//! every generated type's fingerprint is the one the schema computes.

mod support;

use std::fmt::Debug;

use pusm_codegen::schema::{Schema, TypeRef};
use pusm_codegen_build_test::{common, edge_cases, robot, shadowing};
use pusm_core::{SharedLayout, VecBuffer};

/// The types of `schemas/`, written by hand.
mod hand {
    use pusm_core::SharedLayout;

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Vec3 {
        pub x: f32,
        pub y: f32,
        pub z: f32,
    }

    #[derive(SharedLayout, Debug, Clone, Copy, PartialEq)]
    #[repr(i32)]
    pub enum Team {
        Neutral = 0,
        Red = 1,
        Blue = 2,
    }

    #[derive(SharedLayout, Debug, Clone, Copy, PartialEq)]
    #[repr(i32)]
    pub enum Command {
        Idle = 0,
        Move = 1,
        Jump = 2,
        Reset = -1,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Observation {
        pub step: i32,
        pub done: bool,
        pub reward: f32,
        pub position: Vec3,
        pub rays: Vec<f32>,
        pub corners: [Vec3; 4],
        pub name: String,
        pub camera: Vec<u8>,
        pub target: Option<Vec3>,
        pub last_command: Command,
        pub team: Team,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Action {
        pub command: Command,
        pub force: Vec3,
        pub gains: [f32; 3],
        pub tags: Vec<String>,
        pub dt: Option<f32>,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Nested {
        pub matrix: Vec<Vec<i32>>,
        pub maybe_list: Option<Vec<String>>,
        pub list_of_maybes: Vec<Option<Vec3>>,
        pub grid: [[f32; 2]; 3],
        pub blobs: Vec<Vec<u8>>,
        pub teams: [Team; 2],
        pub flags: Vec<bool>,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Keywords {
        pub r#type: i32,
        pub class: String,
        pub from: bool,
        pub lambda: f32,
        pub string: Vec<u8>,
        pub namespace: i32,
        pub read: i32,
        pub write: bool,
        pub encoded_len: i32,
        pub fingerprint: i32,
        pub keywords: i32,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Empty {}

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Pose {
        pub position: Vec3,
        pub heading: f32,
        pub visible: bool,
        pub id: i32,
        pub team: Team,
    }
}

/// `G` (generated) and `H` (by hand) describe the same type, and both read
/// `bytes` and write them back unchanged.
fn agree<G, H>(bytes: &[u8])
where
    G: SharedLayout + Debug,
    H: SharedLayout + Debug,
{
    let name = G::LAYOUT.signature();
    assert_eq!(name, H::LAYOUT.signature());
    assert_eq!(G::FINGERPRINT, H::FINGERPRINT, "{name}");

    let mut buf = VecBuffer::from(bytes);
    let (generated, generated_end) = G::read(&mut buf, 0).expect("generated type reads the sample");
    let (by_hand, hand_end) = H::read(&mut buf, 0).expect("hand-written type reads the sample");
    assert_eq!(
        (generated_end, hand_end),
        (bytes.len(), bytes.len()),
        "{name}"
    );
    for written in [encode(&generated), encode(&by_hand)] {
        assert_eq!(written, bytes, "{name}");
    }
    let mut checked = VecBuffer::new();
    generated
        .write_checked(&mut checked, 0)
        .expect("checked write");
    assert_eq!(
        H::read_checked(&mut checked, 0).expect("checked read").1,
        bytes.len() + 4
    );
}

fn encode<T: SharedLayout>(value: &T) -> Vec<u8> {
    let mut buf = VecBuffer::new();
    value.write(&mut buf, 0).expect("encodes");
    buf.into_inner()
}

#[test]
fn generated_rust_agrees_with_hand_written_derives() {
    let mut checked = 0;
    for sample in support::samples() {
        let bytes = &sample.bytes;
        match sample.python {
            "common.Vec3" => agree::<common::Vec3, hand::Vec3>(bytes),
            "robot.Observation" => agree::<robot::Observation, hand::Observation>(bytes),
            "robot.Action" => agree::<robot::Action, hand::Action>(bytes),
            "edge_cases.Nested" => agree::<edge_cases::Nested, hand::Nested>(bytes),
            "edge_cases.Keywords" => agree::<edge_cases::Keywords, hand::Keywords>(bytes),
            "edge_cases.Empty" => agree::<edge_cases::Empty, hand::Empty>(bytes),
            "edge_cases.Pose" => agree::<edge_cases::Pose, hand::Pose>(bytes),
            _ => continue,
        }
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} samples of schemas/ types");
    // The enums, on their own.
    assert_eq!(
        common::Team::FINGERPRINT,
        <hand::Team as SharedLayout>::FINGERPRINT
    );
    assert_eq!(
        robot::Command::FINGERPRINT,
        <hand::Command as SharedLayout>::FINGERPRINT
    );
    assert_eq!(
        encode(&robot::Command::Reset),
        encode(&hand::Command::Reset)
    );
    assert_eq!(encode(&common::Team::Blue), encode(&hand::Team::Blue));
}

fn load_schema() -> Schema {
    let root = support::repo_root();
    let mut paths: Vec<_> = std::fs::read_dir(root.join("schemas"))
        .expect("schemas/")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pusm"))
        .collect();
    paths.sort();
    paths.push(root.join("pusm-codegen/tests/schemas/shadowing.pusm"));
    pusm_codegen::schema::load(&paths).unwrap_or_else(|errors| panic!("{errors}"))
}

/// `(schema module, schema type name, generated fingerprint, generated signature)`.
macro_rules! generated_types {
    ($($module:ident :: $ty:ident as $name:literal),* $(,)?) => {
        vec![$((
            stringify!($module),
            $name,
            <$module::$ty as SharedLayout>::FINGERPRINT,
            <$module::$ty as SharedLayout>::LAYOUT.signature(),
        )),*]
    };
}

#[test]
fn every_generated_fingerprint_is_the_schemas() {
    let schema = load_schema();
    let generated = generated_types![
        common::Vec3 as "Vec3", common::Team as "Team",
        robot::Command as "Command", robot::Observation as "Observation", robot::Action as "Action",
        edge_cases::Nested as "Nested", edge_cases::Keywords as "Keywords",
        edge_cases::Empty as "Empty", edge_cases::Pose as "Pose",
        shadowing::Color as "Color", shadowing::Self_ as "Self", shadowing::Vec as "Vec",
        shadowing::String as "String", shadowing::Option as "Option", shadowing::Result as "Result",
        shadowing::Buffer as "Buffer", shadowing::Object as "Object", shadowing::List as "List",
        shadowing::Type as "Type", shadowing::Encoding as "Encoding", shadowing::System as "System",
        shadowing::SharedMemory as "SharedMemory", shadowing::DecodeError as "DecodeError",
        shadowing::ShadowingWire as "ShadowingWire", shadowing::Locals as "Locals",
        shadowing::Segment as "Segment", shadowing::Nothing as "Nothing", shadowing::Shapes as "Shapes",
        shadowing::Containers as "Containers", shadowing::RunEdges as "RunEdges",
    ];
    assert_eq!(
        generated.len(),
        schema.types().count(),
        "every schema type is listed"
    );
    for (module, name, fingerprint, signature) in generated {
        let (id, _) = schema
            .types()
            .find(|(id, item)| item.name() == name && schema.file(id.file).module == module)
            .unwrap_or_else(|| panic!("{module}::{name} is not in the schema"));
        let ty = TypeRef::Named(id);
        assert_eq!(signature, schema.signature(&ty), "{module}::{name}");
        assert_eq!(fingerprint, schema.fingerprint(&ty), "{module}::{name}");
    }
    // The inherent constant needs no trait import and is the trait's.
    assert_eq!(
        robot::Observation::FINGERPRINT,
        <robot::Observation as SharedLayout>::FINGERPRINT
    );
}

#[test]
fn every_type_round_trips_through_a_vec_buffer() {
    // `support::samples` asserts write/read equality and encoded_len for each.
    let samples = support::samples();
    assert!(samples.len() >= 28);
    let observation = robot::Observation::default();
    let mut buf = VecBuffer::new();
    let end = observation
        .write_checked(&mut buf, 5)
        .expect("checked write");
    assert_eq!(
        robot::Observation::read_checked(&mut buf, 5).expect("checked read"),
        (observation, end)
    );
    assert!(matches!(
        robot::Action::read_checked(&mut buf, 5),
        Err(pusm_core::Error::SchemaMismatch { .. })
    ));
}

#[test]
fn defaults_follow_the_spec() {
    // The variant whose value is 0, else the first one.
    assert_eq!(robot::Command::default(), robot::Command::Idle);
    assert_eq!(shadowing::Color::default(), shadowing::Color::Red);
    assert_eq!(shadowing::Self_::default(), shadowing::Self_::Self_);
    let locals = shadowing::Locals::default();
    assert_eq!(locals.value, shadowing::Color::Red);
}

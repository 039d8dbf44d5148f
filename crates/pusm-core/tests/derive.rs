//! `#[derive(SharedLayout)]`: byte-exact encodings written out by hand,
//! fingerprints worked out by hand, round trips, and corrupted input.

mod support;

use proptest::prelude::*;
use pusm_core::layout::fnv1a32;
use pusm_core::{Error, Role, SharedBuffer, SharedLayout, VecBuffer};

#[derive(SharedLayout, Debug, Clone, Copy, PartialEq)]
#[repr(i32)]
enum Command {
    Idle = 0,
    Move = 1,
    Jump = 2,
    Reset = -1,
}

#[derive(SharedLayout, Debug, Clone, Copy, PartialEq, Default)]
struct Vec3 {
    x: f32,
    y: f32,
    z: f32,
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Observation {
    step: i32,
    done: bool,
    reward: f32,
    position: Vec3,
    rays: Vec<f32>,
    corners: [Vec3; 4],
    name: String,
    camera: Vec<u8>,
    target: Option<Vec3>,
    last_command: Command,
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Nested {
    matrix: Vec<Vec<i32>>,
    maybe_list: Option<Vec<String>>,
    grid: [[f32; 2]; 3],
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Keywords {
    r#type: i32,
    #[pusm(rename = "class")]
    class_: bool,
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Empty {}

/// User types may be named like the standard containers.
mod shadowing {
    use pusm_core::SharedLayout;

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Vec {
        pub x: f32,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Box {
        pub inner: Vec,
        pub list: std::vec::Vec<Vec>,
        pub maybe: Option<Box2>,
    }

    #[derive(SharedLayout, Debug, Clone, PartialEq)]
    pub struct Box2 {
        pub flag: bool,
    }
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
#[pusm(rename = "Self")]
struct SelfType {
    #[pusm(rename = "self")]
    self_: i32,
}

fn encode<T: SharedLayout>(value: &T) -> Vec<u8> {
    let mut buf = VecBuffer::new();
    let end = value.write(&mut buf, 0).unwrap();
    assert_eq!(end, value.encoded_len(), "encoded_len agrees with write");
    assert_eq!(end, buf.len());
    buf.into_inner()
}

fn decode<T: SharedLayout>(bytes: &[u8]) -> Result<T, Error> {
    let mut buf = VecBuffer::from(bytes.to_vec());
    T::read(&mut buf, 0).map(|(value, _)| value)
}

#[test]
fn primitives_and_containers_encode_byte_exactly() {
    assert_eq!(encode(&true), [1]);
    assert_eq!(encode(&false), [0]);
    assert_eq!(encode(&-2i32), [0xFE, 0xFF, 0xFF, 0xFF]);
    assert_eq!(encode(&1.5f32), [0x00, 0x00, 0xC0, 0x3F]);
    assert_eq!(encode(&"hé".to_owned()), [3, 0, 0, 0, b'h', 0xC3, 0xA9]);
    assert_eq!(encode(&vec![9u8, 8]), [2, 0, 0, 0, 9, 8]);
    assert_eq!(
        encode(&vec![1i32, -1]),
        [2, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
    );
    assert_eq!(encode(&[true, false, true]), [1, 0, 1]);
    assert_eq!(encode(&Some(7i32)), [1, 7, 0, 0, 0]);
    assert_eq!(encode(&None::<i32>), [0]);
    assert_eq!(encode(&Command::Reset), [0xFF, 0xFF, 0xFF, 0xFF]);
    assert_eq!(encode(&Command::Jump), [2, 0, 0, 0]);
    assert_eq!(encode(&Empty {}), [] as [u8; 0]);
}

#[test]
fn a_struct_is_its_fields_in_order_without_padding() {
    let obs = Observation {
        step: 258,
        done: true,
        reward: -0.5,
        position: Vec3 {
            x: 1.0,
            y: 0.0,
            z: 2.0,
        },
        rays: vec![0.25],
        corners: [Vec3::default(); 4],
        name: "R2".into(),
        camera: vec![0xAB],
        target: None,
        last_command: Command::Move,
    };
    let mut expected = vec![
        2, 1, 0, 0, // step = 258
        1, // done
        0x00, 0x00, 0x00, 0xBF, // reward = -0.5
        0x00, 0x00, 0x80, 0x3F, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x40, // position (1, 0, 2)
        1, 0, 0, 0, 0x00, 0x00, 0x80, 0x3E, // rays: count 1, 0.25
    ];
    expected.extend([0u8; 48]); // corners: 4 x 12 zero bytes, no count
    expected.extend([
        2, 0, 0, 0, b'R', b'2', // name
        1, 0, 0, 0, 0xAB, // camera
        0,    // target absent
        1, 0, 0, 0, // last_command = Move
    ]);
    assert_eq!(encode(&obs), expected);
    assert_eq!(decode::<Observation>(&expected).unwrap(), obs);

    let nested = Nested {
        matrix: vec![vec![], vec![5]],
        maybe_list: Some(vec!["a".into()]),
        grid: [[0.0; 2]; 3],
    };
    let mut expected = vec![
        2, 0, 0, 0, // two rows
        0, 0, 0, 0, // row 0: empty
        1, 0, 0, 0, 5, 0, 0, 0, // row 1: [5]
        1, // maybe_list present
        1, 0, 0, 0, 1, 0, 0, 0, b'a', // ["a"]
    ];
    expected.extend([0u8; 24]); // grid: 3 x 2 floats
    assert_eq!(encode(&nested), expected);
    assert_eq!(decode::<Nested>(&expected).unwrap(), nested);
}

#[test]
fn fingerprints_match_values_worked_out_by_hand() {
    // Each signature below is written from PROTOCOL.md's rules; each constant
    // is FNV-1a 32 of that text, computed outside this code base.
    assert_eq!(
        Vec3::LAYOUT.signature(),
        "Vec3{x:float32,y:float32,z:float32}"
    );
    assert_eq!(Vec3::FINGERPRINT, 0x9586_7E60);
    assert_eq!(
        Command::LAYOUT.signature(),
        "Command(Idle=0,Move=1,Jump=2,Reset=-1)"
    );
    assert_eq!(Command::FINGERPRINT, 0x45D5_69F4);
    assert_eq!(
        Keywords::LAYOUT.signature(),
        "Keywords{type:int32,class:bool}"
    );
    assert_eq!(Keywords::FINGERPRINT, 0xFC60_D475);
    assert_eq!(SelfType::LAYOUT.signature(), "Self{self:int32}");
    assert_eq!(Empty::LAYOUT.signature(), "Empty{}");
    assert_eq!(
        Nested::LAYOUT.signature(),
        "Nested{matrix:[[int32]],maybe_list:[string]?,grid:[[float32;2];3]}"
    );
    assert_eq!(Nested::FINGERPRINT, 0x045F_92A6);
    let observation = "Observation{step:int32,done:bool,reward:float32,\
        position:Vec3{x:float32,y:float32,z:float32},rays:[float32],\
        corners:[Vec3{x:float32,y:float32,z:float32};4],name:string,camera:bytes,\
        target:Vec3{x:float32,y:float32,z:float32}?,last_command:Command(Idle=0,Move=1,Jump=2,Reset=-1)}";
    assert_eq!(Observation::LAYOUT.signature(), observation);
    assert_eq!(Observation::FINGERPRINT, fnv1a32(observation.as_bytes()));
}

#[test]
fn user_types_may_be_named_like_standard_containers() {
    use shadowing::{Box, Box2, Vec};
    let value = Box {
        inner: Vec { x: 1.0 },
        list: vec![Vec { x: 2.0 }],
        maybe: Some(Box2 { flag: true }),
    };
    assert_eq!(
        Box::LAYOUT.signature(),
        "Box{inner:Vec{x:float32},list:[Vec{x:float32}],maybe:Box2{flag:bool}?}"
    );
    assert_eq!(decode::<Box>(&encode(&value)).unwrap(), value);
}

#[test]
fn fingerprints_are_compile_time_constants() {
    const VEC3: u32 = Vec3::FINGERPRINT;
    let found = fnv1a32(b"Vec3{x:float32,y:float32,z:float32}");
    let which = match found {
        VEC3 => "vec3",
        <Command as SharedLayout>::FINGERPRINT => "command",
        _ => "unknown",
    };
    assert_eq!(which, "vec3");
}

#[test]
fn checked_reads_name_both_fingerprints_on_a_mismatch() {
    let mut buf = VecBuffer::new();
    Vec3::default().write_checked(&mut buf, 0).unwrap();
    assert_eq!(&buf.as_slice()[..4], &0x9586_7E60_u32.to_le_bytes());
    let (back, end) = Vec3::read_checked(&mut buf, 0).unwrap();
    assert_eq!((back, end), (Vec3::default(), 16));
    match Command::read_checked(&mut buf, 0) {
        Err(err @ Error::SchemaMismatch { expected, found }) => {
            assert_eq!((expected, found), (Command::FINGERPRINT, 0x9586_7E60));
            assert!(err.to_string().contains("0x95867e60"), "{err}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
}

#[test]
fn corrupted_input_is_an_error_never_a_panic() {
    // Negative list count.
    assert!(matches!(
        decode::<Vec<i32>>(&[0xFF, 0xFF, 0xFF, 0xFF]),
        Err(Error::InvalidLength {
            offset: 0,
            length: -1,
            ..
        })
    ));
    // A count far past the end fails on the bytes, not on an allocation.
    assert!(matches!(
        decode::<Vec<i32>>(&[0xFF, 0xFF, 0xFF, 0x7F, 1]),
        Err(Error::OutOfBounds { .. })
    ));
    // Bytes longer than the buffer.
    assert!(matches!(
        decode::<Vec<u8>>(&[9, 0, 0, 0, 1]),
        Err(Error::OutOfBounds { .. })
    ));
    // Unknown enum value, with its offset.
    match decode::<Command>(&[7, 0, 0, 0]) {
        Err(Error::InvalidEnumValue {
            enum_name: "Command",
            value: 7,
            offset: 0,
        }) => {}
        other => panic!("expected InvalidEnumValue, got {other:?}"),
    }
    // String length past the end, and invalid UTF-8, inside a struct.
    let mut bytes = encode(&Keywords {
        r#type: 1,
        class_: true,
    });
    bytes.truncate(3);
    assert!(matches!(
        decode::<Keywords>(&bytes),
        Err(Error::OutOfBounds { .. })
    ));
    assert!(matches!(
        decode::<String>(&[5, 0, 0, 0, b'a']),
        Err(Error::InvalidLength { .. })
    ));
    assert!(matches!(
        decode::<String>(&[1, 0, 0, 0, 0xFF]),
        Err(Error::InvalidUtf8 { .. })
    ));
    // Every truncation of a valid message is an error.
    let full = encode(&sample_observation());
    for len in 0..full.len() {
        assert!(
            decode::<Observation>(&full[..len]).is_err(),
            "truncated to {len}"
        );
    }
}

fn sample_observation() -> Observation {
    Observation {
        step: 7,
        done: false,
        reward: 1.25,
        position: Vec3 {
            x: 1.0,
            y: 2.0,
            z: 3.0,
        },
        rays: vec![1.0, 2.0, 3.0],
        corners: [Vec3 {
            x: 4.0,
            y: 5.0,
            z: 6.0,
        }; 4],
        name: "robot ü".into(),
        camera: vec![1, 2, 3, 4],
        target: Some(Vec3 {
            x: -1.0,
            y: -2.0,
            z: -3.0,
        }),
        last_command: Command::Reset,
    }
}

fn vec3() -> impl Strategy<Value = Vec3> {
    (any::<f32>(), any::<f32>(), any::<f32>()).prop_map(|(x, y, z)| Vec3 { x, y, z })
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::Idle),
        Just(Command::Move),
        Just(Command::Jump),
        Just(Command::Reset)
    ]
}

prop_compose! {
    fn observation()(
        step in any::<i32>(),
        done in any::<bool>(),
        reward in any::<f32>(),
        position in vec3(),
        rays in proptest::collection::vec(any::<f32>(), 0..40),
        corners in proptest::array::uniform4(vec3()),
        name in ".{0,20}",
        camera in proptest::collection::vec(any::<u8>(), 0..64),
        target in proptest::option::of(vec3()),
        last_command in command(),
    ) -> Observation {
        Observation { step, done, reward, position, rays, corners, name, camera, target, last_command }
    }
}

/// Compares floats by bits, so NaN payloads count as preserved.
fn same_bits(a: &Observation, b: &Observation) -> bool {
    encode(a) == encode(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn observations_round_trip_through_a_vec_buffer(obs in observation()) {
        let bytes = encode(&obs);
        let back: Observation = decode(&bytes).unwrap();
        prop_assert!(same_bits(&back, &obs));
    }

    #[test]
    fn nested_containers_round_trip(matrix in proptest::collection::vec(proptest::collection::vec(any::<i32>(), 0..5), 0..5),
                                    maybe_list in proptest::option::of(proptest::collection::vec(".{0,5}", 0..4))) {
        let nested = Nested { matrix, maybe_list, grid: [[1.5, -2.0]; 3] };
        prop_assert_eq!(decode::<Nested>(&encode(&nested)).unwrap(), nested);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode::<Observation>(&bytes);
        let _ = decode::<Nested>(&bytes);
        let _ = decode::<Command>(&bytes);
    }
}

#[test]
fn observations_round_trip_through_shared_memory() {
    let dir = support::private_dir();
    let prefix = support::unique_prefix("derive");
    let sm = std::cell::RefCell::new(support::create(dir.path(), &prefix, Role::Unity, 4096));
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&observation(), |obs| {
            let mut sm = sm.borrow_mut();
            let end = obs.write_checked(&mut *sm, 8).unwrap();
            assert_eq!(end, 8 + 4 + obs.encoded_len());
            let (back, back_end) = Observation::read_checked(&mut *sm, 8).unwrap();
            prop_assert_eq!(back_end, end);
            prop_assert!(same_bits(&back, &obs));
            Ok(())
        })
        .unwrap();
    let mut sm = sm.into_inner();
    // Past the end of the memory is an error, not a truncated message.
    assert!(matches!(
        sample_observation().write(&mut sm, 4090),
        Err(Error::OutOfBounds { .. })
    ));
    assert!(sm.read_int32(4093).is_err());
    sm.delete().unwrap();
}

#[test]
fn long_runs_of_primitives_are_byte_exact_across_block_boundaries() {
    // Lists and arrays of int32 and float32 are copied in blocks of 1024
    // elements: the bytes must still be the count, then each element.
    let ints: Vec<i32> = (0..2500).map(|i| i * 7 - 3000).collect();
    let bytes = encode(&ints);
    let mut expected = 2500i32.to_le_bytes().to_vec();
    for value in &ints {
        expected.extend_from_slice(&value.to_le_bytes());
    }
    assert_eq!(bytes, expected);
    assert_eq!(decode::<Vec<i32>>(&bytes).unwrap(), ints);

    let floats: [f32; 1500] = std::array::from_fn(|i| i as f32 * 0.5);
    let bytes = encode(&floats);
    assert_eq!(bytes.len(), 6000);
    assert_eq!(&bytes[4..8], &0.5f32.to_le_bytes());
    assert_eq!(decode::<[f32; 1500]>(&bytes).unwrap(), floats);

    // A run cut short is an error, wherever the cut falls.
    for cut in [4 + 1, 4 + 4096, 4 + 4097, expected.len() - 1] {
        assert!(
            matches!(
                decode::<Vec<i32>>(&expected[..cut]),
                Err(Error::OutOfBounds { .. })
            ),
            "cut at {cut}"
        );
    }
}

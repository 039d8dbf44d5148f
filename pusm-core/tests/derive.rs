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

// ------------------------------------------------ the block path, checked
//
// The derived code copies runs of fixed-size fields as one block, and falls
// back to one call per field when the block cannot finish. Whatever the
// path, the bytes, the errors and what a failed write leaves in memory must
// be those of one primitive call per field. The references below make those
// calls, the way the derive did before it copied blocks.

/// A `SharedBuffer` of a fixed capacity over a `VecBuffer`, with the trait's
/// default `read_bytes_into` (through `read_bytes`).
struct Capped {
    inner: VecBuffer,
    capacity: usize,
}

impl Capped {
    fn new(bytes: &[u8], capacity: usize) -> Self {
        let mut inner = VecBuffer::from(bytes.to_vec());
        if inner.len() < capacity {
            inner.write_bytes(capacity - 1, &[0]).unwrap();
        }
        Capped { inner, capacity }
    }

    fn check(&self, offset: usize, len: usize) -> Result<(), Error> {
        match offset.checked_add(len) {
            Some(end) if end <= self.capacity => Ok(()),
            _ => Err(Error::OutOfBounds {
                offset,
                len,
                capacity: self.capacity,
            }),
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.inner.as_slice()[..self.capacity]
    }
}

impl SharedBuffer for Capped {
    fn read_bool(&mut self, offset: usize) -> Result<(bool, usize), Error> {
        self.check(offset, 1)?;
        self.inner.read_bool(offset)
    }
    fn read_int32(&mut self, offset: usize) -> Result<(i32, usize), Error> {
        self.check(offset, 4)?;
        self.inner.read_int32(offset)
    }
    fn read_float32(&mut self, offset: usize) -> Result<(f32, usize), Error> {
        self.check(offset, 4)?;
        self.inner.read_float32(offset)
    }
    fn read_string(&mut self, offset: usize) -> Result<(String, usize), Error> {
        let mut view = VecBuffer::from(self.bytes());
        view.read_string(offset)
    }
    fn read_bytes(&mut self, offset: usize, len: usize) -> Result<(Vec<u8>, usize), Error> {
        self.check(offset, len)?;
        self.inner.read_bytes(offset, len)
    }
    fn write_bool(&mut self, offset: usize, value: bool) -> Result<usize, Error> {
        self.check(offset, 1)?;
        self.inner.write_bool(offset, value)
    }
    fn write_int32(&mut self, offset: usize, value: i32) -> Result<usize, Error> {
        self.check(offset, 4)?;
        self.inner.write_int32(offset, value)
    }
    fn write_float32(&mut self, offset: usize, value: f32) -> Result<usize, Error> {
        self.check(offset, 4)?;
        self.inner.write_float32(offset, value)
    }
    fn write_string(&mut self, offset: usize, value: &str) -> Result<usize, Error> {
        self.check(offset, 4 + value.len())?;
        self.inner.write_string(offset, value)
    }
    fn write_bytes(&mut self, offset: usize, value: &[u8]) -> Result<usize, Error> {
        self.check(offset, value.len())?;
        self.inner.write_bytes(offset, value)
    }
}

fn write_vec3_by_fields<B: SharedBuffer>(buf: &mut B, at: usize, v: &Vec3) -> Result<usize, Error> {
    let at = buf.write_float32(at, v.x)?;
    let at = buf.write_float32(at, v.y)?;
    buf.write_float32(at, v.z)
}

fn read_vec3_by_fields<B: SharedBuffer>(buf: &mut B, at: usize) -> Result<(Vec3, usize), Error> {
    let (x, at) = buf.read_float32(at)?;
    let (y, at) = buf.read_float32(at)?;
    let (z, at) = buf.read_float32(at)?;
    Ok((Vec3 { x, y, z }, at))
}

/// Lists of floats go in chunks of 1024 elements, one `write_bytes` each.
fn write_floats_by_chunks<B: SharedBuffer>(
    buf: &mut B,
    mut at: usize,
    values: &[f32],
) -> Result<usize, Error> {
    for chunk in values.chunks(1024) {
        let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
        at = buf.write_bytes(at, &bytes)?;
    }
    Ok(at)
}

fn write_observation_by_fields<B: SharedBuffer>(
    buf: &mut B,
    at: usize,
    o: &Observation,
) -> Result<usize, Error> {
    let mut at = buf.write_int32(at, o.step)?;
    at = buf.write_bool(at, o.done)?;
    at = buf.write_float32(at, o.reward)?;
    at = write_vec3_by_fields(buf, at, &o.position)?;
    at = buf.write_int32(at, o.rays.len() as i32)?;
    at = write_floats_by_chunks(buf, at, &o.rays)?;
    for corner in &o.corners {
        at = write_vec3_by_fields(buf, at, corner)?;
    }
    at = buf.write_string(at, &o.name)?;
    at = buf.write_int32(at, o.camera.len() as i32)?;
    at = buf.write_bytes(at, &o.camera)?;
    at = buf.write_bool(at, o.target.is_some())?;
    if let Some(target) = &o.target {
        at = write_vec3_by_fields(buf, at, target)?;
    }
    buf.write_int32(at, o.last_command as i32)
}

fn read_observation_by_fields<B: SharedBuffer>(
    buf: &mut B,
    at: usize,
) -> Result<(Observation, usize), Error> {
    let (step, at) = buf.read_int32(at)?;
    let (done, at) = buf.read_bool(at)?;
    let (reward, at) = buf.read_float32(at)?;
    let (position, at) = read_vec3_by_fields(buf, at)?;
    let (count, mut at) = buf.read_int32(at)?;
    if count < 0 {
        return Err(Error::InvalidLength {
            offset: at - 4,
            length: i64::from(count),
            reason: "a length or count cannot be negative",
        });
    }
    let mut rays = Vec::new();
    let mut left = count as usize;
    while left > 0 {
        let n = left.min(1024);
        let (bytes, next) = buf.read_bytes(at, n * 4)?;
        rays.extend(
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        at = next;
        left -= n;
    }
    let mut corners = [Vec3::default(); 4];
    for corner in &mut corners {
        (*corner, at) = read_vec3_by_fields(buf, at)?;
    }
    let (name, at) = buf.read_string(at)?;
    let (camera, at) = Vec::<u8>::read(buf, at)?;
    let (present, at) = buf.read_bool(at)?;
    let (target, at) = if present {
        let (target, at) = read_vec3_by_fields(buf, at)?;
        (Some(target), at)
    } else {
        (None, at)
    };
    let (last_command, at) = Command::read(buf, at)?;
    let observation = Observation {
        step,
        done,
        reward,
        position,
        rays,
        corners,
        name,
        camera,
        target,
        last_command,
    };
    Ok((observation, at))
}

/// Runs with enums (read at their own offset), arrays of enums and of arrays
/// (unrolled in the block), and a long array.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Mixed {
    flag: bool,
    command: Command,
    count: i32,
    commands: [Command; 3],
    grid: [[f32; 2]; 3],
    name: String,
    big: [i32; 100],
    last: Command,
}

/// A field with a string inside a user type: that run has no fixed size.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Named {
    id: i32,
    name: String,
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct WithOpaque {
    before: i32,
    named: Named,
    after: [Command; 2],
}

/// A hand-written type whose layout says int32 while it writes two: the
/// derived run around it must not trust the block.
#[derive(Debug, Clone, PartialEq)]
struct Liar(i32, i32);

impl SharedLayout for Liar {
    const LAYOUT: &'static pusm_core::layout::Layout<'static> = &pusm_core::layout::Layout::Int32;
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize, Error> {
        let at = buf.write_int32(offset, self.0)?;
        buf.write_int32(at, self.1)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize), Error> {
        let (a, at) = buf.read_int32(offset)?;
        let (b, at) = buf.read_int32(at)?;
        Ok((Liar(a, b), at))
    }
    fn encoded_len(&self) -> usize {
        8
    }
}

#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct AroundALiar {
    first: i32,
    liar: Liar,
    last: bool,
}

fn mixed() -> Mixed {
    Mixed {
        flag: true,
        command: Command::Jump,
        count: -7,
        commands: [Command::Reset, Command::Idle, Command::Move],
        grid: [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
        name: "mixed".into(),
        big: std::array::from_fn(|i| i as i32 * 3 - 50),
        last: Command::Move,
    }
}

fn mixed_by_fields<B: SharedBuffer>(buf: &mut B, at: usize, m: &Mixed) -> Result<usize, Error> {
    let mut at = buf.write_bool(at, m.flag)?;
    at = buf.write_int32(at, m.command as i32)?;
    at = buf.write_int32(at, m.count)?;
    for command in m.commands {
        at = buf.write_int32(at, command as i32)?;
    }
    for row in m.grid {
        let bytes: Vec<u8> = row.iter().flat_map(|v| v.to_le_bytes()).collect();
        at = buf.write_bytes(at, &bytes)?;
    }
    at = buf.write_string(at, &m.name)?;
    let bytes: Vec<u8> = m.big.iter().flat_map(|v| v.to_le_bytes()).collect();
    at = buf.write_bytes(at, &bytes)?;
    buf.write_int32(at, m.last as i32)
}

fn read_mixed_by_fields<B: SharedBuffer>(buf: &mut B, at: usize) -> Result<(Mixed, usize), Error> {
    let (flag, at) = buf.read_bool(at)?;
    let (command, mut at) = Command::read(buf, at)?;
    let count;
    (count, at) = buf.read_int32(at)?;
    let mut commands = [Command::Idle; 3];
    for slot in &mut commands {
        (*slot, at) = Command::read(buf, at)?;
    }
    let mut grid = [[0.0; 2]; 3];
    for row in &mut grid {
        let (bytes, next) = buf.read_bytes(at, 8)?;
        *row = [
            f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            f32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
        ];
        at = next;
    }
    let (name, at) = buf.read_string(at)?;
    let (bytes, at) = buf.read_bytes(at, 400)?;
    let big = std::array::from_fn(|i| {
        i32::from_le_bytes([
            bytes[4 * i],
            bytes[4 * i + 1],
            bytes[4 * i + 2],
            bytes[4 * i + 3],
        ])
    });
    let (last, at) = Command::read(buf, at)?;
    Ok((
        Mixed {
            flag,
            command,
            count,
            commands,
            grid,
            name,
            big,
            last,
        },
        at,
    ))
}

/// Every truncation of `bytes`, and every enum byte set to an unknown value:
/// `derived` and `by_fields` read the same value or fail with the same error.
fn reads_agree<T: std::fmt::Debug>(
    bytes: &[u8],
    offset: usize,
    derived: impl Fn(&mut dyn SharedBuffer) -> Result<(T, usize), Error>,
    by_fields: impl Fn(&mut Capped) -> Result<(T, usize), Error>,
) {
    let mut cases: Vec<(Vec<u8>, usize)> =
        (0..=bytes.len()).map(|cap| (bytes.to_vec(), cap)).collect();
    for at in offset..bytes.len() {
        let mut corrupted = bytes.to_vec();
        corrupted[at] = 0x55;
        cases.push((corrupted, bytes.len()));
    }
    for (bytes, capacity) in cases {
        let mine = derived(&mut Capped::new(&bytes[..capacity], capacity));
        let reference = by_fields(&mut Capped::new(&bytes[..capacity], capacity));
        assert_eq!(
            format!("{mine:?}"),
            format!("{reference:?}"),
            "capacity {capacity}"
        );
        let on_vec = derived(&mut VecBuffer::from(&bytes[..capacity]));
        assert_eq!(format!("{on_vec:?}"), format!("{mine:?}"), "on a VecBuffer");
    }
}

/// Every capacity from 0 to the message's end: `derived` and `by_fields`
/// fail with the same error and leave the same bytes behind.
fn writes_agree(
    end: usize,
    derived: impl Fn(&mut dyn SharedBuffer) -> Result<usize, Error>,
    by_fields: impl Fn(&mut Capped) -> Result<usize, Error>,
) {
    for capacity in 0..=end + 1 {
        let mut mine = Capped::new(&[], capacity);
        let mut reference = Capped::new(&[], capacity);
        let result = derived(&mut mine);
        assert_eq!(
            format!("{result:?}"),
            format!("{:?}", by_fields(&mut reference)),
            "capacity {capacity}"
        );
        assert_eq!(
            mine.bytes(),
            reference.bytes(),
            "what is left at capacity {capacity}"
        );
    }
}

#[test]
fn block_copies_keep_the_bytes_and_the_errors_of_one_call_per_field() {
    let mut observation = sample_observation();
    observation.rays = (0..70).map(|i| i as f32).collect(); // past the 64 of a short run
    for offset in [0, 3] {
        let mut buf = VecBuffer::new();
        let end = observation.write(&mut buf, offset).unwrap();
        let mut reference = VecBuffer::new();
        assert_eq!(
            write_observation_by_fields(&mut reference, offset, &observation).unwrap(),
            end
        );
        assert_eq!(buf, reference, "the same bytes");
        writes_agree(
            end,
            |buf| observation.write(buf, offset),
            |buf| write_observation_by_fields(buf, offset, &observation),
        );
        reads_agree(
            buf.as_slice(),
            offset,
            |buf| Observation::read(buf, offset),
            |buf| read_observation_by_fields(buf, offset),
        );

        let value = mixed();
        let mut buf = VecBuffer::new();
        let end = value.write(&mut buf, offset).unwrap();
        let mut reference = VecBuffer::new();
        assert_eq!(
            mixed_by_fields(&mut reference, offset, &value).unwrap(),
            end
        );
        assert_eq!(buf, reference, "the same bytes");
        assert_eq!(Mixed::read(&mut buf, offset).unwrap(), (value.clone(), end));
        writes_agree(
            end,
            |buf| value.write(buf, offset),
            |buf| mixed_by_fields(buf, offset, &value),
        );
        reads_agree(
            buf.as_slice(),
            offset,
            |buf| Mixed::read(buf, offset),
            |buf| read_mixed_by_fields(buf, offset),
        );
    }
}

#[test]
fn runs_that_are_not_fixed_size_go_field_by_field() {
    let opaque = WithOpaque {
        before: 1,
        named: Named {
            id: 2,
            name: "n".into(),
        },
        after: [Command::Jump, Command::Reset],
    };
    let bytes = encode(&opaque);
    assert_eq!(bytes.len(), 4 + 4 + 5 + 8);
    assert_eq!(decode::<WithOpaque>(&bytes).unwrap(), opaque);
    let mut cut = bytes.clone();
    cut[13] = 9;
    assert!(matches!(
        decode::<WithOpaque>(&cut),
        Err(Error::InvalidEnumValue {
            value: 9,
            offset: 13,
            ..
        })
    ));

    // The liar's layout says 4 bytes; it writes 8. The block is refused and
    // the fields go one by one.
    let around = AroundALiar {
        first: 1,
        liar: Liar(2, 3),
        last: true,
    };
    let bytes = encode(&around);
    assert_eq!(bytes, [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1]);
    assert_eq!(decode::<AroundALiar>(&bytes).unwrap(), around);
    let mut buf = Capped::new(&[], 12);
    assert!(matches!(
        around.write(&mut buf, 0),
        Err(Error::OutOfBounds {
            offset: 12,
            len: 1,
            capacity: 12
        })
    ));
    assert_eq!(buf.bytes(), &bytes[..12]);
}

#[test]
fn a_block_passes_on_the_errors_of_waiting_for_control() {
    let dir = support::private_dir();
    let prefix = support::unique_prefix("derive-closed");
    let mut unity = support::create(dir.path(), &prefix, Role::Unity, 4096);
    unity.give_control(false).unwrap();
    let python = support::join(dir.path(), &prefix, Role::Python);
    python.close().unwrap();
    // The first run of the message is a block: its write_bytes waits for
    // control and fails as the first primitive call would.
    assert!(matches!(
        sample_observation().write(&mut unity, 0),
        Err(Error::PeerClosed { .. })
    ));
    assert!(matches!(
        Observation::read(&mut unity, 0),
        Err(Error::PeerClosed { .. })
    ));
}

/// A run larger than a block on the stack may be (`MAX_BLOCK`, 1 KiB).
#[derive(SharedLayout, Debug, Clone, PartialEq)]
struct Wide {
    id: i32,
    samples: [f32; 300],
    flag: bool,
}

#[test]
fn runs_larger_than_a_block_go_field_by_field_with_the_same_bytes() {
    let mut samples = [0f32; 300];
    for (i, sample) in samples.iter_mut().enumerate() {
        *sample = i as f32 * 0.5;
    }
    let wide = Wide {
        id: -7,
        samples,
        flag: true,
    };
    let bytes = encode(&wide);
    let mut expected = (-7i32).to_le_bytes().to_vec();
    for sample in &samples {
        expected.extend_from_slice(&sample.to_le_bytes());
    }
    expected.push(1);
    assert_eq!(bytes, expected);
    assert_eq!(decode::<Wide>(&bytes).unwrap(), wide);
    // Cut anywhere: the error of the field that does not fit, never a panic.
    for len in [0, 3, 4, 5, 1203, 1204] {
        assert!(
            matches!(
                decode::<Wide>(&bytes[..len]),
                Err(Error::OutOfBounds { .. })
            ),
            "cut at {len}"
        );
    }
}

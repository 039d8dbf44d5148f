//! Measurement 4 of pusm's benchmarks: the derived `write` + `read` of the
//! `Observation` of `schemas/robot.pusm` (64 rays), against
//!
//! - the same fields written and read by hand with primitive calls, over the
//!   same `SharedMemory` / `VecBuffer` (pusm must be at most 1.1x slower), and
//! - bincode 1 with serde derive on a mirror struct, serializing into a `Vec`
//!   then copying it into the memory with `write_bytes` (and `read_bytes`, then
//!   deserializing, to read back); pusm must be faster.
//!
//! ```sh
//! cargo bench -p pusm-examples --bench serializers
//! cargo run --release -p pusm-bench   # reads the saved results into its table
//! ```
//!
//! Groups `observation_shared_memory` and `observation_vec_buffer`, each with
//! `derived`, `hand_written` and `bincode_copy`. One iteration is one write
//! and one read of the message at offset 0.

use std::hint::black_box;

use criterion::{criterion_main, Criterion};
use pusm_core::{Error, Result, Role, SharedBuffer, SharedLayout, SharedMemory, VecBuffer};
use pusm_examples::schemas::common::{Team, Vec3};
use pusm_examples::schemas::robot::{Command, Observation};
use serde::{Deserialize, Serialize};

/// The benchmark's message: 64 rays, a 64-byte camera frame, a target.
fn observation() -> Observation {
    let v = |x: f32, y: f32, z: f32| Vec3 { x, y, z };
    Observation {
        step: 123_456,
        done: true,
        reward: -0.5,
        position: v(1.0, 2.0, 3.0),
        rays: (0..64).map(|i| i as f32 * 0.25).collect(),
        corners: [
            v(0.0, 0.0, 0.5),
            v(1.0, -1.0, 0.5),
            v(2.0, -2.0, 0.5),
            v(3.0, -3.0, 0.5),
        ],
        name: "robot-7".to_owned(),
        camera: (0..64).collect(),
        target: Some(v(4.0, 5.0, 6.0)),
        last_command: Command::Jump,
        team: Team::Blue,
    }
}

// ---------------------------------------------------------------- by hand

fn length(len: usize, offset: usize) -> Result<i32> {
    i32::try_from(len).map_err(|_| Error::InvalidLength {
        offset,
        length: i64::try_from(len).unwrap_or(i64::MAX),
        reason: "too long for an int32 length",
    })
}

fn count(raw: i32, offset: usize) -> Result<usize> {
    usize::try_from(raw).map_err(|_| Error::InvalidLength {
        offset,
        length: i64::from(raw),
        reason: "negative length",
    })
}

fn write_vec3<B: SharedBuffer>(buf: &mut B, at: usize, v: &Vec3) -> Result<usize> {
    let at = buf.write_float32(at, v.x)?;
    let at = buf.write_float32(at, v.y)?;
    buf.write_float32(at, v.z)
}

fn read_vec3<B: SharedBuffer>(buf: &mut B, at: usize) -> Result<(Vec3, usize)> {
    let (x, at) = buf.read_float32(at)?;
    let (y, at) = buf.read_float32(at)?;
    let (z, at) = buf.read_float32(at)?;
    Ok((Vec3 { x, y, z }, at))
}

/// `Observation` written field by field, the way it is done without a schema.
fn write_by_hand<B: SharedBuffer>(buf: &mut B, o: &Observation, offset: usize) -> Result<usize> {
    let mut at = buf.write_int32(offset, o.step)?;
    at = buf.write_bool(at, o.done)?;
    at = buf.write_float32(at, o.reward)?;
    at = write_vec3(buf, at, &o.position)?;
    at = buf.write_int32(at, length(o.rays.len(), at)?)?;
    for ray in &o.rays {
        at = buf.write_float32(at, *ray)?;
    }
    for corner in &o.corners {
        at = write_vec3(buf, at, corner)?;
    }
    at = buf.write_string(at, &o.name)?;
    at = buf.write_int32(at, length(o.camera.len(), at)?)?;
    at = buf.write_bytes(at, &o.camera)?;
    match &o.target {
        None => at = buf.write_bool(at, false)?,
        Some(target) => {
            at = buf.write_bool(at, true)?;
            at = write_vec3(buf, at, target)?;
        }
    }
    at = buf.write_int32(at, o.last_command as i32)?;
    buf.write_int32(at, o.team as i32)
}

/// `Observation` read field by field, the way it is done without a schema.
fn read_by_hand<B: SharedBuffer>(buf: &mut B, offset: usize) -> Result<(Observation, usize)> {
    let (step, at) = buf.read_int32(offset)?;
    let (done, at) = buf.read_bool(at)?;
    let (reward, at) = buf.read_float32(at)?;
    let (position, at) = read_vec3(buf, at)?;
    let (raw, mut at) = buf.read_int32(at)?;
    let n = count(raw, at)?;
    let mut rays = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        let (ray, next) = buf.read_float32(at)?;
        rays.push(ray);
        at = next;
    }
    let (c0, at) = read_vec3(buf, at)?;
    let (c1, at) = read_vec3(buf, at)?;
    let (c2, at) = read_vec3(buf, at)?;
    let (c3, at) = read_vec3(buf, at)?;
    let (name, at) = buf.read_string(at)?;
    let (raw, at) = buf.read_int32(at)?;
    let (camera, at) = buf.read_bytes(at, count(raw, at)?)?;
    let (present, at) = buf.read_bool(at)?;
    let (target, at) = if present {
        let (target, at) = read_vec3(buf, at)?;
        (Some(target), at)
    } else {
        (None, at)
    };
    let (raw, command_at) = buf.read_int32(at)?;
    let last_command = match raw {
        0 => Command::Idle,
        1 => Command::Move,
        2 => Command::Jump,
        -1 => Command::Reset,
        value => {
            return Err(Error::InvalidEnumValue {
                enum_name: "Command",
                value,
                offset: at,
            })
        }
    };
    let (raw, end) = buf.read_int32(command_at)?;
    let team = match raw {
        0 => Team::Neutral,
        1 => Team::Red,
        2 => Team::Blue,
        value => {
            return Err(Error::InvalidEnumValue {
                enum_name: "Team",
                value,
                offset: command_at,
            })
        }
    };
    let message = Observation {
        step,
        done,
        reward,
        position,
        rays,
        corners: [c0, c1, c2, c3],
        name,
        camera,
        target,
        last_command,
        team,
    };
    Ok((message, end))
}

// ---------------------------------------------------------------- bincode

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct MirrorVec3 {
    x: f32,
    y: f32,
    z: f32,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
enum MirrorCommand {
    Idle,
    Move,
    Jump,
    Reset,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
enum MirrorTeam {
    Neutral,
    Red,
    Blue,
}

/// `Observation` as a serde user would mirror it for bincode.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct MirrorObservation {
    step: i32,
    done: bool,
    reward: f32,
    position: MirrorVec3,
    rays: Vec<f32>,
    corners: [MirrorVec3; 4],
    name: String,
    camera: Vec<u8>,
    target: Option<MirrorVec3>,
    last_command: MirrorCommand,
    team: MirrorTeam,
}

fn mirror(o: &Observation) -> MirrorObservation {
    let v = |v: &Vec3| MirrorVec3 {
        x: v.x,
        y: v.y,
        z: v.z,
    };
    MirrorObservation {
        step: o.step,
        done: o.done,
        reward: o.reward,
        position: v(&o.position),
        rays: o.rays.clone(),
        corners: [
            v(&o.corners[0]),
            v(&o.corners[1]),
            v(&o.corners[2]),
            v(&o.corners[3]),
        ],
        name: o.name.clone(),
        camera: o.camera.clone(),
        target: o.target.as_ref().map(v),
        last_command: match o.last_command {
            Command::Idle => MirrorCommand::Idle,
            Command::Move => MirrorCommand::Move,
            Command::Jump => MirrorCommand::Jump,
            Command::Reset => MirrorCommand::Reset,
        },
        team: match o.team {
            Team::Neutral => MirrorTeam::Neutral,
            Team::Red => MirrorTeam::Red,
            Team::Blue => MirrorTeam::Blue,
        },
    }
}

/// bincode into `staging`, then a length prefix and `write_bytes`.
fn write_bincode<B: SharedBuffer>(
    buf: &mut B,
    m: &MirrorObservation,
    staging: &mut Vec<u8>,
) -> Result<usize> {
    staging.clear();
    bincode::serialize_into(&mut *staging, m).map_err(|_| Error::InvalidLength {
        offset: 0,
        length: 0,
        reason: "bincode failed to serialize",
    })?;
    let at = buf.write_int32(0, length(staging.len(), 0)?)?;
    buf.write_bytes(at, staging)
}

/// `read_bytes` of the length-prefixed bytes, then bincode.
fn read_bincode<B: SharedBuffer>(buf: &mut B) -> Result<MirrorObservation> {
    let (raw, at) = buf.read_int32(0)?;
    let (bytes, _) = buf.read_bytes(at, count(raw, 0)?)?;
    bincode::deserialize(&bytes).map_err(|_| Error::InvalidLength {
        offset: at,
        length: i64::from(raw),
        reason: "bincode failed to deserialize",
    })
}

// ---------------------------------------------------------------- benches

/// Checks once that the three codecs agree, then times each on `buf`.
fn bench_on<B: SharedBuffer>(c: &mut Criterion, group: &str, buf: &mut B) {
    let message = observation();
    let mirrored = mirror(&message);
    let mut staging = Vec::with_capacity(1024);

    let end = message
        .write(buf, 0)
        .unwrap_or_else(|err| panic!("derived write failed: {err}"));
    let (derived_bytes, _) = buf
        .read_bytes(0, end)
        .unwrap_or_else(|err| panic!("read_bytes failed: {err}"));
    assert_eq!(end, message.encoded_len());
    let by_hand = write_by_hand(buf, &message, 0).unwrap_or_else(|err| panic!("{err}"));
    let (hand_bytes, _) = buf
        .read_bytes(0, by_hand)
        .unwrap_or_else(|err| panic!("read_bytes failed: {err}"));
    assert_eq!(hand_bytes, derived_bytes, "hand-written bytes differ");
    let read = read_by_hand(buf, 0).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(read, (message.clone(), end), "hand-written read differs");
    write_bincode(buf, &mirrored, &mut staging).unwrap_or_else(|err| panic!("{err}"));
    let back = read_bincode(buf).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(back, mirrored, "bincode round trip differs");

    let mut group = c.benchmark_group(group);
    group.bench_function("derived", |b| {
        b.iter(|| {
            let end = black_box(&message)
                .write(buf, 0)
                .unwrap_or_else(|err| panic!("{err}"));
            black_box(end);
            black_box(Observation::read(buf, 0).unwrap_or_else(|err| panic!("{err}")))
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| {
            let end =
                write_by_hand(buf, black_box(&message), 0).unwrap_or_else(|err| panic!("{err}"));
            black_box(end);
            black_box(read_by_hand(buf, 0).unwrap_or_else(|err| panic!("{err}")))
        })
    });
    group.bench_function("bincode_copy", |b| {
        b.iter(|| {
            let end = write_bincode(buf, black_box(&mirrored), &mut staging)
                .unwrap_or_else(|err| panic!("{err}"));
            black_box(end);
            black_box(read_bincode(buf).unwrap_or_else(|err| panic!("{err}")))
        })
    });
    group.finish();
}

fn serializers(c: &mut Criterion) {
    let dir = tempfile::Builder::new()
        .prefix("pusm-bench-serializers-")
        .tempdir()
        .unwrap_or_else(|err| panic!("cannot create a temp directory: {err}"));
    let mut sm = SharedMemory::builder("serializers")
        .directory(dir.path())
        .role(Role::Unity)
        .capacity(4096)
        .create_new(true)
        .open()
        .unwrap_or_else(|err| panic!("cannot create the shared memory: {err}"));
    bench_on(c, "observation_shared_memory", &mut sm);
    sm.delete()
        .unwrap_or_else(|err| panic!("cannot delete the shared memory: {err}"));

    let mut vec = VecBuffer::with_capacity(4096);
    bench_on(c, "observation_vec_buffer", &mut vec);
}

/// criterion's entry points (the macro generates an undocumented `pub fn`).
mod entry {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::serializers);
}
criterion_main!(entry::benches);

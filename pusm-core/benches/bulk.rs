//! The copies of measurement 6 under criterion: `write_bytes` and
//! `read_bytes` of 64 MiB on a `SharedMemory`, against a plain memcpy
//! (`copy_from_slice` between two `Vec<u8>` of the same size).
//!
//! ```sh
//! cargo bench -p pusm-core --bench bulk
//! ```
//!
//! For profiling one copy at a time. The table's rows come from
//! `pusm-bench` (`pusm-bench/src/bulk.rs`), which interleaves the same
//! copies round by round: criterion measures one function after the other,
//! and on a shared machine the memory bandwidth can drift by a third between
//! two of them.
//!
//! The shared memory lives in a private temp directory (the system temp dir,
//! as for any pusm user), created and removed by the bench. `read_bytes`
//! returns a new `Vec` on every call, as the API does; `read_bytes_into`
//! copies into a buffer the caller keeps, like the memcpy baseline. A second
//! baseline, `fresh_vec_memcpy`, copies into a new `Vec` on every call as
//! `read_bytes` must: the cost of fresh memory (the kernel faults in and
//! zeroes every page of it) without pusm.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_main, Criterion, SamplingMode, Throughput};
use pusm_core::{Role, SharedBuffer, SharedMemory};

/// The size of one copy.
const SIZE: usize = 64 << 20;

fn bulk(c: &mut Criterion) {
    let dir = tempfile::Builder::new()
        .prefix("pusm-bench-bulk-")
        .tempdir()
        .unwrap_or_else(|err| panic!("cannot create a temp directory: {err}"));
    let mut sm = SharedMemory::builder("bulk")
        .directory(dir.path())
        .role(Role::Unity)
        .capacity(SIZE)
        .create_new(true)
        .open()
        .unwrap_or_else(|err| panic!("cannot create the shared memory: {err}"));
    let src: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let mut dst = vec![0u8; SIZE];

    // Both paths copy the same bytes.
    sm.write_bytes(0, &src)
        .unwrap_or_else(|err| panic!("write_bytes failed: {err}"));
    let (back, _) = sm
        .read_bytes(0, SIZE)
        .unwrap_or_else(|err| panic!("read_bytes failed: {err}"));
    assert!(
        back == src,
        "read_bytes did not return what write_bytes wrote"
    );
    drop(back);

    let mut group = c.benchmark_group("bulk_64mib");
    group
        .throughput(Throughput::Bytes(SIZE as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&mut dst);
        })
    });
    group.bench_function("fresh_vec_memcpy", |b| {
        b.iter(|| {
            let mut fresh = Vec::with_capacity(SIZE);
            fresh.extend_from_slice(black_box(&src));
            fresh
        })
    });
    group.bench_function("write_bytes", |b| {
        b.iter(|| {
            sm.write_bytes(0, black_box(&src))
                .unwrap_or_else(|err| panic!("write_bytes failed: {err}"))
        })
    });
    group.bench_function("read_bytes", |b| {
        b.iter(|| {
            sm.read_bytes(0, SIZE)
                .unwrap_or_else(|err| panic!("read_bytes failed: {err}"))
        })
    });
    group.bench_function("read_bytes_into", |b| {
        b.iter(|| {
            sm.read_bytes_into(0, black_box(&mut dst))
                .unwrap_or_else(|err| panic!("read_bytes_into failed: {err}"))
        })
    });
    group.finish();
    sm.delete()
        .unwrap_or_else(|err| panic!("cannot delete the shared memory: {err}"));
}

/// criterion's entry points (the macro generates an undocumented `pub fn`).
mod entry {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::bulk);
}
criterion_main!(entry::benches);

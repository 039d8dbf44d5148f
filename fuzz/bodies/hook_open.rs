//! Fuzz body `hook_open`: arbitrary hook and data files (contents, sizes,
//! kinds) written to a private directory, then joined with a short timeout,
//! then a script of operations that mixes primitive calls with a simulated
//! peer tampering with the hook and creating data files. Every step is an
//! error or a success: never a panic, a crash or a SIGBUS.
//!
//! What the simulated peer never does is shrink a mapped file: that raises
//! SIGBUS in every runtime, by the nature of memory-mapped files, and is
//! documented as such (`docs/RELIABILITY.md`).
//!
//! Shared by `fuzz/fuzz_targets/hook_open.rs` (cargo-fuzz) and
//! `pusm-core/tests/fuzz_harness.rs` (CI). Depends on pusm-core and
//! tempfile.

#![allow(dead_code)]

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use pusm_core::{Role, SharedBuffer, SharedMemory};

/// The prefix every input uses.
pub const PREFIX: &str = "fuzz";
/// How long any wait of the joined side may last.
pub const TIMEOUT: Duration = Duration::from_millis(5);
/// The largest data file an input may ask for.
const MAX_DATA_LEN: u64 = 1 << 20;
/// How many operations of the script run at most.
const MAX_OPS: usize = 48;

/// Reads an input front to back; past its end every read gives zeros.
struct Input<'a> {
    bytes: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&first, rest)) => {
                self.bytes = rest;
                first
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn i32(&mut self) -> i32 {
        i32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    fn take(&mut self, len: usize) -> Vec<u8> {
        let len = len.min(self.bytes.len());
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        head.to_vec()
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// What to put at a file's name.
fn place(dir: &Path, name: &str, kind: u8, contents: &[u8], len: u64) {
    let path = dir.join(name);
    match kind % 8 {
        // A symbolic link to a regular file with the contents.
        5 => {
            let target = dir.join(format!("target-of-{name}"));
            write_file(&target, contents, len);
            let _ = std::os::unix::fs::symlink(&target, &path);
        }
        // A directory.
        6 => {
            let _ = fs::create_dir(&path);
        }
        // A named pipe.
        7 => {
            if let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) {
                // SAFETY: `c_path` is a valid NUL-terminated path that outlives the call.
                unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
            }
        }
        // Nothing at all.
        4 => {}
        // A regular file (most often).
        _ => write_file(&path, contents, len),
    }
}

/// Creates (or grows, never shrinks) a regular file: `contents` repeated up
/// to `len` bytes.
fn write_file(path: &Path, contents: &[u8], len: u64) {
    let Ok(file) = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
    else {
        return;
    };
    let current = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    if len > current {
        let _ = file.set_len(len);
    }
    if !contents.is_empty() {
        let mut at = 0u64;
        while at < len.min(4096) {
            let _ = file.write_all_at(contents, at);
            at += contents.len() as u64;
        }
    }
}

/// The length of a data file an input asks for: explicit, or the hook's
/// capacity give or take a little.
fn data_len(mode: u16, hook: &[u8]) -> u64 {
    if mode < 0xF000 {
        return u64::from(mode);
    }
    let capacity = hook
        .get(8..12)
        .map(|raw| i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
        .unwrap_or(0);
    let delta = i64::from(mode & 0xF) - 8;
    (i64::from(capacity) + delta).clamp(0, MAX_DATA_LEN as i64) as u64
}

/// The body.
pub fn run(data: &[u8]) {
    let Ok(dir) = tempfile::Builder::new().prefix("pusm-fuzz-").tempdir() else {
        return;
    };
    run_in(dir.path(), data);
    // Whatever happened, the files can be listed and removed.
    let _ = pusm_core::delete_files_in(dir.path(), PREFIX);
}

fn run_in(dir: &Path, data: &[u8]) {
    let mut input = Input { bytes: data };
    let flags = input.u8();
    let hook_len = match input.u8() {
        255 => 15,
        n => usize::from(n % 40),
    };
    let mut hook = input.take(hook_len);
    hook.resize(hook_len, 0);
    place(dir, PREFIX, flags, &hook, hook.len() as u64);
    let number = hook
        .get(4..8)
        .map(|raw| i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
        .unwrap_or(1)
        .clamp(1, 8) as usize;
    let len = data_len(input.u16(), &hook);
    let pattern_len = usize::from(input.u8() % 64);
    let pattern = input.take(pattern_len);
    let data_name = format!("{PREFIX}{}", "_".repeat(number));
    place(dir, &data_name, flags >> 3, &pattern, len);
    if flags & 0x40 != 0 {
        // A leftover from an earlier resize.
        place(
            dir,
            &format!("{PREFIX}{}", "_".repeat(number + 1)),
            0,
            &[7],
            16,
        );
    }
    let role = if flags & 0x80 != 0 {
        Role::Unity
    } else {
        Role::Python
    };

    // Inspection never needs the files to be sane.
    let _ = pusm_core::inspect_hook(dir, PREFIX);
    let _ = pusm_core::probe_liveness(dir, PREFIX);

    let joined = SharedMemory::builder(PREFIX)
        .directory(dir)
        .role(role)
        .timeout(Some(TIMEOUT))
        .open();
    let mut sm = match joined {
        Ok(sm) => sm,
        Err(err) => {
            assert!(!err.to_string().is_empty());
            if input.u8() & 1 == 1 {
                let _ = pusm_core::remove_stale(dir, PREFIX);
            }
            return;
        }
    };
    assert!(sm.capacity() >= 1);
    let mut failures = 0;
    for _ in 0..MAX_OPS {
        if input.is_empty() || failures > 3 {
            break;
        }
        let outcome = step(dir, &mut sm, &mut input);
        if outcome.is_err() {
            failures += 1;
        }
    }
    match input.u8() % 3 {
        0 => drop(sm),
        1 => {
            let _ = sm.close();
        }
        _ => {
            let _ = sm.delete();
        }
    }
}

/// One operation of the script.
fn step(dir: &Path, sm: &mut SharedMemory, input: &mut Input<'_>) -> pusm_core::Result<()> {
    let offset = usize::from(input.u16());
    match input.u8() % 14 {
        0 => sm.read_int32(offset).map(drop),
        1 => sm.read_string(offset).map(drop),
        2 => {
            let len = usize::from(input.u8());
            sm.read_bytes(offset, len).map(drop)
        }
        3 => sm.read_bool(offset).map(drop),
        4 => {
            let len = usize::from(input.u8() % 32);
            let bytes = input.take(len);
            sm.write_bytes(offset, &bytes).map(drop)
        }
        5 => sm.write_string(offset, "fuzz").map(drop),
        6 => {
            let grow = usize::from(input.u16());
            sm.resize(sm.capacity().saturating_add(grow)).map(drop)
        }
        7 => sm.give_control(false),
        8 => sm.wait_unblocked(),
        // The peer writes a byte of the hook (flags, closed, a number's byte).
        9 => {
            let at = u64::from(input.u8() % 15);
            let value = input.u8();
            tamper(dir, at, &[value]);
            Ok(())
        }
        // The peer writes an int32 of the hook: version, file number, capacity.
        10 => {
            let at = u64::from(input.u8() % 3) * 4;
            let value = input.i32();
            tamper(dir, at, &value.to_le_bytes());
            Ok(())
        }
        // The peer creates (or grows) data file N, as a resize would.
        11 => {
            let number = usize::from(input.u8() % 12) + 1;
            let len = u64::from(input.u16());
            let name = format!("{PREFIX}{}", "_".repeat(number));
            write_file(&dir.join(name), &[0x5A], len);
            Ok(())
        }
        // The peer hands control back (its flag down, ours up).
        12 => {
            let ours = sm.role().flag_offset() as u64;
            let theirs = sm.role().peer().flag_offset() as u64;
            tamper(dir, theirs, &[0]);
            tamper(dir, ours, &[1]);
            Ok(())
        }
        // The peer removes a file.
        _ => {
            let number = usize::from(input.u8() % 4);
            let _ = fs::remove_file(dir.join(format!("{PREFIX}{}", "_".repeat(number))));
            Ok(())
        }
    }
}

/// Writes `bytes` into the hook file at `at`, through a file of our own (as
/// another process would); never changes its length below 15 bytes.
fn tamper(dir: &Path, at: u64, bytes: &[u8]) {
    if let Ok(file) = File::options().write(true).open(dir.join(PREFIX)) {
        let _ = file.write_all_at(bytes, at);
    }
}

/// A valid hook of a conversation whose creator holds control (`python` says
/// which role), file number 1, capacity `capacity`.
pub fn valid_hook(capacity: i32, python_active: bool) -> [u8; 15] {
    let mut hook = [0u8; 15];
    hook[0..4].copy_from_slice(&1i32.to_le_bytes());
    hook[4..8].copy_from_slice(&1i32.to_le_bytes());
    hook[8..12].copy_from_slice(&capacity.to_le_bytes());
    hook[12] = u8::from(python_active);
    hook[13] = u8::from(!python_active);
    hook
}

/// Inputs to start from: valid conversations to join (as Python, which has
/// control, and as Unity, which waits), each followed by a script.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (flags, python_active) in [(0x00u8, true), (0x80, false), (0x40, true)] {
        for script in [
            &[][..],
            // read; write 3 bytes; resize by 32; give control; the peer hands
            // it back; wait; read
            &[
                0, 0, 0, /**/ 4, 0, 4, 3, 1, 2, 3, /**/ 0, 0, 6, 32, 0, /**/ 0, 0,
                7, /**/ 0, 0, 12, /**/ 0, 0, 8, /**/ 0, 0, 0,
            ][..],
            // the peer "resizes": data file 2 of 64 bytes, then file number 2
            // and capacity 64 in the hook; wait (follows the resize); read
            &[
                0, 0, 11, 1, 64, 0, /**/ 0, 0, 10, 1, 2, 0, 0, 0, /**/ 0, 0, 10, 2, 64,
                0, 0, 0, /**/ 16, 0, 8, /**/ 16, 0, 0,
            ][..],
            // the peer closes; give control; wait (peer closed)
            &[0, 0, 9, 14, 1, /**/ 0, 0, 7, /**/ 0, 0, 8][..],
        ] {
            let mut seed = vec![flags, 255];
            seed.extend_from_slice(&valid_hook(32, python_active));
            seed.extend_from_slice(&0xF008u16.to_le_bytes()); // exactly the capacity
            seed.push(3);
            seed.extend_from_slice(&[4, 0, 0]);
            seed.extend_from_slice(script);
            seeds.push(seed);
        }
    }
    seeds
}

//! Arbitrary hook and data files (contents, sizes, kinds) joined with a short
//! timeout, then a script of operations and peer tampering: an error or a
//! success, never a crash or a SIGBUS.
#![no_main]

#[path = "../bodies/hook_open.rs"]
mod hook_open;

libfuzzer_sys::fuzz_target!(|data: &[u8]| hook_open::run(data));

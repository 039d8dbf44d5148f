//! Arbitrary bytes decoded as every derived type, every type generated from
//! `schemas/`, and by the reference codec (`pusm inspect`'s decoder): a value or an
//! error, never a panic; values re-encode canonically; all decoders agree.
#![no_main]

#[path = "../bodies/derived.rs"]
mod derived;
#[path = "../bodies/dynamic.rs"]
mod dynamic;
#[path = "../bodies/generated.rs"]
mod generated;
#[path = "../bodies/layouts.rs"]
mod layouts;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    derived::run(data);
    generated::run(data);
    dynamic::run(data);
});

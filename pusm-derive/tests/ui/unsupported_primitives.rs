use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Telemetry {
    id: u32,
    ticks: i64,
    ratio: f64,
    index: usize,
    ok: bool,
    letter: char,
}

fn main() {}

use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Pair(i32, i32);

fn main() {}

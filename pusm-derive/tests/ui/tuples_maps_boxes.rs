use std::collections::HashMap;

use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Mixed {
    pair: (i32, i32),
    unit: (),
    scores: HashMap<String, i32>,
    boxed: Box<i32>,
    items: Vec<u64>,
}

fn main() {}

use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Grid {
    small: [[i32; 4]; 4],
    cells: [[i32; 65536]; 16],
}

#[derive(SharedLayout)]
struct Boxed {
    // The outer array is boxed, but each row is still 256 KiB inline.
    rows: Box<[[i32; 65536]; 16]>,
    fine: Box<[i32; 65536]>,
    also_fine: [Box<[i32; 65536]>; 16],
}

fn main() {}

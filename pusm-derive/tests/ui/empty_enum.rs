use pusm_core::SharedLayout;

#[derive(SharedLayout)]
#[repr(i32)]
enum Nothing {}

fn main() {}

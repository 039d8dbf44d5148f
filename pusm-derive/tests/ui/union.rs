use pusm_core::SharedLayout;

#[derive(SharedLayout)]
union Bits {
    int: i32,
    float: f32,
}

fn main() {}

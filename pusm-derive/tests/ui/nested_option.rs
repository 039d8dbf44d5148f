use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Maybe {
    value: Option<Option<i32>>,
}

fn main() {}

use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Wrapper<T> {
    value: T,
}

fn main() {}

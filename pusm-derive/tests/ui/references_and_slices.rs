use pusm_core::SharedLayout;

#[derive(SharedLayout)]
struct Borrowed<'a> {
    name: &'a str,
    data: &'a [u8],
}

fn main() {}

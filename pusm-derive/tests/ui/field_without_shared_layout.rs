use pusm_core::SharedLayout;

struct NotAMessage {
    value: i32,
}

#[derive(SharedLayout)]
struct Outer {
    inner: NotAMessage,
}

fn main() {}

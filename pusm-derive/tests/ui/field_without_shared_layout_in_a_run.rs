use pusm_core::SharedLayout;

struct NotAMessage {
    value: i32,
}

// The fields around it make a run the derive copies as one block: the
// error is still the one missing impl, once.
#[derive(SharedLayout)]
struct Outer {
    before: i32,
    inner: NotAMessage,
    after: [f32; 2],
}

fn main() {}

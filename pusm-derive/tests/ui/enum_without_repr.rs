use pusm_core::SharedLayout;

#[derive(SharedLayout)]
enum Command {
    Idle = 0,
    Move = 1,
}

fn main() {}

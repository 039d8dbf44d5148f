use pusm_core::SharedLayout;

const JUMP: i32 = 2;

#[derive(SharedLayout)]
#[repr(i32)]
enum Command {
    Idle,
    Move = 1,
    Jump = JUMP,
}

fn main() {}

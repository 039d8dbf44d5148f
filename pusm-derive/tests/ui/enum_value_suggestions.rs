use pusm_core::SharedLayout;

// The suggested values never repeat a value of the enum, nor each other.
#[derive(SharedLayout)]
#[repr(i32)]
enum Command {
    Idle = 0,
    Move,
    Jump = 1,
    Crouch,
    Run = 3,
}

#[derive(SharedLayout)]
#[repr(i32)]
enum Edge {
    Top = 2147483647,
    Wrapped,
    Zero = 0,
}

fn main() {}

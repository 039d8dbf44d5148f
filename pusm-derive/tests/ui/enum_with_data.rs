use pusm_core::SharedLayout;

#[derive(SharedLayout)]
#[repr(i32)]
enum Shape {
    Circle(f32) = 0,
    Square { side: f32 } = 1,
}

fn main() {}

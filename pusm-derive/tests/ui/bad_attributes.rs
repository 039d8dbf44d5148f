use pusm_core::SharedLayout;

#[derive(SharedLayout)]
#[pusm(rename = "")]
struct Renamed {
    #[pusm(crate = "pusm_core")]
    a: i32,
    #[pusm(flatten)]
    b: i32,
    #[pusm(rename = "c", rename = "d")]
    c: i32,
}

fn main() {}

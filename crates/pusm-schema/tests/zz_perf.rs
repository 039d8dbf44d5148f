//! perf
fn run(name: &str, text: String) {
    let mut s = pusm_schema::Sources::new();
    s.add("a.pusm", text);
    let t = std::time::Instant::now();
    let r = pusm_schema::load_sources(&s, &["a.pusm"]);
    let n = r.as_ref().err().map_or(0, |e| e.len());
    let l = t.elapsed();
    let t = std::time::Instant::now();
    if let Err(e) = r { let _ = e.render(false); }
    println!("{name}: load {:?} {} errors, render {:?}", l, n, t.elapsed());
}
#[test]
fn perf() {
    run("deep", format!("struct A {{ a: {}int32{}; }}", "[".repeat(10_000), "]".repeat(10_000)));
    run("open", format!("struct A {{ a: {}; }}", "[".repeat(200_000)));
    run("close", format!("struct A {{ a: {}; }}", "]".repeat(200_000)));
    run("q", format!("struct A {{ a: int32{}; }}", "?".repeat(200_000)));
    run("lbrace", "{".repeat(200_000));
    run("rbrace", "}".repeat(20_000));
    run("docs", "/// x\n".repeat(5_000));
    run("structs", "struct A {".repeat(2_000));
    run("enum", format!("enum E {{ {} }}", "A = 1, ".repeat(2_000)));
}

//! perf
fn run(name: &str, s: pusm_schema::Sources) {
    let t = std::time::Instant::now();
    let r = pusm_schema::load_sources(&s, &["a.pusm"]);
    let n = r.as_ref().err().map_or(0, |e| e.len());
    let l = t.elapsed();
    let t = std::time::Instant::now();
    if let Err(e) = &r { let _ = e.render(false); }
    println!("{name}: load {:?} {} errors, render {:?}", l, n, t.elapsed());
    if let Err(e) = &r { println!("{}", e.iter().next().unwrap().message); }
}
#[test]
fn perf() {
    for (name, text) in [("docs", "/// x\n".repeat(50_000)), ("structs", "struct A {".repeat(20_000)), ("enum", format!("enum E {{ {} }}", "A = 1, ".repeat(20_000)))] {
        let mut s = pusm_schema::Sources::new(); s.add("a.pusm", text); run(name, s);
    }
    let mut chain = String::new();
    for level in 0..5_000 {
        chain.push_str(&format!("struct S{level} {{ next: S{}; }}\n", level + 1));
    }
    chain.push_str("struct S5000 {}\n");
    let mut sources = pusm_schema::Sources::new();
    sources.add("a.pusm", chain);
    run("chain", sources);
    let mut sources = pusm_schema::Sources::new();
    for file in 0..3_000 {
        sources.add(
            if file == 0 { "a.pusm".to_owned() } else { format!("f{file}.pusm") },
            format!("import \"f{}.pusm\";\nstruct T{file} {{}}\n", file + 1),
        );
    }
    sources.add("f3000.pusm", "import \"a.pusm\";\n");
    run("imports", sources);
}

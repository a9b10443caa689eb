#[test]
fn scratch() {
    let src = std::env::var("SRC").unwrap_or_default();
    let p = kozo_lang::parse(&src);
    for e in &p.errors { eprintln!("ERR {:?} {:?} {}", e.span, &src[e.span.range()], e.message); }
    eprintln!("{:#?}", p.tree);
}

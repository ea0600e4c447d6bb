fn main() {
    if let Err(err) = tidings_codegen::Config::new().compile() {
        panic!("generating the fixture events failed: {err}");
    }
}

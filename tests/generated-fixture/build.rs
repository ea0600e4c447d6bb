fn main() {
    if let Err(err) = tidings_codegen::Config::new()
        .timestamps(tidings_codegen::TimestampType::Chrono)
        .compile()
    {
        panic!("generating the fixture events failed: {err}");
    }
}

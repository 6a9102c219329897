//! Benchmark the pipeline like `entente bench analyze DIR` (run with --release).

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/corpus".into());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    match entente_analysis::bench::run(std::path::Path::new(&dir), threads) {
        Ok(r) => print!("{r}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

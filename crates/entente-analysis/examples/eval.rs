//! Evaluate a labelled corpus like `entente eval DIR` (for development without the CLI).

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/corpus".into());
    match entente_analysis::eval::evaluate(std::path::Path::new(&dir)) {
        Ok(r) => {
            if std::env::args().any(|a| a == "--json") {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            } else {
                print!("{r}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

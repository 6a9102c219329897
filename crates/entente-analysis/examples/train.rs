//! Train the model like `entente train DIR --out FILE` (for development without the CLI),
//! or with `--folds N` print the cross-validated evaluation instead.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .map_or("../shared/corpus/cuad-train", String::as_str),
    );
    if let Some(i) = args.iter().position(|a| a == "--folds") {
        let folds = args.get(i + 1).and_then(|x| x.parse().ok()).unwrap_or(5);
        match entente_analysis::eval::cross_validate(&dir, folds) {
            Ok(r) => print!("{r}"),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let out = args
        .get(2)
        .map_or("crates/entente-analysis/model/model.txt", String::as_str);
    match entente_analysis::learn::train(&dir) {
        Ok(m) => {
            if let Err(e) = std::fs::write(out, m.to_text()) {
                eprintln!("{out}: {e}");
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

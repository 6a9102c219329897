//! Analyse files like `entente analyze FILE… [--json]` (for development without the CLI).

use entente_analysis::{Limits, analyze_bytes};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let text_only = args.iter().any(|a| a == "--text");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        if text_only {
            match entente_analysis::ingest(&bytes, f, &Limits::default()) {
                Ok(i) => print!("{}", i.text),
                Err(e) => eprintln!("{f}: {e}"),
            }
            continue;
        }
        match analyze_bytes(&bytes, f, &Limits::default()) {
            Ok(a) => {
                if json {
                    let mut v = a.to_json();
                    if files.len() > 1 {
                        v["file"] = serde_json::json!(f);
                        println!("{v}");
                    } else {
                        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    }
                } else {
                    println!("{}", a.summary());
                }
            }
            Err(e) => eprintln!("{f}: {e}"),
        }
    }
}

//! Analyse every file under DIR once (for instruction-count profiling: perf stat).

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let reps: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(b) = std::fs::read(e.path()) {
            files.push((e.path().display().to_string(), b));
        }
    }
    let mut n = 0usize;
    for _ in 0..reps {
        for (name, b) in &files {
            if let Ok(a) =
                entente_analysis::analyze_bytes(b, name, &entente_analysis::Limits::default())
            {
                n += a.clauses.len();
            }
        }
    }
    println!("{} files, {n} clauses", files.len());
}

//! Print the raw segment outline of a text file (development aid).

fn main() {
    let f = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&f).unwrap_or_default();
    let a = entente_analysis::analyze_text(&text);
    for (i, c) in a.clauses.iter().enumerate().take(40) {
        let body: String = a
            .text()
            .chars()
            .skip(c.start)
            .take(90)
            .collect::<String>()
            .replace('\n', " ");
        println!(
            "{i:>3} {:?} L{} {:?} {:?} | {body}",
            c.kind, c.level, c.number, c.heading
        );
    }
}

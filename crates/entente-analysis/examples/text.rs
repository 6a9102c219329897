//! Print the text analysis reads from a document of any supported format (development aid).

fn main() {
    for f in std::env::args().skip(1) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        match entente_analysis::analyze_bytes(&bytes, &f, &entente_analysis::Limits::default()) {
            Ok(a) => println!("{}", a.text()),
            Err(e) => eprintln!("{f}: {e}"),
        }
    }
}

//! Checks text files against the default playbook and prints the reports
//! (`cargo run -p entente-playbook --example check -- FILE…`).

fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let r = entente_playbook::check_text(entente_playbook::default_playbook(), &text);
                println!("== {path}\n{}", r.to_text());
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}

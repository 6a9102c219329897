//! Inputs that once crashed a fuzz target, kept so the bugs stay fixed. Each file in
//! tests/fuzz-regressions is fed to every reader; none may panic.

use entente_analysis::{Limits, analyze_bytes, analyze_text};
use std::path::Path;

#[test]
fn former_crash_inputs_are_handled() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir)
        .expect("fuzz-regressions dir")
        .flatten()
    {
        let bytes = std::fs::read(e.path()).expect("read regression input");
        let limits = Limits::default();
        for name in ["a.txt", "a.md", "a.html", "noext", "a.docx", "a.pdf"] {
            if let Ok(a) = analyze_bytes(&bytes, name, &limits) {
                let _ = a.to_json();
                let _ = a.summary();
                let _ = a.record();
            }
        }
        // Panics inside the PDF library are caught and reported as a malformed PDF.
        if e.file_name().to_string_lossy().starts_with("ingest_pdf") {
            let err = analyze_bytes(&bytes, "a.pdf", &limits)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|m| m.starts_with("PDF")),
                "{err:?}"
            );
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = analyze_text(text).record();
        }
        n += 1;
    }
    assert!(n >= 1, "no regression inputs found in {}", dir.display());
}

//! Fuzz: segmentation, classification and extraction on arbitrary text; JSON and record
//! rendering must hold their invariants (offsets within the text, clauses in order).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let a = entente_analysis::analyze_text(text);
    let chars = text.chars().count();
    let r = a.record();
    let mut last = 0;
    for c in &r.clauses {
        assert!(c.start <= c.end && c.end <= chars, "clause span out of range");
        assert!(c.start >= last, "clauses overlap");
        last = c.end;
    }
    for t in &r.terms {
        assert!(t.evidence.start <= t.evidence.end && t.evidence.end <= chars);
    }
    let _ = a.to_json().to_string();
    let _ = a.summary();
});

//! Fuzz: any bytes named as text, Markdown or HTML are read or refused, never a panic.
#![no_main]

use entente_analysis::{Limits, analyze_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for name in ["a.txt", "a.md", "a.html", "noext"] {
        let _ = analyze_bytes(data, name, &limits);
    }
});

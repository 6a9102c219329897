//! Fuzz: PDF text-layer reading. Seeds: the corpus PDF files.
#![no_main]

use entente_analysis::{Limits, ingest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_pages: 50,
        ..Limits::default()
    };
    let _ = ingest(data, "a.pdf", &limits);
});

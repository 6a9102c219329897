//! Fuzz: DOCX (ZIP + WordprocessingML) reading. Seeds: the corpus DOCX files.
#![no_main]

use entente_analysis::{Limits, ingest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_uncompressed: 20_000_000,
        ..Limits::default()
    };
    let _ = ingest(data, "a.docx", &limits);
});

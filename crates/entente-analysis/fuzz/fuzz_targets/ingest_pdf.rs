//! Fuzz: PDF text-layer reading. Seeds: the corpus PDF files.
//!
//! The PDF reader runs the third-party text extractor under `catch_unwind` and reports its
//! panics as "PDF is malformed" errors. libFuzzer's panic hook would abort the process
//! before that catch is reached, so the target installs a silent hook once. A panic that
//! escapes `ingest` (a bug of ours) still fails the run: the harness aborts when the
//! target itself unwinds.
#![no_main]

use entente_analysis::{Limits, ingest};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static QUIET_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET_HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let limits = Limits {
        max_pages: 50,
        ..Limits::default()
    };
    let _ = ingest(data, "a.pdf", &limits);
});

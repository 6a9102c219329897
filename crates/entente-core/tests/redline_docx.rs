//! The tracked-changes DOCX read back by our own DOCX reader and, when LibreOffice
//! is installed (`apt-get install libreoffice-writer-nogui`), opened by LibreOffice: it must
//! convert to PDF, and its own flat-ODT rendering must list the insertions and deletions as
//! tracked changes with our author. Without LibreOffice the second test says SKIPPED.

use entente_core::docx::redline_docx;
use entente_domain::Timestamp;
use entente_domain::redline::redline;
use std::path::{Path, PathBuf};
use std::process::Command;

const OLD: &str = "COLLABORATION AGREEMENT\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives ninety (90) days' written notice.\n\n13. Liability. Liability is capped at EUR 500,000.\n\n14. Audit. Each party may audit once a year.";
const NEW: &str = "COLLABORATION AGREEMENT\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives sixty (60) days' written notice.\n\n13. Liability. Liability is capped at EUR 750,000 & excludes lost profits.\n\n15. Data Return. On termination each party returns all data within 30 days.";

fn docx() -> Vec<u8> {
    let r = redline(OLD, NEW);
    redline_docx(
        &r,
        "Redline v1 → v2",
        "Redline of version 1 → version 2",
        "Maria Lopez",
        Timestamp::parse("2026-03-01T09:00:00Z").unwrap(),
    )
    .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entente-redline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn our_docx_reader_sees_the_accepted_text_of_the_redline() {
    let ingested = entente_analysis::ingest(
        &docx(),
        "redline.docx",
        &entente_analysis::Limits::default(),
    )
    .unwrap();
    // Deleted runs are not text of the document; inserted runs are.
    assert!(
        ingested.text.contains("sixty (60) days"),
        "{}",
        ingested.text
    );
    assert!(!ingested.text.contains("ninety"), "{}", ingested.text);
    assert!(ingested.text.contains("excludes lost profits"));
}

fn libreoffice() -> Option<&'static str> {
    ["libreoffice", "soffice"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn convert(bin: &str, dir: &Path, file: &Path, to: &str) -> PathBuf {
    // A private profile keeps runs independent of any user profile (and of each other).
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let out = Command::new(bin)
        .args([&profile, "--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .expect("run libreoffice");
    assert!(
        out.status.success(),
        "libreoffice failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = to.split(':').next().unwrap_or(to);
    let path = file.with_extension(ext);
    assert!(
        path.exists(),
        "LibreOffice wrote no {ext}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    path
}

#[test]
fn libreoffice_opens_the_redline_and_shows_its_tracked_changes() {
    let Some(bin) = libreoffice() else {
        eprintln!(
            "SKIPPED: LibreOffice is not installed (apt-get install libreoffice-writer-nogui); \
             the DOCX was checked by our own reader only"
        );
        return;
    };
    let dir = scratch("lo");
    let file = dir.join("redline.docx");
    std::fs::write(&file, docx()).unwrap();

    let pdf = convert(bin, &dir, &file, "pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF came out");

    // LibreOffice's own flat ODT shows what it understood: tracked insertions and deletions
    // with our author and date, and the deleted text kept inside the deletion.
    let fodt = std::fs::read_to_string(convert(bin, &dir, &file, "fodt")).unwrap();
    let insertions = fodt.matches("<text:insertion>").count();
    let deletions = fodt.matches("<text:deletion>").count();
    assert!(insertions >= 3, "insertions tracked: {insertions}");
    assert!(deletions >= 3, "deletions tracked: {deletions}");
    assert!(fodt.contains("<dc:creator>Maria Lopez</dc:creator>"));
    assert!(fodt.contains("2026-03-01T09:00:00"));
    let tracked = &fodt[fodt.find("<text:tracked-changes").unwrap()..];
    assert!(
        tracked.contains("ninety"),
        "deleted text is kept in the deletion"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

//! Bad input on the command line: file size limits applied alike by every command, error
//! messages printed once, flag ranges, and output into a reader that went away.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn entente(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run entente")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 50 MiB, the default limit.
const LIMIT: usize = 52_428_800;

/// A file of `len` bytes that is a PDF by content but named `.docx`: once past the size check
/// every command stops at the mismatch, without parsing 50 MiB.
fn mismatched(dir: &Path, name: &str, len: usize) -> String {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b' ');
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn a_file_of_exactly_the_limit_passes_the_size_check_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let at = mismatched(dir.path(), "at.docx", LIMIT);
    let over = mismatched(dir.path(), "over.docx", LIMIT + 1);
    for cmd in ["analyze", "import", "check"] {
        let out = entente(&data, &[cmd, &at]);
        let err = stderr(&out);
        assert!(
            err.contains("content is PDF but the name says .docx") && !err.contains("limit"),
            "{cmd}: a file of exactly {LIMIT} bytes is within the limit: {err}"
        );
        let out = entente(&data, &[cmd, &over]);
        let err = stderr(&out);
        assert!(
            err.contains("file is 52,428,801 bytes, above the limit of 52,428,800 bytes (50 MiB)"),
            "{cmd}: {err}"
        );
    }
    // A smaller configured limit follows the same inclusive rule.
    let one = mismatched(dir.path(), "one.docx", 1024 * 1024);
    let out = entente(&data, &["import", "--max-mb", "1", &one]);
    assert!(stderr(&out).contains("content is PDF"), "{}", stderr(&out));
}

#[test]
fn out_of_range_size_limits_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for bad in ["0", "4097", "18446744073709551615"] {
        let out = entente(&data, &["import", "--max-mb", bad, "x.txt"]);
        assert_eq!(out.status.code(), Some(2), "--max-mb {bad}");
        let err = stderr(&out);
        assert!(
            err.contains("--max-mb") && err.contains("1..=4096"),
            "{err}"
        );
    }
}

#[test]
fn error_messages_are_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let empty = empty.display().to_string();
    let out = entente(&data, &["import", &empty]);
    assert_eq!(
        stderr(&out).lines().next().unwrap_or(""),
        format!("entente: {empty}: file is empty")
    );
    let out = entente(&data, &["check", &empty]);
    assert_eq!(
        stderr(&out).trim_end(),
        format!("entente: cannot check {empty}: file is empty")
    );
    let out = entente(&data, &["list", "--status", "alive"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(
        err.matches("is not an agreement status").count(),
        1,
        "printed once: {err}"
    );
}

/// Output into a reader that went away ends the command quietly with success.
#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = entente(&data, &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [&["list", "--json"][..], &["list"], &["obligations"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
            .arg("--data")
            .arg(&data)
            .args(args)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closing the read end before the command prints makes its first write fail.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: nothing on stderr: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn out_of_range_windows_and_limits_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cases: [(&[&str], &str); 5] = [
        (&["obligations", "--due-within", "7304485"], "--due-within"),
        (&["obligations", "--due-within", "36601d"], "--due-within"),
        (&["alerts", "log", "--limit", "2147483648"], "--limit"),
        (&["alerts", "log", "--limit", "0"], "--limit"),
        (&["dates", "00000000", "--until", "9999-12-31"], "--until"),
    ];
    for (args, flag) in cases {
        let out = entente(&data, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let out = entente(&data, &["obligations", "--due-within", "36600"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

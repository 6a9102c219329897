//! What the CLI tests share: running the binary on a data directory (and a database URL, or
//! the embedded store), and reading a successful run's output.
#![allow(dead_code)] // Each test binary uses its own part.

use std::path::Path;
use std::process::{Command, Output};

pub(crate) fn entente(url: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("ENTENTE_SMTP_HOST")
        .output()
        .expect("run entente")
}

/// The binary on the embedded store of `data`, whatever `DATABASE_URL` the environment holds.
pub(crate) fn entente_embedded(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("ENTENTE_SMTP_HOST")
        .env("NO_COLOR", "1")
        .output()
        .expect("run entente")
}

pub(crate) fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

//! `entente admin` end to end: creating members under the password policy, setting a password,
//! invitations, disabling and removing a member with a handover report.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn entente(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("ENTENTE_PUBLIC_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn create(data: &Path, email: &str, role: &str, password: &str) -> Output {
    entente(
        data,
        &["admin", "create-user", "--email", email, "--role", role],
        Some(&format!("{password}\n")),
    )
}

#[test]
fn members_are_created_under_the_policy_reset_disabled_and_removed_with_a_handover() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A common password is refused and names the field; nothing is created.
    let out = create(d, "ops@example.com", "admin", "Password1234!");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    ok(&create(
        d,
        "ops@example.com",
        "admin",
        "correct horse battery staple",
    ));
    ok(&create(
        d,
        "bo@example.com",
        "business_owner",
        "velvet otter morning glass",
    ));
    ok(&create(
        d,
        "legal@example.com",
        "legal",
        "amber kettle winter lantern",
    ));

    let out = ok(&entente(
        d,
        &["admin", "set-password", "--email", "bo@example.com"],
        Some("quiet harbour paper kite\n"),
    ));
    assert!(out.contains("password of bo@example.com set"), "{out}");
    let out = entente(
        d,
        &["admin", "set-password", "--email", "nobody@example.com"],
        Some("quiet harbour paper kite\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a member"));

    let out = ok(&entente(
        d,
        &[
            "admin",
            "invite",
            "--email",
            "new@example.com",
            "--role",
            "viewer",
        ],
        None,
    ));
    assert!(
        out.contains("http://127.0.0.1:8080/invitation?token=inv_"),
        "{out}"
    );

    ok(&entente(
        d,
        &["admin", "disable", "--email", "bo@example.com"],
        None,
    ));
    ok(&entente(
        d,
        &["admin", "enable", "--email", "bo@example.com"],
        None,
    ));
    let report = ok(&entente(
        d,
        &[
            "admin",
            "remove",
            "--email",
            "bo@example.com",
            "--handover-to",
            "legal@example.com",
        ],
        None,
    ));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["removed"], "bo@example.com");
    assert_eq!(report["handed_to"], "legal@example.com");
    // The last administrator cannot be removed.
    let out = entente(d, &["admin", "remove", "--email", "ops@example.com"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("last active administrator"));
}

//! End-to-end tests of the `entente` binary: the demo portfolio, bad input, and durability
//! of imports when the server is killed with SIGKILL.

use std::io::{BufRead, BufReader};
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

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn agreement_text(n: usize) -> String {
    format!(
        "COLLABORATION AGREEMENT No. {n}\n\n\
         This Collaboration Agreement is entered into as of March 3, 2025 (the \"Effective Date\") by and between \
         Northwind Systems, Inc., a Delaware corporation (\"Northwind\"), and Partner {n} GmbH, a German company (\"Partner\").\n\n\
         1. Term. This Agreement commences on the Effective Date and continues for two (2) years.\n\n\
         2. Obligations. Northwind shall deliver a joint integration plan within thirty (30) days after the Effective Date.\n\n\
         3. Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    )
}

/// Creates an administrator through the CLI (password on stdin) and returns an API token.
fn admin_token(data: &Path) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args([
            "admin",
            "create-user",
            "--email",
            "ops@example.com",
            "--role",
            "admin",
        ])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery staple\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = entente(
        data,
        &[
            "admin",
            "create-token",
            "--email",
            "ops@example.com",
            "--name",
            "test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.rsplit(": ").next().unwrap().trim().to_owned()
}

#[test]
fn the_demo_portfolio_is_listed_filtered_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = entente(dir.path(), &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = json(&entente(dir.path(), &["list", "--json"]));
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 20, "demo has at least 20 agreements, got {total}");
    let kinds: std::collections::BTreeSet<_> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.len() >= 5, "varied kinds: {kinds:?}");
    let soon = json(&entente(
        dir.path(),
        &["list", "--notice-within", "90", "--json"],
    ));
    assert!(
        soon["total"].as_u64().unwrap() >= 1,
        "some notice deadlines fall in the next 90 days"
    );
    let renewing = json(&entente(dir.path(), &["list", "--json", "--limit", "500"]));
    let auto = renewing["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["auto_renewal"] == true)
        .count();
    assert!(auto >= 6, "auto-renewing agreements: {auto}");
    let overdue_cmd = entente(dir.path(), &["list", "--party", "globex", "--json"]);
    assert!(
        json(&overdue_cmd)["total"].as_u64().unwrap() >= 3,
        "one counterparty appears in several agreements"
    );

    // A repeated filter matches any of its values; `--sort=-title` is Z to A.
    let count = |args: &[&str]| {
        let mut all = vec!["list", "--json", "--limit", "500"];
        all.extend_from_slice(args);
        json(&entente(dir.path(), &all))["total"].as_u64().unwrap()
    };
    let (uncapped, amount) = (
        count(&["--liability-cap", "uncapped"]),
        count(&["--liability-cap", "amount"]),
    );
    assert!(uncapped > 0 && amount > 0, "{uncapped} {amount}");
    assert_eq!(
        count(&["--liability-cap", "uncapped", "--liability-cap", "amount"]),
        uncapped + amount
    );
    let by_title = |sort: &str| -> Vec<String> {
        json(&entente(
            dir.path(),
            &["list", "--json", "--limit", "500", sort],
        ))["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_lowercase())
            .collect()
    };
    let mut reversed = by_title("--sort=title");
    reversed.reverse();
    assert_eq!(by_title("--sort=-title"), reversed);

    // `show` accepts the short id `list` prints (the random end of the id), and JSON has the whole record.
    let id = all["items"][0]["id"].as_str().unwrap();
    let table = String::from_utf8_lossy(&entente(dir.path(), &["list"]).stdout).to_string();
    assert!(table.contains(&id[id.len() - 8..]), "list shows short ids");
    let shown = entente(dir.path(), &["show", &id[id.len() - 8..]]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("Parties") && text.contains("Obligations"),
        "{text}"
    );
    let full = json(&entente(dir.path(), &["show", id, "--json"]));
    assert_eq!(full["agreement"]["id"], id);

    // Loading the demo twice does not duplicate it.
    entente(dir.path(), &["demo"]);
    assert_eq!(
        json(&entente(dir.path(), &["list", "--json"]))["total"]
            .as_u64()
            .unwrap(),
        total
    );
    let verify = entente(dir.path(), &["audit", "verify"]);
    assert!(verify.status.success() && String::from_utf8_lossy(&verify.stdout).contains("intact"));
}

#[test]
fn bad_files_are_rejected_by_name_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("in");
    std::fs::create_dir(&files).unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty.txt", b"", "empty"),
        (
            "latin1.txt",
            b"Agreement between Caf\xe9 Ltd and Globex GmbH",
            "UTF-8",
        ),
        ("fake.docx", b"%PDF-1.4 nonsense", "PDF"),
    ];
    for (name, bytes, expected) in cases {
        let p = files.join(name);
        std::fs::write(&p, bytes).unwrap();
        let out = entente(dir.path(), &["import", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(name) && err.contains(expected),
            "{name}: {err}"
        );
    }
    let missing = entente(dir.path(), &["import", "/nonexistent/file.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(json(&entente(dir.path(), &["list", "--json"]))["total"], 0);
    // A readable document with one party is stored for a person to complete, not refused.
    let p = files.join("one-party.txt");
    std::fs::write(
        &p,
        b"MEMO\n\nNorthwind Systems, Inc. shall review its vendor list every quarter.\n",
    )
    .unwrap();
    let out = entente(dir.path(), &["import", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("part"),
        "the missing party is flagged: {said}"
    );
    assert_eq!(json(&entente(dir.path(), &["list", "--json"]))["total"], 1);
    let bad_id = entente(dir.path(), &["show", "zz"]);
    assert_eq!(bad_id.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_id.stderr).contains("not an agreement id"));
}

#[test]
fn killing_the_server_mid_import_loses_no_import_it_reported_done() {
    let dir = tempfile::tempdir().unwrap();
    let token = admin_token(dir.path());
    let mut server = Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Readiness: the server prints its bound address once it listens.
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reported: Vec<String> = rt.block_on(async {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        // Four concurrent uploaders keep several imports in flight when the kill lands.
        for w in 0..4 {
            let (client, addr, tx) = (client.clone(), addr.clone(), tx.clone());
            tokio::spawn(async move {
                for i in 0..200 {
                    let n = w * 1000 + i;
                    let r = client
                        .post(format!("{addr}/api/import?filename=a{n}.txt"))
                        .body(agreement_text(n))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let v: serde_json::Value = r.json().await.unwrap();
                            if tx
                                .send(v["agreement_id"].as_str().unwrap().to_owned())
                                .is_err()
                            {
                                return;
                            }
                        }
                        Ok(r) => panic!(
                            "import failed with {}: {}",
                            r.status(),
                            r.text().await.unwrap_or_default()
                        ),
                        Err(_) => return, // the server is gone
                    }
                }
            });
        }
        drop(tx);
        let mut done = Vec::new();
        while let Some(id) = rx.recv().await {
            done.push(id);
            if done.len() == 25 {
                break;
            }
        }
        done
    });
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    drop(rt);

    assert_eq!(reported.len(), 25);
    let listed = json(&entente(dir.path(), &["list", "--json", "--limit", "500"]));
    let stored: std::collections::HashSet<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for id in &reported {
        assert!(
            stored.contains(id.as_str()),
            "agreement {id} was reported imported but is missing after kill -9"
        );
    }
    let verify = entente(dir.path(), &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "audit chain intact after kill: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

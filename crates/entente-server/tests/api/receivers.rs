//! Real receivers for outbound alerts, started on port 0 by the tests: an SMTP listener that
//! speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to accept mail, and an
//! axum webhook receiver that verifies Standard-Webhooks signatures on its own (with `hmac`,
//! not the server's signing code), can answer 500 on demand, and records what it accepted.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message the SMTP listener accepted.
#[derive(Debug, Clone)]
pub(crate) struct Mail {
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    pub(crate) data: String,
}

/// A running SMTP listener.
pub(crate) struct SmtpListener {
    pub(crate) port: u16,
    pub(crate) mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpListener {
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(sock, store).await;
                });
            }
        });
        Self { port, mails }
    }

    pub(crate) fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

async fn session(sock: tokio::net::TcpStream, store: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 localhost test SMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            w.write_all(b"250-localhost greets you\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            w.write_all(b"250 localhost\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = cmd[10..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['<', '>'])
                .to_owned();
            to.clear();
            w.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(
                cmd[8..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_matches(['<', '>'])
                    .to_owned(),
            );
            w.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            store.lock().unwrap().push(Mail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            w.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "RSET" || upper == "NOOP" {
            w.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            w.write_all(b"502 not implemented\r\n").await?;
        }
    }
}

/// One webhook delivery the receiver accepted.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) id: String,
    pub(crate) body: serde_json::Value,
}

#[derive(Default)]
struct ReceiverState {
    secret: Mutex<String>,
    fail_next: Mutex<u32>,
    accepted: Mutex<Vec<Received>>,
    requests: Mutex<u32>,
    bad_signatures: Mutex<u32>,
}

/// A running webhook receiver.
#[derive(Clone)]
pub(crate) struct WebhookReceiver {
    pub(crate) url: String,
    state: Arc<ReceiverState>,
}

impl WebhookReceiver {
    pub(crate) async fn start() -> Self {
        let state = Arc::new(ReceiverState::default());
        let app = Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, state }
    }

    pub(crate) fn set_secret(&self, s: &str) {
        *self.state.secret.lock().unwrap() = s.to_owned();
    }

    /// The next `n` requests get HTTP 500.
    pub(crate) fn fail_next(&self, n: u32) {
        *self.state.fail_next.lock().unwrap() = n;
    }

    pub(crate) fn accepted(&self) -> Vec<Received> {
        self.state.accepted.lock().unwrap().clone()
    }

    pub(crate) fn requests(&self) -> u32 {
        *self.state.requests.lock().unwrap()
    }

    pub(crate) fn bad_signatures(&self) -> u32 {
        *self.state.bad_signatures.lock().unwrap()
    }
}

/// Verifies `v1,<base64>` over `id.timestamp.body` with the `whsec_` key, in constant time.
pub(crate) fn verify(secret: &str, id: &str, ts: &str, body: &[u8], header: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
    else {
        return false;
    };
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|sig| {
            let Ok(sig) = STANDARD.decode(sig) else {
                return false;
            };
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(ts.as_bytes());
            mac.update(b".");
            mac.update(body);
            mac.verify_slice(&sig).is_ok()
        })
}

async fn receive(
    State(s): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    *s.requests.lock().unwrap() += 1;
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (id, ts, sig) = (
        h("webhook-id"),
        h("webhook-timestamp"),
        h("webhook-signature"),
    );
    let secret = s.secret.lock().unwrap().clone();
    if !verify(&secret, &id, &ts, &body, &sig) || h("idempotency-key") != id {
        *s.bad_signatures.lock().unwrap() += 1;
        return StatusCode::UNAUTHORIZED;
    }
    {
        let mut f = s.fail_next.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    // A little latency makes concurrent instances overlap for real.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    s.accepted.lock().unwrap().push(Received { id, body });
    StatusCode::NO_CONTENT
}

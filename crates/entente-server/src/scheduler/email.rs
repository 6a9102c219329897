//! E-mail delivery over SMTP (lettre on rustls/ring): plain, STARTTLS or implicit TLS, with
//! optional credentials. The password never appears in logs or `Debug` output.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// No TLS (a local relay, or tests).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpTls {
    /// Parses `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" | "smtps" => Ok(Self::Tls),
            other => Err(format!(
                "{other:?} is not an SMTP TLS mode (none, starttls, tls)"
            )),
        }
    }
}

/// SMTP settings, from the environment (`ENTENTE_SMTP_*`).
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS mode.
    pub tls: SmtpTls,
    /// User name, if the server needs one.
    pub user: Option<String>,
    /// Password (never logged).
    pub password: Option<String>,
    /// Sender address.
    pub from: String,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// A configured mail sender.
#[derive(Clone)]
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport; nothing connects until the first message.
    pub(crate) fn new(s: &SmtpSettings) -> Result<Self, String> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| format!("ENTENTE_SMTP_FROM {:?} is not an address: {e}", s.from))?;
        let tls = |host: &str| {
            TlsParameters::builder(host.to_owned())
                .build_rustls()
                .map_err(|e| format!("cannot set up TLS for {host}: {e}"))
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(Duration::from_secs(20)));
        b = match s.tls {
            SmtpTls::None => b.tls(Tls::None),
            SmtpTls::StartTls => b.tls(Tls::Required(tls(&s.host)?)),
            SmtpTls::Tls => b.tls(Tls::Wrapper(tls(&s.host)?)),
        };
        if let (Some(u), Some(p)) = (&s.user, &s.password) {
            b = b.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Self {
            transport: b.build(),
            from,
        })
    }

    /// Sends one plain-text message; the error says what failed, without secrets.
    pub(crate) async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        message_id: &str,
    ) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("{to:?} is not an address: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{message_id}@entente>")))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let s = SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            tls: SmtpTls::StartTls,
            user: Some("alerts".into()),
            password: Some("hunter2".into()),
            from: "Entente <alerts@example.com>".into(),
        };
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("***"),
            "{shown}"
        );
        assert_eq!(SmtpTls::parse("STARTTLS").unwrap(), SmtpTls::StartTls);
        assert!(SmtpTls::parse("ssl3").is_err());
    }
}

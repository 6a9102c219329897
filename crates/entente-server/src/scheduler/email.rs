//! E-mail over SMTP (lettre on rustls/ring; plain, STARTTLS or implicit TLS, optional
//! credentials, the password never logged) and the messages: MIME, one-line headers, alerts
//! as plain text plus HTML with links back and a one-click unsubscribe (RFC 8058).

use entente_store::ClaimedDelivery;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
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

    /// Sends one plain-text message (invitations, reset links); the error says what failed,
    /// without secrets.
    pub(crate) async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        message_id: &str,
    ) -> Result<(), String> {
        let msg = self
            .builder(to, subject, message_id)?
            .singlepart(SinglePart::plain(body.to_owned()))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.deliver(msg).await
    }

    /// Sends an alert: plain text and HTML alternatives, and the unsubscribe headers when the
    /// message has a link for it.
    pub(crate) async fn send_alert(
        &self,
        to: &str,
        mail: &AlertMail,
        message_id: &str,
    ) -> Result<(), String> {
        let mut b = self.builder(to, &mail.subject, message_id)?;
        if let Some(url) = &mail.unsubscribe {
            b = b
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        let msg = b
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.deliver(msg).await
    }

    fn builder(
        &self,
        to: &str,
        subject: &str,
        message_id: &str,
    ) -> Result<lettre::message::MessageBuilder, String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("{to:?} is not an address: {e}"))?;
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(header_text(subject, SUBJECT_CHARS))
            .message_id(Some(format!("<{message_id}@entente>"))))
    }

    async fn deliver(&self, msg: Message) -> Result<(), String> {
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }
}

/// Most characters of a Subject: long enough for an alert's title, short enough that no
/// client truncates the part that says what is due.
const SUBJECT_CHARS: usize = 150;

/// A header value from free text: one line (every run of whitespace, line breaks and
/// control characters included, becomes one space) of at most `max` characters, cut at a
/// word where it can be and marked with `…`.
pub(crate) fn header_text(s: &str, max: usize) -> String {
    let one_line = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// An alert as an e-mail: its subject, both alternatives, and its unsubscribe URL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AlertMail {
    /// One line, length-limited.
    pub(crate) subject: String,
    /// The plain-text alternative.
    pub(crate) text: String,
    /// The HTML alternative: no scripts, styles from elsewhere or images; every value escaped.
    pub(crate) html: String,
    /// The one-click unsubscribe URL, when the server knows its public address.
    pub(crate) unsubscribe: Option<String>,
}

/// Builds the e-mail for delivery `d`. With the public base URL `base`, it links to the
/// agreement and (for an obligation) to the occurrence; `unsubscribe` is the signed link.
pub(crate) fn alert_mail(
    d: &ClaimedDelivery,
    base: Option<&str>,
    unsubscribe: Option<String>,
) -> AlertMail {
    let payload: serde_json::Value = serde_json::from_str(&d.payload).unwrap_or_default();
    let agreement = payload["agreement"]["id"].as_str();
    let agreement_title = payload["agreement"]["title"].as_str();
    let obligation = payload["obligation_id"].as_str();
    let due = payload["due_date"].as_str();
    let base = base.map(|b| b.trim_end_matches('/'));
    let mut links: Vec<(&str, String)> = Vec::new();
    if let (Some(base), Some(a)) = (base, agreement) {
        let page = format!("{base}/agreements/{a}");
        if let (Some(o), Some(due)) = (obligation, due) {
            links.push(("Open the occurrence", format!("{page}#occ-{o}-{due}")));
        }
        links.push(("Open the agreement", page));
    }

    let mut text = format!("{}\n\n{}\n", d.title.trim(), d.body.trim());
    if let Some(t) = agreement_title {
        text.push_str(&format!("\nAgreement: {t}\n"));
    }
    for (label, url) in &links {
        text.push_str(&format!("{label}: {url}\n"));
    }
    text.push_str(&format!(
        "\n-- \nEntente alert {} (delivery {})\n",
        d.alert_key, d.delivery_id
    ));
    if let Some(u) = &unsubscribe {
        text.push_str(&format!("No more alert e-mail: {u}\n"));
    }

    let mut html =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>");
    html.push_str(&escape(&header_text(&d.title, SUBJECT_CHARS)));
    html.push_str("</title></head>\n<body>\n<h1 style=\"font-size:1.2em\">");
    html.push_str(&escape(d.title.trim()));
    html.push_str("</h1>\n");
    for para in d.body.trim().split("\n\n") {
        html.push_str("<p>");
        html.push_str(&escape(para.trim()).replace('\n', "<br>\n"));
        html.push_str("</p>\n");
    }
    if let Some(t) = agreement_title {
        html.push_str(&format!("<p>Agreement: {}</p>\n", escape(t)));
    }
    if !links.is_empty() {
        html.push_str("<ul>\n");
        for (label, url) in &links {
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape(url),
                escape(label)
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str(&format!(
        "<hr>\n<p style=\"color:#555;font-size:0.9em\">Entente alert {} (delivery {}).",
        escape(&d.alert_key),
        escape(&d.delivery_id)
    ));
    if let Some(u) = &unsubscribe {
        html.push_str(&format!(
            " <a href=\"{}\">Stop alert e-mail</a> (alerts stay in your Entente inbox).",
            escape(u)
        ));
    }
    html.push_str("</p>\n</body>\n</html>\n");

    AlertMail {
        subject: header_text(&d.title, SUBJECT_CHARS),
        text,
        html,
        unsubscribe,
    }
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

    #[test]
    fn header_text_is_one_line_and_cut_at_a_word() {
        assert_eq!(
            header_text("Deliver the plan\r\nBcc: x@example.com\tnow", 150),
            "Deliver the plan Bcc: x@example.com now"
        );
        let long = "word ".repeat(60);
        let cut = header_text(&long, 150);
        assert!(
            cut.chars().count() <= 150 && cut.ends_with("word…"),
            "{cut}"
        );
        assert_eq!(
            header_text(&"x".repeat(200), 10),
            format!("{}…", "x".repeat(9))
        );
    }

    fn delivery(title: &str, body: &str) -> ClaimedDelivery {
        ClaimedDelivery {
            delivery_id: "d1".into(),
            organisation_id: "o1".into(),
            alert_id: "a1".into(),
            alert_key: "ob:1:2027-03-03:30".into(),
            channel: "email".into(),
            target: "maria@example.com".into(),
            attempt: 1,
            title: title.into(),
            body: body.into(),
            payload: serde_json::json!({
                "agreement": {"id": "0190-a", "title": "Northwind <& Globex>"},
                "obligation_id": "0190-o",
                "due_date": "2027-03-03",
            })
            .to_string(),
            webhook: None,
        }
    }

    #[test]
    fn an_alert_mail_links_back_and_escapes_what_it_quotes() {
        let d = delivery(
            "Due in 30 days: <script>alert(1)</script>\nsecond line",
            "Northwind: deliver the plan\nwithin 30 days",
        );
        let m = alert_mail(
            &d,
            Some("https://entente.example.com/"),
            Some("https://entente.example.com/unsubscribe?token=t".into()),
        );
        assert!(!m.subject.contains('\n'), "{}", m.subject);
        assert!(!m.html.contains("<script>"), "{}", m.html);
        assert!(m.html.contains("&lt;script&gt;"), "{}", m.html);
        assert!(
            m.html.contains("Northwind &lt;&amp; Globex&gt;"),
            "{}",
            m.html
        );
        let occ = "https://entente.example.com/agreements/0190-a#occ-0190-o-2027-03-03";
        assert!(m.text.contains(occ) && m.html.contains(occ), "{}", m.text);
        assert!(
            m.text
                .contains("https://entente.example.com/agreements/0190-a\n")
        );
        assert!(!m.html.contains("<img") && !m.html.contains("<link"));
        // Without a public address there is nothing to link to.
        let bare = alert_mail(&d, None, None);
        assert!(!bare.text.contains("http") && bare.unsubscribe.is_none());
    }
}

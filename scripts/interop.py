"""Interoperability checks against a live server, with libraries no one here wrote.

Run by ./scripts/interop (which makes the virtual environment, the demo database and an
administrator's API token). Starts `entente serve --no-scheduler`, a Standard Webhooks
receiver and an SMTP listener (aiosmtpd), then checks:

- openapi-spec-validator accepts /api/openapi.json, which declares its security schemes;
- right after an import (no scheduler, no `alerts run`), /api/deadlines and the calendar
  feeds hold the agreement's dates, and icalendar and recurring_ical_events read the feeds
  with the same events;
- `entente alerts run` delivers webhooks that the `standardwebhooks` library verifies, and a
  tampered body, signature or timestamp is rejected;
- every alert e-mail parses under Python's `email` with the strict policy without a defect,
  is MIME 1.0 multipart/alternative with one-line headers, and its RFC 8058 one-click
  unsubscribe works with one POST;
- python-docx opens the redline DOCX, and accepting every tracked change gives the new
  version's text.

Usage: interop.py ENTENTE_BINARY API_TOKEN ADMIN_EMAIL (environment: ENTENTE_DATA).
"""

import datetime as dt
import email
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import icalendar
import recurring_ical_events
from aiosmtpd.controller import Controller
from openapi_spec_validator import validate
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BIN, TOKEN, ADMIN = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(ok, what, quiet=False):
    if not ok or not quiet:
        print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, headers=None, token=TOKEN):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = body
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def api(method, path, body=None, headers=None):
    status, _, raw = request(method, BASE + path, body, headers)
    if status >= 400:
        raise SystemExit(f"{method} {path}: {status} {raw[:400]!r}")
    return json.loads(raw) if raw else None


# --- receivers -------------------------------------------------------------------------
class Mails:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


received = []


class Hooks(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


mails = Mails()
smtp_port = free_port()
smtp = Controller(mails, hostname="127.0.0.1", port=smtp_port)
smtp.start()
hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
threading.Thread(target=hooks.serve_forever, daemon=True).start()
hook_url = f"http://127.0.0.1:{hooks.server_address[1]}/hooks"

# --- the server, without a scheduler ---------------------------------------------------
port = free_port()
BASE = f"http://127.0.0.1:{port}"
env = dict(os.environ, ENTENTE_PUBLIC_URL=BASE)
server = subprocess.Popen(
    # The receiver below listens on the loopback address: development mode lets webhooks go there.
    [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--no-scheduler", "--webhooks-allow-private"],
    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
)
try:
    for _ in range(200):
        line = server.stderr.readline()
        if "entente listening on" in line or server.poll() is not None:
            break
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    if server.poll() is not None:
        raise SystemExit("the server did not start")

    # --- OpenAPI ---------------------------------------------------------------------
    doc = api("GET", "/api/openapi.json")
    try:
        validate(doc)
        check(True, "openapi-spec-validator accepts /api/openapi.json")
    except Exception as e:  # noqa: BLE001 - the validator's own error types vary
        check(False, f"openapi-spec-validator: {e}")
    schemes = doc.get("components", {}).get("securitySchemes", {})
    check({"bearer", "session", "csrf"} <= set(schemes), f"security schemes declared: {sorted(schemes)}")
    unsecured = [
        f"{m.upper()} {p}"
        for p, item in doc["paths"].items()
        for m, op in item.items()
        if isinstance(op, dict) and "responses" in op and "security" not in op
    ]
    check(not unsecured, f"every operation states its security ({unsecured[:5]})")
    media = {
        ("/api/agreements/{id}/audit/export", "text/csv"),
        ("/api/agreements/{id}/redline", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("/calendar/{file}", "text/calendar"),
    }
    for path, mtype in sorted(media):
        content = doc["paths"].get(path, {}).get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        check(any(k.startswith(mtype) for k in content), f"{path} declares {mtype}")

    # --- dates right after an import, no scheduler -------------------------------------
    kestrel = open(os.path.join(ROOT, "tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt"), "rb").read()
    imported = api("POST", f"/api/import?filename=kestrel.txt&owner={ADMIN}", kestrel,
                   {"Content-Type": "application/octet-stream"})
    aid = imported["agreement_id"]
    listed = api("GET", f"/api/deadlines?agreement_id={aid}&limit=5000")["items"]
    days = sorted({d["due_date"] for d in listed})
    check(bool(days), f"/api/deadlines holds the import's dates at once ({len(listed)} rows)")
    feeds = {
        "agreement": api("POST", "/api/calendar-feeds", {"scope": "agreement", "agreement_id": aid}),
        "person": api("POST", "/api/calendar-feeds", {"scope": "user", "email": ADMIN}),
    }
    for name, feed in feeds.items():
        status, headers, raw = request("GET", BASE + feed["path"], token=None)
        check(status == 200 and headers["content-type"].startswith("text/calendar"), f"{name} feed served")
        cal = icalendar.Calendar.from_ical(raw)
        plain = sorted(str(e.decoded("dtstart")) for e in cal.walk("VEVENT"))
        expanded = sorted(
            str(e.decoded("dtstart"))
            for e in recurring_ical_events.of(cal).between(dt.date(1990, 1, 1), dt.date(2100, 1, 1))
        )
        check(plain == expanded and plain, f"{name} feed: icalendar and recurring_ical_events agree ({len(plain)} events)")
        check(set(days) <= set(plain), f"{name} feed holds every date /api/deadlines lists for the import")

    # --- redline DOCX --------------------------------------------------------------------
    v2 = kestrel.replace(b"thirty (30) days before", b"sixty (60) days before").replace(
        b"route analytics services", b"route and fleet analytics services")
    api("POST", f"/api/agreements/{aid}/versions?filename=kestrel-v2.txt", v2,
        {"Content-Type": "application/octet-stream"})
    status, headers, raw = request("GET", f"{BASE}/api/agreements/{aid}/redline?format=docx")
    check(status == 200, "redline DOCX served")
    d = docx.Document(io.BytesIO(raw))
    body = d.element.body
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    ins = body.findall(f".//{W}ins")
    dels = body.findall(f".//{W}del")
    check(bool(ins) and bool(dels), f"python-docx opens the redline: {len(ins)} insertions, {len(dels)} deletions")
    for x in dels:
        x.getparent().remove(x)
    accepted = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p"))
    norm = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    check(norm(v2.decode()) in norm(accepted), "accepting every change gives version 2's text")

    # --- alerts: webhooks and e-mail, delivered by `entente alerts run` ----------------------
    hook = api("POST", "/api/webhooks", {"url": hook_url, "description": "interop"})
    # The demo tenant's time zone is UTC.
    today = dt.datetime.now(dt.timezone.utc).date()
    made = api("POST", "/api/agreements", {
        "title": "Interop Alerts Cooperation", "status": "active", "owner": ADMIN,
        "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"},
                    {"legal_name": "Globex GmbH", "role": "partner"}],
    })
    for text, due in [("Deliver the integration plan\nBcc: everyone@example.com", today - dt.timedelta(days=3)),
                      ("Send the <b>usage</b> report", today + dt.timedelta(days=7))]:
        api("POST", f"/api/agreements/{made['id']}/obligations", {
            "obligor": "Globex", "owner": "ops@example.com", "text": text,
            "due": {"kind": "on", "date": due.isoformat()}})
    run = subprocess.run(
        [BIN, "alerts", "run", "--webhooks-allow-private", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp_port), "--smtp-tls", "none"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    check(run.returncode == 0, f"entente alerts run ({run.stderr.strip()[-300:]})")

    wh = Webhook(hook["secret"])
    good = 0
    for headers, raw in received:
        h = {k.lower(): v for k, v in headers.items()}
        try:
            wh.verify(raw, h)
            good += 1
        except WebhookVerificationError as e:
            check(False, f"standardwebhooks rejected a genuine delivery: {e}")
    check(received and good == len(received), f"standardwebhooks verifies {good} of {len(received)} deliveries")
    if received:
        headers, raw = received[0]
        h = {k.lower(): v for k, v in headers.items()}
        tampered = [
            ("body", raw.replace(b'"', b"'", 1), h),
            ("signature", raw, dict(h, **{"webhook-signature": "v1," + "A" * 43 + "="})),
            ("timestamp", raw, dict(h, **{"webhook-timestamp": str(int(time.time()) - 3600)})),
        ]
        for what, body, hh in tampered:
            try:
                wh.verify(body, hh)
                check(False, f"a delivery with a tampered {what} is rejected")
            except WebhookVerificationError:
                check(True, f"a delivery with a tampered {what} is rejected")

    check(bool(mails.messages), f"{len(mails.messages)} alert e-mails captured")
    unsubscribe = None
    before = len(failures)
    for rcpts, raw in mails.messages:
        try:
            msg = email.message_from_bytes(raw, policy=policy.strict)
            defects = list(msg.defects)
            for part in msg.walk():
                defects += part.defects
                for name, value in part.items():
                    defects += getattr(value, "defects", ())
                if not part.is_multipart():
                    part.get_content()
        except Exception as e:  # noqa: BLE001 - strict parsing raises on any defect
            defects = [e]
            msg = None
        check(not defects, f"mail to {rcpts} parses strictly without defects {defects}", quiet=True)
        if msg is None:
            continue
        subject = str(msg["Subject"])
        check(msg["MIME-Version"] == "1.0" and msg.get_content_type() == "multipart/alternative"
              and [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
              and "\n" not in subject and "\r" not in subject and msg["Bcc"] is None,
              f"mail to {rcpts}: MIME 1.0, plain + HTML, one-line Subject {subject!r}", quiet=True)
        html = msg.get_body(("html",)).get_content()
        check("<script" not in html and "<img" not in html and "<b>usage</b>" not in html,
              f"mail to {rcpts}: HTML without remote content, quoted text escaped", quiet=True)
        check(msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
              and str(msg["List-Unsubscribe"]).startswith(f"<{BASE}/unsubscribe?token="),
              f"mail to {rcpts}: RFC 8058 List-Unsubscribe", quiet=True)
        unsubscribe = str(msg["List-Unsubscribe"]).strip("<>")
        check(f"{BASE}/agreements/" in msg.get_body(("plain",)).get_content(),
              f"mail to {rcpts}: absolute link to the agreement", quiet=True)
    check(len(failures) == before,
          f"{len(mails.messages)} e-mails: strict parse without defects, MIME 1.0 multipart/alternative, "
          "one-line Subject, escaped HTML without remote content, links, RFC 8058 headers")
    if unsubscribe:
        status, _, page = request("POST", unsubscribe, b"List-Unsubscribe=One-Click",
                                  {"Content-Type": "application/x-www-form-urlencoded"}, token=None)
        check(status == 200 and b"stopped" in page, "one POST to the List-Unsubscribe URL opts out, no session")
finally:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    smtp.stop()
    hooks.shutdown()

if failures:
    print(f"{len(failures)} interop check(s) failed", file=sys.stderr)
    sys.exit(1)
print("all interop checks passed")

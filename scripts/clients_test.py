"""The integrator's seven jobs through the client openapi-python-client generates from the
live document, with no raw HTTP: page through agreements, read one with its terms, list
deadlines, upload a document, mark an occurrence done, register a webhook, page the audit
trail. Run by ./scripts/clients (python clients_test.py BASE_URL TOKEN); type-checked there
with mypy --strict. Prints one line per job and 'N passed, N failed'."""

from __future__ import annotations

import datetime
import io
import sys
from collections.abc import Callable

from entente_api_client import AuthenticatedClient
from entente_api_client.api.agreements import get_agreement, list_agreements
from entente_api_client.api.alerts import create_webhook
from entente_api_client.api.audit import tenant_audit
from entente_api_client.api.documents import import_agreement
from entente_api_client.api.key_dates import list_deadlines
from entente_api_client.api.obligations import list_obligations, list_occurrences, record_occurrence
from entente_api_client.models import (
    AgreementPage,
    AgreementRead,
    AuditPage,
    Deadline,
    DeadlinePage,
    ImportResult,
    NewWebhook,
    OccurrenceUpdate,
    OccurrenceView,
    SourcedDate,
    WebhookWithSecret,
)
from entente_api_client.types import UNSET, File

CONTRACT = b"""COLLABORATION AGREEMENT

This Collaboration Agreement is made on 1 March 2026 between Kestrel Analytics Ltd ("Kestrel")
and Orbis Data GmbH ("Orbis").

1. Term. This Agreement takes effect on 1 March 2026 and continues for two (2) years.

2. Reporting. Kestrel shall deliver a written progress report to Orbis within fifteen (15) days
after the end of each calendar quarter.

3. Governing law. This Agreement is governed by the laws of England and Wales.
"""


def page_through_agreements(c: AuthenticatedClient) -> str:
    seen: list[str] = []
    cursor: str | None = None
    total = -1
    while True:
        page = list_agreements.sync(client=c, limit=2, cursor=cursor if cursor is not None else UNSET)
        assert isinstance(page, AgreementPage), page
        total = page.total
        seen.extend(str(a.id) for a in page.items)
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
    assert len(seen) == total == len(set(seen)), (len(seen), total)
    assert total > 2, "the demo holds several agreements"
    return f"{total} agreements, 2 a page by cursor, each once"


def read_one_with_terms(c: AuthenticatedClient) -> str:
    page = list_agreements.sync(client=c, limit=50)
    assert isinstance(page, AgreementPage)
    for summary in page.items:
        a = get_agreement.sync(client=c, id=summary.id)
        assert isinstance(a, AgreementRead), a
        effective = a.terms.effective_date
        if isinstance(effective, SourcedDate):
            assert isinstance(effective.value, datetime.date)
            return f"{a.title}: effective {effective.value.isoformat()} ({effective.source.kind})"
    raise AssertionError("no agreement with an effective date")


def list_the_deadlines(c: AuthenticatedClient) -> str:
    rows: list[Deadline] = []
    cursor: str | None = None
    while True:
        page = list_deadlines.sync(
            client=c, within_days=3650, limit=100, cursor=cursor if cursor is not None else UNSET
        )
        assert isinstance(page, DeadlinePage), page
        rows.extend(page.items)
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
    assert len(rows) > 100, "more than one page"
    dates = [r.due_date for r in rows]
    assert dates == sorted(dates), "earliest first"
    keys = [(r.due_date, r.agreement_id, r.subject) for r in rows]
    assert len(keys) == len(set(keys)), "each deadline once"
    return f"{len(rows)} deadlines in ten years, 100 a page by cursor, earliest {dates[0].isoformat()}"


def upload_a_document(c: AuthenticatedClient) -> str:
    imported = import_agreement.sync(
        client=c,
        body=File(payload=io.BytesIO(CONTRACT), file_name="kestrel-orbis.txt", mime_type="text/plain"),
        filename="kestrel-orbis.txt",
    )
    assert isinstance(imported, ImportResult), imported
    assert imported.obligations >= 1, imported
    return f"imported {imported.title!r}: {imported.clauses} clauses, {imported.obligations} obligations"


def mark_an_occurrence_done(c: AuthenticatedClient) -> str:
    obligations = list_obligations.sync(client=c)
    assert isinstance(obligations, list), obligations
    for o in obligations:
        occurrences = list_occurrences.sync(client=c, id=o.id)
        assert isinstance(occurrences, list), occurrences
        open_ones = [x for x in occurrences if x.status in ("pending", "overdue")]
        if not open_ones:
            continue
        due = open_ones[0].due
        done = record_occurrence.sync(
            client=c, id=o.id, due=due, body=OccurrenceUpdate(status="done", note="report sent")
        )
        assert isinstance(done, OccurrenceView), done
        assert done.status == "done", done.status
        return f"{o.id} due {due.isoformat()} marked done"
    raise AssertionError("no open occurrence")


def register_a_webhook(c: AuthenticatedClient) -> str:
    hook = create_webhook.sync(
        client=c, body=NewWebhook(url="https://127.0.0.1:9/entente-hooks", description="clients check")
    )
    assert isinstance(hook, WebhookWithSecret), hook
    assert hook.secret.startswith("whsec_"), "the secret is shown once"
    return f"webhook {hook.id} registered"


def page_the_audit_trail(c: AuthenticatedClient) -> str:
    cursor: str | None = None
    seqs: list[int] = []
    while True:
        page = tenant_audit.sync(client=c, limit=25, cursor=cursor if cursor is not None else UNSET)
        assert isinstance(page, AuditPage), page
        seqs.extend(e.seq for e in page.items)
        if not page.items:
            break
        assert isinstance(page.next_cursor, str), page.next_cursor
        cursor = page.next_cursor
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "chain order, each once"
    assert len(seqs) > 25, "more than one page"
    return f"{len(seqs)} audit events, 25 a page, in chain order"


JOBS: list[Callable[[AuthenticatedClient], str]] = [
    page_through_agreements,
    read_one_with_terms,
    list_the_deadlines,
    upload_a_document,
    mark_an_occurrence_done,
    register_a_webhook,
    page_the_audit_trail,
]


def main() -> int:
    base_url, token = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True) as c:
        for job in JOBS:
            try:
                print(f"ok   {job.__name__}: {job(c)}")
                passed += 1
            except Exception as e:  # noqa: BLE001 - every job runs, each failure is reported
                print(f"FAIL {job.__name__}: {type(e).__name__}: {e}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

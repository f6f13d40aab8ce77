"""Messages with the care team: threads, attachments checked by content, read receipts
both ways, the out-of-hours notice, stored before acknowledged; the team's worklist and
its reads in the access log."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.core.domain.errors import ValidationFailed
from corsia.portal.domain.attachments import MAX_BYTES
from corsia.portal.models import Attachment, Message, PortalActivity, Thread
from corsia.portal.services.messages import Upload, message_send_by_patient
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import ANNA_BIANCHI
from corsia.testing.portal import (
    ALWAYS_OPEN,
    EXE_AS_PDF,
    HTML_AS_PNG,
    NEVER_OPEN,
    PDF_BYTES,
    PNG_BYTES,
    patient_with_account,
    portal_client,
)

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _send(account, body: str = "Ho la febbre a 37,8", **kw):  # type: ignore[no-untyped-def]
    return message_send_by_patient(
        account_id=account.pk, patient_id=account.patient_id, body=body, **kw
    )


@override_settings(CORSIA_PORTAL_TEAM_HOURS=ALWAYS_OPEN)
def test_patient_writes_with_a_pdf_attachment(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    client = portal_client(account)
    upload = SimpleUploadedFile("referto.PDF", PDF_BYTES, content_type="application/octet-stream")
    answer = client.post(
        "/portale/messaggi/", {"subject": "Esami", "body": "Allego il referto", "file": upload}
    )
    thread = Thread.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/portale/messaggi/{thread.pk}/"
    stored = Attachment.objects.get()
    assert (stored.media_type, stored.filename, stored.size) == (
        "application/pdf",
        "referto.pdf",
        len(PDF_BYTES),
    )
    assert bytes(stored.content) == PDF_BYTES
    page = client.get(answer["Location"])
    assert "Messaggio ricevuto" in page.content.decode()
    download = client.get(f"/portale/allegati/{stored.pk}/")
    assert download.content == PDF_BYTES and download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("referto.pdf", EXE_AS_PDF, "attachment_type_refused"),
        ("foto.png", HTML_AS_PNG, "attachment_type_refused"),
        ("vuoto.pdf", b"", "attachment_empty"),
        ("grande.pdf", b"%PDF-" + b"0" * MAX_BYTES, "attachment_too_large"),
    ],
)
def test_attachment_checked_by_content_not_name(
    make_user: MakeUser, name: str, content: bytes, code: str
) -> None:
    _, account = patient_with_account(make_user)
    with pytest.raises(ValidationFailed) as refused:
        _send(account, uploads=[Upload(name, content)])
    assert refused.value.code == code
    # nothing half-stored: no thread, no message
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_a_png_named_pdf_is_stored_as_png(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    _send(account, uploads=[Upload("../../etc/passwd.pdf", PNG_BYTES)])
    stored = Attachment.objects.get()
    assert (stored.media_type, stored.filename) == ("image/png", "passwd.png")


def test_refused_attachment_on_the_page_keeps_the_text(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    upload = SimpleUploadedFile("x.pdf", EXE_AS_PDF)
    page = portal_client(account).post("/portale/messaggi/", {"body": "Testo", "file": upload})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Si possono allegare solo PDF, JPEG o PNG." in text and "Testo</textarea>" in text
    assert not Message.objects.exists()


def test_out_of_hours_tells_the_patient_to_call(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    saturday_night = datetime(2026, 12, 5, 22, 30, tzinfo=ROME)
    with override_settings(CORSIA_PORTAL_TEAM_HOURS="1-5 08:00-16:00"):
        sent = _send(account, now=saturday_night)
    assert sent.out_of_hours and sent.message.out_of_hours
    assert timezone.localtime(sent.read_from) == datetime(2026, 12, 7, 8, 0, tzinfo=ROME)
    with override_settings(
        CORSIA_PORTAL_TEAM_HOURS=NEVER_OPEN, CORSIA_PORTAL_URGENT_PHONE="0521 703111"
    ):
        client = portal_client(account)
        form = client.get("/portale/messaggi/").content.decode()
        assert "Ora è fuori orario" in form and "0521 703111" in form
        page = client.post("/portale/messaggi/", {"body": "Ho 38,5 di febbre"}, follow=True)
    text = page.content.decode()
    assert "non aspettare: chiama subito il 0521 703111" in text
    assert Message.objects.filter(body="Ho 38,5 di febbre", out_of_hours=True).count() == 1


def test_another_patients_ids_are_404(make_user: MakeUser) -> None:
    _, mine = patient_with_account(make_user)
    _, theirs = patient_with_account(make_user, **ANNA_BIANCHI, email="anna@example.org")
    sent = _send(theirs, uploads=[Upload("a.pdf", PDF_BYTES)])
    attachment = Attachment.objects.get()
    client = portal_client(mine)
    for url in (
        f"/portale/messaggi/{sent.message.thread_id}/",
        f"/portale/allegati/{attachment.pk}/",
        "/portale/messaggi/999999/",
    ):
        assert client.get(url).status_code == 404, url
    # writing into their thread is refused the same way, and nothing is stored
    answer = client.post(f"/portale/messaggi/{sent.message.thread_id}/", {"body": "ciao"})
    assert answer.status_code == 404
    assert Message.objects.count() == 1


def test_team_reads_replies_and_receipts(make_user: MakeUser) -> None:
    patient, account = patient_with_account(make_user)
    sent = _send(account, uploads=[Upload("a.pdf", PDF_BYTES)])
    nurse = make_user(Role.NURSE)
    team = logged_in(nurse)
    worklist = team.get("/portale/equipe/").content.decode()
    assert "1 messaggio non letto" in worklist and "Rossi Mario" in worklist
    page = team.get(f"/portale/equipe/messaggi/{sent.message.thread_id}/")
    assert page.status_code == 200
    message = Message.objects.get(pk=sent.message.pk)
    assert message.read_by == nurse and message.read_at is not None
    assert AccessLogEntry.objects.filter(user=nurse, patient_id=patient.pk).exists()
    assert "1 messaggio non letto" not in team.get("/portale/equipe/").content.decode()
    team.get(f"/portale/equipe/allegati/{Attachment.objects.get().pk}/")
    assert AccessLogEntry.objects.filter(user=nurse, what__contains="allegato").count() == 1
    team.post(f"/portale/equipe/messaggi/{sent.message.thread_id}/", {"body": "Venga domani"})
    reply = Message.objects.get(from_patient=False)
    assert reply.author_user == nurse and reply.read_at is None
    # the patient sees the reply as new, then reading it gives the team its receipt
    client = portal_client(account)
    assert "1 risposta nuova" in client.get("/portale/messaggi/").content.decode()
    client.get(f"/portale/messaggi/{sent.message.thread_id}/")
    assert Message.objects.get(pk=reply.pk).read_at is not None
    actions = set(
        PortalActivity.objects.filter(patient_id=patient.pk).values_list("action", flat=True)
    )
    assert {"message_sent", "threads", "thread_read"} <= actions


def test_staff_without_permission_cannot_read_messages(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    sent = _send(account)
    technician = logged_in(make_user(Role.TECHNICIAN))
    assert technician.get("/portale/equipe/").status_code == 403
    assert technician.get(f"/portale/equipe/messaggi/{sent.message.thread_id}/").status_code == 403
    assert Message.objects.get().read_at is None


def test_patient_cannot_reach_the_team_pages(make_user: MakeUser) -> None:
    _, account = patient_with_account(make_user)
    sent = _send(account)
    client = portal_client(account)
    for url in ("/portale/equipe/", f"/portale/equipe/messaggi/{sent.message.thread_id}/"):
        assert client.get(url).status_code == 302  # the staff login

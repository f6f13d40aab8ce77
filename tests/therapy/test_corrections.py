"""Correcting a dose record entered in error: the original stays as written, a correction
supersedes it (who, when, workstation, reason, what changed), once; only the recorder or
the ward's physician/coordinator; the round shows the corrected state and the history;
bad input refused with nothing written, through the service, the API and the page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, transaction

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.documents.models import Document
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.documents import printed_html
from corsia.testing.therapy import EIGHT, MORNING, ROME, Ward12
from corsia.therapy import selectors, services
from corsia.therapy.models import DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(given: DoseRecord) -> DoseRecord:
    """The 08:00 dose given at 08:05 (``conftest.py``), the record corrected."""
    return given


def correct(actor: object, record_id: int, **fields: object) -> DoseRecord:
    data = {"ward_code": "MED2", "kind": "in_error", "reason": "paziente sbagliato", **fields}
    return services.dose_correct(
        actor=actor,  # type: ignore[arg-type]
        workstation="tablet-12",
        record_id=record_id,
        data=services.CorrectionInput(**data),  # type: ignore[arg-type]
    )


@time_machine.travel(MORNING, tick=False)
def test_an_entry_in_error_is_superseded_once_and_the_dose_is_open_again(
    ward: Ward12, rx: WardPrescription, record: DoseRecord
) -> None:
    fix = correct(ward.nurse, record.pk)
    assert (fix.outcome, fix.corrects, fix.nurse, fix.workstation) == (
        "in_error",
        record,
        ward.nurse,
        "tablet-12",
    )
    assert fix.correction_reason == "paziente sbagliato"
    assert fix.changes == {"outcome": ["given", "in_error"]}
    record.refresh_from_db()
    assert (record.outcome, record.superseded) == ("given", True)  # the original as written
    event = AuditEvent.objects.get(event_type="therapy.dose_corrected")
    assert event.reason == "paziente sbagliato"

    row = selectors.ward_round(
        user=ward.nurse, ward_code="MED2", day=EIGHT.date(), workstation=None
    )
    eight = next(r for r in row.rows if r.at == EIGHT)
    assert eight.record is None and [h.pk for h in eight.history] == [record.pk, fix.pk]

    with pytest.raises(ConflictError) as twice:  # the original again: refused
        correct(ward.physician, record.pk)
    assert twice.value.code == "dose_already_corrected"
    with pytest.raises(ConflictError):  # the entry in error itself is not corrected
        correct(ward.nurse, fix.pk)
    again = services.dose_record(  # the 08:00 dose recorded anew
        actor=ward.nurse,
        workstation=None,
        prescription_id=rx.pk,
        data=services.DoseInput(outcome="not_given", due_at=EIGHT, reason="refused"),
    )
    assert again.slot == 2
    with pytest.raises(DatabaseError), transaction.atomic():
        DoseRecord.objects.filter(pk=record.pk).update(outcome="not_given")


@time_machine.travel(MORNING, tick=False)
def test_an_amendment_changes_outcome_time_and_amount_and_the_round_shows_it(
    ward: Ward12, record: DoseRecord
) -> None:
    fix = correct(
        ward.physician,
        record.pk,
        kind="amend",
        reason="dato solo mezzo grammo alle 08:30",
        given_at=datetime(2026, 3, 10, 8, 30, tzinfo=ROME),
        amount=Decimal("0.5"),
    )
    assert fix.changes["amount"] == [None, "0.5"]
    assert fix.nurse == ward.physician
    row = selectors.ward_round(
        user=ward.nurse, ward_code="MED2", day=EIGHT.date(), workstation=None
    )
    eight = next(r for r in row.rows if r.at == EIGHT)
    assert eight.record == fix and eight.record.at.hour == 7  # 08:30 Rome = 07:30 UTC
    page = logged_in(ward.nurse).get("/therapy/ward/MED2/?day=2026-03-10").content.decode()
    assert 'data-testid="corrected"' in page and "dato solo mezzo grammo" in page


@time_machine.travel(MORNING, tick=False)
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reason": "  "}, "reason_required"),
        ({"reason": "errore\x00"}, "text_invalid"),
        ({"kind": "delete"}, "correction_kind_invalid"),
        ({"kind": "amend", "amount": Decimal(0)}, "amount_invalid"),
        ({"kind": "amend", "amount": Decimal(-1)}, "amount_invalid"),
        ({"kind": "amend", "amount": Decimal("1e308")}, "amount_invalid"),
        ({"kind": "amend", "outcome": "not_given"}, "not_given_reason_required"),
        ({"kind": "amend"}, "correction_no_change"),
        (
            {"kind": "amend", "given_at": datetime(2026, 3, 11, 8, 0, tzinfo=ROME)},
            "given_at_invalid",
        ),
    ],
)
def test_bad_corrections_are_refused_with_nothing_written(
    ward: Ward12, record: DoseRecord, fields: dict[str, object], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        correct(ward.nurse, record.pk, **fields)
    assert refused.value.code == code
    assert DoseRecord.objects.count() == 1


@time_machine.travel(MORNING, tick=False)
def test_only_the_recorder_or_the_ward_s_physician_corrects_and_only_in_its_ward(
    ward: Ward12, record: DoseRecord, make_user: MakeUser
) -> None:
    with pytest.raises(PermissionRefused) as other_nurse:
        correct(make_user(Role.NURSE), record.pk)
    assert other_nurse.value.code == "correction_not_allowed"
    with pytest.raises(PermissionRefused) as pharmacist:
        correct(make_user(Role.PHARMACIST), record.pk)
    assert pharmacist.value.code == "correction_not_allowed"
    with pytest.raises(PermissionRefused) as elsewhere:
        correct(ward.physician, record.pk, ward_code="CHIR1")
    assert elsewhere.value.code == "dose_other_ward"
    assert DoseRecord.objects.count() == 1
    assert correct(make_user(Role.COORDINATOR), record.pk).outcome == "in_error"


@time_machine.travel(MORNING, tick=False)
def test_the_api_corrects_once_and_answers_the_refusals_with_their_codes(
    ward: Ward12, record: DoseRecord
) -> None:
    client = logged_in(ward.nurse)
    url = f"/api/v1/therapy/doses/{record.pk}/correct"
    body = {"ward_code": "MED2", "kind": "amend", "reason": "rifiutata", "outcome": "not_given"}
    assert post_json(client, url, {**body, "reason": ""})[1]["code"] == "reason_required"
    status, bad = post_json(client, url, {**body, "amount": 1e308})
    assert status == 422, bad
    status, fixed = post_json(client, url, {**body, "not_given_reason": "refused"})
    assert status == 201, fixed
    assert (fixed["corrects_id"], fixed["outcome"], fixed["reason"]) == (
        record.pk,
        "not_given",
        "refused",
    )
    status, again = post_json(client, url, {**body, "not_given_reason": "refused"})
    assert (status, again["code"]) == (409, "dose_already_corrected")
    assert post_json(client, "/api/v1/therapy/doses/999999/correct", body)[0] == 404
    status, forged = post_json(  # an entry in error is only ever a correction
        client,
        f"/api/v1/therapy/prescriptions/{record.prescription_id}/doses",
        {"outcome": "in_error", "due_at": EIGHT.isoformat()},
    )
    assert (status, forged["code"]) == (422, "outcome_invalid")
    doses = client.get(f"/api/v1/therapy/prescriptions/{record.prescription_id}/doses").json()
    assert [d["corrected_by_id"] for d in doses] == [fixed["id"], None]


@time_machine.travel(MORNING, tick=False)
def test_the_page_correction_and_its_refusal_beside_the_record(
    ward: Ward12, record: DoseRecord
) -> None:
    client = logged_in(ward.nurse)
    url = f"/therapy/doses/{record.pk}/correct/"
    post = {"ward": "MED2", "day": "2026-03-10", "kind": "in_error"}
    refused = client.post(url, {**post, "reason": ""})
    assert refused.status_code == 422
    assert 'data-testid="correction-error"' in refused.content.decode()
    done = client.post(url, {**post, "reason": "riga sbagliata"})
    assert done.status_code == 302
    page = client.get("/therapy/ward/MED2/?day=2026-03-10").content.decode()
    assert "Registrazione annullata" in page and "riga sbagliata" in page


@time_machine.travel(MORNING, tick=False)
def test_the_prescription_print_shows_the_correction_and_its_reason(
    ward: Ward12, rx: WardPrescription, record: DoseRecord
) -> None:
    fix = correct(
        ward.nurse, record.pk, kind="amend", reason="dato alle 08:30", amount=Decimal("0.5")
    )
    printed = logged_in(ward.nurse).get(f"/therapy/prescriptions/{rx.pk}/print.pdf")
    assert printed.status_code == 200
    document = Document.objects.get(template_code="ward_prescription")
    first, correction = document.context["doses"]
    assert (first["superseded"], first["correction_reason"]) == (True, "")
    assert (correction["amount"], correction["correction_reason"]) == ("0,5 g", "dato alle 08:30")
    assert correction["nurse"] == fix.nurse.get_full_name()
    html = printed_html(document)
    assert "(0,5 g)<br><strong>Correzione</strong>: dato alle 08:30" in html
    assert '<tr class="struck">' in html  # the first record, kept and struck through
    assert "sostituita da una correzione" in html
    assert AccessLogEntry.objects.filter(user=ward.nurse, patient_id=rx.patient_id).exists()

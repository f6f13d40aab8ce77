"""Prescriptions under AIFA monitoring: bevacizumab for ovarian cancer (ICD-9-CM 183.0)
needs its registry, for colon cancer (153.9) it does not; each recorded state counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Ward
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.services import regulatory
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.prescribing import diagnosed_order, library_version

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/pharmacy_aifa_registry"


def _documented(order: TherapyOrder, values: dict[str, object]) -> OrderRegulatoryRequirement:
    row = OrderRegulatoryRequirement.objects.get(order=order)
    regulatory.regulatory_document(
        actor=order.prescriber, workstation=None, requirement_id=row.pk, values=values
    )
    services.order_confirm_and_sign(actor=order.prescriber, workstation=None, order_id=order.pk)
    return row


def test_registry_prescriptions_as_recorded(make_user: MakeUser) -> None:
    physician, pharmacist = make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST)
    version = library_version("FOLFOX-4-BEV", approvers=(make_user(Role.PHYSICIAN), physician))
    registrar = make_user(Role.COORDINATOR)

    def order(code: str, start: date, surname: str) -> TherapyOrder:
        return diagnosed_order(
            version,
            physician=physician,
            registrar=registrar,
            diagnosis_code=code,
            start=start,
            surname=surname,
        )

    rossi = order("183.0", date(2025, 3, 3), "Rossi")
    row = _documented(rossi, {"request_number": "RA-1", "request_date": date(2025, 2, 28)})
    regulatory.regulatory_dispensing_record(
        actor=pharmacist, workstation=None, requirement_id=row.pk
    )
    verdi = order("183.0", date(2025, 5, 5), "Verdi")
    _documented(
        verdi, {"pending_reason": "eleggibilità in valutazione", "pending_acknowledged": True}
    )
    order("183.0", date(2025, 6, 6), "Neri")  # a draft: left out
    colon = order("153.9", date(2025, 6, 7), "Gialli")  # no registry for colon cancer
    services.order_confirm_and_sign(actor=physician, workstation=None, order_id=colon.pk)
    late = order("183.0", date(2026, 1, 2), "Bruni")  # outside 2025
    _documented(late, {"request_number": "RA-9", "request_date": date(2026, 1, 1)})

    before = AccessLogEntry.objects.count()
    body = api_client(pharmacist).get(f"{API}?period_from=2025-01-01&period_to=2025-12-31").json()
    registry, regimen = "Avastin - carcinoma ovarico", version.name
    label = row.indication_label  # as the registry's rule for 183.0 recorded it
    assert label
    [first, second] = body["rows"]
    assert first[:10] == [
        rossi.patient.mrn, "2025-03-03", regimen, "bevacizumab", registry, "183.0",
        label, "Registrata", "RA-1", "2025-02-28",
    ]  # fmt: skip
    assert first[10] is not None and first[11] == ""
    assert second[:10] == [
        verdi.patient.mrn, "2025-05-05", regimen, "bevacizumab", registry, "183.0",
        label, "In attesa: eleggibilità in valutazione", "", None,
    ]  # fmt: skip
    assert second[10] is None
    assert body["notes"][0] == "Prescrizioni sotto registro: 2; documentazione completa: 2."
    assert AccessLogEntry.objects.count() == before + 2
    nurse = api_client(make_user(Role.NURSE))
    assert nurse.get(f"{API}?period_from=2025-01-01&period_to=2025-12-31").status_code == 403


def test_unit_and_regimen_filters_of_the_registry_report(make_user: MakeUser) -> None:
    # given two registry prescriptions of FOLFOX-4-BEV in 2025, Rossi's on ward W1 and
    # Verdi's on ward W2, and a FOLFOX-4 regimen none of them follows
    physician = make_user(Role.PHYSICIAN)
    approvers = (make_user(Role.PHYSICIAN), physician)
    version = library_version("FOLFOX-4-BEV", approvers=approvers)
    other = library_version("FOLFOX-4", approvers=approvers)
    registrar = make_user(Role.COORDINATOR)
    orders = {}
    for surname, start in (("Rossi", date(2025, 3, 3)), ("Verdi", date(2025, 5, 5))):
        made = diagnosed_order(
            version, physician=physician, registrar=registrar, diagnosis_code="183.0",
            start=start, surname=surname,
        )  # fmt: skip
        _documented(made, {"request_number": f"RA-{surname}", "request_date": start})
        orders[surname] = made
    w1 = Ward.objects.create(code="W1", name="Oncologia DH", kind="day_hospital")
    w2 = Ward.objects.create(code="W2", name="Ginecologia", kind="inpatient")
    TherapyOrder.objects.filter(pk=orders["Rossi"].pk).update(ward=w1)
    TherapyOrder.objects.filter(pk=orders["Verdi"].pk).update(ward=w2)
    client = api_client(make_user(Role.PHARMACIST))
    year = "period_from=2025-01-01&period_to=2025-12-31"

    def numbers(query: str) -> list[str]:
        return [r[8] for r in client.get(f"{API}?{year}&{query}").json()["rows"]]

    # then each ward holds its own prescription, the regimen both, the other regimen none
    assert numbers(f"unit={w1.pk}") == ["RA-Rossi"]
    assert numbers(f"unit={w2.pk}") == ["RA-Verdi"]
    assert numbers(f"regimen={version.regimen_id}") == ["RA-Rossi", "RA-Verdi"]
    assert numbers(f"regimen={other.regimen_id}") == []
    assert numbers(f"unit={w2.pk}&regimen={version.regimen_id}") == ["RA-Verdi"]
    refused = client.get(f"{API}?{year}&unit=abc")
    assert refused.status_code == 422 and refused.json()["field"] == "unit"

"""The pharmacogenomic barrier on the pages: the prescription form (reason, acknowledgement,
"applica la dose suggerita"), the order page (findings, the button) and the pharmacist's
validation (refused until acknowledged). BSA 2.00 m²; CAPE-ADJ capecitabine 1250 mg/m²
(2500 mg a dose)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import dpyd_markers
from corsia.testing.prescribing import library_version


def _version(make_user: MakeUser) -> int:
    return library_version(
        "CAPE-ADJ", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    ).pk


def _form(version_id: int, **extra: str) -> dict[str, str]:
    return {
        "regimen_version": str(version_id),
        "start_date": "2026-12-07",
        "cycle_number": "1",
        "line": "1",
        **extra,
    }


def test_the_prescription_form_stops_then_applies_the_suggested_dose(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    pgx_recorded(physician, patient.pk)
    version = _version(make_user)
    client = logged_in(physician)
    form = client.get(f"/prescribing/patient/{patient.pk}/").content.decode()
    assert 'name="pgx_apply_suggested"' in form
    assert 'name="pgx_override_reason"' in form and 'name="pgx_acknowledged"' in form
    url = f"/prescribing/patient/{patient.pk}/orders/new/"
    refused = client.post(url, _form(version), follow=True).content.decode()
    assert "Applicare la dose suggerita o prendere visione" in refused
    assert not TherapyOrder.objects.filter(patient=patient).exists()
    client.post(url, _form(version, pgx_apply_suggested="yes"))
    order = TherapyOrder.objects.get(patient=patient)
    finals = set(
        order.items.filter(ingredient__code="capecitabine").values_list("final_dose", flat=True)
    )
    assert finals == {Decimal("1250.00")}
    page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-testid="pgx-findings"' in page
    assert 'data-testid="pgx-finding-informative"' in page
    assert "farmacogenomica: DPYD metabolizzatore intermedio" in page


def test_the_order_page_offers_the_suggested_dose_and_applies_it(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=_version(make_user),
        start_date=date(2026, 12, 7),
    )
    pgx_recorded(physician, patient.pk)  # recorded after the draft
    client = logged_in(physician)
    page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    capecitabine = order.items.filter(ingredient__code="capecitabine").first()
    assert capecitabine is not None
    assert f'data-testid="pgx-apply-{capecitabine.ingredient_id}"' in page
    assert "Richiede la presa visione oppure la dose suggerita." in page
    assert 'id="pgx-ack-confirm-sign"' in page  # the signing form asks for it
    order.refresh_from_db()
    client.post(
        f"/prescribing/orders/{order.pk}/pgx/apply/",
        {"ingredient_id": str(capecitabine.ingredient_id), "version": str(order.version)},
    )
    capecitabine.refresh_from_db()
    assert (capecitabine.final_dose, capecitabine.reduction_percent) == (
        Decimal("1250.00"),
        Decimal("50.00"),
    )
    assert capecitabine.deviation_reason == "farmacogenomica: DPYD metabolizzatore intermedio"


def test_the_pharmacists_validation_page_asks_and_records_the_acknowledgement(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=_version(make_user),
        start_date=date(2026, 12, 7),
    )
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    pgx_recorded(physician, patient.pk)
    client = logged_in(pharmacist)
    page = client.get(f"/compounding/orders/{order.pk}/").content.decode()
    assert 'data-testid="pgx-findings"' in page
    assert 'id="pgx-ack-validate"' in page
    url = f"/compounding/orders/{order.pk}/action/"
    refused = client.post(url, {"action": "validate_all"}, follow=True).content.decode()
    assert "Applicare la dose suggerita o prendere visione" in refused
    order.refresh_from_db()
    assert order.state == "sent_to_pharmacy"
    client.post(url, {"action": "validate_all", "pgx_acknowledged": "yes"})
    order.refresh_from_db()
    assert order.state == "validated"
    assert [(o["role"], o["by_id"]) for o in order.pgx_overrides] == [("pharmacist", pharmacist.pk)]
    page = client.get(f"/compounding/orders/{order.pk}/").content.decode()
    assert 'data-testid="pgx-override-recorded"' in page


def test_a_result_after_validation_shows_once_on_the_order_page_and_is_acknowledged_there(
    physician: User, pharmacist: User, patient: Patient, make_user: MakeUser
) -> None:
    dpyd_markers("capecitabine")
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=_version(make_user),
        start_date=date(2026, 12, 7),
    )
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    services.order_transition(
        actor=pharmacist, workstation=None, order_id=order.pk, event="validate"
    )
    pgx_recorded(physician, patient.pk)  # the DPYD report arrives after the validation
    url = f"/prescribing/orders/{order.pk}/"
    # the physician's order page: the late result once (the barrier's row, marked late; not
    # again among the warnings) and the acknowledgement offered
    page = logged_in(physician).get(url).content.decode()
    assert page.count("Reduce starting dose by 50%") == 1
    assert page.count('data-testid="pgx-late"') == 1
    assert 'data-testid="pgx-since"' not in page
    assert 'data-testid="pgx-ack-form"' in page
    # the pharmacist's page (the order redirects there): once too, and the same form
    client = logged_in(pharmacist)
    page = client.get(f"/compounding/orders/{order.pk}/").content.decode()
    assert page.count("Reduce starting dose by 50%") == 1
    assert 'data-testid="review-pgx-since"' not in page
    assert 'data-testid="pgx-ack-form"' in page
    refused = client.post(f"{url}pgx/acknowledge/", {}, follow=True).content.decode()
    assert "Applicare la dose suggerita o prendere visione" in refused
    order.refresh_from_db()
    assert order.pgx_overrides == []
    client.post(f"{url}pgx/acknowledge/", {"pgx_acknowledged": "yes"})
    order.refresh_from_db()
    assert [(o["role"], o["by_id"]) for o in order.pgx_overrides] == [("pharmacist", pharmacist.pk)]
    page = client.get(f"/compounding/orders/{order.pk}/").content.decode()
    assert 'data-testid="pgx-ack-form"' not in page
    assert 'data-testid="pgx-override-recorded"' in page

"""The physician's page of one patient's therapies (``/prescribing/patient/<id>/``) reads the
patient, then what it shows in two statements (issue 27: was 38 queries — the patient's
encounters, identifiers, consents and merges it never showed, the duplicates' ids read
again by each cumulative read, each source of drugs one query), and still shows all of it:
the orders, the regimens, the measures, the allergies, the pharmacogenomic results, the
lifetime cumulative doses with the doses given elsewhere, the interactions across the
therapies; the patient's therapies, the cumulative doses and the interactions logged, a
row each, as before.

Reference patient (180 cm, 80 kg: 2.00 m²). ABVD doxorubicin 25 mg/m² on days 1 and 15 =
50 mg a day; day 1 given in part (150 of 250 mL: 30 mg = 15 mg/m² administered), day 15
committed (50 mg = 25 mg/m²); 240 mg on 1.60 m² elsewhere = 150 mg/m². Anthracyclines
(limit 450 mg/m² doxorubicin-equivalent): 15 + 25 + 150 = 190 mg/m², 42 %."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.core.access_cache import read_only_request
from corsia.core.read_together import read_parts
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.prescribing import cumulative, services
from corsia.prescribing.cumulative_page import patient_cumulative_read
from corsia.prescribing.domain.cumulative import Source
from corsia.prescribing.models import PatientDiagnosis, PriorDose, TherapyOrder
from corsia.regimens.selectors import prescribable_versions
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.administration import doxorubicin_partly_given
from corsia.testing.interactions import chemo_order, ward_prescribed
from corsia.testing.patients import allergy_input, pgx_recorded
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db


def _abvd_given_in_part(make_user: MakeUser, physician: User, patient: Patient) -> TherapyOrder:
    """ABVD confirmed for ``patient``, its day-1 doxorubicin given in part; doxorubicin's
    lifetime limit 450 mg/m²."""
    version = library_version(
        "ABVD", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    ActiveIngredient.objects.filter(code="doxorubicin").update(
        cumulative_limit=Decimal(450), cumulative_limit_unit="mg/m2"
    )
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=timezone.localdate() - timedelta(days=30),
        cycle_number=1,
    )
    order = services.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )
    doxorubicin_partly_given(order, make_user(Role.NURSE))
    return order


def _elsewhere(physician: User, patient: Patient, amount: str, **fields: Any) -> PriorDose:
    return cumulative.prior_dose_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        ingredient_id=ActiveIngredient.objects.get(code="doxorubicin").pk,
        amount=Decimal(amount),
        unit="mg",
        bsa_m2=Decimal("1.60"),
        hospital="IRCCS Aviano",
        given_from=date(2018, 2, 1),
        document_ref="Cartella 2018/77",
        reason="Linfoma di Hodgkin 2018",
        **fields,
    )


def test_the_batched_cumulative_answers_what_the_cumulative_answers(
    make_user: MakeUser, physician: User
) -> None:
    # a duplicate merged into the patient: its dose elsewhere (corrected once: the
    # correction counts) and its cancelled order's doxorubicin given in part count too
    from corsia.patients.services import patient_merge

    coordinator = make_user(Role.COORDINATOR)
    patient = measured_patient(registrar=coordinator, physician=physician)
    duplicate = measured_patient(
        registrar=coordinator, physician=physician, given_names="Carlo Maria"
    )
    old = _abvd_given_in_part(make_user, physician, duplicate)
    services.order_transition(
        actor=physician, workstation=None, order_id=old.pk, event="cancel", reason="Doppione"
    )
    wrong = _elsewhere(physician, duplicate, "320")
    _elsewhere(physician, duplicate, "240", corrects_id=wrong.pk)
    patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=patient.pk,
        duplicate_id=duplicate.pk,
        reason="Stesso paziente registrato due volte",
    )
    alone = cumulative.patient_cumulative_view(
        user=physician, patient_id=patient.pk, workstation=None
    )
    with read_only_request(), CaptureQueriesContext(connection) as queries:
        [rows] = read_parts(
            [patient_cumulative_read(user=physician, patient_id=patient.pk, workstation=None)]
        )
        [view] = read_parts([rows.tallies_read()])
    # two statements (and the access log's append: outside a request, at once)
    assert len([q for q in queries.captured_queries if "audit_" not in q["sql"]]) == 2
    # 240 / 1.60 = 150 elsewhere (the correction, not the 320 it corrects), 30 mg / 2.00 m²
    # = 15 administered
    (result,) = view.tallies
    assert result.by_source == {Source.ELSEWHERE: Decimal(150), Source.ADMINISTERED: Decimal(15)}
    assert [(t.limit.key, t.by_source, t.total) for t in view.tallies] == [
        (t.limit.key, t.by_source, t.total) for t in alone.tallies
    ]
    assert [p.pk for p in view.prior_doses] == [p.pk for p in alone.prior_doses]


def test_the_patient_page_shows_all_of_it_in_eight_queries(
    make_user: MakeUser, physician: User, drugs_reference: None
) -> None:
    # capecitabine this cycle (a cycle sent three weeks ago, this one duplicated from it),
    # ABVD given in part, a dose elsewhere, warfarin on the ward, an allergy, a DPYD result
    earlier = chemo_order(
        make_user, physician, "CAPE-MBC", start=timezone.localdate() - timedelta(days=21)
    )
    for event in ("confirm", "send"):
        services.order_transition(
            actor=physician, workstation=None, order_id=earlier.pk, event=event
        )
    current = services.order_duplicate(
        actor=physician, workstation=None, order_id=earlier.pk, start_date=timezone.localdate()
    )
    patient = current.patient
    _abvd_given_in_part(make_user, physician, patient)
    _elsewhere(physician, patient, "240")
    ward_prescribed(physician, patient, "warfarin", acknowledged=True)
    patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=allergy_input(ingredient_id=ActiveIngredient.objects.get(code="oxaliplatin").pk),
    )
    pgx_recorded(physician, patient.pk)
    reader = make_user(Role.PHYSICIAN)
    client = logged_in(reader)
    client.get("/prescribing/pharmacy/")  # the caller's first request: permissions cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/prescribing/patient/{patient.pk}/")
    assert response.status_code == 200
    # session (2); the patient (1); the masked stays (1); everything that depends only on
    # the patient in one statement (the latest cycle, the diagnoses, the latest measures,
    # the orders' count and page, the prescribable regimens and their diseases, the
    # allergies and the NKDA statement, the pharmacogenomic results, the drugs recorded
    # elsewhere, committed and given, the doses given elsewhere, every administration,
    # every source's drugs of the period); the archive's limits of those drugs, the lines
    # given and the known interactions among the drugs in a second (1); the access log
    # (2: the patient's therapies, the cumulative doses, the interactions; one append)
    assert len(queries.captured_queries) == 8, [q["sql"] for q in queries.captured_queries]
    page = response.content.decode()

    assert f"MRN {patient.mrn}" in page
    # the three orders, the newest first, and the next cycle's number
    assert page.count('href="/prescribing/orders/') == 3
    assert 'data-testid="patient-orders-total">3<' in page
    assert 'id="cycle" name="cycle_number" min="1" value="3"' in page  # CAPE cycle 2 + 1
    # the regimens of the patient's first diagnosis (every one without a diagnosis)
    diagnosis = PatientDiagnosis.objects.filter(patient=patient, is_active=True).first()
    regimens = prescribable_versions(diagnosis_code=diagnosis.code if diagnosis else None)
    assert regimens
    for version in regimens:  # as the template escapes them
        name = f"{escape(version.regimen.code)} — {escape(version.name)}"
        assert f'<option value="{version.pk}">{name}</option>' in page
    assert "Oxaliplatino (anafilassi, pericolo di vita, confermata)" in page
    assert 'data-testid="pgx-results"' in page and "DPYD" in page
    # anthracyclines: administered 15, committed 25, elsewhere 150, total 190 (42 %)
    assert "<td>15</td><td>25</td><td>150</td><td>190</td><td>42</td>" in page
    assert "IRCCS Aviano" in page and "Cartella 2018/77" in page
    section = page[page.index('data-testid="patient-interactions"') :]
    section = section[: section.index("</section>")].lower()
    assert "warfarin" in section and "capecitabin" in section  # ward + chemotherapy

    rows = list(
        AccessLogEntry.objects.filter(username=reader.username)
        .order_by("id")
        .values_list("patient_id", "what")
    )
    assert rows == [
        (patient.pk, "terapie del paziente"),
        (patient.pk, "dosi cumulative"),
        (patient.pk, "interazioni tra le terapie in corso"),
    ]

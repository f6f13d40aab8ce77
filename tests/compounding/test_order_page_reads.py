"""The pharmacist's validation page (``/compounding/orders/<id>/``) reads the order and its
lines, then everything it shows beside them in one statement (issue 27: was 35 queries,
the users of the lines' history read one by one and the lines read six times), and still
shows all of it: who validated each line and who took the order in charge, the
preparations and those on hold, the allergy, the toxicity since the previous cycle, the
interaction with a ward drug, the pharmacogenomic finding; the order and the toxicity
summary logged, a row each, as before.

FOLFOX-4 for the reference patient (2.00 m²): the pharmacy's lines are days 1–2 of
oxaliplatin (day 1), calcium folinate and the two fluorouracil (bolus, infusion): seven
lines, seven preparations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.compounding import services
from corsia.compounding.models import Preparation
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services as patient_services
from corsia.prescribing.models import OrderItem
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.compounding import Folfox
from corsia.testing.interactions import ward_prescribed
from corsia.testing.patients import allergy_input, pgx_recorded
from corsia.testing.toxicity import NEUTROPENIA, term
from corsia.toxicity.services import ToxicityInput, toxicity_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(drugs_reference: None, ctcae_reference: None) -> None:
    """The shipped drug archive (its interactions, the DPYD markers) and the CTCAE terms."""


def _named(make_user: MakeUser, role: Role, first: str, last: str) -> User:
    user = make_user(role)
    User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    user.refresh_from_db()
    return user


def _everything_shown(folfox: Folfox, make_user: MakeUser, physician: User) -> dict[str, User]:
    """Oxaliplatin validated by one pharmacist, the rest by another, who takes the order in
    charge; then an allergy to oxaliplatin, a grade 3 neutropenia, warfarin on the ward and
    a DPYD result recorded (after the validation: the fluorouracil bags on hold)."""
    first = _named(make_user, Role.PHARMACIST, "Anna", "Validi")
    second = _named(make_user, Role.PHARMACIST, "Bruno", "Carichi")
    order_id = folfox.order.pk
    oxaliplatin = OrderItem.objects.get(order_id=order_id, ingredient__code="oxaliplatin")
    services.order_item_validate(
        actor=first, workstation=None, order_id=order_id, item_ids=[oxaliplatin.pk]
    )
    services.order_item_validate(actor=second, workstation=None, order_id=order_id)
    services.order_take_charge(actor=second, workstation=None, order_id=order_id)
    patient_id = folfox.patient.pk
    patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=allergy_input(ingredient_id=ActiveIngredient.objects.get(code="oxaliplatin").pk),
    )
    toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=ToxicityInput(
            term_id=term(NEUTROPENIA).pk,
            grade=3,
            attribution="probable",
            onset_date=timezone.localdate() - timedelta(days=2),
        ),
    )
    ward_prescribed(physician, folfox.patient, "warfarin", acknowledged=True)
    pgx_recorded(physician, patient_id)
    return {"first": first, "second": second}


def test_the_validation_page_shows_all_of_it_in_few_queries(
    folfox: Folfox, make_user: MakeUser, physician: User
) -> None:
    people = _everything_shown(folfox, make_user, physician)
    reader = _named(make_user, Role.PHARMACIST, "Carla", "Lettori")
    client = logged_in(reader)
    client.get("/prescribing/pharmacy/")  # the caller's first request: permissions cached
    url = f"/compounding/orders/{folfox.order.pk}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # session (2); the order with its patient, regimen, diagnosis and people (1); its
    # lines with their drug, product, regimen component and validator (1); one statement
    # for the rest (the previous cycle, the latest measures, allergies and the NKDA
    # statement, pharmacogenomic results and the drugs' markers, the interactions across
    # the patient's therapies, the regulatory requirements, the toxicity summary, the
    # preparations); the access log (2: the order and the toxicity summary, one append)
    assert len(queries.captured_queries) == 7, [q["sql"] for q in queries.captured_queries]
    page = response.content.decode()

    lines = OrderItem.objects.filter(
        order_id=folfox.order.pk, competence="pharmacy", status="active"
    ).select_related("ingredient")
    assert len(lines) == 7
    for line in lines:  # each line with who validated it
        who = "Anna Validi" if line.ingredient.code == "oxaliplatin" else "Bruno Carichi"
        assert f'<span data-testid="validated-{line.pk}">✓ {who}</span>' in page
    assert "Presa in carico da Bruno Carichi" in page
    assert f"Prescrittore: {physician.get_full_name()}" in page
    preparations = Preparation.objects.filter(order_id=folfox.order.pk)
    assert preparations.count() == 7
    for preparation in preparations:
        assert f'/compounding/preparations/{preparation.pk}/"' in page
    assert 'data-testid="pgx-hold"' in page  # the fluorouracil bags, on hold
    assert "DPYD" in page
    assert "Oxaliplatino (anafilassi, pericolo di vita, confermata)" in page
    assert 'data-testid="allergy-matches"' in page  # recorded after the order: not gone past
    assert "Grado ≥ 3 dal ciclo precedente" in page
    assert "Warfarin (terapia di reparto)" in page
    assert people["first"].pk != people["second"].pk

    # the order and the toxicity summary: two rows, as before
    rows = list(
        AccessLogEntry.objects.filter(username=reader.username)
        .order_by("id")
        .values_list("patient_id", "what")
    )
    assert rows == [
        (folfox.patient.pk, f"prescrizione {folfox.order.pk} (UFA)"),
        (folfox.patient.pk, "tossicità: riepilogo"),
    ]

"""The order page reads what it shows beside the order in one statement (issue 27): each
module's selector in its batched variant answers what the selector answers alone, and
within the read-only request the selectors then answer from it, with no query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import DateField, Subquery, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.models import User
from corsia.core.access_cache import read_only_request
from corsia.core.read_together import ReadPart, read_parts
from corsia.drugs.models import ActiveIngredient
from corsia.drugs.selectors import pgx_markers_for, pgx_markers_read
from corsia.patients import services as patient_services
from corsia.patients.selectors import allergy_summary, allergy_summary_read
from corsia.patients.selectors_pgx import pgx_current, pgx_current_read
from corsia.prescribing import selectors, services
from corsia.prescribing.interactions_check import (
    order_found_interactions,
    order_interactions_read,
)
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.selectors_regulatory import order_requirements, order_requirements_read
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.interactions import chemo_order, ward_prescribed
from corsia.testing.patients import allergy_input, pgx_recorded
from corsia.testing.toxicity import NEUTROPENIA, term
from corsia.toxicity.selectors import latest_toxicity_summary, toxicity_summary_read
from corsia.toxicity.services import ToxicityInput, toxicity_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(drugs_reference: None, ctcae_reference: None) -> None:
    """The shipped drug archive (its interactions) and the CTCAE terms."""


def _capecitabine_patient(make_user: MakeUser, physician: User) -> TherapyOrder:
    """A capecitabine cycle starting today, a cycle before it with a grade 3 neutropenia,
    warfarin on the ward (a major interaction), an allergy to oxaliplatin and a DPYD
    intermediate metaboliser's result."""
    earlier = chemo_order(
        make_user, physician, "CAPE-MBC", start=timezone.localdate() - timedelta(days=21)
    )
    for event in ("confirm", "send"):
        services.order_transition(
            actor=physician, workstation=None, order_id=earlier.pk, event=event
        )
    order = services.order_duplicate(
        actor=physician, workstation=None, order_id=earlier.pk, start_date=timezone.localdate()
    )
    toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=order.patient_id,
        data=ToxicityInput(
            term_id=term(NEUTROPENIA).pk,
            grade=3,
            attribution="probable",
            onset_date=timezone.localdate() - timedelta(days=7),
            order_id=earlier.pk,
            cycle_number=1,
        ),
    )
    ward_prescribed(physician, order.patient, "warfarin", acknowledged=True)
    patient_services.allergy_record(
        actor=physician,
        workstation=None,
        patient_id=order.patient_id,
        data=allergy_input(ingredient_id=ActiveIngredient.objects.get(code="oxaliplatin").pk),
    )
    pgx_recorded(physician, order.patient_id)
    return order


def test_the_batched_reads_answer_what_each_selector_answers_alone(
    make_user: MakeUser, physician: User
) -> None:
    order = _capecitabine_patient(make_user, physician)
    order = selectors.order_get(user=physician, order_id=order.pk)
    previous = selectors.previous_cycle_start(order)
    ingredients = {i.ingredient_id for i in order.items.all()}
    assert previous == timezone.localdate() - timedelta(days=21)
    alone = (
        allergy_summary(patient_id=order.patient_id),
        pgx_current(patient_id=order.patient_id),
        order_found_interactions(order),
        order_requirements(order.pk),
        latest_toxicity_summary(
            user=physician, patient_id=order.patient_id, since=previous, logged_by_caller=True
        ),
        pgx_markers_for(ingredients),
    )
    assert alone[0].active and alone[1] and alone[2] and alone[4].severe_since and alone[5]
    marked = alone[5][0].ingredient_id  # capecitabine (DPYD)
    since = Coalesce(
        Subquery(selectors.previous_cycle_start_query(order)),
        Value(order.start_date),
        output_field=DateField(),
    )
    parts: list[ReadPart[Any]] = [
        allergy_summary_read(patient_id=order.patient_id),
        pgx_current_read(patient_id=order.patient_id),
        order_interactions_read(order),
        order_requirements_read(order.pk),
        toxicity_summary_read(user=physician, patient_id=order.patient_id, since=since),
        pgx_markers_read(ingredients),
    ]
    with read_only_request():
        with CaptureQueriesContext(connection) as batch:
            allergies, results, _, requirements, toxicity, _ = read_parts(parts)
        assert len(batch.captured_queries) == 1
        with CaptureQueriesContext(connection) as after:
            again = (
                allergy_summary(patient_id=order.patient_id),
                pgx_current(patient_id=order.patient_id),
                order_found_interactions(order),
                order_requirements(order.pk),
                pgx_markers_for(ingredients),
                pgx_markers_for([marked]),  # any of them
            )
        assert after.captured_queries == []  # kept for the request
    assert (allergies, results, list(requirements)) == (alone[0], alone[1], alone[3])
    assert again[:2] == alone[:2] and list(again[3]) == alone[3] and again[4] == alone[5]
    assert again[5] == [m for m in alone[5] if m.ingredient_id == marked] != []
    assert [(f.pair, f.severity, f.first.source, f.second.source) for f in again[2]] == [
        (f.pair, f.severity, f.first.source, f.second.source) for f in alone[2]
    ]
    summary = toxicity.summary(previous)
    assert (summary.latest, summary.worst) == (alone[4].latest, alone[4].worst)
    assert summary.worst is not None and summary.worst.grade == 3


def test_the_page_shows_all_of_it_in_eight_queries(make_user: MakeUser, physician: User) -> None:
    order = _capecitabine_patient(make_user, physician)
    client = logged_in(physician)
    client.get("/prescribing/pharmacy/")  # the caller's first request: permissions cached
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    # the drugs' pharmacogenomic markers too (read for a patient with a result)
    assert len(queries.captured_queries) == 8
    assert 'data-testid="allergy-banner"' in page
    assert "Oxaliplatino (anafilassi, pericolo di vita, confermata)" in page
    assert "Tossicità di grado ≥ 3 dal ciclo precedente" in page
    assert "Warfarin (terapia di reparto)" in page
    assert "DPYD" in page

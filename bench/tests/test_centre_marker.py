"""The generated centre's marker (``bench.generate``): a rerun reuses the centre when the
orders the generator wrote are all there, whatever orders a bench load added since (before,
every synthetic patient's order was counted: the load's own prescriptions made a rerun at
M regenerate the centre for 15 minutes); one of the generator's orders missing, it does not.

Hand count: one synthetic patient (MRN 30000001) with three FOLFOX-4 orders (the
generator's), one patient of the demo range with one; then the load prescribes one more to
the synthetic patient."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from bench.generate import MRN_BASE, centre_marker_of, centre_recorded, synthetic_orders
from corsia.accounts.domain.roles import Role
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import folfox_order, measured_patient, orders_like

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 5)
FIGURES = {"counts": {"orders": 3}}


def _raw() -> Any:
    """The test's own psycopg connection (its transaction rolled back at the end, the
    marker's table with it)."""
    connection.ensure_connection()
    return connection.connection


def test_a_rerun_reuses_the_centre_whatever_orders_the_load_added(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    first = folfox_order(make_user, physician, start=TODAY)
    generated = [first, *orders_like(first, 2, days_apart=14)]
    Patient.objects.filter(pk=first.patient_id).update(mrn=str(MRN_BASE + 1))
    other = measured_patient(
        registrar=make_user(Role.COORDINATOR), physician=physician, surname="Verdi"
    )
    demo = services.order_create(  # not a synthetic patient's: not the centre's
        actor=physician, workstation=None, patient_id=other.pk,
        regimen_version_id=first.regimen_version_id, start_date=TODAY,
    )  # fmt: skip
    conn = _raw()
    # given the marker the generator writes at its end
    centre_recorded(conn, scale="tiny", seed=1, today=TODAY, figures=FIGURES)
    marker = centre_marker_of(conn)
    assert marker == {"scale": "tiny", "seed": 1, "today": TODAY, "figures": FIGURES}
    assert synthetic_orders(conn) == 3
    # when the bench load prescribes to the synthetic patient
    orders_like(first, 1)
    assert synthetic_orders(conn) == 4
    # then the centre is still the one generated: a rerun reuses it
    assert centre_marker_of(conn) == marker
    # one of the generator's orders gone (here: moved to the demo patient), it is not
    TherapyOrder.objects.filter(pk=generated[1].pk).update(patient_id=demo.patient_id)
    assert centre_marker_of(conn) is None


def test_a_marker_written_before_counts_every_synthetic_order(make_user: MakeUser) -> None:
    """A marker without the last order's id (written by an older bench) is judged as then:
    on every synthetic order."""
    physician = make_user(Role.PHYSICIAN)
    first = folfox_order(make_user, physician, start=TODAY)
    Patient.objects.filter(pk=first.patient_id).update(mrn=str(MRN_BASE + 1))
    conn = _raw()
    centre_recorded(conn, scale="M", seed=1, today=TODAY, figures=FIGURES)
    conn.execute("UPDATE bench_centre SET last_order_id = NULL")
    assert centre_marker_of(conn) is not None
    orders_like(first, 1)
    assert centre_marker_of(conn) is None

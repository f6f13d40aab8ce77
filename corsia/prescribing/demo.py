"""Demo clinical data: measures and a diagnosis for every demo patient, and a handful of
chemotherapy orders around today in several states (idempotent: patients that already
have measures are left alone)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User
from corsia.patients.selectors import patients_born_before
from corsia.prescribing import services
from corsia.prescribing.models import Measurement, TherapyOrder
from corsia.regimens.selectors import current_version, regimen_detail

DIAGNOSES = (
    ("153.9", "Tumore maligno del colon", "FOLFOX-4"),
    ("174.9", "Tumore maligno della mammella", None),
    ("162.9", "Tumore maligno del polmone", None),
    ("201.90", "Linfoma di Hodgkin", "ABVD"),
    ("154.1", "Tumore maligno del retto", "mFOLFOX6"),
    ("183.0", "Tumore maligno dell'ovaio", None),
)
# (diagnosis index, events to fire after creation, by whom)
_DEMO_ORDERS = 6


@transaction.atomic
def ensure_demo_clinical(*, physician: User, validator: User, pharmacist: User) -> str:
    today = timezone.localdate()
    now = timezone.now()
    measured = orders = 0
    patients = list(patients_born_before(year=2005))
    for index, patient in enumerate(patients):
        if Measurement.objects.filter(patient=patient).exists():
            continue
        height = (
            Decimal(158 + (index * 7) % 30)
            if patient.sex == "F"
            else Decimal(166 + (index * 5) % 28)
        )
        weight = Decimal(52 + (index * 11) % 40)
        for kind, value in (
            ("height_cm", height),
            ("weight_kg", weight),
            ("serum_creatinine_mg_dl", Decimal("0.7") + Decimal((index * 3) % 7) / 10),
        ):
            services.measurement_record(
                actor=physician,
                workstation=None,
                patient_id=patient.pk,
                kind=kind,
                value=value,
                measured_at=now - timedelta(days=1),
            )
        code, label, regimen_code = DIAGNOSES[index % len(DIAGNOSES)]
        diagnosis = services.diagnosis_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            code=code,
            label=label,
            diagnosed_on=today - timedelta(days=60 + index),
        )
        measured += 1
        if orders >= _DEMO_ORDERS or regimen_code is None:
            continue
        regimen = regimen_detail(regimen_code)
        version = current_version(regimen) if regimen is not None else None
        if version is None or TherapyOrder.objects.filter(patient=patient).exists():
            continue
        order = services.order_create(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            regimen_version_id=version.pk,
            start_date=today + timedelta(days=orders % 3),
            diagnosis_id=diagnosis.pk,
            # the first patient is a DPYD intermediate metaboliser (corsia.demo.pgx): the
            # demo physician has read the recommendation; the draft keeps the full dose and
            # the order page offers «Applica la dose suggerita»
            pgx_acknowledged=True,
        )
        # a spread of states: draft, confirmed, sent, validated, taken in charge
        steps = (
            [],
            [("confirm", physician)],
            [("confirm", physician), ("send", physician)],
            [("confirm", physician), ("send", physician), ("validate", pharmacist)],
            [
                ("confirm", physician),
                ("send", physician),
                ("validate", validator),
                ("take_charge", pharmacist),
            ],
            [("confirm", physician), ("send", physician)],
        )[orders % 6]
        for event, actor in steps:
            services.order_transition(actor=actor, workstation=None, order_id=order.pk, event=event)
        orders += 1
    return f"demo clinical data: {measured} patients measured, {orders} orders"

"""Demo transplant: for the first inpatient of the haematology ward (EMA), an allogeneic
peripheral-blood transplant in progress — acute myeloid leukaemia in first remission, the
recipient typed, an HLA-identical brother chosen (10/10) over an unrelated IBMDR donor
(9/10, a C mismatch), PBSC collected by apheresis on day -1 (CD34+ dose computed) and
issued, the myeloablative FLU-BU4 conditioning from the regimen library, the infusion on day 0
sixteen days ago, the daily counts since: neutrophils engrafted on day +13, platelets not
yet. Through the services; idempotent: a patient with a transplant is left alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.core.actors import User
from corsia.core.web import Acting
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.selectors import ward_inpatients
from corsia.regimens.selectors import prescribable_versions
from corsia.transfusion.domain.isbt128 import din_check_character
from corsia.transplant import services
from corsia.transplant.models import Transplant

WARD = "EMA"
HLA = {
    "A": ("A*01:01", "A*02:01"),
    "B": ("B*08:01", "B*44:02"),
    "C": ("C*07:01", "C*05:01"),
    "DRB1": ("DRB1*03:01", "DRB1*04:01"),
    "DQB1": ("DQB1*02:01", "DQB1*03:02"),
}
NEGATIVE = {m: "negative" for m in ("hiv", "hbsag", "anti_hbc", "hcv", "syphilis", "htlv")}
DAYS_SINCE_INFUSION = 16


def _din(patient_id: int) -> str:
    body = f"A9999{timezone.localdate():%y}{900000 + patient_id % 100000:06d}"
    return body + din_check_character(body)


def _at(on: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(hour, 0)))


def ensure_demo_transplant(*, physician: User, nurse: User) -> str:
    patients = ward_inpatients(user=physician, ward_code=WARD)[:1]
    if not patients:
        return "no inpatient in the haematology ward"
    patient = patients[0]
    if Transplant.objects.filter(patient_id=patient.pk).exists():
        return "already there"
    versions = prescribable_versions()
    conditionings = [v for v in versions if v.therapy_type == "conditioning"]
    conditioning = next(
        (v for v in conditionings if v.regimen.code == "FLU-BU4"),
        conditionings[0] if conditionings else None,
    )
    if conditioning is None:
        return "no validated conditioning regimen"
    doctor: Acting = {"actor": physician, "workstation": "demo"}
    ward_nurse: Acting = {"actor": nurse, "workstation": "demo"}
    today = timezone.localdate()
    day_zero = today - timedelta(days=DAYS_SINCE_INFUSION)
    case = services.transplant_open(
        **doctor, patient_id=patient.pk,
        data=services.CaseInput(
            transplant_type="allogeneic", source="pb", diagnosis_code="205.00",
            indication="Leucemia mieloide acuta, rischio ELN sfavorevole",
            disease_status="Prima remissione completa (RC1)", coordinator=nurse.username,
            taken_in_charge_on=today - timedelta(days=75),
        ),
    )  # fmt: skip
    case = services.recipient_typing_record(
        **doctor, transplant_id=case.pk, expected_version=case.version, hla_typing=HLA,
        abo="O", cmv="positive",
    )  # fmt: skip
    brother = services.donor_add(
        **ward_nurse, transplant_id=case.pk,
        data=services.DonorInput(
            kind="sibling", name="Fratello del paziente", relation="fratello", sex="M",
            born_on=date(1979, 6, 12), abo="A", rh_positive=True, cmv="positive",
            hla_typing=HLA, markers=NEGATIVE, consent=True, consent_on=today - timedelta(days=40),
        ),
    )  # fmt: skip
    services.donor_add(
        **ward_nurse, transplant_id=case.pk,
        data=services.DonorInput(
            kind="unrelated", name="Donatore non consanguineo", registry_id="IBMDR-DEMO-0427",
            sex="F", born_on=date(1994, 2, 3), abo="O", cmv="negative",
            hla_typing={**HLA, "C": ("C*07:01", "C*04:01")}, markers=NEGATIVE,
            consent=True, consent_on=today - timedelta(days=30),
        ),
    )  # fmt: skip
    services.donor_choose(
        **doctor, donor_id=brother.pk, expected_version=brother.version,
        reason="Fratello HLA-identico 10/10, idoneo, CMV concordante con il ricevente",
    )  # fmt: skip
    product = services.product_collect(
        **ward_nurse, transplant_id=case.pk,
        data=services.CollectionInput(
            method="apheresis", collected_on=day_zero - timedelta(days=1), din=_din(patient.pk),
            volume_ml=Decimal(280), recipient_weight_kg=Decimal(72), cd34_per_ul=Decimal(1250),
            expires_at=_at(day_zero, 23),
        ),
    )  # fmt: skip
    for kind, on, hour in (("received", day_zero - timedelta(days=1), 18), ("issued", day_zero, 9)):
        product.refresh_from_db()
        services.custody_record(
            **ward_nurse, product_id=product.pk, expected_version=product.version, kind=kind,
            occurred_at=_at(on, hour),
        )  # fmt: skip
    case.refresh_from_db()
    services.conditioning_set(
        **doctor, transplant_id=case.pk, expected_version=case.version,
        regimen_version_id=conditioning.pk, intensity="MAC",
        start=day_zero - timedelta(days=6), day_zero=day_zero,
    )  # fmt: skip
    services.infusion_record(
        **ward_nurse, transplant_id=case.pk,
        data=services.InfusionInput(
            din_scan=f"={product.din}00", wristband_scan=wristband_payload(patient.mrn),
            volume_ml=Decimal(280), started_at=_at(day_zero, 11),
            reactions="Nessuna",
        ),
    )  # fmt: skip
    anc = (
        [Decimal("0.3")]
        + [Decimal("0.05")] * 12
        + [Decimal("0.6"), Decimal("0.9"), Decimal("1.2"), Decimal("1.6")]
    )
    for day, value in enumerate(anc[: DAYS_SINCE_INFUSION + 1]):
        services.count_record(
            **ward_nurse, transplant_id=case.pk,
            data=services.CountInput(
                on=day_zero + timedelta(days=day), anc=value,
                platelets=Decimal(8 if day in (6, 11) else 14 + day),
                platelet_transfusion=day in (6, 11),
            ),
        )  # fmt: skip
    return "an allogeneic transplant at day +16 created"

"""The pre-transplant path the tests share: an HLA-identical sibling chosen, a PBSC
apheresis collected and issued, conditioning from a validated regimen with day 0 some days
ago, the infusion with the bag and the wristband scanned."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.accounts.models import User
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.models import Patient
from corsia.transfusion.domain.isbt128 import din_check_character
from corsia.transplant import services
from corsia.transplant.models import Donor, Product, Transplant

RECIPIENT_HLA = {
    "A": ("A*01:01", "A*02:01"),
    "B": ("B*08:01", "B*44:02"),
    "C": ("C*07:01", "C*05:01"),
    "DRB1": ("DRB1*03:01", "DRB1*04:01"),
    "DQB1": ("DQB1*02:01", "DQB1*03:02"),
}
NEGATIVE_MARKERS = {m: "negative" for m in ("hiv", "hbsag", "anti_hbc", "hcv", "syphilis", "htlv")}


def din(sequence: int, facility: str = "A9999", year: str = "26") -> str:
    """A DIN with its keyboard check character (as typed)."""
    body = f"{facility}{year}{sequence:06d}"
    return body + din_check_character(body)


def scanned(din_typed: str) -> str:
    """The DIN as the bag's barcode reads it (``=`` + 13 characters + 2 flag characters)."""
    return f"={din_typed[:13]}00"


def wristband(patient: Patient) -> str:
    return wristband_payload(patient.mrn)


def sibling(**fields: object) -> services.DonorInput:
    values: dict[str, object] = {
        "kind": "sibling",
        "name": "Luca Rossi",
        "relation": "fratello",
        "sex": "M",
        "born_on": date(1988, 3, 4),
        "abo": "A",
        "cmv": "positive",
        "hla_typing": RECIPIENT_HLA,
        "markers": NEGATIVE_MARKERS,
        "consent": True,
        "consent_on": date(2026, 10, 1),
        **fields,
    }
    return services.DonorInput(**values)  # type: ignore[arg-type]


def sibling_chosen(physician: User, case: Transplant) -> Donor:
    services.recipient_typing_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        expected_version=case.version, hla_typing=RECIPIENT_HLA, abo="O", cmv="positive",
    )  # fmt: skip
    donor = services.donor_add(
        actor=physician, workstation=None, transplant_id=case.pk, data=sibling()
    )
    return services.donor_choose(
        actor=physician, workstation=None, donor_id=donor.pk, expected_version=donor.version,
        reason="Fratello HLA-identico 10/10, idoneo",
    )  # fmt: skip


def collected(
    nurse: User, case: Transplant, *, sequence: int = 12, on: date | None = None
) -> Product:
    return services.product_collect(
        actor=nurse, workstation=None, transplant_id=case.pk,
        data=services.CollectionInput(
            method="apheresis", collected_on=on or timezone.localdate(), din=din(sequence),
            volume_ml=Decimal(250), recipient_weight_kg=Decimal(64),
            cd34_per_ul=Decimal(480),
        ),
    )  # fmt: skip


def issued(nurse: User, product: Product) -> Product:
    for kind in ("received", "issued"):
        product.refresh_from_db()
        services.custody_record(
            actor=nurse, workstation=None, product_id=product.pk,
            expected_version=product.version, kind=kind,
        )  # fmt: skip
    product.refresh_from_db()
    return product


def conditioned(
    physician: User, case: Transplant, *, regimen_version_id: int, day_zero: date
) -> Transplant:
    case.refresh_from_db()
    return services.conditioning_set(
        actor=physician, workstation=None, transplant_id=case.pk, expected_version=case.version,
        regimen_version_id=regimen_version_id, intensity="RIC",
        start=day_zero - timedelta(days=6), day_zero=day_zero,
    )  # fmt: skip


def at_day(day_zero: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day_zero, time(hour, 0)))


def infused(nurse: User, case: Transplant, product: Product, patient: Patient) -> None:
    assert case.day_zero is not None
    services.infusion_record(
        actor=nurse, workstation=None, transplant_id=case.pk,
        data=services.InfusionInput(
            din_scan=scanned(product.din + "X"), wristband_scan=wristband(patient),
            volume_ml=Decimal(250), started_at=at_day(case.day_zero),
        ),
    )  # fmt: skip

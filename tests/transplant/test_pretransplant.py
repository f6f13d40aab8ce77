"""The pre-transplant path through the services: donors matched and chosen, the
collection's CD34+ dose, the chain of custody, conditioning and day 0, the infusion's
checks of the bag and the wristband, the counts and the engraftment days computed. Every
refusal: a clear Italian message, a stable code, nothing saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, CorsiaError, ValidationFailed
from corsia.patients.models import Patient
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.prescribing import library_version
from corsia.testing.transplant import case_opened
from corsia.testing.transplant_path import (
    at_day,
    collected,
    conditioned,
    din,
    infused,
    issued,
    scanned,
    sibling,
    sibling_chosen,
    wristband,
)
from corsia.transplant import selectors, services
from corsia.transplant.models import DailyCount, Donor, Infusion, Product, Transplant

pytestmark = pytest.mark.django_db


@pytest.fixture
def regimen(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "MEL200", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST))
    )


@pytest.fixture
def case(physician: User, recipient: Patient) -> Transplant:
    return case_opened(physician, recipient.pk)


def test_the_sibling_is_matched_chosen_and_the_case_moves_on(
    physician: User, case: Transplant
) -> None:
    donor = sibling_chosen(physician, case)
    assert donor.match["score_10"] == "10/10" and donor.match["category"] == "identical"
    assert donor.eligible and donor.state == "chosen"
    case.refresh_from_db()
    assert case.state == "donor_chosen"
    assert AuditEvent.objects.filter(event_type="transplant.donor_chosen").count() == 1


def test_an_unrelated_donor_with_one_mismatch_is_listed_by_locus(
    physician: User, case: Transplant
) -> None:
    sibling_chosen(physician, case)
    hla = {**sibling().hla_typing, "C": ("C*07:01", "C*04:01")}
    donor = services.donor_add(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=sibling(kind="unrelated", name="Donatore IBMDR", registry_id="IT-0042-1234",
                     hla_typing=hla),
    )  # fmt: skip
    assert donor.match["score_10"] == "9/10"
    assert donor.match["mismatches"] == [
        {"locus": "C", "direction": "bidirezionale", "gvh": ["C*05:01"], "hvg": ["C*04:01"]}
    ]
    with pytest.raises(ConflictError) as refused:
        services.donor_choose(
            actor=physician, workstation=None, donor_id=donor.pk, expected_version=1,
            reason="seconda scelta",
        )  # fmt: skip
    assert refused.value.code == "donor_already_chosen"


def test_an_ineligible_donor_is_not_chosen(physician: User, case: Transplant) -> None:
    services.recipient_typing_record(
        actor=physician, workstation=None, transplant_id=case.pk, expected_version=1,
        hla_typing=dict(sibling().hla_typing),
    )  # fmt: skip
    donor = services.donor_add(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=sibling(markers={"hiv": "negative", "hbsag": "positive"}, consent=False),
    )  # fmt: skip
    assert not donor.eligible
    with pytest.raises(ValidationFailed) as refused:
        services.donor_choose(
            actor=physician, workstation=None, donor_id=donor.pk, expected_version=1, reason="x"
        )
    assert refused.value.code == "donor_not_eligible"
    assert "HBsAg: positivo" in refused.value.message
    assert Donor.objects.get().state == "candidate"


@pytest.mark.parametrize(
    ("typing", "code"),
    [
        ({"A": ("A*02:01\x00", "A*01:01")}, "hla_allele_invalid"),
        ({"A": ("A*01:01", "")}, "hla_locus_incomplete"),
        ({"A": ("A2", "A*01:01")}, "hla_allele_invalid"),
    ],
)
def test_bad_typing_is_refused(
    physician: User, case: Transplant, typing: dict[str, tuple[str, str]], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.donor_add(
            actor=physician, workstation=None, transplant_id=case.pk,
            data=sibling(hla_typing={**sibling().hla_typing, **typing}),
        )  # fmt: skip
    assert refused.value.code == code
    assert not Donor.objects.exists()


def test_an_autologous_case_has_no_donor(physician: User, recipient: Patient) -> None:
    from corsia.testing.transplant import AUTOLOGOUS

    auto = case_opened(physician, recipient.pk, AUTOLOGOUS)
    with pytest.raises(ConflictError):
        services.donor_add(actor=physician, workstation=None, transplant_id=auto.pk, data=sibling())


def test_collection_computes_the_cd34_dose(physician: User, nurse: User, case: Transplant) -> None:
    sibling_chosen(physician, case)
    product = collected(nurse, case)
    # 480/µL × 250 mL × 1000 = 120 × 10^6 cells; / 64 kg = 1.875 -> 1.88 × 10^6/kg
    assert (product.cd34_total, product.cd34_dose) == (Decimal("120.00"), Decimal("1.88"))
    assert product.din == din(12)[:13] and product.custody == "collected"
    case.refresh_from_db()
    assert case.state == "collected"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"recipient_weight_kg": None}, "weight_required"),
        ({"recipient_weight_kg": Decimal(0)}, "recipient_weight_kg_out_of_range"),
        ({"volume_ml": Decimal("1e308")}, "volume_ml_out_of_range"),
        ({"volume_ml": Decimal(0)}, "volume_ml_zero"),
        ({"din": "A99992600001" + "2Z"}, "din_check_failed"),
        ({"din": "A9999\x00"}, "din_malformed"),
        ({"method": "marrow"}, "method_not_source"),
        ({"collected_on": date(2999, 1, 1)}, "date_in_future"),
    ],
)
def test_bad_collections_are_refused(
    physician: User, nurse: User, case: Transplant, fields: dict[str, object], code: str
) -> None:
    sibling_chosen(physician, case)
    data = services.CollectionInput(
        method="apheresis", collected_on=timezone.localdate(), din=din(12),
        volume_ml=Decimal(250), recipient_weight_kg=Decimal(64), cd34_per_ul=Decimal(480),
    )  # fmt: skip
    with pytest.raises(CorsiaError) as refused:
        services.product_collect(
            actor=nurse,
            workstation=None,
            transplant_id=case.pk,
            data=replace(data, **fields),  # type: ignore[arg-type]
        )
    assert refused.value.code == code
    assert not Product.objects.exists()


def test_the_chain_of_custody_goes_in_order(physician: User, nurse: User, case: Transplant) -> None:
    sibling_chosen(physician, case)
    product = collected(nurse, case)
    with pytest.raises(ConflictError) as refused:
        services.custody_record(
            actor=nurse, workstation=None, product_id=product.pk, expected_version=1, kind="thawed"
        )
    assert refused.value.code == "custody_out_of_order"
    assert issued(nurse, product).custody == "issued"
    assert [e.kind for e in product.custody_events.order_by("pk")] == [
        "collected", "received", "issued",
    ]  # fmt: skip


@pytest.fixture
def ready(
    physician: User, nurse: User, case: Transplant, regimen: RegimenVersion
) -> tuple[Transplant, Product]:
    """Donor chosen, product collected the day before day 0 and issued, day 0 20 days ago."""
    day_zero = timezone.localdate() - timedelta(days=20)
    sibling_chosen(physician, case)
    product = issued(nurse, collected(nurse, case, on=day_zero - timedelta(days=1)))
    return conditioned(physician, case, regimen_version_id=regimen.pk, day_zero=day_zero), product


def test_conditioning_sets_day_zero_and_a_stale_form_is_refused(
    physician: User, ready: tuple[Transplant, Product], regimen: RegimenVersion
) -> None:
    case, _ = ready
    assert case.state == "conditioning" and case.conditioning_intensity == "RIC"
    assert "MEL200" in case.conditioning_regimen
    with pytest.raises(ConflictError):
        services.conditioning_set(
            actor=physician, workstation=None, transplant_id=case.pk,
            expected_version=case.version - 1, regimen_version_id=regimen.pk, intensity="MAC",
            start=date(2026, 1, 1), day_zero=date(2026, 1, 5),
        )  # fmt: skip
    case.refresh_from_db()
    assert case.conditioning_intensity == "RIC"


def _infuse(nurse: User, case: Transplant, din_scan: str, band: str, **fields: object) -> None:
    assert case.day_zero is not None
    data = services.InfusionInput(
        din_scan=din_scan, wristband_scan=band, volume_ml=Decimal(250),
        started_at=at_day(case.day_zero),
    )  # fmt: skip
    services.infusion_record(
        actor=nurse,
        workstation=None,
        transplant_id=case.pk,
        data=replace(data, **fields),  # type: ignore[arg-type]
    )


def test_the_infusion_refuses_the_wrong_bag_or_patient(
    physician: User, nurse: User, recipient: Patient, ready: tuple[Transplant, Product],
    make_user: MakeUser,
) -> None:  # fmt: skip
    case, product = ready
    other = patient_registered(make_user(Role.COORDINATOR), **ANNA_BIANCHI)
    other_case = case_opened(physician, other.pk)
    sibling_chosen(physician, other_case)
    other_product = collected(nurse, other_case, sequence=99)
    band = wristband(recipient)
    refusals: dict[str, tuple[str, str, dict[str, Any]]] = {
        "product_unknown": (scanned(din(555)), band, {}),
        "product_other_patient": (scanned(other_product.din + "X"), band, {}),
        "wristband_mismatch": (scanned(product.din + "X"), wristband(other), {}),
        "wristband_required": (scanned(product.din + "X"), "", {}),
        "din_malformed": (scanned(product.din + "X")[:8], band, {}),
        "infusion_not_day_zero": (
            # today at midnight: never in the future, whatever the hour the test runs
            scanned(product.din + "X"), band, {"started_at": at_day(timezone.localdate(), hour=0)},
        ),
        "volume_ml_zero": (scanned(product.din + "X"), band, {"volume_ml": Decimal(0)}),
    }  # fmt: skip
    for code, (bag, wrist, fields) in refusals.items():
        with pytest.raises(CorsiaError) as refused:
            _infuse(nurse, case, bag, wrist, **fields)
        assert refused.value.code == code, code
    assert not Infusion.objects.exists()
    product.refresh_from_db()
    assert product.custody == "issued"


def test_a_product_not_issued_or_expired_is_refused(
    physician: User, nurse: User, recipient: Patient, ready: tuple[Transplant, Product]
) -> None:
    case, product = ready
    assert case.day_zero is not None
    not_issued = collected(nurse, case, sequence=13, on=case.day_zero - timedelta(days=1))
    with pytest.raises(ValidationFailed) as refused:
        _infuse(nurse, case, scanned(not_issued.din + "X"), wristband(recipient))
    assert refused.value.code == "product_not_issued"
    Product.objects.filter(pk=product.pk).update(expires_at=at_day(case.day_zero, hour=8))
    with pytest.raises(ValidationFailed) as refused:
        _infuse(nurse, case, scanned(product.din + "X"), wristband(recipient))
    assert refused.value.code == "product_expired"
    assert not Infusion.objects.exists()


def test_infusion_then_counts_give_the_engraftment_days(
    nurse: User, recipient: Patient, ready: tuple[Transplant, Product]
) -> None:
    case, product = ready
    infused(nurse, case, product, recipient)
    case.refresh_from_db()
    assert case.state == "infused"
    product.refresh_from_db()
    assert product.custody == "infused"
    assert case.day_zero is not None
    with pytest.raises(ValidationFailed) as refused:
        services.count_record(
            actor=nurse, workstation=None, transplant_id=case.pk,
            data=services.CountInput(on=case.day_zero - timedelta(days=1), anc=Decimal("0.1")),
        )  # fmt: skip
    assert refused.value.code == "on_before_day_zero"
    # hand-worked: ANC 0.1 on days +0..+11 (the nadir), 0.6, 0.9, 1.4, 1.8 on +12..+15:
    # the first of 3 consecutive days ≥ 0.5 is day +12. Platelets 10 with a transfusion on
    # +5; then 25 from +13 to +15 with no transfusion on +6..+12: day +13.
    anc = {d: Decimal("0.1") for d in range(12)} | {
        12: Decimal("0.6"),
        13: Decimal("0.9"),
        14: Decimal("1.4"),
        15: Decimal("1.8"),
    }
    for day, value in anc.items():
        services.count_record(
            actor=nurse, workstation=None, transplant_id=case.pk,
            data=services.CountInput(
                on=case.day_zero + timedelta(days=day), anc=value,
                platelets=Decimal(25) if day >= 13 else Decimal(10),
                platelet_transfusion=day == 5,
            ),
        )  # fmt: skip
    result = selectors.engraftment_of(case)
    assert (result.neutrophil_day, result.platelet_day) == (12, 13)
    assert result.neutrophil_date == case.day_zero + timedelta(days=12)
    case.refresh_from_db()
    assert case.state == "engrafted"
    with pytest.raises(ConflictError):
        services.count_record(
            actor=nurse, workstation=None, transplant_id=case.pk,
            data=services.CountInput(on=case.day_zero, anc=Decimal(1)),
        )  # fmt: skip
    assert DailyCount.objects.count() == 16


def test_counts_refuse_nonsense(
    nurse: User, recipient: Patient, ready: tuple[Transplant, Product]
) -> None:
    case, product = ready
    infused(nurse, case, product, recipient)
    assert case.day_zero is not None
    for value, code in ((Decimal("1e308"), "anc_out_of_range"), (Decimal(-1), "anc_negative")):
        with pytest.raises(ValidationFailed) as refused:
            services.count_record(
                actor=nurse, workstation=None, transplant_id=case.pk,
                data=services.CountInput(on=case.day_zero, anc=value),
            )  # fmt: skip
        assert refused.value.code == code
    assert not DailyCount.objects.exists()

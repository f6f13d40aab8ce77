"""CPIC's "thrice weekly instead of daily" for a TPMT poor metaboliser on mercaptopurine
proposed on the order's days and applied only when the physician confirms (H67).

AIEOP-BFM protocol M from Monday 7 December 2026: mercaptopurine 25 mg/m² a day, days 1–56
(7/12/2026 – 31/1/2027, eight whole weeks). Monday, Wednesday, Friday kept: 8 × 3 = 24
days; the other 32 skipped. The dose is not changed here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.domain.pgx_frequency import thrice_weekly_plan
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import THIOPURINE_TEXTS, pgx_marker
from corsia.testing.prescribing import library_version

START = date(2026, 12, 7)  # a Monday


def test_the_pure_plan_keeps_monday_wednesday_friday() -> None:
    # a week from Thursday 10/12: kept Fri 11, Mon 14, Wed 16; skipped Thu 10, Sat, Sun, Tue
    lines = [(100 + n, date(2026, 12, 10) + timedelta(days=n)) for n in range(7)]
    plan = thrice_weekly_plan(reversed(lines))
    assert [d.day for _, d in plan.keep] == [11, 14, 16]
    assert [d.day for _, d in plan.skip] == [10, 12, 13, 15]
    assert plan.summary_it() == (
        "3 giorni mantenuti (lunedì, mercoledì, venerdì: ven 11/12, lun 14/12, mer 16/12); "
        "4 giorni saltati"
    )
    assert not thrice_weekly_plan([(1, date(2026, 12, 7)), (2, date(2026, 12, 9))]).changes


@pytest.mark.django_db
def test_the_physician_confirms_the_three_days_a_week_and_nothing_changes_before(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    # given a TPMT poor, NUDT15 normal patient and protocol M (created with the reason)
    pgx_marker(
        "mercaptopurine",
        gene="TPMT",
        phenotype="NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer",
        text=THIOPURINE_TEXTS["mercaptopurine TPMT PM"],
    )
    pgx_recorded(
        physician, patient.pk, gene="TPMT", phenotype="poor_metabolizer", activity_score=None
    )
    pgx_recorded(
        physician, patient.pk, gene="NUDT15", phenotype="normal_metabolizer", activity_score=None
    )
    version = library_version(
        "AIEOP-BFM-M", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
        pgx_override_reason="Protocollo M: dose e frequenza decise con l'ematologo",
    )
    mp = order.items.filter(ingredient__code="mercaptopurine")
    ingredient_id = mp[0].ingredient_id
    assert mp.count() == 56
    # when asked without confirmation: the proposal, nothing written
    with pytest.raises(ValidationFailed) as proposal:
        services.order_pgx_apply_thrice_weekly(
            actor=physician, workstation=None, order_id=order.pk, ingredient_id=ingredient_id
        )
    assert proposal.value.code == "pgx_thrice_weekly_confirm"
    assert proposal.value.message.startswith(
        "Proposta: 24 giorni mantenuti (lunedì, mercoledì, venerdì: lun 07/12, mer 09/12, "
        "ven 11/12, lun 14/12,"
    )
    assert proposal.value.message.endswith(
        "32 giorni saltati. La dose non cambia. Confermare per applicarla."
    )
    assert len(proposal.value.details["keep"]) == 24
    assert proposal.value.details["skip"][:3] == ["2026-12-08", "2026-12-10", "2026-12-12"]
    assert mp.filter(status="active").count() == 56
    # the pharmacist cannot apply it (the order's days are the physician's)
    with pytest.raises(PermissionRefused):
        services.order_pgx_apply_thrice_weekly(
            actor=make_user(Role.PHARMACIST), workstation=None, order_id=order.pk,
            ingredient_id=ingredient_id, confirmed=True,
        )  # fmt: skip
    # then the physician confirms: 32 lines skipped with the reason, doses untouched
    before = {i.pk: i.final_dose for i in mp}
    plan = services.order_pgx_apply_thrice_weekly(
        actor=physician, workstation="AMB-3", order_id=order.pk, ingredient_id=ingredient_id,
        confirmed=True,
    )  # fmt: skip
    assert (len(plan.keep), len(plan.skip)) == (24, 32)
    kept = mp.filter(status="active").order_by("scheduled_date")
    assert kept.count() == 24
    assert {i.scheduled_date.weekday() for i in kept} == {0, 2, 4}
    skipped = mp.filter(status="skipped")
    assert skipped.count() == 32
    assert {i.status_reason for i in skipped} == {
        "farmacogenomica: NUDT15 metabolizzatore normale, TPMT metabolizzatore lento: "
        "frequenza ridotta a tre volte a settimana (CPIC)"
    }
    assert {i.pk: i.final_dose for i in mp} == before
    event = AuditEvent.objects.filter(
        event_type="prescribing.item_status", target_id=str(order.pk)
    ).latest("pk")
    assert event.after is not None and len(event.after["items"]) == 32
    assert (event.actor_id, event.workstation) == (physician.pk, "AMB-3")
    # asked again: already three days a week
    with pytest.raises(ValidationFailed) as again:
        services.order_pgx_apply_thrice_weekly(
            actor=physician, workstation=None, order_id=order.pk, ingredient_id=ingredient_id,
            confirmed=True,
        )  # fmt: skip
    assert again.value.code == "pgx_thrice_weekly_already"
    assert TherapyOrder.objects.get(pk=order.pk).items.filter(status="skipped").count() == 32


@pytest.mark.django_db
def test_the_order_page_proposes_then_applies_on_the_physicians_tick(
    physician: User, patient: Patient, make_user: MakeUser
) -> None:
    pgx_marker(
        "mercaptopurine",
        gene="TPMT",
        phenotype="NUDT15: Normal Metabolizer; TPMT: Poor Metabolizer",
        text=THIOPURINE_TEXTS["mercaptopurine TPMT PM"],
    )
    pgx_recorded(
        physician, patient.pk, gene="TPMT", phenotype="poor_metabolizer", activity_score=None
    )
    pgx_recorded(
        physician, patient.pk, gene="NUDT15", phenotype="normal_metabolizer", activity_score=None
    )
    version = library_version(
        "AIEOP-BFM-M", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    order = services.order_create(
        actor=physician, workstation=None, patient_id=patient.pk,
        regimen_version_id=version.pk, start_date=START,
        pgx_override_reason="Protocollo M: dose e frequenza decise con l'ematologo",
    )  # fmt: skip
    ingredient_id = order.items.filter(ingredient__code="mercaptopurine")[0].ingredient_id
    client = logged_in(physician)
    page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert f'data-testid="pgx-thrice-weekly-{ingredient_id}"' in page
    form = {"what": "thrice_weekly", "ingredient_id": ingredient_id, "version": order.version}
    # not ticked: the proposal shown, nothing written
    shown = client.post(f"/prescribing/orders/{order.pk}/pgx/apply/", form, follow=True)
    assert "Proposta: 24 giorni mantenuti" in shown.content.decode()
    assert order.items.filter(status="skipped").count() == 0
    # ticked: applied
    order.refresh_from_db()
    done = client.post(
        f"/prescribing/orders/{order.pk}/pgx/apply/",
        {**form, "version": order.version, "confirmed": "yes"},
        follow=True,
    )
    assert "Frequenza ridotta a tre volte a settimana: 24 giorni mantenuti" in done.content.decode()
    assert order.items.filter(status="skipped").count() == 32

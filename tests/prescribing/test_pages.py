"""Prescription pages through the Django client: render, act, refuse with a message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.prescribing import library_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_user: MakeUser) -> tuple[User, TherapyOrder]:
    physician = make_user(Role.PHYSICIAN)
    order = library_order(
        "FOLFOX-4",
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=date(2026, 12, 1),
    )
    return physician, order


def test_order_page_shows_the_doses_and_the_formulas(setting: tuple[User, TherapyOrder]) -> None:
    physician, order = setting
    page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert "2,00 m²" in page
    assert "170 mg" in page  # oxaliplatin
    assert "Mosteller" in page
    assert 'data-event="confirm"' in page


def test_reduction_preview_is_computed_without_saving(setting: tuple[User, TherapyOrder]) -> None:
    physician, order = setting
    oxali = order.items.get(ingredient__code="oxaliplatin")
    client = logged_in(physician)
    answer = client.get(
        f"/prescribing/orders/{order.pk}/items/{oxali.pk}/preview/", {"reduction_percent": "20"}
    )
    assert "136 mg" in answer.content.decode()
    wrong = client.get(
        f"/prescribing/orders/{order.pk}/items/{oxali.pk}/preview/", {"reduction_percent": "120"}
    )
    assert "Riduzione non valida" in wrong.content.decode()
    oxali.refresh_from_db()
    assert oxali.final_dose == 170


def test_moving_a_day_needs_a_reason_and_moves_every_drug(
    setting: tuple[User, TherapyOrder],
) -> None:
    physician, order = setting
    client = logged_in(physician)
    client.post(
        f"/prescribing/orders/{order.pk}/days/2/move/", {"new_date": "2026-12-03", "reason": ""}
    )
    assert set(order.items.filter(day_of_cycle=2).values_list("scheduled_date", flat=True)) == {
        date(2026, 12, 2)
    }
    answer = client.post(
        f"/prescribing/orders/{order.pk}/days/2/move/",
        {"new_date": "2026-12-03", "reason": "Festività"},
        follow=True,
    )
    assert "spostato" in answer.content.decode()
    assert set(order.items.filter(day_of_cycle=2).values_list("scheduled_date", flat=True)) == {
        date(2026, 12, 3)
    }


def test_a_nurse_sees_the_order_but_cannot_confirm_it(
    make_user: MakeUser, setting: tuple[User, TherapyOrder]
) -> None:
    _, order = setting
    nurse = logged_in(make_user(Role.NURSE))
    page = nurse.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-event="confirm"' not in page
    answer = nurse.post(
        f"/prescribing/orders/{order.pk}/transition/", {"event": "confirm"}, follow=True
    )
    assert "Il tuo ruolo non può eseguire" in answer.content.decode()
    order.refresh_from_db()
    assert order.state == "draft"


def test_worklist_and_pharmacy_queue_list_the_order(
    make_user: MakeUser, setting: tuple[User, TherapyOrder]
) -> None:
    physician, order = setting
    worklist = logged_in(physician).get("/prescribing/", {"day": "2026-12-01"}).content.decode()
    assert "FOLFOX-4" in worklist
    queue = (
        logged_in(make_user(Role.PHARMACIST))
        .get("/prescribing/pharmacy/", {"day": "2026-12-01"})
        .content.decode()
    )
    assert "Carico potenziale" in queue
    assert order.patient.surname.upper() in queue


def test_a_grade_3_toxicity_recorded_today_shows_in_the_next_cycle(
    setting: tuple[User, TherapyOrder],
) -> None:
    from django.utils import timezone

    from corsia.toxicity.models import CtcaeTerm
    from corsia.toxicity.services import ToxicityInput, ctcae_reference_load, toxicity_record

    physician, order = setting
    ctcae_reference_load()
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    term = CtcaeTerm.objects.get(term="Neutrophil count decreased")
    toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=order.patient_id,
        data=ToxicityInput(
            term_id=term.pk,
            grade=3,
            attribution="probable",
            onset_date=timezone.localdate(),
            order_id=order.pk,
            cycle_number=1,
        ),
    )
    second = services.order_duplicate(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        start_date=timezone.localdate() + timedelta(days=14),
    )
    page = logged_in(physician).get(f"/prescribing/orders/{second.pk}/").content.decode()
    assert "Tossicità di grado ≥ 3 dal ciclo precedente" in page
    assert "Riduzione della conta dei neutrofili — grado 3" in page


def test_a_refused_reduction_is_shown_beside_its_line_with_the_typed_values_kept(
    setting: tuple[User, TherapyOrder],
) -> None:
    physician, order = setting
    oxali = order.items.get(ingredient__code="oxaliplatin", day_of_cycle=1)
    answer = logged_in(physician).post(
        f"/prescribing/orders/{order.pk}/items/{oxali.pk}/adjust/",
        {"version": order.version, "reduction_percent": "20", "reason": ""},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert f'id="err-{oxali.pk}"' in page
    assert "indicare il motivo" in page
    # the typed 20 % is kept in the field, and the reason field (the one refused) focused
    assert f'id="red-{oxali.pk}"' in page
    field = page[page.index(f'id="red-{oxali.pk}"') :]
    assert 'value="20"' in field[: field.index(">")]
    reason = page[page.index(f'id="why-{oxali.pk}"') :]
    assert "autofocus" in reason[: reason.index(">")]
    oxali.refresh_from_db()
    assert oxali.final_dose == 170  # nothing saved


def test_each_reason_field_names_its_drug_and_day(setting: tuple[User, TherapyOrder]) -> None:
    physician, order = setting
    page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert '">Motivo</label>' not in page
    oxali = order.items.get(ingredient__code="oxaliplatin", day_of_cycle=1)
    name, seq = oxali.ingredient.name_it, oxali.sequence
    assert (
        f"Motivo della variazione di dose — {name[:1].upper()}{name[1:]} (n. {seq}), giorno 1"
        in page
    )


def test_a_saved_change_returns_to_its_line(setting: tuple[User, TherapyOrder]) -> None:
    physician, order = setting
    oxali = order.items.get(ingredient__code="oxaliplatin", day_of_cycle=1)
    answer = logged_in(physician).post(
        f"/prescribing/orders/{order.pk}/items/{oxali.pk}/adjust/",
        {"version": order.version, "reduction_percent": "20", "reason": "Neuropatia G2"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/prescribing/orders/{order.pk}/#item-{oxali.pk}"
    oxali.refresh_from_db()
    assert oxali.final_dose == 136  # 170 mg - 20 %


def test_the_pharmacist_is_sent_to_the_one_validation_screen(
    setting: tuple[User, TherapyOrder], make_user: MakeUser
) -> None:
    physician, order = setting
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    pharmacist = logged_in(make_user(Role.PHARMACIST))
    answer = pharmacist.get(f"/prescribing/orders/{order.pk}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/compounding/orders/{order.pk}/"
    screen = pharmacist.get(answer["Location"]).content.decode()
    assert "Misure usate per le dosi" in screen
    assert "Clearance della creatinina (Cockcroft–Gault)" in screen
    assert "2 h · 125 mL/h" in screen  # oxaliplatin: glucosio 5% 250 mL over 120 min
    assert "22 h" in screen and "1320 min" not in screen  # 5-FU continuous infusion
    assert "Valida tutta la prescrizione" in screen
    # the physician still has the prescription page
    assert logged_in(physician).get(f"/prescribing/orders/{order.pk}/").status_code == 200


def test_the_queue_shows_several_days(
    setting: tuple[User, TherapyOrder], make_user: MakeUser
) -> None:
    physician, order = setting
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    client = logged_in(make_user(Role.PHARMACIST))
    # the order starts on 1 December: seen from 29 November over 3 days, not over 1
    three = client.get("/prescribing/pharmacy/", {"day": "2026-11-29", "days": "3"}).content
    one = client.get("/prescribing/pharmacy/", {"day": "2026-11-29", "days": "1"}).content
    assert f"queue-order-{order.pk}" in three.decode()
    assert f"queue-order-{order.pk}" not in one.decode()
    odd = client.get("/prescribing/pharmacy/", {"day": "2026-11-29", "days": "1e308"})
    assert odd.status_code == 200  # an unknown span falls back to the default (3 days)
    assert f"queue-order-{order.pk}" in odd.content.decode()

"""The bedside session on FOLFOX-4 day 1 (see conftest.py): the wristband and the badge
read once, then each bag in sequence; a bad badge refused the moment it is read; another
patient's bag refused with nothing given; another wristband ends the session; two nurses
at once; an idle session ends; the patient's allergies checked again at the bag; the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.bedside.infusion import administration_end
from corsia.administration.bedside.selectors import bedside_session_view
from corsia.administration.bedside.session import bedside_session_close, bedside_session_no_badge
from corsia.administration.models import Administration, AdministrationScan, BedsideSession
from corsia.audit.models import AuditEvent
from corsia.compounding.models import Preparation
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services as patient_services
from corsia.prescribing.models import OrderItem
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.administration import Folfox, MakeFolfox, session_scan
from corsia.testing.patients import allergy_input

pytestmark = pytest.mark.django_db
BADGE = "BADGE-0042"
DAY_ONE = ("ondansetron", "dexamethasone", "oxaliplatin", "calcium_folinate", "fluorouracil")


def _events(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("event_type", flat=True)
    )


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _identified(f: Folfox, **kw: Any) -> BedsideSession:
    assert session_scan(f, "wristband", **kw).code == "session_started"
    answer = session_scan(f, BADGE, **kw)
    assert (answer.accepted, answer.code) == (True, "badge_verified")
    assert answer.session is not None
    return answer.session


def test_wristband_and_badge_once_then_the_six_bags_of_the_day_in_sequence(f: Folfox) -> None:
    # given the nurse at the patient: wristband and badge, once
    since = _last_event()
    session = _identified(f)
    # when each bag of day 1 is scanned in the regimen's order, each ended before the next
    for code in DAY_ONE:
        answer = session_scan(f, code)
        assert (answer.accepted, answer.code) == (True, "administration_started"), answer.message
        assert answer.result is not None and answer.result.administration is not None
        administration_end(
            actor=f.nurse,
            workstation="tablet-DH-3",
            administration_id=answer.result.administration.pk,
        )
    answer = session_scan(f, f.labels[f.fu_infusion.pk])
    assert answer.code == "administration_started", answer.message
    # then six administrations, each with the badge verified, in one session
    given = Administration.objects.filter(order=f.order)
    assert given.count() == 6
    assert set(given.values_list("badge_verified", flat=True)) == {True}
    # the scan log: one wristband, one badge (masked), six labels, all of this session
    scans = AdministrationScan.objects.filter(session=session)
    assert sorted(scans.values_list("kind", flat=True)) == ["badge", *["label"] * 6, "wristband"]
    assert scans.get(kind="badge").raw == "•••••••042"
    assert AdministrationScan.objects.filter(session__isnull=True).count() == 0
    # audited: the session's start; six administrations started
    events = _events(since)
    assert events.count("administration.bedside_session_started") == 1
    assert events.count("administration.administration_started") == 6
    # the page's view: everything done but the 22-hour infusion, nothing due next
    view = bedside_session_view(user=f.nurse, workstation="tablet-DH-3")
    assert view.session is not None and view.session.pk == session.pk
    assert view.done_count == 5 and view.next_item is None


@pytest.mark.parametrize(
    ("whose", "code", "message"),
    [
        ("nobody", "badge_unknown", "Badge non riconosciuto"),
        ("inactive_nurse", "badge_inactive", "utente disattivato"),
        ("pharmacist", "badge_not_nurse", "non è di un infermiere"),
        ("other_nurse", "badge_other_user", "di un altro operatore"),
    ],
)
def test_a_bad_badge_is_refused_when_read_not_at_the_bag(
    f: Folfox, make_user: MakeUser, whose: str, code: str, message: str
) -> None:
    # given a badge that is not the signed-in nurse's
    owners = {
        "inactive_nurse": make_user(Role.NURSE),
        "pharmacist": make_user(Role.PHARMACIST),
        "other_nurse": make_user(Role.NURSE),
    }
    if whose in owners:
        User.objects.filter(pk=owners[whose].pk).update(
            badge_code="BADGE-0999", is_active=whose != "inactive_nurse"
        )
    session_scan(f, "wristband")
    since = _last_event()
    # when it is read
    answer = session_scan(f, "BADGE-0999")
    # then it is refused at once, with the reason in Italian, logged masked and audited
    assert (answer.accepted, answer.code) == (False, code)
    assert message in answer.message
    scan = AdministrationScan.objects.filter(kind="badge").latest("pk")
    assert (scan.outcome, scan.codes, scan.raw) == ("refused", [code], "•••••••999")
    assert _events(since) == ["administration.bedside_badge_refused"]
    # and no bag is accepted before the nurse's own badge
    bag = session_scan(f, "ondansetron")
    assert (bag.accepted, bag.code) == (False, "badge_first")
    assert not Administration.objects.exists()


def test_a_bag_of_another_patient_is_refused_and_nothing_is_recorded_as_given(
    f: Folfox,
) -> None:
    # given the nurse identified at the other patient (Verdi)
    session_scan(f, f"PZ{f.other_patient.mrn}")
    session_scan(f, BADGE)
    # when Bianchi's oxaliplatin bag is scanned
    answer = session_scan(f, "oxaliplatin")
    # then a wrong-patient alarm, nothing given, the order untouched, the session still Verdi's
    assert (answer.accepted, answer.code) == (False, "wrong_patient")
    assert "PAZIENTE SBAGLIATO" in answer.message and "VERDI Anna" in answer.message
    assert answer.result is not None
    assert not any(r.overridable for r in answer.result.refusals if r.code == "wrong_patient")
    assert not Administration.objects.exists()
    label = AdministrationScan.objects.get(kind="label")
    assert (label.outcome, "wrong_patient" in label.codes) == ("refused", True)
    assert label.patient_id == f.other_patient.pk
    assert answer.session is not None and answer.session.ended_at is None
    f.order.refresh_from_db()
    assert f.order.state == "prepared"
    # an override is refused for it
    with pytest.raises(ValidationFailed):
        session_scan(f, "oxaliplatin", overrides={"wrong_patient": "è lo stesso"})
    assert not Administration.objects.exists()


def test_another_wristband_ends_the_session_and_the_previous_patients_bags_are_refused(
    f: Folfox,
) -> None:
    first = _identified(f)
    assert session_scan(f, "ondansetron").code == "administration_started"
    since = _last_event()
    # when the nurse scans another patient's wristband
    answer = session_scan(f, f"PZ{f.other_patient.mrn}")
    # then Bianchi's session ended with a clear message, Verdi's started (badge again)
    assert answer.ended is not None and answer.ended.pk == first.pk
    assert "Sessione di BIANCHI Carlo chiusa" in answer.ended_message
    first.refresh_from_db()
    assert (first.end_reason, first.ended_at is not None) == ("other_wristband", True)
    assert answer.session is not None and answer.session.patient_id == f.other_patient.pk
    assert not answer.session.identified
    assert _events(since) == [
        "administration.bedside_session_ended",
        "administration.bedside_session_started",
    ]
    # Bianchi's next bag is not taken: badge first, then the wrong patient
    assert session_scan(f, "dexamethasone").code == "badge_first"
    session_scan(f, BADGE)
    assert session_scan(f, "dexamethasone").code == "wrong_patient"
    assert Administration.objects.count() == 1


def test_an_unknown_wristband_ends_the_session_too(f: Folfox) -> None:
    first = _identified(f)
    answer = session_scan(f, "PZ9999999")
    assert (answer.accepted, answer.code) == (False, "patient_unknown")
    assert answer.ended is not None and answer.session is None
    first.refresh_from_db()
    assert first.end_reason == "other_wristband"
    assert session_scan(f, "ondansetron").code == "wristband_first"


def test_two_nurses_at_once_each_have_their_own_session(f: Folfox, make_user: MakeUser) -> None:
    # given a second nurse with her own badge, on another tablet, at the other patient
    anna = make_user(Role.NURSE)
    User.objects.filter(pk=anna.pk).update(badge_code="BADGE-0077")
    anna.refresh_from_db()
    mine = _identified(f)
    theirs = session_scan(f, f"PZ{f.other_patient.mrn}", nurse=anna, workstation="tablet-DH-4")
    assert theirs.session is not None
    # her badge scanned on her tablet identifies her; mine would be refused there
    assert session_scan(f, BADGE, nurse=anna, workstation="tablet-DH-4").code == "badge_other_user"
    assert session_scan(f, "BADGE-0077", nurse=anna, workstation="tablet-DH-4").accepted
    # then my session is untouched: still Bianchi, still identified, my bag starts
    assert session_scan(f, "ondansetron").code == "administration_started"
    # her scanning Bianchi's bag is a wrong patient for her session, not a start in mine
    assert (
        session_scan(f, "dexamethasone", nurse=anna, workstation="tablet-DH-4").code
        == "wrong_patient"
    )
    # the same tablet, both nurses signed in one after the other: two open sessions
    session_scan(f, "wristband", nurse=anna, workstation="tablet-DH-3")
    open_sessions = BedsideSession.objects.filter(ended_at__isnull=True)
    assert sorted((s.nurse_id, s.workstation) for s in open_sessions) == sorted(
        [(f.nurse.pk, "tablet-DH-3"), (anna.pk, "tablet-DH-4"), (anna.pk, "tablet-DH-3")]
    )
    mine.refresh_from_db()
    assert mine.ended_at is None


def test_an_idle_session_ends_at_the_next_scan(f: Folfox, settings: Any) -> None:
    settings.CORSIA_BEDSIDE_SESSION_IDLE_MINUTES = 30
    session = _identified(f)
    # when nothing is scanned for 31 minutes
    later = timezone.now() + timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        # the page shows it as stale (the read writes nothing)
        view = bedside_session_view(user=f.nurse, workstation="tablet-DH-3")
        assert view.session is None and view.stale is not None and view.stale.pk == session.pk
        session.refresh_from_db()
        assert session.ended_at is None
        # then the next bag is refused: the session ended for inactivity first
        answer = session_scan(f, "ondansetron")
    assert (answer.accepted, answer.code) == (False, "wristband_first")
    assert answer.ended is not None and "ferma da più di 30 minuti" in answer.ended_message
    session.refresh_from_db()
    assert session.end_reason == "timeout"
    assert not Administration.objects.exists()


def test_within_the_idle_time_the_session_goes_on(make_folfox: MakeFolfox) -> None:
    # a fixed local morning: 29 minutes later is still the order's day (run at 23:45, the
    # wall clock would carry the bag past midnight and refuse it for the wrong reason)
    morning = timezone.make_aware(datetime.combine(date(2026, 3, 11), time(10, 0)))
    with time_machine.travel(morning, tick=False):
        f = make_folfox()
        _identified(f)
    with time_machine.travel(morning + timedelta(minutes=29), tick=False):
        assert session_scan(f, "ondansetron").code == "administration_started"


def test_the_nurse_closes_the_session_and_without_badge_gives_a_reason(f: Folfox) -> None:
    session_scan(f, "wristband")
    with pytest.raises(ValidationFailed):
        bedside_session_no_badge(actor=f.nurse, workstation="tablet-DH-3", reason="  ")
    bedside_session_no_badge(actor=f.nurse, workstation="tablet-DH-3", reason="badge dimenticato")
    answer = session_scan(f, "ondansetron")
    assert answer.code == "administration_started"
    assert answer.result is not None and answer.result.administration is not None
    assert answer.result.administration.badge_verified is False
    assert answer.result.administration.overridden_checks == ["badge_missing"]
    closed = bedside_session_close(actor=f.nurse, workstation="tablet-DH-3")
    assert closed is not None and closed.end_reason == "closed"
    assert session_scan(f, "dexamethasone").code == "wristband_first"
    assert bedside_session_close(actor=f.nurse, workstation="tablet-DH-3") is None


def test_only_nurses_scan_and_bad_codes_change_nothing(f: Folfox, make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused):
        session_scan(f, "wristband", nurse=make_user(Role.PHARMACIST))
    for bad in ("", "   ", "PZ1\x00", "x" * 129):
        with pytest.raises(ValidationFailed):
            session_scan(f, bad)
    assert not BedsideSession.objects.exists() and not AdministrationScan.objects.exists()


def test_an_intrathecal_bag_waits_for_the_physicians_badge_in_the_session(
    f: Folfox, make_user: MakeUser
) -> None:
    # given oxaliplatin's line and bag set to intrathecal (FOLFOX-4 has none: test data)
    item = f.items["oxaliplatin"]
    OrderItem.objects.filter(pk=item.pk).update(route="it")
    Preparation.objects.filter(order_item_id=item.pk).update(route="it")
    User.objects.filter(pk=f.physician.pk).update(badge_code="BADGE-MED-7")
    colleague = make_user(Role.NURSE)
    User.objects.filter(pk=colleague.pk).update(badge_code="BADGE-0077")
    _ready_for_oxaliplatin(f)
    # when the nurse scans the bag: it waits for a physician
    waiting = session_scan(f, "oxaliplatin")
    assert (waiting.accepted, waiting.code) == (False, "intrathecal_physician_required")
    # another nurse's badge does not co-sign; it is still waiting
    nurse = session_scan(f, "BADGE-0077")
    assert (nurse.accepted, nurse.code) == (False, "intrathecal_physician_required")
    assert nurse.result is not None and "non è di un medico" in nurse.result.refusals[0].message
    # then the physician's badge co-signs it and it starts
    cosigned = session_scan(f, "BADGE-MED-7")
    assert cosigned.code == "administration_started", cosigned.message
    assert cosigned.result is not None and cosigned.result.administration is not None
    assert cosigned.result.administration.cosigned_by_id == f.physician.pk
    session = cosigned.session
    assert session is not None and session.pending_label == ""
    badge_rows = AdministrationScan.objects.filter(session=session, kind="badge")
    assert sorted(r.raw[-3:] for r in badge_rows) == ["042", "077", "D-7"]


# --- allergies checked again at the bag ---------------------------------------------------


def _allergy(f: Folfox, **fields: object) -> None:
    oxaliplatin = ActiveIngredient.objects.get(code="oxaliplatin").pk
    patient_services.allergy_record(
        actor=f.physician,
        workstation=None,
        patient_id=f.patient.pk,
        data=allergy_input(**{"ingredient_id": oxaliplatin, **fields}),
    )


def _ready_for_oxaliplatin(f: Folfox) -> None:
    _identified(f)
    for code in ("ondansetron", "dexamethasone"):
        answer = session_scan(f, code)
        assert answer.result is not None and answer.result.administration is not None
        administration_end(
            actor=f.nurse, workstation="t", administration_id=answer.result.administration.pk
        )


def test_an_allergy_recorded_after_the_prescription_blocks_the_bag(f: Folfox) -> None:
    # given a confirmed anaphylaxis to oxaliplatin recorded after the order was signed
    _allergy(f)
    _ready_for_oxaliplatin(f)
    # when the oxaliplatin bag is scanned
    answer = session_scan(f, "oxaliplatin")
    # then it is blocked, not overridable, with the allergy named in Italian
    assert answer.result is not None
    refusal = next(r for r in answer.result.refusals if r.code == "allergy_contraindicated")
    assert not refusal.overridable
    assert refusal.message.startswith("ALLERGIA:") and "Non somministrare" in refusal.message
    with pytest.raises(ValidationFailed):
        session_scan(f, "oxaliplatin", overrides={"allergy_contraindicated": "lo dico io"})
    assert not Administration.objects.filter(order_item=f.items["oxaliplatin"]).exists()


def test_a_mild_suspected_allergy_needs_the_nurses_reason(f: Folfox) -> None:
    _allergy(f, severity="mild", certainty="suspected", reaction="rash")
    _ready_for_oxaliplatin(f)
    answer = session_scan(f, "oxaliplatin")
    assert answer.result is not None
    assert [r.code for r in answer.result.refusals] == ["allergy_warning"]
    given = session_scan(
        f, "oxaliplatin", overrides={"allergy_warning": "sentito il dr. Neri: premedicato"}
    )
    assert given.code == "administration_started"
    assert given.result is not None and given.result.administration is not None
    assert given.result.administration.overridden_checks == ["allergy_warning"]


# --- the API ------------------------------------------------------------------------------

API = "/api/v1/administration/bedside"


def test_the_session_through_the_api(f: Folfox) -> None:
    client = logged_in(f.nurse)
    status, body = post_json(client, f"{API}/scan", {"code": f.wristband})
    assert (status, body["code"], body["session"]["patient"]) == (
        200,
        "session_started",
        "BIANCHI Carlo",
    )
    status, body = post_json(client, f"{API}/scan", {"code": "BADGE-9999"})
    assert (status, body["accepted"], body["code"]) == (200, False, "badge_unknown")
    status, body = post_json(client, f"{API}/scan", {"code": BADGE})
    assert (body["code"], body["session"]["identified"]) == ("badge_verified", True)
    status, body = post_json(client, f"{API}/scan", {"code": f.label("ondansetron")})
    assert body["code"] == "administration_started"
    assert body["verification"]["administration"]["ingredient"] == "ondansetron"
    current = client.get(f"{API}/session").json()
    rows = {row["ingredient"]: row for row in current["items"] if row["sequence"] < 3}
    assert rows["ondansetron"]["progress"] == "running"
    assert rows["dexamethasone"]["next"] is True
    status, body = post_json(client, f"{API}/scan", {"code": f"PZ{f.other_patient.mrn}"})
    assert body["ended"]["reason"] == "other_wristband"
    status, body = post_json(client, f"{API}/session/close")
    assert (status, body["end_reason"]) == (200, "closed")
    assert client.get(f"{API}/session").json() is None


def test_the_api_refuses_other_roles_and_bad_codes_and_writes_nothing(
    f: Folfox, make_user: MakeUser
) -> None:
    status, body = post_json(
        logged_in(make_user(Role.PHYSICIAN)), f"{API}/scan", {"code": f.wristband}
    )
    assert status == 403
    client: Client = logged_in(f.nurse)
    status, body = post_json(client, f"{API}/scan", {"code": "PZ\x00"})  # refused upstream
    assert (status, body["code"]) == (400, "invalid_characters")
    status, body = post_json(client, f"{API}/scan", {"code": "PZ\t1"})
    assert (status, body["code"]) == (422, "scan_invalid")
    status, body = post_json(client, f"{API}/scan", {"code": "x" * 500})
    assert status == 422
    status, body = post_json(client, f"{API}/session/no-badge", {"reason": "dimenticato"})
    assert (status, body["code"]) == (422, "no_session")
    assert not BedsideSession.objects.exists() and not AdministrationScan.objects.exists()


@pytest.fixture
def f(folfox: Folfox) -> Folfox:
    return folfox

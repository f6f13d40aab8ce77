"""A pharmacogenomic result recorded after the pharmacist's validation stops the bag at the
bedside (H61): FOLFOX-4 validated and compounded, then the DPYD report arrives. The
fluorouracil bolus (400 mg/m², the only DPYD drug of the day) is refused with
``pgx_result_after_validation`` (never the nurse's to override) until the pharmacist
acknowledges it (activity score 1.5: a lower starting dose) or the physician gives a reason
(activity score 0: "avoid"), through prescribing's barrier; oxaliplatin is not concerned."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration.domain.bedside import (
    OverrideRefused,
    PgxAlert,
    bedside_check,
    bedside_decide,
)
from corsia.administration.models import Administration, AdministrationScan
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import PermissionRefused
from corsia.prescribing import services
from corsia.prescribing.domain.errors import PgxContraindicated, PgxWarningUnacknowledged
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.administration import OXALI, Folfox, codes, give, scan, verify
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import dpyd_markers

pytestmark = pytest.mark.django_db
CODE = "pgx_result_after_validation"


@pytest.fixture
def f(folfox: Folfox) -> Folfox:
    """FOLFOX-4 day 1 with the four bags before the fluorouracil bolus given."""
    for code in ("ondansetron", "dexamethasone", "oxaliplatin", "calcium_folinate"):
        give(folfox, folfox.items[code])
    dpyd_markers("fluorouracil")
    return folfox


def _pgx_events(f: Folfox, name: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=name, target_type="prescribing.therapyorder", target_id=str(f.order.pk)
        )
    )


def test_the_pure_rule_refuses_a_pending_finding_and_never_lets_the_nurse_override() -> None:
    alert = PgxAlert(message="Farmacogenomica — fluorouracile: paziente DPYD IM.", genes="DPYD")
    assert codes(scan(OXALI)) == []
    assert codes(scan(OXALI, pgx=(alert,))) == [CODE]
    (refusal,) = bedside_check(scan(OXALI, pgx=(alert,)))
    assert refusal.check.value == "pgx" and not refusal.overridable
    assert refusal.message.startswith("FARMACOGENOMICA (DPYD): referto registrato dopo")
    with pytest.raises(OverrideRefused):
        bedside_decide([refusal], {CODE: "il medico è d'accordo"})


def test_a_dpyd_result_after_validation_stops_the_fluorouracil_until_the_pharmacist_acknowledges(
    f: Folfox,
) -> None:
    assert f.order.state in services.PGX_AFTER_VALIDATION_STATES  # validated and compounded
    pgx_recorded(f.physician, f.patient.pk)  # DPYD intermediate, activity score 1.5
    bolus = f.items["fluorouracil"]
    # the fluorouracil bag: refused, named, not overridable; nothing started
    refused = verify(f, "fluorouracil")
    assert not refused.allowed
    (pgx,) = [r for r in refused.refusals if r.code == CODE]
    assert not pgx.overridable
    assert "FARMACOGENOMICA (DPYD)" in pgx.message and "Fluorouracile" in pgx.message
    assert "il medico o il farmacista deve prenderne visione" in pgx.message
    # 2.00 m²: bolus 400 mg/m² = 800 mg, infusion 600 mg/m² = 1200 mg; DPYD 1.5 halves them
    assert "200 mg/m² = 400 mg invece di 800 mg (giorni 1–2)" in pgx.message
    assert "300 mg/m² = 600 mg invece di 1200 mg (giorni 1–2)" in pgx.message
    with pytest.raises(OverrideRefused):
        verify(f, "fluorouracil", overrides={CODE: "parlato con il medico"})
    assert not Administration.objects.filter(order_item=bolus).exists()
    label_scan = AdministrationScan.objects.filter(order_item=bolus).latest("pk")
    assert (label_scan.outcome, CODE in label_scan.codes) == ("refused", True)
    # the nurse cannot acknowledge it; the pharmacist must tick the acknowledgement
    with pytest.raises(PermissionRefused):
        services.order_pgx_acknowledge(actor=f.nurse, workstation=None, order_id=f.order.pk)
    with pytest.raises(PgxWarningUnacknowledged):
        services.order_pgx_acknowledge(actor=f.pharmacist, workstation=None, order_id=f.order.pk)
    f.order.refresh_from_db()
    assert f.order.pgx_overrides == []
    done = services.order_pgx_acknowledge(
        actor=f.pharmacist, workstation="FARM-2", order_id=f.order.pk, acknowledged=True
    )
    assert [(x.drug, x.genes, x.severity.value) for x in done] == [
        ("Fluorouracile", "DPYD", "warning")
    ]
    f.order.refresh_from_db()
    (ack,) = f.order.pgx_overrides
    assert (ack["check"], ack["role"], ack["by_id"], ack["workstation"]) == (
        "pgx_warning_unacknowledged",
        "pharmacist",
        f.pharmacist.pk,
        "FARM-2",
    )
    assert len(_pgx_events(f, "prescribing.pgx_acknowledged")) == 1
    # acknowledged twice: nothing more recorded
    assert (
        services.order_pgx_acknowledge(
            actor=f.pharmacist, workstation=None, order_id=f.order.pk, acknowledged=True
        )
        == []
    )
    assert len(_pgx_events(f, "prescribing.pgx_acknowledged")) == 1
    # the bag now starts
    started = verify(f, "fluorouracil")
    assert started.allowed, [r.code for r in started.refusals]


def test_a_dpyd_poor_result_after_validation_needs_the_physicians_reason(f: Folfox) -> None:
    pgx_recorded(f.physician, f.patient.pk, phenotype="poor_metabolizer", activity_score="0")
    assert CODE in [r.code for r in verify(f, "fluorouracil").refusals]
    with pytest.raises(PgxContraindicated):
        services.order_pgx_acknowledge(
            actor=f.physician, workstation=None, order_id=f.order.pk, acknowledged=True
        )
    why = "Nessuna alternativa: fluorouracile sospeso dal giorno 2, bolo già concordato"
    services.order_pgx_acknowledge(
        actor=f.physician, workstation=None, order_id=f.order.pk, override_reason=why
    )
    f.order.refresh_from_db()
    (override,) = f.order.pgx_overrides
    assert (override["check"], override["role"], override["reason"]) == (
        "pgx_contraindicated",
        "prescriber",
        why,
    )
    (event,) = _pgx_events(f, "prescribing.pgx_overridden")
    assert (event.reason, event.actor_id) == (why, f.physician.pk)
    assert verify(f, "fluorouracil").allowed


def test_a_drug_the_result_does_not_concern_is_given(folfox: Folfox) -> None:
    dpyd_markers("fluorouracil")
    for code in ("ondansetron", "dexamethasone"):
        give(folfox, folfox.items[code])
    pgx_recorded(folfox.physician, folfox.patient.pk)
    result = verify(folfox, "oxaliplatin")
    assert result.allowed, [r.code for r in result.refusals]


def test_the_session_scan_answers_the_code_and_the_api_acknowledges_with_problem_json(
    f: Folfox, make_user: MakeUser
) -> None:
    pgx_recorded(f.physician, f.patient.pk)
    client = logged_in(f.nurse)
    for code in (f.wristband, "BADGE-0042"):
        assert post_json(client, "/api/v1/administration/bedside/scan", {"code": code})[0] == 200
    status, body = post_json(
        client, "/api/v1/administration/bedside/scan", {"code": f.label("fluorouracil")}
    )
    assert (status, body["accepted"], body["code"]) == (200, False, CODE)
    assert body["message"].startswith("NON SOMMINISTRARE: FARMACOGENOMICA (DPYD)")
    # the pharmacist through the API: 422 with the code, then acknowledged
    api = api_client(f.pharmacist)
    url = f"/api/v1/orders/{f.order.pk}/pgx/acknowledge"
    refused = api.post(url, {}, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "pgx_warning_unacknowledged"
    accepted = api.post(url, {"pgx_acknowledged": True}, content_type="application/json")
    assert accepted.status_code == 200
    assert [x["genes"] for x in accepted.json()["findings"]] == ["DPYD"]
    # a nurse's token: refused
    other = api_client(make_user(Role.NURSE))
    assert other.post(url, {}, content_type="application/json").status_code == 403
    # the bag, scanned again, starts
    status, body = post_json(
        client, "/api/v1/administration/bedside/scan", {"code": f.label("fluorouracil")}
    )
    assert body["code"] == "administration_started", body["message"]


def test_the_bags_of_the_drug_show_on_hold_on_the_worklist_until_acknowledged(f: Folfox) -> None:
    # H65: the released fluorouracil bags (bolus and 22-hour infusion) are shown «SOSPESA»
    # with the reason on the ward's worklist; oxaliplatin (already given) is not concerned
    pgx_recorded(f.physician, f.patient.pk)
    client = logged_in(f.nurse)
    html = client.get("/administration/").content.decode()
    bolus, infusion = f.items["fluorouracil"].pk, f.fu_infusion.pk
    for pk in (bolus, infusion):
        assert f'data-item="{pk}" data-progress="not_started" data-preparation="on_hold"' in html
    assert html.count("SOSPESA: referto farmacogenomico DPYD registrato dopo la validazione") == 2
    assert (
        'data-preparation="on_hold"'
        not in html.split(f'data-item="{f.items["oxaliplatin"].pk}"')[1].split("</tr>")[0]
    )
    services.order_pgx_acknowledge(
        actor=f.pharmacist, workstation=None, order_id=f.order.pk, acknowledged=True
    )
    html = client.get("/administration/").content.decode()
    assert f'data-item="{bolus}" data-progress="not_started" data-preparation="released"' in html
    assert "SOSPESA" not in html

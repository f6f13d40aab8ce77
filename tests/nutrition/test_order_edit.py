"""Editing a draft NPT order (service, API, page) and the wards' templates page: a draft
edited is computed and checked again as at drafting; a signed order, a stale version or bad
input is refused and nothing changes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.nutrition import services
from corsia.nutrition.models import NutritionOrder, NutritionOrderLine, WardTemplate
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in
from corsia.testing.nutrition import ADULT_LINES, WARNING_REASON, drafted

pytestmark = pytest.mark.django_db

# The adult example with glucose 50 % halved (500 → 250 mL) over 20 hours instead of 24.
# Volume: 1000 + 250 + 250 + 40 (NaCl 80 mmol ÷ 2 mmol/mL) + 30 (KCl 60 mEq ÷ 2) + 15
# (Glycophos 15 mmol ÷ 1) + 20 (Ca gluconate 4.5 mmol ÷ 0.225) + 20 + 10 + 10 = 1645 mL.
# Rate: 1645 ÷ 20 = 82.25 mL/h. GIR: 250 mL × 0.5 g/mL = 125 g = 125000 mg ÷ 70 kg ÷
# (20 h × 60) = 1.48810 mg/kg/min.
EDITED = tuple(
    services.LineInput(line.code, Decimal(250), line.unit) if line.code == "GLU_50" else line
    for line in ADULT_LINES
)


def _edit(physician: User, order: NutritionOrder, **fields: object) -> NutritionOrder:
    data = {"route": "central", "infusion_hours": Decimal(20), "lines": EDITED} | fields
    return services.order_edit(
        actor=physician, workstation="ws-2", order_id=order.pk, version=order.version,
        data=services.OrderInput(**data),  # type: ignore[arg-type]
    )  # fmt: skip


def _state(order: NutritionOrder) -> tuple[object, ...]:
    order.refresh_from_db()
    lines = [(ln.code, ln.amount, ln.unit) for ln in order.lines.all()]
    return (order.version, order.results, order.infusion_hours, order.lines_revision, lines)


def test_an_edit_recomputes_the_draft_and_keeps_the_earlier_lines(
    physician: User, adult: Patient
) -> None:
    order = drafted(physician, adult.pk)
    assert order.results["volume_ml"] == "1895.0000"
    events = AuditEvent.objects.count()
    edited = _edit(physician, order)
    edited.refresh_from_db()
    assert (edited.state, edited.version, edited.lines_revision) == ("draft", 2, 2)
    assert edited.results["volume_ml"] == "1645.0000"
    assert edited.results["rate_ml_h"] == "82.2500"
    assert edited.results["gir_mg_kg_min"] == "1.4881"
    assert edited.infusion_hours == Decimal(20)
    glucose = [ln.amount for ln in edited.lines.all() if ln.code == "GLU_50"]
    assert glucose == [Decimal(250)]
    # nothing deleted: the first revision's ten lines stay, superseded
    assert NutritionOrderLine.every_revision.filter(order=edited).count() == 20
    assert edited.lines.count() == 10
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == events + 1
    assert event is not None and event.event_type == "nutrition.order_edited"
    before, after = event.before or {}, event.after or {}
    assert "GLU_50 500.0000 mL" in before["lines"]
    assert "GLU_50 250.0000 mL" in after["lines"]
    assert after["version"] == 2
    # the edited draft signs with its new content
    signed = services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=2,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    assert signed.results["volume_ml"] == "1645.0000"


def test_an_edit_runs_the_blocks_again(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    assert order.blocked is False
    # peripheral route: the adult bag's osmolarity is far above 900 mOsm/L → block
    edited = _edit(physician, order, route="peripheral")
    assert edited.blocked is True
    codes = [f["code"] for f in edited.results["findings"]]
    assert "peripheral_osmolarity_exceeded" in codes
    with pytest.raises(ValidationFailed) as refusal:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=2,
            warning_reason=WARNING_REASON,
        )  # fmt: skip
    assert refusal.value.code == "nutrition_order_blocked"


def test_a_signed_order_is_not_edited(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=1,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    order.refresh_from_db()
    before = _state(order)
    with pytest.raises(ConflictError) as refusal:
        _edit(physician, order)
    assert (refusal.value.code, refusal.value.status) == ("nutrition_order_not_editable", 409)
    assert _state(order) == before


def test_a_stale_version_changes_nothing(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    _edit(physician, order)  # version 1 → 2
    order.refresh_from_db()
    before = _state(order)
    with pytest.raises(ConflictError) as refusal:
        services.order_edit(
            actor=physician, workstation=None, order_id=order.pk, version=1,
            data=services.OrderInput(route="central", lines=ADULT_LINES),
        )  # fmt: skip
    assert (refusal.value.code, refusal.value.status) == ("stale_version", 409)
    assert _state(order) == before


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ((services.LineInput("GLU_50\x00", Decimal(250), "mL"),), "component_unknown"),
        ((services.LineInput("GLU_50", Decimal("1e308"), "mL"),), "amount_out_of_range"),
        ((services.LineInput("GLU_50", Decimal(0), "mL"),), "amount_not_positive"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    physician: User, adult: Patient, lines: tuple[services.LineInput, ...], code: str
) -> None:
    order = drafted(physician, adult.pk)
    before = _state(order)
    with pytest.raises(ValidationFailed) as refusal:
        _edit(physician, order, lines=lines)
    assert (refusal.value.code, refusal.value.status) == (code, 422)
    assert _state(order) == before


def test_a_stale_chart_weight_refuses_the_edit(
    physician: User, adult: Patient, settings: object
) -> None:
    order = drafted(physician, adult.pk)
    before = _state(order)
    setattr(settings, "CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS", -1)  # noqa: B010  # every weight stale
    with pytest.raises(ValidationFailed) as refusal:
        _edit(physician, order)
    assert refusal.value.code == "weight_stale"
    assert _state(order) == before


def test_only_a_prescriber_edits(pharmacist: User, physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    with pytest.raises(PermissionRefused):
        _edit(pharmacist, order)


# --- API -----------------------------------------------------------------------------------


def _body(version: int, **extra: object) -> str:
    components = [{"code": ln.code, "amount": str(ln.amount), "unit": ln.unit} for ln in EDITED]
    body = {"route": "central", "infusion_hours": 20, "components": components}
    return json.dumps(body | {"version": version} | extra)


def test_the_api_edits_a_draft_and_refuses_stale_and_signed(
    physician: User, adult: Patient
) -> None:
    order = drafted(physician, adult.pk)
    client = logged_in(physician)
    url = f"/api/v1/nutrition/orders/{order.pk}"
    answer = client.put(url, _body(1), content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["version"], answer.json()["results"]["volume_ml"]) == (2, "1645.0000")
    stale = client.put(url, _body(1), content_type="application/json")
    assert stale.status_code == 409
    assert stale["Content-Type"].startswith("application/problem+json")
    assert stale.json()["code"] == "stale_version"
    huge = client.put(url, _body(2, infusion_hours="1e308"), content_type="application/json")
    assert huge.status_code in (400, 422)
    services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=2,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    signed = client.put(url, _body(3), content_type="application/json")
    assert (signed.status_code, signed.json()["code"]) == (409, "nutrition_order_not_editable")


def test_the_api_edit_needs_the_prescribing_permission(
    nurse: User, physician: User, adult: Patient
) -> None:
    order = drafted(physician, adult.pk)
    answer = logged_in(nurse).put(
        f"/api/v1/nutrition/orders/{order.pk}", _body(1), content_type="application/json"
    )
    assert answer.status_code == 403
    order.refresh_from_db()
    assert order.version == 1


# --- pages ---------------------------------------------------------------------------------


def _form(version: int, glucose: str = "250") -> dict[str, object]:
    codes = [ln.code for ln in ADULT_LINES]
    amounts = [glucose if ln.code == "GLU_50" else str(ln.amount) for ln in ADULT_LINES]
    return {
        "version": str(version), "route": "central", "infusion_hours": "20",
        "for_date": timezone.localdate().isoformat(), "code": codes, "amount": amounts,
        "unit": [ln.unit for ln in ADULT_LINES],
    }  # fmt: skip


def test_the_edit_page_is_prefilled_and_saves(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    client = logged_in(physician)
    page = client.get(f"/nutrition/orders/{order.pk}/")
    assert f'href="/nutrition/orders/{order.pk}/edit/"' in page.content.decode()
    form = client.get(f"/nutrition/orders/{order.pk}/edit/")
    text = form.content.decode()
    assert form.status_code == 200
    assert 'name="version" value="1"' in text
    assert '<option value="GLU_50" selected>' in text
    assert 'value="500"' in text  # the draft's glucose, without trailing zeros
    saved = client.post(f"/nutrition/orders/{order.pk}/edit/", _form(1))
    assert saved.status_code == 302
    order.refresh_from_db()
    assert (order.version, order.results["volume_ml"]) == (2, "1645.0000")
    stale = client.post(f"/nutrition/orders/{order.pk}/edit/", _form(1, glucose="100"))
    assert stale.status_code == 409
    assert "modificato da" in stale.content.decode()
    order.refresh_from_db()
    assert order.version == 2


def test_the_edit_page_of_a_signed_order_is_refused(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=1,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    page = logged_in(physician).get(f"/nutrition/orders/{order.pk}/edit/")
    assert page.status_code == 409
    assert "si modifica solo una bozza" in page.content.decode()


def test_a_nul_byte_on_the_edit_page_is_refused(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    form = _form(1, glucose="25\x000")
    answer = logged_in(physician).post(f"/nutrition/orders/{order.pk}/edit/", form)
    assert answer.status_code in (400, 422)
    order.refresh_from_db()
    assert order.version == 1


# --- the wards' templates page -------------------------------------------------------------


def _template_form() -> dict[str, object]:
    return {
        "name": "Adulto standard", "ward": "Ematologia", "age_group": "adult",
        "route": "central", "infusion_hours": "24",
        "code": ["AA_AMINOVEN_10", "GLU_50", "LIP_SMOFLIPID_20"],
        "amount": ["14", "7", "3.5"], "unit": ["mL/kg", "mL/kg", "mL/kg"],
    }  # fmt: skip


def test_templates_page_creates_uses_and_retires(physician: User, adult: Patient) -> None:
    client = logged_in(physician)
    assert client.post("/nutrition/templates/new/", _template_form()).status_code == 302
    template = WardTemplate.objects.get(ward="Ematologia", name="Adulto standard")
    page = client.get("/nutrition/templates/").content.decode()
    assert "Adulto standard" in page and "Ematologia" in page
    # «Usa»: the patient's form prefilled from the template
    prefilled = client.get(f"/nutrition/patients/{adult.pk}/?template={template.pk}")
    text = prefilled.content.decode()
    assert prefilled.status_code == 200
    assert 'data-testid="from-template"' in text
    assert '<option value="AA_AMINOVEN_10" selected>' in text
    # retired with a reason: kept, no longer offered
    events = AuditEvent.objects.count()
    refused = client.post(
        f"/nutrition/templates/{template.pk}/retire/", {"version": "1", "reason": ""}
    )
    assert refused.status_code == 422
    retired = client.post(
        f"/nutrition/templates/{template.pk}/retire/",
        {"version": "1", "reason": "Sostituito dal protocollo 2027"},
    )
    assert retired.status_code == 302
    template.refresh_from_db()
    assert template.active is False
    assert AuditEvent.objects.count() == events + 1
    gone = client.get(f"/nutrition/patients/{adult.pk}/?template={template.pk}")
    assert gone.status_code == 404
    again = client.post(
        f"/api/v1/nutrition/templates/{template.pk}/retire",
        json.dumps({"reason": "di nuovo"}), content_type="application/json",
    )  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "nutrition_template_retired")
    listed = client.get("/api/v1/nutrition/templates?retired=true").json()
    assert [t["active"] for t in listed if t["name"] == "Adulto standard"] == [False]
    active = client.get("/api/v1/nutrition/templates").json()
    assert "Adulto standard" not in [t["name"] for t in active]


def test_a_nurse_reads_templates_but_cannot_retire(
    nurse: User, physician: User, adult: Patient
) -> None:
    logged_in(physician).post("/nutrition/templates/new/", _template_form())
    template = WardTemplate.objects.get(name="Adulto standard")
    client = logged_in(nurse)
    assert client.get("/nutrition/templates/").status_code == 200
    answer = client.post(f"/nutrition/templates/{template.pk}/retire/", {"reason": "x"})
    assert answer.status_code == 403
    api = client.post(
        f"/api/v1/nutrition/templates/{template.pk}/retire",
        json.dumps({"reason": "x"}), content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 403
    template.refresh_from_db()
    assert template.active is True

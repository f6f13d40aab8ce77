"""Laboratory results by hand: H/L flag from the reference range, trends by analyte, bad
input refused with nothing saved; page, API and permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.domain import labs
from corsia.records.domain.labs import LabFlag
from corsia.records.domain.timeline import EventKind
from corsia.records.models import LabResult
from corsia.testing.accounts import MakeUser
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db


def _cea(value: str, hours_ago: int) -> services.LabInput:
    return services.LabInput(
        analyte="CEA",
        value=value,
        unit="ng/mL",
        reference_high="5",
        collected_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_flag_and_trend_pure() -> None:
    assert labs.flag(Decimal("5.1"), None, Decimal(5)) is LabFlag.HIGH
    assert labs.flag(Decimal("11.9"), Decimal(12), Decimal(16)) is LabFlag.LOW
    assert labs.flag(Decimal(12), Decimal(12), Decimal(16)) is None
    t0 = datetime(2026, 11, 1, 8, tzinfo=UTC)
    found = labs.trends(
        [
            ("cea", "ng/mL", t0 + timedelta(days=21), Decimal(9), None, Decimal(5)),
            ("CEA", "ng/mL", t0, Decimal(12), None, Decimal(5)),
            ("CEA", "ng/mL", t0 + timedelta(days=42), Decimal(9), None, Decimal(5)),
            ("Hb", "g/dL", t0, Decimal("10.5"), Decimal(12), Decimal(16)),
        ]
    )
    assert [t.analyte for t in found] == ["CEA", "Hb"]
    assert [(p.value, p.change) for p in found[0].points] == [
        (Decimal(9), "="),
        (Decimal(9), "↓"),
        (Decimal(12), ""),
    ]
    assert found[1].latest.flag is LabFlag.LOW


def test_record_flags_and_timeline(nurse: User, physician: User, patient: Patient) -> None:
    services.lab_result_record(
        actor=nurse, workstation=None, patient_id=patient.pk, data=_cea("12,4", 48)
    )
    latest = services.lab_result_record(
        actor=physician, workstation=None, patient_id=patient.pk, data=_cea("4.2", 1)
    )
    assert (latest.flag, latest.value) == ("", Decimal("4.2000"))
    assert LabResult.objects.get(value=Decimal("12.4")).flag == "H"
    view = selectors.lab_view(user=physician, patient_id=patient.pk)
    assert [(p.value.normalize(), p.change) for p in view.trends[0].points] == [
        (Decimal("4.2"), "↓"),
        (Decimal("12.4"), ""),
    ]
    chart = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None)
    lab_events = [e for e in chart.timeline if e.kind is EventKind.LAB]
    assert [e.title for e in lab_events] == ["CEA 4,2 ng/mL", "CEA 12,4 ng/mL H"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"value": "abc"}, "number_invalid"),
        ({"value": "1e12"}, "number_invalid"),
        ({"value": ""}, "required"),
        ({"reference_low": "10", "reference_high": "5"}, "reference_range_inverted"),
        ({"analyte": ""}, "required"),
        ({"analyte": "C\x00EA"}, "invalid_characters"),
        ({"collected_at": None}, "required"),
        ({"collected_at": "future"}, "in_future"),
    ],
)
def test_bad_results_refused_nothing_saved(
    nurse: User, patient: Patient, changes: dict[str, object], code: str
) -> None:
    values = {
        "analyte": "CEA",
        "value": "3",
        "unit": "ng/mL",
        "reference_high": "5",
        "collected_at": timezone.now(),
    }
    values.update(changes)
    if values["collected_at"] == "future":
        values["collected_at"] = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        services.lab_result_record(
            actor=nurse, workstation=None, patient_id=patient.pk,
            data=services.LabInput(**values),  # type: ignore[arg-type]  # test shorthand
        )  # fmt: skip
    assert refused.value.code == code
    assert LabResult.objects.count() == 0


def test_who_records(pharmacist: User, it_staff: User, patient: Patient) -> None:
    for user in (pharmacist, it_staff):
        with pytest.raises(PermissionRefused):
            services.lab_result_record(
                actor=user, workstation=None, patient_id=patient.pk, data=_cea("3", 1)
            )
    assert LabResult.objects.count() == 0


def test_page_and_api(make_user: MakeUser, nurse: User, patient: Patient) -> None:
    client = signed_in(nurse)
    url = f"/records/patients/{patient.pk}/labs/"
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    saved = client.post(
        url,
        {"analyte": "Emoglobina", "value": "9,8", "unit": "g/dL", "reference_low": "12",
         "reference_high": "16", "collected_at": when},
        follow=True,
    )  # fmt: skip
    assert saved.status_code == 200
    html = saved.content.decode()
    trends = html[html.index('data-testid="lab-trends"') :]
    assert '<strong class="text-danger">9,8 L</strong>' in trends, trends[:1500]
    bad = client.post(url, {"analyte": "Hb", "value": "x", "collected_at": when})
    assert bad.status_code == 422 and "Valore numerico non valido" in bad.content.decode()
    api = f"/api/v1/patients/{patient.pk}/lab-results"
    created = client.post(
        api,
        {"analyte": "PSA", "value": "7.5", "unit": "ng/mL", "reference_high": "4",
         "collected_at": timezone.now().isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert (created.status_code, created.json()["flag"]) == (201, "H")
    inverted = client.post(
        api,
        {"analyte": "PSA", "value": 1, "reference_low": 5, "reference_high": 4,
         "collected_at": timezone.now().isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert (inverted.status_code, inverted.json()["code"]) == (422, "reference_range_inverted")
    reader = signed_in(make_user(Role.PHARMACIST))
    assert [r["analyte"] for r in reader.get(api).json()["items"]] == ["PSA", "Emoglobina"]
    assert reader.post(api, {}, content_type="application/json").status_code == 403
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    assert LabResult.objects.count() == 2

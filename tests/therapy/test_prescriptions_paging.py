"""A patient's ward prescriptions paged (issue 27): the page and the API's list, the active
ones first then the newest, every one of a long stay reachable; their queries do not grow
with the prescriptions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.testing.accounts import api_client, logged_in
from corsia.testing.paging import Request, api_items, queries, queries_do_not_grow, shown_ids
from corsia.testing.therapy import (
    Ward12,
    WardDrug,
    ondansetron,
    paracetamol,
    prescribed,
)
from corsia.therapy import services, views
from corsia.therapy.models import WardPrescription

pytestmark = pytest.mark.django_db

API = "/api/v1/therapy/prescriptions"


def _stopped(ward: Ward12, drug: WardDrug, n: int) -> list[WardPrescription]:
    """``n`` prescriptions of ``drug``, each suspended before the next (oldest first)."""
    made = []
    for _ in range(n):
        p = prescribed(ward.physician, ward.patient, drug)
        services.prescription_suspend(
            actor=ward.physician, workstation=None, prescription_id=p.pk,
            expected_version=p.version, reason="Ciclo concluso",
        )  # fmt: skip
        made.append(p)
    return made


def _shown(html: str) -> list[int]:
    return shown_ids(html, "prescriptions", r'href="/therapy/prescriptions/(\d+)/"')


def test_every_prescription_is_reachable_the_active_first_then_the_newest(
    ward: Ward12, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PRESCRIPTIONS_PAGE_SIZE", 2)
    active = prescribed(
        ward.physician, ward.patient, ondansetron(), dose=Decimal(8), dose_unit="mg"
    )
    stopped = _stopped(ward, paracetamol(), 4)
    expected = [active.pk, *[p.pk for p in reversed(stopped)]]
    client = logged_in(ward.physician)
    url = f"/therapy/patient/{ward.patient.pk}/"
    first = client.get(url).content.decode()
    assert _shown(first) == expected[:2]
    assert 'data-testid="prescriptions-total">5<' in first
    assert 'href="?page=2"' in first
    for page in ("3", "99"):  # the oldest, on the last page (past the end: the last)
        last = client.get(url, {"page": page}).content.decode()
        assert _shown(last) == expected[4:], page
        assert "pager-next" not in last
    api = api_client(ward.physician)
    seen = api_items(api, API, {"patient_id": ward.patient.pk}, limit=2, count=5)
    assert [p["id"] for p in seen] == expected
    bads: list[dict[str, str | int]] = [{"offset": "-1"}, {"limit": "0"}, {"limit": "501"}]
    for bad in bads:
        refused = api.get(API, {"patient_id": ward.patient.pk, **bad})
        assert refused.status_code in (400, 422), bad


def test_the_queries_of_the_page_and_the_api_do_not_grow_with_the_prescriptions(
    ward: Ward12, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PRESCRIPTIONS_PAGE_SIZE", 2)
    drug = paracetamol()
    _stopped(ward, drug, 2)
    page, api = logged_in(ward.physician), api_client(ward.physician)
    asked: list[Request] = [
        (page, f"/therapy/patient/{ward.patient.pk}/", {"page": "1"}),
        (api, API, {"patient_id": ward.patient.pk, "limit": 2}),
    ]
    few = queries_do_not_grow(asked, lambda: _stopped(ward, drug, 4))  # 3× the prescriptions
    # the last page costs the same
    assert queries(page, f"/therapy/patient/{ward.patient.pk}/", {"page": "3"}) == few[0]
    assert queries(api, API, {"patient_id": ward.patient.pk, "limit": 2, "offset": 4}) == few[1]

"""Bedside pages through the test client: the scan flow, forms, worklist, ward label."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from corsia.administration.models import Administration
from corsia.audit.models import AccessLogEntry
from corsia.testing.accounts import logged_in
from corsia.testing.administration import Folfox

pytestmark = pytest.mark.django_db


def nurse_client(f: Folfox) -> Client:
    return logged_in(f.nurse)


def scan_all(client: Client, f: Folfox, label: str, **extra: str) -> tuple[int, str]:
    page = client.post("/administration/bedside/", {"scan": f.wristband})
    html = page.content.decode()
    assert "BIANCHI Carlo" in html and 'data-step="badge"' in html
    page = client.post("/administration/bedside/", {"wristband": f.wristband, "scan": "BADGE-0042"})
    assert 'data-step="label"' in page.content.decode()
    page = client.post(
        "/administration/bedside/",
        {"wristband": f.wristband, "badge": "BADGE-0042", "scan": label, **extra},
    )
    return page.status_code, page.content.decode()


def test_scan_flow_starts_a_ward_drug_and_the_end_form_completes_it(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    status, html = scan_all(client, folfox, folfox.label("ondansetron"))
    assert status == 200
    assert 'data-outcome="ok"' in html
    admin = Administration.objects.get()
    assert (admin.ingredient_code, admin.volume_ml) == ("ondansetron", Decimal("100"))

    detail = client.get(f"/administration/{admin.pk}/")
    assert detail.status_code == 200
    end = client.post(
        f"/administration/{admin.pk}/end/", {"version": admin.version, "volume_given_ml": ""}
    )
    assert end.status_code == 302
    admin.refresh_from_db()
    assert (admin.state, admin.volume_given_ml) == ("completed", Decimal("100"))


def test_a_blocked_scan_is_red_and_lists_why(folfox: Folfox) -> None:
    status, html = scan_all(nurse_client(folfox), folfox, folfox.label("fluorouracil"))
    assert status == 422
    assert 'data-outcome="blocked"' in html
    assert 'data-code="sequence_previous_not_finished"' in html
    assert "NON SOMMINISTRARE" in html
    assert not Administration.objects.exists()


def test_sequence_override_form_records_the_reason(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    status, html = scan_all(client, folfox, folfox.label("dexamethasone"))
    assert status == 422 and 'name="override_sequence_previous_not_finished"' in html
    page = client.post(
        "/administration/bedside/",
        {
            "wristband": folfox.wristband,
            "badge": "BADGE-0042",
            "label": folfox.label("dexamethasone"),
            "override_sequence_previous_not_finished": "Dr. Rossi: ondansetron già dato per os",
        },
    )
    assert page.status_code == 200
    assert Administration.objects.get().overridden_checks == ["sequence_previous_not_finished"]


def test_worklist_and_patient_day_show_the_preparation_state(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    html = client.get("/administration/").content.decode()
    oxali = folfox.items["oxaliplatin"].pk
    ondansetron = folfox.items["ondansetron"].pk
    assert f'data-item="{oxali}" data-progress="not_started" data-preparation="released"' in html
    assert f'data-item="{ondansetron}" data-progress="not_started" data-preparation="ward"' in html
    day = client.get(f"/administration/patient/{folfox.patient.pk}/today/")
    assert day.status_code == 200
    assert "in Y con il precedente" in day.content.decode()
    assert AccessLogEntry.objects.filter(patient_id=folfox.patient.pk).exists()


def test_ward_label_is_a_pdf_and_pharmacy_items_have_none(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    pdf = client.get(f"/administration/label/{folfox.items['ondansetron'].pk}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    refused = client.get(f"/administration/label/{folfox.items['oxaliplatin'].pk}/")
    assert refused.status_code == 302

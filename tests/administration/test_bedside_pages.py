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


def scan(client: Client, code: str, **extra: str) -> tuple[int, str]:
    page = client.post("/administration/bedside/", {"scan": code, **extra})
    return page.status_code, page.content.decode()


def scan_all(client: Client, f: Folfox, label: str, **extra: str) -> tuple[int, str]:
    status, html = scan(client, f.wristband)
    assert status == 200 and "BIANCHI Carlo" in html and 'data-step="badge"' in html
    status, html = scan(client, "BADGE-0042")
    assert status == 200 and 'data-step="label"' in html
    return scan(client, label, **extra)


def test_scan_flow_starts_a_ward_drug_and_the_end_form_completes_it(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    status, html = scan_all(client, folfox, folfox.label("ondansetron"))
    assert status == 200
    assert 'data-outcome="ok"' in html and "somministrazione avviata" in html
    admin = Administration.objects.get()
    assert (admin.ingredient_code, admin.volume_ml) == ("ondansetron", Decimal("100"))
    # the session page shows it running, with its end button; dexamethasone is next
    assert f'data-item="{admin.order_item_id}" data-progress="running"' in html
    dexa = folfox.items["dexamethasone"].pk
    assert f'data-item="{dexa}" data-progress="not_started" data-next' in html
    assert (
        f"Scansionare la sacca: prossimo {folfox.items['dexamethasone'].ingredient.name_it}" in html
    )

    # ended from the session page: the whole bag
    page = client.post(
        "/administration/bedside/",
        {"action": "end", "administration": admin.pk, "version": admin.version},
    )
    assert page.status_code == 200
    admin.refresh_from_db()
    assert (admin.state, admin.volume_given_ml) == ("completed", Decimal("100"))
    html = page.content.decode()
    assert f'data-item="{admin.order_item_id}" data-progress="done"' in html
    assert "1 di 6 somministrati" in html
    assert client.get(f"/administration/{admin.pk}/").status_code == 200


def test_a_blocked_scan_is_red_and_lists_why(folfox: Folfox) -> None:
    status, html = scan_all(nurse_client(folfox), folfox, folfox.label("fluorouracil"))
    assert status == 422
    assert 'data-outcome="blocked"' in html
    assert 'data-code="sequence_previous_not_finished"' in html
    assert "NON SOMMINISTRARE" in html
    assert not Administration.objects.exists()


def test_an_unknown_badge_is_refused_on_the_page_when_read(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    scan(client, folfox.wristband)
    status, html = scan(client, "BADGE-NESSUNO")
    assert status == 422
    assert 'data-code="badge_unknown"' in html and "Badge non riconosciuto" in html
    assert 'data-step="badge"' in html  # still waiting for the nurse's own badge


def test_another_wristband_closes_the_session_with_a_message_and_close_ends_it(
    folfox: Folfox,
) -> None:
    client = nurse_client(folfox)
    scan_all(client, folfox, folfox.label("ondansetron"))
    status, html = scan(client, f"PZ{folfox.other_patient.mrn}")
    assert status == 200
    assert 'data-reason="other_wristband"' in html and "Sessione di BIANCHI Carlo chiusa" in html
    assert "VERDI Anna" in html and 'data-step="badge"' in html
    page = client.post("/administration/bedside/", {"action": "close"})
    html = page.content.decode()
    assert "Paziente VERDI Anna chiuso" in html and 'data-step="wristband"' in html


def test_sequence_override_form_records_the_reason(folfox: Folfox) -> None:
    client = nurse_client(folfox)
    status, html = scan_all(client, folfox, folfox.label("dexamethasone"))
    assert status == 422 and 'name="override_sequence_previous_not_finished"' in html
    assert f'name="scan" value="{folfox.label("dexamethasone")}"' in html
    status, html = scan(
        client,
        folfox.label("dexamethasone"),
        override_sequence_previous_not_finished="Dr. Rossi: ondansetron già dato per os",
    )
    assert status == 200
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

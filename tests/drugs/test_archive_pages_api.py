"""The review page and the API of the staged AIFA updates: the same acts, the same
permission, problem+json errors, nothing written by a refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from corsia.accounts.domain.roles import Role
from corsia.drugs.models import Pack
from corsia.drugs.models_archive_import import ArchiveChange, ArchiveImport
from corsia.drugs.views_archive import _shown
from corsia.testing.drugs import CLASS_HEADER, aifa_file, staged

CLASS_H = aifa_file(
    CLASS_HEADER,
    "CAPECITABINA;;XELODA*120CPR RIV 500MG;298,00;Roche S.p.A.;035219029;BRI;L01BC06",
    "IMATINIB;;IMANIVEC*30CPR RIV 400MG;885,00;Zentiva Italia;043760038;BRZ;L01EA01",
    "X;;BAD;1,00;T;035219028;;L01BC06",
)
API = "/api/v1/drugs/archive-imports"


def test_the_page_stages_an_upload_and_shows_the_diff_with_filters(
    reference: None, client_for: Any
) -> None:
    client: Client = client_for(Role.PHARMACIST)
    assert client.get("/drugs/archive-imports/").status_code == 200
    upload = SimpleUploadedFile("classe_h.csv", CLASS_H)
    answer = client.post(
        "/drugs/archive-imports/", {"kind": "class_h", "file_date": "2026-12-01", "file": upload}
    )
    item = ArchiveImport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/drugs/archive-imports/{item.pk}/"
    page = client.get(f"/drugs/archive-imports/{item.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="change-new_pack-043760038"' in text
    assert 'data-testid="change-field_changed-035219029-price_eur"' in text
    assert "Riga 4: il codice AIC «035219028» ha la cifra di controllo errata" in text
    assert 'max="2" value="2"' in text  # the progress bar: 2 rows of 2 read
    only_new = client.get(f"/drugs/archive-imports/{item.pk}/", {"kind": "new_pack"})
    assert 'data-testid="change-field_changed' not in only_new.content.decode()
    unknown = client.get(f"/drugs/archive-imports/{item.pk}/", {"kind": "nope"}, follow=True)
    assert "Tipo di modifica «nope» sconosciuto." in unknown.content.decode()


@pytest.mark.parametrize(
    ("language", "field", "text", "shown"),
    [
        ("it", "price_eur", "1234.5600", "1.234,56 €"),
        ("it", "price_eur", "12.3456", "12,3456 €"),  # a fourth decimal is never hidden
        ("en", "reference_price_eur", "1234.5", "1,234.50 €"),
        ("it", "withdrawn_on", "2026-12-01", "01/12/2026"),
        ("it", "equivalence_group", "", "—"),
    ],
)
def test_the_page_shows_values_in_the_language_s_notation(
    language: str, field: str, text: str, shown: str
) -> None:
    with translation.override(language):
        assert _shown(field, text) == shown


def test_the_page_approves_per_change_rejects_with_reason_and_applies(
    reference: None, client_for: Any
) -> None:
    client: Client = client_for(Role.PHARMACIST)
    item = staged(CLASS_H)
    price = ArchiveChange.objects.get(archive_import=item, field="price_eur")
    base = f"/drugs/archive-imports/{item.pk}"
    # a rejection without a reason is refused with a message, nothing decided
    refused = client.post(
        f"{base}/decide/", {"change": [price.pk], "decision": "rejected"}, follow=True
    )
    assert "Per rifiutare una modifica serve il motivo." in refused.content.decode()
    price.refresh_from_db()
    assert price.decision == "pending"
    client.post(f"{base}/decide/", {"change": [price.pk], "decision": "approved"})
    client.post(f"{base}/approve/")
    done = client.post(f"{base}/apply/", follow=True)
    assert "Aggiornamento applicato" in done.content.decode()
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("298.00")
    assert ArchiveImport.objects.get(pk=item.pk).status == "applied"


def test_the_page_rejects_the_whole_import_with_its_reason(
    reference: None, client_for: Any
) -> None:
    client: Client = client_for(Role.PHARMACIST)
    item = staged(CLASS_H)
    client.post(f"/drugs/archive-imports/{item.pk}/reject/", {"reason": ""})
    assert ArchiveImport.objects.get(pk=item.pk).status == "diffed"
    client.post(f"/drugs/archive-imports/{item.pk}/reject/", {"reason": "File parziale"})
    item.refresh_from_db()
    assert (item.status, item.rejection_reason) == ("rejected", "File parziale")


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMINISTRATOR, Role.TECHNICIAN])
def test_pages_and_api_refuse_without_the_permission_and_write_nothing(
    reference: None, client_for: Any, role: Role
) -> None:
    item = staged(CLASS_H)
    client: Client = client_for(role)
    base = f"/drugs/archive-imports/{item.pk}"
    assert client.get("/drugs/archive-imports/").status_code == 403
    assert client.get(f"{base}/").status_code == 403
    assert client.post(f"{base}/approve/").status_code == 403
    assert client.post(f"{base}/apply/").status_code == 403
    assert client.post(f"{base}/reject/", {"reason": "x"}).status_code == 403
    for path in (API, f"{API}/{item.pk}", f"{API}/{item.pk}/changes"):
        refused = client.get(path)
        assert (refused.status_code, refused["Content-Type"]) == (403, "application/problem+json")
    for action in ("approve", "apply"):
        assert client.post(f"{API}/{item.pk}/{action}").status_code == 403
    assert (
        client.post(
            f"{API}/{item.pk}/reject", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == "diffed"
    assert not ArchiveChange.objects.exclude(decision="pending").exists()


def test_the_api_lists_pages_decides_and_applies(reference: None, client_for: Any) -> None:
    client: Client = client_for(Role.PHARMACIST)
    item = staged(CLASS_H, file_date=date(2026, 12, 1))
    listed = client.get(API).json()
    assert (listed["count"], listed["items"][0]["id"], listed["items"][0]["status"]) == (
        1,
        item.pk,
        "diffed",
    )
    shown = client.get(f"{API}/{item.pk}").json()
    assert shown["problems"][0]["code"] == "aic_check_digit"
    assert (shown["total_rows"], shown["processed_rows"]) == (2, 2)
    changes = client.get(f"{API}/{item.pk}/changes", {"limit": 1, "offset": 0}).json()
    total = changes["count"]
    assert len(changes["items"]) == 1 and total == sum(
        n for k, n in changes["counts"].items() if not k.startswith("decision:")
    )
    new = client.get(f"{API}/{item.pk}/changes", {"kind": "new_pack"}).json()["items"]
    assert [(c["aic"], c["data"]["ingredient"]) for c in new] == [("043760038", "imatinib")]
    # errors are problem+json with a stable code
    bad_kind = client.get(f"{API}/{item.pk}/changes", {"kind": "nope"})
    assert (bad_kind.status_code, bad_kind.json()["code"]) == (422, "kind_unknown")
    bad_limit = client.get(f"{API}/{item.pk}/changes", {"limit": 0})
    assert bad_limit.json()["code"] == "limit_out_of_range"
    assert client.get(f"{API}/999999").json()["code"] == "archive_import_not_found"
    too_early = client.post(f"{API}/{item.pk}/apply")
    assert (too_early.status_code, too_early.json()["code"]) == (409, "archive_import_wrong_status")
    no_reason = client.post(
        f"{API}/{item.pk}/decide",
        {"change_ids": [new[0]["id"]], "decision": "rejected"},
        content_type="application/json",
    )
    assert no_reason.json()["code"] == "reason_required"
    decided = client.post(
        f"{API}/{item.pk}/decide",
        {"change_ids": [new[0]["id"]], "decision": "rejected", "reason": "Non in prontuario"},
        content_type="application/json",
    )
    assert decided.json() == {"decided": 1}
    assert client.post(f"{API}/{item.pk}/approve").json()["status"] == "approved"
    applied = client.post(f"{API}/{item.pk}/apply").json()
    assert (applied["status"], applied["applied_changes"]) == ("applied", total - 1)
    assert not Pack.objects.filter(aic="043760038").exists()
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("298.00")


def test_the_api_rejects_with_a_reason(reference: None, client_for: Any) -> None:
    client: Client = client_for(Role.PHARMACIST)
    item = staged(CLASS_H)
    empty = client.post(f"{API}/{item.pk}/reject", {"reason": " "}, content_type="application/json")
    assert (empty.status_code, empty.json()["code"]) == (422, "reason_required")
    done = client.post(
        f"{API}/{item.pk}/reject", {"reason": "Duplicato"}, content_type="application/json"
    ).json()
    assert (done["status"], done["rejection_reason"]) == ("rejected", "Duplicato")

"""The scheduled fetch, the management command and a commercial database's adapter: all
stage a diff for review, none applies without approval."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from corsia.accounts.domain.roles import Role
from corsia.drugs import services_archive
from corsia.drugs.domain.aifa_open.adapters import DrugDatabaseAdapter
from corsia.drugs.domain.aifa_open.files import FileKind, SourcePack, SourceShortage
from corsia.drugs.models import Pack
from corsia.drugs.models_archive_import import ArchiveChange, ArchiveImport
from corsia.drugs.services_archive_fetch import archive_sources_fetch, archive_stage_from_adapter
from corsia.testing.drugs import CLASS_HEADER, SHORTAGE_HEADER, aifa_file

CLASS_H = aifa_file(
    CLASS_HEADER,
    "CAPECITABINA;;XELODA*120CPR RIV 500MG;298,00;Roche S.p.A.;035219029;BRI;L01BC06",
    "IMATINIB;;IMANIVEC*30CPR RIV 400MG;885,00;Zentiva Italia;043760038;BRZ;L01EA01",
)


def test_with_no_source_configured_the_fetch_does_nothing_and_says_so(
    db: None, settings: Settings
) -> None:
    settings.CORSIA_AIFA_SOURCE_DIR = ""
    settings.CORSIA_AIFA_SOURCE_URL = ""
    report = archive_sources_fetch(today=date(2026, 12, 1))
    assert report.staged == []
    assert report.messages == [
        "Nessuna fonte AIFA configurata (CORSIA_AIFA_SOURCE_DIR o CORSIA_AIFA_SOURCE_URL): "
        "nessun file scaricato."
    ]
    assert ArchiveImport.objects.count() == 0


def test_the_fetch_stages_each_new_file_once_and_never_applies(
    reference: None, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "classe_h.csv").write_bytes(CLASS_H)
    (tmp_path / "carenze.csv").write_bytes(
        aifa_file(SHORTAGE_HEADER, "XELODA;035219017;CAPECITABINA;;Roche;01/11/2026;;Si;x;")
    )
    settings.CORSIA_AIFA_SOURCE_DIR = str(tmp_path)
    prices = list(Pack.objects.order_by("pk").values_list("price_eur", flat=True))
    # when the job runs
    report = archive_sources_fetch(today=date(2026, 12, 1))
    # then both files are diffed and wait for review; the archive is untouched
    imports = list(ArchiveImport.objects.order_by("pk"))
    assert [(i.kind, i.status, i.file_date) for i in imports] == [
        ("class_h", "diffed", date(2026, 12, 1)),
        ("shortages", "diffed", date(2026, 12, 1)),
    ]
    assert report.staged == [i.pk for i in imports]
    assert "classe_a.csv: assente nella fonte." in report.messages
    assert list(Pack.objects.order_by("pk").values_list("price_eur", flat=True)) == prices
    # and the same files the next morning are not staged again
    again = archive_sources_fetch(today=date(2026, 12, 2))
    assert again.staged == []
    assert "classe_h.csv: invariato dall'ultimo caricamento." in again.messages
    assert ArchiveImport.objects.count() == 2


def test_the_fetch_resumes_an_interrupted_diff_first(reference: None, settings: Settings) -> None:
    settings.CORSIA_AIFA_SOURCE_DIR = ""
    settings.CORSIA_AIFA_SOURCE_URL = ""
    item = services_archive.archive_import_stage(
        content=CLASS_H, file_name="classe_h.csv", kind="class_h", file_date=date(2026, 12, 1)
    )

    def crash(_: ArchiveImport) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        services_archive.archive_import_diff(import_id=item.pk, batch_rows=1, after_batch=crash)
    report = archive_sources_fetch(today=date(2026, 12, 1))
    item.refresh_from_db()
    assert report.resumed == [item.pk]
    assert (item.status, item.processed_rows, item.total_rows) == ("diffed", 2, 2)


def test_the_command_stages_with_progress_and_applies_only_an_approved_import(
    reference: None, make_user: Any, tmp_path: Path
) -> None:
    path = tmp_path / "Classe_H.csv"
    path.write_bytes(CLASS_H)
    out = StringIO()
    call_command(
        "drugs_import", str(path), "--stage", "class_h", "--date", "2026-12-01", stdout=out
    )
    item = ArchiveImport.objects.get()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"aggiornamento {item.pk}: 2/2 righe"
    assert lines[1].startswith(f"aggiornamento {item.pk}: 2/2 righe, ")
    assert item.status == "diffed"
    # --apply before a pharmacist approved it is refused, nothing changes
    with pytest.raises(CommandError, match="operazione non possibile"):
        call_command("drugs_import", "--apply", str(item.pk), stdout=StringIO())
    assert Pack.objects.get(aic="035219029").price_eur is None
    services_archive.archive_import_approve(import_id=item.pk, actor=make_user(Role.PHARMACIST))
    out = StringIO()
    call_command("drugs_import", "--apply", str(item.pk), stdout=out)
    changes = ArchiveChange.objects.filter(archive_import=item).count()
    assert out.getvalue().strip() == f"aggiornamento {item.pk}: {changes} modifiche applicate"
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("298.00")


def test_the_command_refuses_an_unreadable_file(db: None, tmp_path: Path) -> None:
    path = tmp_path / "carenze.csv"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(CommandError, match="nul_byte"):
        call_command("drugs_import", str(path), "--stage", "shortages", stdout=StringIO())


class FakeFarmadati:
    """A commercial database as an adapter would expose it (records only, no file)."""

    source_name = "Farmadati (prova)"

    def release(self) -> date:
        return date(2026, 12, 3)

    def kinds(self) -> frozenset[FileKind]:
        return frozenset({FileKind.CLASS_H, FileKind.SHORTAGES})

    def packs(self, kind: FileKind) -> Iterable[SourcePack]:
        yield SourcePack(
            line=0,
            aic="035219029",
            atc="L01BC06",
            ingredient="CAPECITABINA",
            description="XELODA*120CPR RIV 500MG",
            holder="Roche S.p.A.",
            price_eur=Decimal("301.5"),
            reimbursement_class="H",
        )

    def shortages(self) -> Iterable[SourceShortage]:
        yield SourceShortage(
            line=0,
            aic="035219017",
            name="XELODA",
            ingredient="CAPECITABINA",
            form_strength="60 cpr 150 mg",
            holder="Roche S.p.A.",
            started_on=date(2026, 11, 20),
            expected_end_on=None,
            reason="Problemi produttivi; in attesa del lotto",
            equivalent_available=True,
            suggestion="",
        )


def test_a_commercial_database_adapter_stages_like_an_aifa_file(reference: None) -> None:
    adapter = FakeFarmadati()
    assert isinstance(adapter, DrugDatabaseAdapter)
    packs = archive_stage_from_adapter(adapter=adapter, kind=FileKind.CLASS_H)
    assert (packs.status, packs.source, packs.file_date) == (
        "diffed",
        "Farmadati (prova)",
        date(2026, 12, 3),
    )
    price = ArchiveChange.objects.get(archive_import=packs, field="price_eur")
    assert (price.aic, price.before, price.after) == ("035219029", "", "301.50")
    shortages = archive_stage_from_adapter(adapter=adapter, kind=FileKind.SHORTAGES)
    started = ArchiveChange.objects.get(archive_import=shortages)
    assert (started.kind, started.data["reason"], started.data["started_on"]) == (
        "shortage_started",
        "Problemi produttivi; in attesa del lotto",
        "2026-11-20",
    )
    with pytest.raises(Exception, match="non fornisce"):
        archive_stage_from_adapter(adapter=adapter, kind=FileKind.TRANSPARENCY)


def test_the_older_aifa_class_option_stages_the_list_and_writes_nothing(
    reference: None, make_user: Any, tmp_path: Path
) -> None:
    # given the class H list that prices XELODA 298,00 € (no price in the archive)
    path = tmp_path / "Classe_H.csv"
    path.write_bytes(CLASS_H)
    assert Pack.objects.get(aic="035219029").price_eur is None
    # when it is imported the old way
    out = StringIO()
    call_command("drugs_import", str(path), "--aifa-class", "H", "--date", "2026-12-01", stdout=out)
    # then it is a staged class H import, diffed, and the archive is untouched
    item = ArchiveImport.objects.get()
    assert (item.kind, item.status, item.file_date) == ("class_h", "diffed", date(2026, 12, 1))
    assert "da rivedere e approvare prima di applicarlo" in out.getvalue()
    assert Pack.objects.get(aic="035219029").price_eur is None
    # and only a pharmacist's approval then --apply writes the price
    services_archive.archive_import_approve(import_id=item.pk, actor=make_user(Role.PHARMACIST))
    call_command("drugs_import", "--apply", str(item.pk), stdout=StringIO())
    assert Pack.objects.get(aic="035219029").price_eur == Decimal("298.00")


def test_the_upload_page_stages_an_aifa_list_and_opens_its_review(
    reference: None, client_for: Any
) -> None:
    client = client_for(Role.PHARMACIST)
    upload = SimpleUploadedFile("Classe_H.csv", CLASS_H)
    response = client.post("/drugs/import/", {"kind": "aifa_h", "source": "", "file": upload})
    item = ArchiveImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/drugs/archive-imports/{item.pk}/"
    assert (item.kind, item.status) == ("class_h", "diffed")
    assert Pack.objects.get(aic="035219029").price_eur is None

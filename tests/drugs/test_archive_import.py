"""Staged AIFA updates of the archive: the diff of a second file against the first, the
approval applying exactly those changes with provenance, rejection and malformed files
changing nothing, an interrupted diff resumed, a stale diff refused, permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.drugs import services_archive
from corsia.drugs.models import MedicinalProduct, Pack
from corsia.drugs.models_archive_import import (
    ArchiveChange,
    ArchiveImport,
    PackProvenance,
    PackShortage,
)
from corsia.testing.drugs import (
    CLASS_HEADER,
    SHORTAGE_HEADER,
    aifa_file,
    approved_and_applied,
    staged,
)

# Real AIC codes of the AIFA lists (check digits computed in test_aifa_open_parsing.py):
CAPECITABINE_500 = "035219029"  # Xeloda 120 cpr 500 mg, in the reference archive
TEMOZOLOMIDE_100 = "034527150"  # Temodal 5 cps 100 mg, in the reference archive
IMATINIB_400 = "043760038"  # Imanivec 30 cpr 400 mg, not in the archive (ATC L01EA01)
CAPECITABINE_150 = "035219017"  # Xeloda 60 cpr 150 mg, in the reference archive

NOVEMBER = aifa_file(
    CLASS_HEADER,
    f"CAPECITABINA;;XELODA*120CPR RIV 500MG;312,40;Roche S.p.A.;{CAPECITABINE_500};BRI;L01BC06",
    f"TEMOZOLOMIDE;;TEMODAL*5CPS 100MG;1.002,10;Organon Italia;{TEMOZOLOMIDE_100};;L01AX03",
    "VERAPAMIL;;ISOPTIN*30CPR RIV 80MG;4,12;Viatris;020609044;;C08DA01",  # not onco: ignored
)
DECEMBER = aifa_file(
    CLASS_HEADER,
    f"CAPECITABINA;;XELODA*120CPR RIV 500MG;298,00;Roche S.p.A.;{CAPECITABINE_500};BRI;L01BC06",
    f"IMATINIB;;IMANIVEC*30CPR RIV 400MG;885,00;Zentiva Italia;{IMATINIB_400};BRZ;L01EA01",
    "VERAPAMIL;;ISOPTIN*30CPR RIV 80MG;4,12;Viatris;020609044;;C08DA01",
)


def _pharmacist(make_user: Any) -> Any:
    return make_user(Role.PHARMACIST)


def _pack_state() -> list[tuple[Any, ...]]:
    return list(
        Pack.objects.order_by("pk").values_list(
            "aic",
            "price_eur",
            "reimbursement_class",
            "withdrawn_on",
            "equivalence_group",
            "version",
        )
    )


def _changes(item: ArchiveImport) -> set[tuple[str, str, str, str, str]]:
    return {
        (c.kind, c.aic, c.field, c.before, c.after)
        for c in ArchiveChange.objects.filter(archive_import=item)
    }


@pytest.fixture
def november_applied(reference: None, make_user: Any) -> ArchiveImport:
    pharmacist = _pharmacist(make_user)
    item = staged(NOVEMBER, file_date=date(2026, 11, 1), name="classe_h_2026-11.csv")
    return approved_and_applied(item, pharmacist)


def test_the_second_file_against_the_first_proposes_exactly_its_differences(
    november_applied: ArchiveImport,
) -> None:
    # given the November list applied (capecitabine 312,40 €, temozolomide, both class H)
    assert Pack.objects.get(aic=CAPECITABINE_500).price_eur == Decimal("312.40")
    before = _pack_state()
    # when the December list is diffed
    december = staged(DECEMBER, name="classe_h_2026-12.csv")
    # then: a price change, a new pack, a withdrawn pack, and nothing else
    assert december.status == "diffed"
    assert (december.total_rows, december.processed_rows) == (3, 3)
    assert _changes(december) == {
        ("field_changed", CAPECITABINE_500, "price_eur", "312.40", "298.00"),
        ("new_pack", IMATINIB_400, "", "", ""),
        ("withdrawn_pack", TEMOZOLOMIDE_100, "", "", ""),
    }
    new = ArchiveChange.objects.get(archive_import=december, kind="new_pack")
    assert (new.line, new.data["ingredient"], new.data["price_eur"]) == (3, "imatinib", "885.00")
    # and the archive has not changed
    assert _pack_state() == before


def test_approval_applies_exactly_those_changes_with_provenance(
    november_applied: ArchiveImport, make_user: Any
) -> None:
    pharmacist = _pharmacist(make_user)
    december = staged(DECEMBER, name="classe_h_2026-12.csv")
    untouched = Pack.objects.get(aic=CAPECITABINE_150)
    # when approved and applied
    applied = approved_and_applied(december, pharmacist)
    # then the three changes are written
    assert (applied.status, applied.applied_changes) == ("applied", 3)
    price = Pack.objects.get(aic=CAPECITABINE_500)
    assert price.price_eur == Decimal("298.00")
    withdrawn = Pack.objects.get(aic=TEMOZOLOMIDE_100)  # marked, never deleted
    assert withdrawn.withdrawn_on == date(2026, 12, 1)
    new = Pack.objects.select_related("product__ingredient").get(aic=IMATINIB_400)
    assert (new.code, new.product.code, new.product.ingredient.code) == (
        "aic-043760038",
        "aic-043760",
        "imatinib",
    )
    assert (new.price_eur, new.reimbursement_class, new.product.holder) == (
        Decimal("885.00"),
        "H",
        "Zentiva Italia",
    )
    assert new.product.to_verify is True
    # and every changed field says where it came from
    rows = PackProvenance.objects.filter(archive_import=applied)
    assert {(r.pack.aic, r.field, r.value) for r in rows} == {
        (CAPECITABINE_500, "price_eur", "298.00"),
        (TEMOZOLOMIDE_100, "withdrawn_on", "2026-12-01"),
        (IMATINIB_400, "description", "IMANIVEC*30CPR RIV 400MG"),
        (IMATINIB_400, "price_eur", "885.00"),
        (IMATINIB_400, "reimbursement_class", "H"),
        (IMATINIB_400, "holder", "Zentiva Italia"),
    }
    assert {(r.source_file, r.source_date) for r in rows} == {
        ("classe_h_2026-12.csv", date(2026, 12, 1))
    }
    # a pack the file does not concern is untouched
    assert Pack.objects.get(aic=CAPECITABINE_150).version == untouched.version
    # one audit event for the import
    events = AuditEvent.objects.filter(
        event_type="drugs.archive_import_applied", target_id=str(applied.pk)
    )
    assert [(e.after or {}).get("applied") for e in events] == [3]
    # applying twice is refused
    with pytest.raises(ConflictError) as again:
        services_archive.archive_import_apply(import_id=applied.pk, actor=pharmacist)
    assert again.value.code == "archive_import_wrong_status"


def test_two_packs_of_one_product_change_its_holder_once(
    november_applied: ArchiveImport, make_user: Any
) -> None:
    # 043760026 (same product as 043760038): 0+3+6+0 = 9; 4→8, 7→5, 0→0, 2→4 = 17; 26 → 6
    pharmacist = _pharmacist(make_user)
    row = "IMATINIB;;IMANIVEC*{n}CPR;885,00;{holder};{aic};;L01EA01"
    first = staged(
        aifa_file(
            CLASS_HEADER,
            row.format(n=30, holder="Zentiva Italia", aic=IMATINIB_400),
            row.format(n=60, holder="Zentiva Italia", aic="043760026"),
        ),
        name="a.csv",
    )
    approved_and_applied(first, pharmacist)
    assert MedicinalProduct.objects.get(code="aic-043760").packs.count() == 2
    second = staged(
        aifa_file(
            CLASS_HEADER,
            row.format(n=30, holder="Zentiva S.p.A.", aic=IMATINIB_400),
            row.format(n=60, holder="Zentiva S.p.A.", aic="043760026"),
        ),
        name="b.csv",
    )
    assert {(c.aic, c.field) for c in second.changes.filter(kind="field_changed")} == {
        (IMATINIB_400, "holder"),
        ("043760026", "holder"),
    }
    applied = approved_and_applied(second, pharmacist)
    assert MedicinalProduct.objects.get(code="aic-043760").holder == "Zentiva S.p.A."
    holders = PackProvenance.objects.filter(archive_import=applied, field="holder")
    assert sorted(p.pack.aic for p in holders) == ["043760026", IMATINIB_400]


def test_a_rejected_import_changes_nothing(november_applied: ArchiveImport, make_user: Any) -> None:
    pharmacist = _pharmacist(make_user)
    december = staged(DECEMBER)
    before = _pack_state()
    with pytest.raises(ValidationFailed) as no_reason:
        services_archive.archive_import_reject(import_id=december.pk, reason=" ", actor=pharmacist)
    assert no_reason.value.code == "reason_required"
    rejected = services_archive.archive_import_reject(
        import_id=december.pk,
        reason="Lista incompleta: attendere la ripubblicazione",
        actor=pharmacist,
    )
    assert rejected.status == "rejected"
    assert _pack_state() == before
    with pytest.raises(ConflictError):
        services_archive.archive_import_apply(import_id=december.pk, actor=pharmacist)
    assert _pack_state() == before
    assert PackProvenance.objects.filter(archive_import=december).count() == 0


def test_a_change_rejected_one_by_one_is_not_applied(
    november_applied: ArchiveImport, make_user: Any
) -> None:
    pharmacist = _pharmacist(make_user)
    december = staged(DECEMBER)
    price = ArchiveChange.objects.get(archive_import=december, field="price_eur")
    with pytest.raises(ValidationFailed):  # a rejection needs its reason
        services_archive.archive_changes_decide(
            import_id=december.pk, change_ids=[price.pk], decision="rejected", actor=pharmacist
        )
    services_archive.archive_changes_decide(
        import_id=december.pk,
        change_ids=[price.pk],
        decision="rejected",
        reason="Prezzo da verificare con il fornitore",
        actor=pharmacist,
    )
    applied = approved_and_applied(december, pharmacist)
    assert applied.applied_changes == 2
    assert Pack.objects.get(aic=CAPECITABINE_500).price_eur == Decimal("312.40")
    assert Pack.objects.get(aic=TEMOZOLOMIDE_100).withdrawn_on == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"Codice AIC;ATC\x00\n035219029;L01BC06\n", "nul_byte"),
        (aifa_file(SHORTAGE_HEADER, "XELODA;035219029;X;;T;01/11/2026;;Si;x;"), "wrong_file_kind"),
    ],
)
def test_a_malformed_file_fails_and_changes_nothing(
    reference: None, make_user: Any, content: bytes, code: str
) -> None:
    pharmacist = _pharmacist(make_user)
    before = _pack_state()
    item = staged(content)
    assert (item.status, item.error_code) == ("failed", code)
    assert item.changes.count() == 0
    with pytest.raises(ConflictError):
        services_archive.archive_import_approve(import_id=item.pk, actor=pharmacist)
    assert _pack_state() == before


def test_a_file_with_a_bad_row_proposes_no_withdrawal(november_applied: ArchiveImport) -> None:
    content = aifa_file(
        CLASS_HEADER,
        f"CAPECITABINA;;XELODA*120CPR RIV 500MG;298,00;Roche S.p.A.;{CAPECITABINE_500};BRI;L01BC06",
        "TEMOZOLOMIDE;;TEMODAL*5CPS 100MG;1.002,10;Organon Italia;034527151;;L01AX03",
    )
    item = staged(content)
    assert item.problems == [
        {
            "line": 3,
            "code": "aic_check_digit",
            "message": "il codice AIC «034527151» ha la cifra di controllo errata (attesa 0)",
        }
    ]
    assert _changes(item) == {("field_changed", CAPECITABINE_500, "price_eur", "312.40", "298.00")}


def test_shortages_start_and_end(reference: None, make_user: Any) -> None:
    pharmacist = _pharmacist(make_user)
    started = staged(
        aifa_file(
            SHORTAGE_HEADER,
            f"XELODA;{CAPECITABINE_150};CAPECITABINA;60 cpr 150 mg;Roche;01/11/2026;31/01/2027;Si;"
            '"Problemi produttivi";"Usare l\'equivalente"',
            "ISOPTIN;020609044;VERAPAMIL;;Viatris;01/11/2026;;No;x;",  # not archived: ignored
        ),
        kind="shortages",
        name="carenze.csv",
    )
    assert _changes(started) == {("shortage_started", CAPECITABINE_150, "", "", "")}
    approved_and_applied(started, pharmacist)
    shortage = PackShortage.objects.get(pack__aic=CAPECITABINE_150)
    assert (shortage.started_on, shortage.expected_end_on, shortage.ended_on) == (
        date(2026, 11, 1),
        date(2027, 1, 31),
        None,
    )
    assert (shortage.reason, shortage.equivalent_available) == ("Problemi produttivi", True)
    # when the next list no longer names it, the shortage ends on the file's date
    ended = staged(
        aifa_file(SHORTAGE_HEADER),
        kind="shortages",
        name="carenze.csv",
        file_date=date(2027, 1, 10),
    )
    assert _changes(ended) == {("shortage_ended", CAPECITABINE_150, "", "", "")}
    approved_and_applied(ended, pharmacist)
    shortage.refresh_from_db()
    assert shortage.ended_on == date(2027, 1, 10)


def test_the_product_sheet_shows_a_withdrawn_pack_and_a_shortage(
    november_applied: ArchiveImport, make_user: Any, client_for: Any
) -> None:
    pharmacist = _pharmacist(make_user)
    approved_and_applied(staged(DECEMBER), pharmacist)
    shortage = staged(
        aifa_file(SHORTAGE_HEADER, f"XELODA;{CAPECITABINE_500};CAPECITABINA;;R;20/11/2026;;No;x;"),
        kind="shortages",
    )
    approved_and_applied(shortage, pharmacist)
    nurse = client_for(Role.NURSE)
    temodal = Pack.objects.select_related("product").get(aic=TEMOZOLOMIDE_100).product
    sheet = nurse.get(f"/drugs/products/{temodal.code}/").content.decode()
    assert f'data-testid="withdrawn-{TEMOZOLOMIDE_100}">ritirata dal 01/12/2026' in sheet
    xeloda = Pack.objects.select_related("product").get(aic=CAPECITABINE_500).product
    sheet = nurse.get(f"/drugs/products/{xeloda.code}/").content.decode()
    assert f'data-testid="shortage-{CAPECITABINE_500}">in carenza dal 20/11/2026' in sheet


def test_an_interrupted_diff_resumes_from_its_last_processed_row(
    november_applied: ArchiveImport,
) -> None:
    # given the diff of December interrupted after its first batch of 2 rows
    item = services_archive.archive_import_stage(
        content=DECEMBER, file_name="classe_h.csv", kind="class_h", file_date=date(2026, 12, 1)
    )

    def crash(_: ArchiveImport) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        services_archive.archive_import_diff(import_id=item.pk, batch_rows=2, after_batch=crash)
    item.refresh_from_db()
    assert (item.status, item.processed_rows, item.total_rows) == ("uploaded", 2, 3)
    assert _changes(item) == {
        ("field_changed", CAPECITABINE_500, "price_eur", "312.40", "298.00"),
        ("new_pack", IMATINIB_400, "", "", ""),
    }
    # when run again, it goes on from row 3 and ends with the same changes as a clean run
    seen: list[int] = []
    resumed = services_archive.archive_import_diff(
        import_id=item.pk, batch_rows=2, after_batch=lambda i: seen.append(i.processed_rows)
    )
    assert seen == [3]
    assert (resumed.status, resumed.processed_rows) == ("diffed", 3)
    clean = staged(DECEMBER)
    assert _changes(resumed) == _changes(clean)
    assert resumed.changes.count() == 3


def test_a_change_made_since_the_diff_stops_the_whole_apply(
    november_applied: ArchiveImport, make_user: Any
) -> None:
    pharmacist = _pharmacist(make_user)
    december = staged(DECEMBER)
    services_archive.archive_import_approve(import_id=december.pk, actor=pharmacist)
    Pack.objects.filter(aic=CAPECITABINE_500).update(price_eur=Decimal("300"))
    before = _pack_state()
    with pytest.raises(ConflictError) as stale:
        services_archive.archive_import_apply(import_id=december.pk, actor=pharmacist)
    assert stale.value.code == "archive_changed_since_diff"
    assert _pack_state() == before
    assert not Pack.objects.filter(aic=IMATINIB_400).exists()
    assert ArchiveImport.objects.get(pk=december.pk).status == "approved"


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN, Role.TECHNICIAN, Role.ADMINISTRATOR])
def test_only_pharmacists_review_archive_imports(
    november_applied: ArchiveImport, make_user: Any, role: Role
) -> None:
    december = staged(DECEMBER)
    other = make_user(role)
    change = ArchiveChange.objects.filter(archive_import=december).first()
    assert change is not None
    acts: list[Callable[[], object]] = [
        lambda: services_archive.archive_import_approve(import_id=december.pk, actor=other),
        lambda: services_archive.archive_import_reject(
            import_id=december.pk, reason="no", actor=other
        ),
        lambda: services_archive.archive_changes_decide(
            import_id=december.pk, change_ids=[change.pk], decision="approved", actor=other
        ),
        lambda: services_archive.archive_import_apply(import_id=december.pk, actor=other),
        lambda: services_archive.archive_import_stage(
            content=DECEMBER,
            file_name="x.csv",
            kind="class_h",
            file_date=date(2026, 12, 1),
            actor=other,
        ),
    ]
    count = ArchiveImport.objects.count()
    for act in acts:
        with pytest.raises(PermissionRefused):
            act()
    december.refresh_from_db()
    assert december.status == "diffed"
    assert ArchiveImport.objects.count() == count
    assert not ArchiveChange.objects.filter(archive_import=december).exclude(decision="pending")
    assert MedicinalProduct.objects.filter(code="aic-043760").count() == 0

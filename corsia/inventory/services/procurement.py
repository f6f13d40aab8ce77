"""Goods receipts from the hospital's procurement system: the CSV matched line by line to
the drug archive's packs for the pharmacist's preview, then loaded into the stock (all or
nothing) as the delivery documents (DDT) it holds. A DDT already loaded from the same
supplier is refused as a duplicate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError
from corsia.drugs import selectors as drugs
from corsia.inventory import audit_events as events
from corsia.inventory.domain.procurement import (
    ProcurementFileInvalid,
    ProcurementLine,
    decode_procurement_file,
    parse_procurement_csv,
    per_unit_cost,
)
from corsia.inventory.models import MovementKind, StockMovement, StorageLocation
from corsia.inventory.services.loads import LoadLine, load_documents
from corsia.inventory.services.lots import (
    MANAGE,
    STOCK_REFUSED,
    local_day,
    lot_expiry_mismatch,
    movements_audit,
)

if TYPE_CHECKING:
    from corsia.drugs.models import Pack


@dataclass(frozen=True)
class PreviewLine:
    read: ProcurementLine
    pack: Pack | None
    problems: tuple[str, ...]  # the file's and the matching's

    @property
    def units(self) -> int | None:
        if self.pack is None or self.read.packs is None:
            return None
        return self.read.packs * self.pack.units_per_pack


@dataclass(frozen=True)
class ProcurementPreview:
    lines: tuple[PreviewLine, ...]
    duplicates: tuple[str, ...]  # "supplier DDT n" already loaded

    @property
    def ok(self) -> bool:
        return not self.duplicates and all(not line.problems for line in self.lines)

    @property
    def value(self) -> Decimal:
        return sum(
            (
                line.read.unit_cost * line.read.packs
                for line in self.lines
                if line.read.unit_cost is not None and line.read.packs is not None
            ),
            start=Decimal(0),
        )


def _reference(number: str) -> str:
    return f"DDT {number}"


def _already_loaded(lines: Sequence[ProcurementLine]) -> tuple[str, ...]:
    documents = {(line.supplier, line.ddt_number) for line in lines if line.ddt_number}
    found = []
    for supplier, number in sorted(documents):
        if StockMovement.objects.filter(
            kind=MovementKind.LOAD, supplier__iexact=supplier, reference=_reference(number)
        ).exists():
            found.append(f"{supplier} DDT {number}")
    return tuple(found)


def _match(line: ProcurementLine, by_code: dict[str, Pack]) -> PreviewLine:
    problems = list(line.problems)
    by_aic = by_code.get(line.aic) if line.aic else None
    by_gtin = by_code.get(line.gtin) if line.gtin else None
    if line.aic and by_aic is None:
        problems.append(f"AIC {line.aic} non presente nell'archivio farmaci")
    if line.gtin and by_gtin is None:
        problems.append(f"GTIN {line.gtin} non presente nell'archivio farmaci")
    if by_aic is not None and by_gtin is not None and by_aic.pk != by_gtin.pk:
        problems.append(f"AIC {line.aic} e GTIN {line.gtin} indicano confezioni diverse")
    pack = by_aic or by_gtin
    if pack is not None and line.expiry is not None and line.lot:
        mismatch = lot_expiry_mismatch(pack.product, line.lot, line.expiry)
        if mismatch:
            problems.append(mismatch)
    return PreviewLine(read=line, pack=pack, problems=tuple(problems))


def procurement_preview(*, actor: User, content: bytes, today: date) -> ProcurementPreview:
    """Each line of the file matched to a pack of the archive, or flagged; nothing written.
    Refuses a file that cannot be read at all (size, encoding, NUL, columns)."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    lines = parse_procurement_csv(decode_procurement_file(content), today=today)
    packs = drugs.packs_by_aic_or_gtin([line.aic for line in lines] + [line.gtin for line in lines])
    by_code: dict[str, Pack] = {}
    for pack in packs:
        for code in (pack.aic, pack.gtin):
            if code:
                by_code[code] = pack
    return ProcurementPreview(
        lines=tuple(_match(line, by_code) for line in lines),
        duplicates=_already_loaded(lines),
    )


def procurement_import(
    *,
    actor: User,
    workstation: Workstation,
    content: bytes,
    file_name: str,
    location: StorageLocation,
    now: datetime,
) -> list[StockMovement]:
    """Load the procurement system's goods receipts: every line matched and well formed,
    no DDT loaded before, or nothing (``procurement_lines_invalid`` naming every bad line,
    ``delivery_duplicate``). Units = packs × units per pack; unit cost = pack cost ÷
    units per pack."""
    require_permission(actor, MANAGE, STOCK_REFUSED)
    with transaction.atomic():
        preview = procurement_preview(actor=actor, content=content, today=local_day(now))
        if preview.duplicates:
            raise ConflictError(
                "Documento di trasporto già caricato: " + ", ".join(preview.duplicates) + ".",
                code="delivery_duplicate",
                details={"documents": list(preview.duplicates)},
            )
        bad = [line for line in preview.lines if line.problems]
        if bad:
            raise ProcurementFileInvalid(
                f"Il file contiene {len(bad)} righe errate: nulla è stato caricato. "
                + " ".join(f"Riga {b.read.line}: {'; '.join(b.problems)}." for b in bad[:5]),
                code="procurement_lines_invalid",
                details={
                    "errors": [{"line": b.read.line, "message": "; ".join(b.problems)} for b in bad]
                },
            )
        documents: dict[tuple[str, str, date], list[LoadLine]] = {}
        orders: dict[str, set[str]] = {}
        for line in preview.lines:
            read, pack = line.read, line.pack
            assert pack is not None and read.ddt_date is not None and read.expiry is not None
            assert read.packs is not None and read.unit_cost is not None  # no problems
            documents.setdefault((read.supplier, read.ddt_number, read.ddt_date), []).append(
                LoadLine(
                    product=pack.product,
                    lot=read.lot,
                    expiry=read.expiry,
                    quantity=read.packs * pack.units_per_pack,
                    unit_cost=per_unit_cost(read.unit_cost, pack.units_per_pack),
                    pack=pack,
                )
            )
            if read.order_ref:
                orders.setdefault(read.ddt_number, set()).add(read.order_ref)
        movements = load_documents(
            actor=actor, workstation=workstation, documents=documents, location=location, now=now
        )
        movements_audit(
            events.PROCUREMENT_IMPORTED,
            actor=actor,
            workstation=workstation,
            movements=movements,
            extra={
                "file": file_name[:200],
                "documents": sorted({k[1] for k in documents}),
                "orders": {k: sorted(v) for k, v in orders.items()},
            },
        )
    return movements

"""The change set an AIFA file proposes against the archive, computed without the database.

Rows are compared one at a time (:func:`row_changes`), so a long file can be diffed in
batches and resumed; what the file no longer contains is found once every row has been
read (:func:`absent_changes`). A file with unreadable rows proposes no withdrawal and
ends no shortage: an unreadable row might be the very pack that seems absent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from corsia.drugs.domain.aifa_open.files import FileKind, SourcePack, SourceShortage


class ChangeKind(StrEnum):
    NEW_PACK = "new_pack"
    WITHDRAWN_PACK = "withdrawn_pack"
    FIELD_CHANGED = "field_changed"
    SHORTAGE_STARTED = "shortage_started"
    SHORTAGE_ENDED = "shortage_ended"


CHANGE_KIND_LABELS_IT: dict[ChangeKind, str] = {
    ChangeKind.NEW_PACK: "Nuova confezione",
    ChangeKind.WITHDRAWN_PACK: "Confezione ritirata",
    ChangeKind.FIELD_CHANGED: "Campo modificato",
    ChangeKind.SHORTAGE_STARTED: "Inizio carenza",
    ChangeKind.SHORTAGE_ENDED: "Fine carenza",
}

# The archive fields an AIFA file may change, with their Italian names.
FIELD_LABELS_IT: dict[str, str] = {
    "price_eur": "prezzo al pubblico",
    "reference_price_eur": "prezzo di riferimento",
    "reimbursement_class": "classe SSN",
    "holder": "titolare AIC",
    "description": "descrizione",
    "equivalence_group": "gruppo di equivalenza",
    "withdrawn_on": "ritiro",
}


@dataclass(frozen=True)
class ArchivedPack:
    aic: str
    description: str
    holder: str
    price_eur: Decimal | None
    reference_price_eur: Decimal | None
    reimbursement_class: str
    equivalence_group: str
    withdrawn_on: date | None


@dataclass(frozen=True)
class OpenShortage:
    aic: str
    started_on: date


@dataclass(frozen=True)
class ArchiveView:
    packs: Mapping[str, ArchivedPack]  # by AIC
    open_shortages: Mapping[str, OpenShortage]  # by AIC
    ingredient_by_atc: Mapping[str, str]  # ATC code -> archived ingredient code


@dataclass(frozen=True)
class ProposedChange:
    kind: ChangeKind
    aic: str
    line: int | None  # the file's row; None for what the file no longer contains
    field: str = ""
    before: str = ""
    after: str = ""
    data: Mapping[str, str] = dataclasses.field(default_factory=dict)


def text_of(value: Decimal | date | str | None) -> str:
    """The canonical text of a value in a change (prices to the cent when whole cents)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        cents = value.quantize(Decimal("0.01"))
        return f"{cents:f}" if cents == value else f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def row_changes(
    row: SourcePack | SourceShortage, kind: FileKind, archive: ArchiveView
) -> list[ProposedChange]:
    """What one row of the file changes in the archive (nothing for an unarchived pack
    outside the archive's ingredients)."""
    if isinstance(row, SourceShortage):
        return _shortage_changes(row, archive)
    current = archive.packs.get(row.aic)
    if current is None:
        ingredient = archive.ingredient_by_atc.get(row.atc) if row.atc else None
        if ingredient is None or kind not in (FileKind.CLASS_A, FileKind.CLASS_H):
            return []
        return [
            ProposedChange(
                ChangeKind.NEW_PACK,
                row.aic,
                row.line,
                data={
                    "ingredient": ingredient,
                    "atc": row.atc,
                    "description": row.description,
                    "holder": row.holder,
                    "price_eur": text_of(row.price_eur),
                    "reimbursement_class": row.reimbursement_class,
                },
            )
        ]
    changes: list[ProposedChange] = []

    def propose(name: str, before: str, after: str) -> None:
        changes.append(
            ProposedChange(ChangeKind.FIELD_CHANGED, row.aic, row.line, name, before, after)
        )

    if current.withdrawn_on is not None and kind in (FileKind.CLASS_A, FileKind.CLASS_H):
        propose("withdrawn_on", text_of(current.withdrawn_on), "")
    if row.price_eur is not None and row.price_eur != current.price_eur:
        propose("price_eur", text_of(current.price_eur), text_of(row.price_eur))
    if (
        row.reference_price_eur is not None
        and row.reference_price_eur != current.reference_price_eur
    ):
        propose(
            "reference_price_eur",
            text_of(current.reference_price_eur),
            text_of(row.reference_price_eur),
        )
    if row.reimbursement_class and row.reimbursement_class != current.reimbursement_class:
        propose("reimbursement_class", current.reimbursement_class, row.reimbursement_class)
    if row.holder and not _same_text(row.holder, current.holder):
        propose("holder", current.holder, row.holder)
    if row.description and not _same_text(row.description, current.description):
        propose("description", current.description, row.description)
    if row.equivalence_group is not None and row.equivalence_group != current.equivalence_group:
        propose("equivalence_group", current.equivalence_group, row.equivalence_group)
    return changes


def _shortage_changes(row: SourceShortage, archive: ArchiveView) -> list[ProposedChange]:
    if row.aic not in archive.packs or row.aic in archive.open_shortages:
        return []
    equivalent = {True: "si", False: "no", None: ""}[row.equivalent_available]
    return [
        ProposedChange(
            ChangeKind.SHORTAGE_STARTED,
            row.aic,
            row.line,
            data={
                "name": row.name,
                "ingredient": row.ingredient,
                "form_strength": row.form_strength,
                "holder": row.holder,
                "started_on": text_of(row.started_on),
                "expected_end_on": text_of(row.expected_end_on),
                "reason": row.reason,
                "equivalent_available": equivalent,
                "suggestion": row.suggestion,
            },
        )
    ]


def absent_changes(
    kind: FileKind, seen: frozenset[str], archive: ArchiveView, *, has_problems: bool
) -> list[ProposedChange]:
    """What the archive holds that the whole file no longer lists: packs of the list's
    class withdrawn, packs leaving the transparency list, shortages ended."""
    if has_problems:
        return []
    changes: list[ProposedChange] = []
    if kind in (FileKind.CLASS_A, FileKind.CLASS_H):
        listed_class = "A" if kind is FileKind.CLASS_A else "H"
        for aic in sorted(archive.packs):
            pack = archive.packs[aic]
            listed = pack.reimbursement_class == listed_class and pack.withdrawn_on is None
            if listed and aic not in seen:
                changes.append(
                    ProposedChange(
                        ChangeKind.WITHDRAWN_PACK, aic, None, data={"description": pack.description}
                    )
                )
    elif kind is FileKind.TRANSPARENCY:
        for aic in sorted(archive.packs):
            pack = archive.packs[aic]
            if pack.equivalence_group and aic not in seen:
                changes.append(
                    ProposedChange(
                        ChangeKind.FIELD_CHANGED,
                        aic,
                        None,
                        "equivalence_group",
                        pack.equivalence_group,
                        "",
                    )
                )
    else:
        for aic in sorted(archive.open_shortages):
            if aic not in seen:
                shortage = archive.open_shortages[aic]
                changes.append(
                    ProposedChange(
                        ChangeKind.SHORTAGE_ENDED,
                        aic,
                        None,
                        data={"started_on": text_of(shortage.started_on)},
                    )
                )
    return changes

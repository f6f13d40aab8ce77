"""The interface a commercial drug database (Farmadati-style) implements to feed the same
staged, reviewed updates as the AIFA open data.

A hospital that licenses a commercial database (Farmadati, Codifa, …) writes one adapter
class with this shape — reading the vendor's export or web service is the adapter's
business — and Corsia turns its records into a file in the AIFA layout
(:func:`render_aifa_file`), stored, diffed, reviewed and applied exactly like a file
downloaded from AIFA: same change kinds, same provenance (the adapter's ``source_name``
and ``release``), same approval. The records are the frozen :class:`SourcePack` and
:class:`SourceShortage` of :mod:`.files`; the adapter fills what its database knows and
leaves the rest empty (``None`` or ``""`` means "not said", never "cleared").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from corsia.drugs.domain.aifa_open.files import FileKind, SourcePack, SourceShortage


@runtime_checkable
class DrugDatabaseAdapter(Protocol):
    """A commercial drug database, as Corsia's archive updates read it."""

    #: shown as the import's source and in every provenance row ("Farmadati Italia")
    source_name: str

    def release(self) -> date:
        """The date of the database edition the records come from."""
        ...

    def kinds(self) -> frozenset[FileKind]:
        """Which lists the database can give (class A, class H, transparency, shortages)."""
        ...

    def packs(self, kind: FileKind) -> Iterable[SourcePack]:
        """The packs of a class list or of the transparency list, one record per AIC."""
        ...

    def shortages(self) -> Iterable[SourceShortage]:
        """The packs in shortage today."""
        ...


_CLASS_COLUMNS = (
    "Principio Attivo",
    "Denominazione e Confezione",
    "Prezzo al pubblico €",
    "Titolare AIC",
    "Codice AIC",
    "ATC",
)
_TRANSPARENCY_COLUMNS = (
    "Principio attivo",
    "Denominazione e Confezione",
    "Prezzo riferimento SSN",
    "Prezzo al pubblico",
    "Titolare AIC",
    "Codice AIC",
    "Codice gruppo equivalenza",
)
_SHORTAGE_COLUMNS = (
    "Nome medicinale",
    "Codice AIC",
    "Principio attivo",
    "Forma farmaceutica e dosaggio",
    "Titolare AIC",
    "Data inizio",
    "Fine presunta",
    "Equivalente",
    "Motivazioni",
    "Suggerimenti/Indicazioni AIFA",
)


def _price(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}".replace(".", ",")


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def render_aifa_file(adapter: DrugDatabaseAdapter, kind: FileKind) -> bytes:
    """The adapter's records of ``kind`` as a file in the AIFA layout (UTF-8, ``;``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if kind is FileKind.SHORTAGES:
        writer.writerow(_SHORTAGE_COLUMNS)
        for s in adapter.shortages():
            equivalent = {True: "Si", False: "No", None: ""}[s.equivalent_available]
            writer.writerow(
                [
                    s.name,
                    s.aic,
                    s.ingredient,
                    s.form_strength,
                    s.holder,
                    _day(s.started_on),
                    _day(s.expected_end_on),
                    equivalent,
                    s.reason,
                    s.suggestion,
                ]
            )
    elif kind is FileKind.TRANSPARENCY:
        writer.writerow(_TRANSPARENCY_COLUMNS)
        for p in adapter.packs(kind):
            writer.writerow(
                [
                    p.ingredient,
                    p.description,
                    _price(p.reference_price_eur),
                    _price(p.price_eur),
                    p.holder,
                    p.aic,
                    p.equivalence_group or "",
                ]
            )
    else:
        writer.writerow(_CLASS_COLUMNS)
        for p in adapter.packs(kind):
            writer.writerow(
                [p.ingredient, p.description, _price(p.price_eur), p.holder, p.aic, p.atc]
            )
    return out.getvalue().encode()

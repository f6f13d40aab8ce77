"""Writing the approved changes of an archive import, one at a time, with provenance.

Called by ``services_archive.archive_import_apply`` inside its transaction (it checks the
permission and the import's state); never called by an interface.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from corsia.core.actors import User
from corsia.core.domain.errors import ConflictError
from corsia.drugs.domain.aifa_open.diff import ChangeKind, text_of
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.drugs.models_archive_import import (
    ArchiveChange,
    ArchiveImport,
    PackProvenance,
    PackShortage,
)

_PACK_FIELDS = (
    "price_eur",
    "reference_price_eur",
    "reimbursement_class",
    "description",
    "equivalence_group",
    "withdrawn_on",
)


def _value(field: str, text: str) -> Any:
    if field in ("price_eur", "reference_price_eur"):
        return Decimal(text) if text else None
    if field == "withdrawn_on":
        return date.fromisoformat(text) if text else None
    return text


class ArchiveWriter:
    """Applies one approved change at a time and records its provenance."""

    def __init__(self, item: ArchiveImport, actor: User | None) -> None:
        self.item = item
        self.actor = actor
        self.count = 0

    def _stale(self, change: ArchiveChange, what: str) -> ConflictError:
        return ConflictError(
            f"AIC {change.aic}: {what} è cambiato dopo il confronto. Carica di nuovo il file.",
            code="archive_changed_since_diff",
            details={"change": change.pk, "aic": change.aic},
        )

    def _pack(self, change: ArchiveChange) -> Pack:
        pack = Pack.objects.select_for_update().select_related("product").filter(aic=change.aic)
        found = pack.first()
        if found is None:
            raise self._stale(change, "la confezione")
        return found

    def _provenance(self, pack: Pack, field: str, value: str) -> None:
        PackProvenance.objects.create(
            pack=pack,
            field=field,
            value=value,
            source_file=self.item.file_name,
            source_date=self.item.file_date,
            archive_import=self.item,
        )

    def _save(self, obj: Pack | MedicinalProduct, fields: list[str]) -> None:
        obj.save(update_fields=[*fields, *obj.bump(by=self.actor)])

    def apply(self, change: ArchiveChange) -> None:
        kind = ChangeKind(change.kind)
        if kind is ChangeKind.NEW_PACK:
            self._new_pack(change)
        elif kind is ChangeKind.WITHDRAWN_PACK:
            pack = self._pack(change)
            if pack.withdrawn_on is not None:
                raise self._stale(change, "il ritiro")
            pack.withdrawn_on = self.item.file_date
            self._save(pack, ["withdrawn_on"])
            self._provenance(pack, "withdrawn_on", text_of(pack.withdrawn_on))
        elif kind is ChangeKind.FIELD_CHANGED:
            self._field(change)
        elif kind is ChangeKind.SHORTAGE_STARTED:
            self._shortage_started(change)
        else:
            self._shortage_ended(change)
        self.count += 1

    def _field(self, change: ArchiveChange) -> None:
        pack = self._pack(change)
        if change.field == "holder":
            product = MedicinalProduct.objects.select_for_update().get(pk=pack.product_id)
            # the holder is the product's: another pack of the same product in this file
            # may have changed it already to the same value
            if product.holder != change.after:
                if product.holder != change.before:
                    raise self._stale(change, "il titolare")
                product.holder = change.after
                self._save(product, ["holder"])
        elif change.field in _PACK_FIELDS:
            if text_of(getattr(pack, change.field)) != change.before:
                raise self._stale(change, f"il campo {change.field}")
            setattr(pack, change.field, _value(change.field, change.after))
            self._save(pack, [change.field])
        else:  # written by this module only: a field it does not know is a bug
            raise ValueError(f"unknown archive field {change.field!r}")
        self._provenance(pack, change.field, change.after)

    def _new_pack(self, change: ArchiveChange) -> None:
        if Pack.objects.filter(aic=change.aic).exists():
            raise self._stale(change, "l'esistenza della confezione")
        data = change.data
        ingredient = ActiveIngredient.objects.filter(code=data.get("ingredient", "")).first()
        if ingredient is None:
            raise self._stale(change, "il principio attivo")
        product, _ = MedicinalProduct.objects.get_or_create(
            code=f"aic-{change.aic[:6]}",
            defaults={
                "ingredient": ingredient,
                "name": (data.get("description") or ingredient.name_it)[:160],
                "holder": data.get("holder", ""),
                "data_source": self.item.source[:255],
                "to_verify": True,
                "updated_by": self.actor,
            },
        )
        pack = Pack.objects.create(
            code=f"aic-{change.aic}",
            product=product,
            aic=change.aic,
            description=data.get("description", "")[:255],
            price_eur=_value("price_eur", data.get("price_eur", "")),
            price_kind="prezzo al pubblico (AIFA)" if data.get("price_eur") else "",
            reimbursement_class=data.get("reimbursement_class", ""),
            data_source=self.item.source[:255],
            updated_by=self.actor,
        )
        for field in ("description", "price_eur", "reimbursement_class", "holder"):
            if data.get(field):
                self._provenance(pack, field, data[field])

    def _shortage_started(self, change: ArchiveChange) -> None:
        pack = self._pack(change)
        if PackShortage.objects.filter(pack=pack, ended_on__isnull=True).exists():
            raise self._stale(change, "la carenza")
        data = change.data
        PackShortage.objects.create(
            pack=pack,
            started_on=date.fromisoformat(data["started_on"]),
            expected_end_on=(
                date.fromisoformat(data["expected_end_on"]) if data.get("expected_end_on") else None
            ),
            reason=data.get("reason", ""),
            equivalent_available={"si": True, "no": False}.get(
                data.get("equivalent_available", "")
            ),
            aifa_suggestion=data.get("suggestion", ""),
            started_by_import=self.item,
        )
        self._provenance(pack, "shortage", f"inizio {data['started_on']}")

    def _shortage_ended(self, change: ArchiveChange) -> None:
        pack = self._pack(change)
        shortage = (
            PackShortage.objects.select_for_update()
            .filter(pack=pack, ended_on__isnull=True)
            .first()
        )
        if shortage is None:
            raise self._stale(change, "la carenza")
        shortage.ended_on = self.item.file_date
        shortage.ended_by_import = self.item
        shortage.save(update_fields=["ended_on", "ended_by_import"])
        self._provenance(pack, "shortage", f"fine {text_of(self.item.file_date)}")

"""Use cases that change the drug archive: importing an external drug database.

Every import runs in one transaction inside a pghistory context carrying the source
and the file name, so each changed row's history says where the change came from.
A file with any wrong line changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pghistory
from django.db import models, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.drugs.audit_events import DRUGS_AIFA_LIST_IMPORTED, DRUGS_IMPORTED
from corsia.drugs.domain.aifa_lists import parse_aifa_class_list
from corsia.drugs.domain.catalogue import (
    ImportRejected,
    LineError,
    Record,
    parse_jsonl,
    parse_pack_csv,
    raise_if_errors,
)
from corsia.drugs.models import (
    ActiveIngredient,
    ImportRun,
    Interaction,
    MedicinalProduct,
    Pack,
    PharmacogenomicMarker,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_CATALOGUE = DATA_DIR / "catalogue.jsonl"
REFERENCE_SOURCE = "Corsia: dati di riferimento (corsia/drugs/data)"
IMPORT_PERMISSION = "drugs.import_drugs"
# The product fields a pharmacist's verification covers: an import changing any of them
# withdraws the verification (the product is to verify again).
COMPOUNDING_MODEL_FIELDS = frozenset(
    {
        "physical_state", "concentration", "reconstitution_diluent", "reconstitution_volume_ml",
        "compatible_diluents", "final_concentration_min", "final_concentration_max",
        "reconstituted_stability_hours", "reconstituted_stability_temperature",
        "reconstituted_protect_from_light", "diluted_stability_hours",
        "diluted_stability_temperature", "diluted_protect_from_light",
        "diluted_stability_conditions", "photosensitive", "pvc_free_required",
        "filter_required", "density_g_ml", "compounding_sources",
        "compounding_not_applicable",
    }
)  # fmt: skip


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def _check_permission(user: User | None) -> None:
    """``None``: a system import (the management command), allowed without a person."""
    if user is not None:
        require_permission(
            user, IMPORT_PERMISSION, "Non hai il permesso di importare dati nell'archivio farmaci."
        )


class _Applier:
    """Applies validated records, counting what really changed.

    The rows of each table are read once (locked ``FOR UPDATE``) and new rows are
    inserted in bulk per table: an import of the whole archive is a few dozen queries.
    """

    _KEYS: dict[type[models.Model], tuple[str, ...]] = {
        ActiveIngredient: ("code",),
        MedicinalProduct: ("code",),
        Pack: ("code",),
        Interaction: ("ingredient_a", "ingredient_b"),
        PharmacogenomicMarker: ("ingredient", "gene", "phenotype"),
    }

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.errors: list[LineError] = []
        self.changes: list[dict[str, Any]] = []
        self.unchanged = 0
        self._cache: dict[type[models.Model], dict[tuple[Any, ...], Any]] = {}
        self._pending: dict[type[models.Model], list[Any]] = {}
        self._aic_owner: dict[str, str] = {}

    def _key(self, model: type[models.Model], values: dict[str, Any]) -> tuple[Any, ...]:
        parts = []
        for name in self._KEYS[model]:
            value = values[name]
            parts.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(parts)

    def _rows(self, model: type[models.Model]) -> dict[tuple[Any, ...], Any]:
        if model not in self._cache:
            rows: dict[tuple[Any, ...], Any] = {}
            for obj in model._default_manager.select_for_update().all():
                fields = {
                    name: getattr(obj, f"{name}_id", None) or getattr(obj, name)
                    for name in self._KEYS[model]
                }
                rows[self._key(model, fields)] = obj
            self._cache[model] = rows
        return self._cache[model]

    def aic_owner(self, aic: str) -> str | None:
        """The code of the pack holding this AIC, if any."""
        if not self._aic_owner:
            self._aic_owner = {p.aic: p.code for p in self._rows(Pack).values() if p.aic}
        return self._aic_owner.get(aic)

    def find(self, model: type[models.Model], **lookup: Any) -> Any:
        return self._rows(model).get(self._key(model, lookup))

    def flush(self) -> None:
        """Insert the new rows waiting in each table (pghistory triggers fire per row)."""
        for model, objects in self._pending.items():
            if objects:
                model._default_manager.bulk_create(objects)
        self._pending = {}

    def _upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        record: Record,
        required_on_create: tuple[str, ...] = (),
        *,
        defer: bool = True,
    ) -> Any:
        rows = self._rows(model)
        key = self._key(model, lookup)
        obj = rows.get(key)
        if obj is None:
            missing = [name for name in required_on_create if values.get(name) in (None, "")]
            if missing:
                self.errors.append(
                    LineError(
                        record.line,
                        f"{record.type} «{record.key}» non esiste: per crearlo servono "
                        + ", ".join(missing),
                    )
                )
                return None
            obj = model(**lookup, **values)
            if hasattr(obj, "updated_by"):
                obj.updated_by = self.user
            if defer:
                self._pending.setdefault(model, []).append(obj)
            else:
                obj.save()
            rows[key] = obj
            self.changes.append({"type": record.type, "key": record.key, "action": "created"})
            return obj
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if not changed:
            self.unchanged += 1
            return obj
        if obj.pk is None:  # created earlier in this same file: still waiting to be inserted
            for name in changed:
                setattr(obj, name, values[name])
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        update_fields = list(changed)
        bump: Callable[..., list[str]] | None = getattr(obj, "bump", None)
        if bump is not None:
            update_fields += bump(by=self.user)
        obj.save(update_fields=update_fields)
        self.changes.append(
            {"type": record.type, "key": record.key, "action": "updated", "fields": changed}
        )
        return obj

    def _ingredient(self, code: str, record: Record) -> ActiveIngredient | None:
        found: ActiveIngredient | None = self.find(ActiveIngredient, code=code)
        if found is None:
            self.errors.append(LineError(record.line, f"principio attivo «{code}» sconosciuto"))
        return found

    def _keep_or_withdraw_verification(self, code: str, fields: dict[str, Any]) -> None:
        """A verified product keeps its verification unless the import changes its data."""
        current = self.find(MedicinalProduct, code=code)
        if current is None or current.compounding_verified_at is None:
            return
        if any(
            not _same(getattr(current, name), value)
            for name, value in fields.items()
            if name in COMPOUNDING_MODEL_FIELDS
        ):
            fields.update(compounding_verified_by=None, compounding_verified_at=None)
            fields["to_verify"] = True
        else:
            fields.pop("to_verify", None)

    def apply(self, record: Record) -> None:
        fields = dict(record.fields)
        if record.type == "ingredient":
            self._upsert(
                ActiveIngredient, {"code": record.key}, fields, record, ("name_en", "name_it")
            )
        elif record.type == "product":
            ingredient = self._ingredient(fields.pop("ingredient"), record)
            if ingredient is None:
                return
            fields["ingredient"] = ingredient
            if "biosimilar_of" in fields:
                reference_code = fields.pop("biosimilar_of")
                reference = None
                if reference_code:
                    reference = self.find(MedicinalProduct, code=reference_code)
                    if reference is None:
                        self.errors.append(
                            LineError(
                                record.line,
                                f"medicinale di riferimento «{reference_code}» sconosciuto",
                            )
                        )
                        return
                fields["biosimilar_of"] = reference
            self._keep_or_withdraw_verification(record.key, fields)
            self._upsert(
                MedicinalProduct, {"code": record.key}, fields, record, ("name",), defer=False
            )
        elif record.type == "pack":
            product = self.find(MedicinalProduct, code=fields.pop("product"))
            if product is None:
                self.errors.append(
                    LineError(record.line, "medicinale della confezione sconosciuto")
                )
                return
            fields["product"] = product
            aic = fields.get("aic")
            owner = self.aic_owner(aic) if aic else None
            if owner is not None and owner != record.key:
                self.errors.append(
                    LineError(record.line, f"AIC {aic} appartiene già a un'altra confezione")
                )
                return
            pack = self._upsert(Pack, {"code": record.key}, fields, record)
            if pack is not None and pack.aic:
                self._aic_owner[pack.aic] = pack.code
        elif record.type == "interaction":
            first = self._ingredient(fields.pop("a"), record)
            second = self._ingredient(fields.pop("b"), record)
            if first is None or second is None:
                return
            self._upsert(
                Interaction, {"ingredient_a": first, "ingredient_b": second}, fields, record
            )
        elif record.type == "pgx":
            ingredient = self._ingredient(fields.pop("ingredient"), record)
            if ingredient is None:
                return
            lookup = {
                "ingredient": ingredient,
                "gene": fields.pop("gene"),
                "phenotype": fields.pop("phenotype"),
            }
            self._upsert(PharmacogenomicMarker, lookup, fields, record)


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) and isinstance(new, Decimal):
        return current == new
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", None) == getattr(new, "pk", None)
    return bool(current == new)


def catalogue_import(
    *,
    content: bytes,
    file_name: str,
    source: str,
    user: User | None = None,
    workstation: Workstation = None,
) -> ImportRun:
    """Import a drug database file (``.jsonl`` catalogue or flat ``.csv``); all or nothing.

    ``user`` None means the system itself (management command, reference loader).
    """
    _check_permission(user)
    text = _decode(content)
    lower = file_name.lower()
    if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        file_format, records = "jsonl", parse_jsonl(text)
    elif lower.endswith(".csv"):
        file_format, records = "csv", parse_pack_csv(text)
    else:
        raise ImportRejected(
            "Formato non riconosciuto: usa un file .jsonl o .csv (vedi la documentazione).",
            field="file",
        )
    digest = hashlib.sha256(content).hexdigest()
    with (
        transaction.atomic(),
        pghistory.context(
            source=source, file=file_name, sha256=digest, user=getattr(user, "pk", None)
        ),
    ):
        applier = _Applier(user)
        order = {"ingredient": 0, "product": 1, "pack": 2, "interaction": 3, "pgx": 4}
        current = ""
        for record in sorted(records, key=lambda r: (order[r.type], r.line)):
            if record.type != current:
                applier.flush()
                current = record.type
            applier.apply(record)
        applier.flush()
        raise_if_errors(sorted(applier.errors, key=lambda e: e.line))
        return _record_run(
            applier,
            source=source,
            file_name=file_name,
            digest=digest,
            file_format=file_format,
            user=user,
            workstation=workstation,
            event=DRUGS_IMPORTED,
        )


def _record_run(
    applier: _Applier,
    *,
    source: str,
    file_name: str,
    digest: str,
    file_format: str,
    user: User | None,
    workstation: Workstation,
    event: Any,
) -> ImportRun:
    created = sum(1 for change in applier.changes if change["action"] == "created")
    run = ImportRun.objects.create(
        source=source,
        file_name=file_name,
        file_sha256=digest,
        file_format=file_format,
        user=user,
        created=created,
        updated=len(applier.changes) - created,
        unchanged=applier.unchanged,
        changes=applier.changes,
    )
    audit_record(
        event=event,
        actor=user,
        workstation=workstation,
        target=run,
        after={
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "file": file_name,
            "source": source,
            "sha256": digest,
        },
    )
    return run


def aifa_list_import(
    *,
    content: bytes,
    file_name: str,
    reimbursement_class: str,
    user: User | None = None,
    workstation: Workstation = None,
) -> ImportRun:
    """Import an AIFA class A/H list: AIC, ATC, holder and price of each pack.

    A known AIC updates its pack (class, price) and its product's holder. An unknown
    AIC whose ATC code belongs to an archived ingredient creates a pack and a product
    keyed by the AIC's first six digits (the medicinal product), to be completed by
    the pharmacist. Rows of other ATC codes are counted as unchanged.
    """
    _check_permission(user)
    rows = parse_aifa_class_list(_decode(content), reimbursement_class=reimbursement_class)
    source = f"AIFA lista farmaci classe {reimbursement_class} (Fonte: AIFA)"
    digest = hashlib.sha256(content).hexdigest()
    by_atc: dict[str, ActiveIngredient] = {}
    for ingredient in ActiveIngredient.objects.all():
        for atc in [ingredient.atc_code, *ingredient.other_atc_codes]:
            if atc:
                by_atc.setdefault(atc, ingredient)
    with (
        transaction.atomic(),
        pghistory.context(
            source=source, file=file_name, sha256=digest, user=getattr(user, "pk", None)
        ),
    ):
        applier = _Applier(user)
        for row in rows:
            owner = applier.aic_owner(row.aic)
            pack = applier.find(Pack, code=owner) if owner else None
            pack_values: dict[str, Any] = {"reimbursement_class": row.reimbursement_class}
            if row.price_eur is not None:
                pack_values["price_eur"] = row.price_eur
                pack_values["price_kind"] = "prezzo al pubblico (AIFA)"
            if pack is not None:
                product_record = Record(row.line, "product", pack.product.code)
                if row.holder:
                    applier._upsert(
                        MedicinalProduct,
                        {"code": pack.product.code},
                        {"holder": row.holder},
                        product_record,
                        defer=False,
                    )
                applier._upsert(
                    Pack, {"code": pack.code}, pack_values, Record(row.line, "pack", pack.code)
                )
                continue
            matched = by_atc.get(row.atc)
            if matched is None:
                applier.unchanged += 1
                continue
            product_code = f"aic-{row.aic[:6]}"
            product = applier._upsert(
                MedicinalProduct,
                {"code": product_code},
                {
                    "ingredient": matched,
                    "name": (row.name or row.ingredient_it)[:160],
                    "holder": row.holder,
                    "data_source": source,
                    "to_verify": True,
                },
                Record(row.line, "product", product_code),
                defer=False,
            )
            applier.aic_owner(row.aic)
            applier._aic_owner[row.aic] = f"aic-{row.aic}"
            applier._upsert(
                Pack,
                {"code": f"aic-{row.aic}"},
                {
                    "product": product,
                    "aic": row.aic,
                    "description": row.name[:255],
                    "data_source": source,
                    **pack_values,
                },
                Record(row.line, "pack", f"aic-{row.aic}"),
            )
        applier.flush()
        raise_if_errors(applier.errors)
        return _record_run(
            applier,
            source=source,
            file_name=file_name,
            digest=digest,
            file_format=f"aifa_class_{reimbursement_class.lower()}",
            user=user,
            workstation=workstation,
            event=DRUGS_AIFA_LIST_IMPORTED,
        )


def drugs_reference_load() -> ImportRun:
    """Load (or refresh) the reference archive shipped in ``corsia/drugs/data``; idempotent."""
    return catalogue_import(
        content=REFERENCE_CATALOGUE.read_bytes(),
        file_name=REFERENCE_CATALOGUE.name,
        source=REFERENCE_SOURCE,
    )

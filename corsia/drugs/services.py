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
from corsia.core.domain.errors import PermissionRefused
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


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def _check_permission(user: Any) -> None:
    if user is not None and not user.has_perm(IMPORT_PERMISSION):
        raise PermissionRefused(
            "Non hai il permesso di importare dati nell'archivio farmaci.",
            details={"permission": IMPORT_PERMISSION},
        )


class _Applier:
    """Applies validated records, counting what really changed."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: list[LineError] = []
        self.changes: list[dict[str, Any]] = []
        self.unchanged = 0

    def _upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        record: Record,
        required_on_create: tuple[str, ...] = (),
    ) -> Any:
        obj = model._default_manager.select_for_update().filter(**lookup).first()
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
            obj.save()
            self.changes.append({"type": record.type, "key": record.key, "action": "created"})
            return obj
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if not changed:
            self.unchanged += 1
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
        found = ActiveIngredient.objects.filter(code=code).first()
        if found is None:
            self.errors.append(LineError(record.line, f"principio attivo «{code}» sconosciuto"))
        return found

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
                    reference = MedicinalProduct.objects.filter(code=reference_code).first()
                    if reference is None:
                        self.errors.append(
                            LineError(
                                record.line,
                                f"medicinale di riferimento «{reference_code}» sconosciuto",
                            )
                        )
                        return
                fields["biosimilar_of"] = reference
            self._upsert(MedicinalProduct, {"code": record.key}, fields, record, ("name",))
        elif record.type == "pack":
            product = MedicinalProduct.objects.filter(code=fields.pop("product")).first()
            if product is None:
                self.errors.append(
                    LineError(record.line, "medicinale della confezione sconosciuto")
                )
                return
            fields["product"] = product
            aic = fields.get("aic")
            if aic and Pack.objects.filter(aic=aic).exclude(code=record.key).exists():
                self.errors.append(
                    LineError(record.line, f"AIC {aic} appartiene già a un'altra confezione")
                )
                return
            self._upsert(Pack, {"code": record.key}, fields, record)
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
    user: Any = None,
    workstation: Any = None,
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
        for record in sorted(records, key=lambda r: (order[r.type], r.line)):
            applier.apply(record)
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
    user: Any,
    workstation: Any,
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
    user: Any = None,
    workstation: Any = None,
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
            pack = Pack.objects.filter(aic=row.aic).select_related("product").first()
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
            )
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

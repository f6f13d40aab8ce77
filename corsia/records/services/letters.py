"""Clinical letters from the chart: draft (data gathered from the chart, free text by the
physician), sign (PAdES, archived by the documents module, frozen), correct (a new
version, with its reason, signed in turn as the document's next version).

A letter is signed only if the chart still holds what the draft shows: the sections are
gathered again at signing and compared (``chart_changed`` otherwise), so every datum of a
signed letter is the chart's at the moment of the signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.documents.services import document_correct, document_create
from corsia.records import audit_events as events
from corsia.records.domain import letters as rules
from corsia.records.domain.letters import LetterKind, LetterStatus
from corsia.records.domain.text import one_line
from corsia.records.letter_hooks import SignedLetter, letter_signed_notify
from corsia.records.models import ClinicalLetter
from corsia.records.selectors_letters import chart_facts
from corsia.records.services._common import row_for_update, row_record

WRITE = "records.write_diary"
SIGN = "records.sign_letter"
LETTER_TEMPLATE = "clinical_letter"  # one editable template for every kind (document.kind)


def _canonical_sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _locked(letter_id: int) -> ClinicalLetter:
    return row_for_update(
        ClinicalLetter,
        letter_id,
        related=("updated_by", "encounter", "supersedes"),
        missing="Lettera non trovata.",
        code="letter_not_found",
    )


def _ensure_draft(letter: ClinicalLetter) -> None:
    if letter.status != LetterStatus.DRAFT.value:
        raise ConflictError(
            "La lettera è firmata e non si può modificare: per cambiarla avvia una correzione "
            "(nuova versione con il motivo).",
            code="letter_signed",
        )


def _gather(
    actor: User,
    workstation: Workstation,
    *,
    patient_id: int,
    kind: LetterKind,
    encounter_id: int | None,
    day: date | None,
    texts: Mapping[str, str],
    channel: str,
) -> dict[str, Any]:
    facts = chart_facts(
        user=actor,
        patient_id=patient_id,
        kind=kind,
        encounter_id=encounter_id,
        day=day,
        workstation=workstation,
        channel=channel,
    )
    return rules.content(kind, facts, texts, assembled_at=timezone.localtime())


def _regather(
    actor: User, workstation: Workstation, letter: ClinicalLetter, texts: Mapping[str, str]
) -> dict[str, Any]:
    """The letter's content gathered again from the chart (same kind, encounter, day)."""
    return _gather(
        actor,
        workstation,
        patient_id=letter.patient_id,
        kind=LetterKind(letter.kind),
        encounter_id=letter.encounter_id,
        day=timezone.localtime(letter.period_start).date(),
        texts=texts,
        channel="web",
    )


def _period(content: Mapping[str, Any]) -> tuple[datetime, datetime]:
    return (
        datetime.fromisoformat(content["period"]["start"]),
        datetime.fromisoformat(content["period"]["end"]),
    )


def _comparable(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    head = {
        "title": "paziente e periodo",
        "patient": content["patient"],
        "period": content["period"],
        "encounter_id": content["encounter_id"],
        "hidden": content["hidden"],
    }
    return [head, *content["sections"]]


def _summary(letter: ClinicalLetter) -> dict[str, Any]:
    return {
        "kind": letter.kind,
        "number": letter.number,
        "status": letter.status,
        "encounter_id": letter.encounter_id,
        "period": letter.content.get("period"),
        "sections": [s["code"] for s in letter.content.get("sections", [])],
        "free_text": sorted(k for k, v in letter.content.get("free_text", {}).items() if v),
        "version": letter.version,
    }


def letter_draft_create(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    encounter_id: int | None = None,
    day: date | None = None,
    texts: Mapping[str, str] | None = None,
    channel: str = "web",
) -> ClinicalLetter:
    """A draft letter with the chart's data of the period; the free text may follow."""
    require_permission(actor, WRITE)
    letter_kind = rules.letter_kind(kind)
    clean = rules.free_texts(letter_kind, texts or {}, for_signature=False)
    content = _gather(
        actor,
        workstation,
        patient_id=patient_id,
        kind=letter_kind,
        encounter_id=encounter_id,
        day=day,
        texts=clean,
        channel=channel,
    )
    start, end = _period(content)
    with transaction.atomic():
        letter = row_record(
            ClinicalLetter,
            event=events.LETTER_DRAFTED,
            actor=actor,
            workstation=workstation,
            after=_summary,
            writer="created_by",
            patient_id=int(content["patient"]["id"]),
            encounter_id=content["encounter_id"],
            kind=letter_kind.value,
            period_start=start,
            period_end=end,
            content=content,
            assembled_at=timezone.now(),
            updated_by=actor,
        )
    return letter


def letter_draft_update(
    *,
    actor: User,
    workstation: Workstation,
    letter_id: int,
    texts: Mapping[str, str],
    expected_version: int,
    refresh: bool = False,
) -> ClinicalLetter:
    """Save the physician's free text of a draft (built from ``expected_version``); with
    ``refresh`` the chart's data are gathered again too."""
    require_permission(actor, WRITE)
    with transaction.atomic():
        letter = _locked(letter_id)
        _ensure_draft(letter)
        letter.check_version(expected_version)
        kind = LetterKind(letter.kind)
        clean = rules.free_texts(kind, texts, for_signature=False)
        before = _summary(letter)
        fields = ["content"]
        if refresh:
            letter.content = _regather(actor, workstation, letter, clean)
            letter.period_start, letter.period_end = _period(letter.content)
            letter.assembled_at = timezone.now()
            fields += ["period_start", "period_end", "assembled_at"]
        else:
            letter.content = {**letter.content, "free_text": clean}
        letter.save(update_fields=[*fields, *letter.bump(by=actor)])
        audit_record(
            event=events.LETTER_DRAFT_UPDATED,
            actor=actor,
            workstation=workstation,
            target=letter,
            patient_id=letter.patient_id,
            before=before,
            after={**_summary(letter), "refreshed": refresh},
        )
    return letter


def _title(letter: ClinicalLetter) -> str:
    label = rules.KIND_LABELS_IT[LetterKind(letter.kind)]
    start = timezone.localtime(letter.period_start)
    if letter.kind == LetterKind.DISCHARGE.value:
        return f"{label} — ricovero dal {start:%d/%m/%Y}"
    return f"{label} del {start:%d/%m/%Y}"


def letter_sign(
    *, actor: User, workstation: Workstation, letter_id: int, expected_version: int
) -> ClinicalLetter:
    """Sign the draft: the chart must still hold what it shows; the PDF is rendered from
    the letter's template, signed (PAdES) and archived; the letter is frozen."""
    require_permission(actor, SIGN)
    with transaction.atomic():
        letter = _locked(letter_id)
        _ensure_draft(letter)
        letter.check_version(expected_version)
        kind = LetterKind(letter.kind)
        if kind is LetterKind.DISCHARGE and (
            letter.encounter is None or letter.encounter.discharged_at is None
        ):
            raise ValidationFailed(
                "La lettera di dimissione si firma dopo che la dimissione è registrata: "
                "registra la dimissione, aggiorna la bozza e firma.",
                code="encounter_not_discharged",
                field="encounter_id",
            )
        texts = rules.free_texts(kind, letter.content.get("free_text", {}), for_signature=True)
        now_content = _regather(actor, workstation, letter, texts)
        rules.ensure_chart_unchanged(_comparable(letter.content), _comparable(now_content))
        context = rules.printable(kind, letter.content)
        label = rules.KIND_LABELS_IT[kind].lower()
        if letter.supersedes is not None:
            old = letter.supersedes
            assert old.document_id is not None  # a signed letter has its document
            document = document_correct(
                actor=actor,
                workstation=workstation,
                document_id=old.document_id,
                reason=letter.correction_reason,
                context=context,
                title=_title(letter),
                sign=True,
                signature_reason=f"Correzione della {label}"[:200],
            )
        else:
            document = document_create(
                actor=actor,
                workstation=workstation,
                kind=kind.value,
                title=_title(letter),
                patient=letter.patient,
                template_code=LETTER_TEMPLATE,
                context=context,
                source=("records", "clinicalletter", letter.pk),
                sign=True,
                reason=f"Firma della {label}"[:200],
            )
        letter.status = LetterStatus.SIGNED.value
        letter.signed_by = actor
        letter.signed_at = document.signed_at
        letter.document = document
        letter.content_sha256 = _canonical_sha256(letter.content)
        letter.save(
            update_fields=[
                "status",
                "signed_by",
                "signed_at",
                "document",
                "content_sha256",
                *letter.bump(by=actor),
            ]
        )
        audit_record(
            event=events.LETTER_SIGNED,
            actor=actor,
            workstation=workstation,
            target=letter,
            patient_id=letter.patient_id,
            after={
                **_summary(letter),
                "content_sha256": letter.content_sha256,
                "document_id": document.pk,
                "document_sha256": document.sha256,
            },
        )
        letter_signed_notify(
            SignedLetter(
                letter_id=letter.pk,
                patient_id=letter.patient_id,
                kind=letter.kind,
                version=letter.number,
            ),
            actor,
            workstation,
        )
    return letter


def letter_correct(
    *, actor: User, workstation: Workstation, letter_id: int, reason: str
) -> ClinicalLetter:
    """Start the correction of a signed letter: a new draft version (the chart's data
    gathered again, the free text carried over) that supersedes it once signed. Only the
    newest version can be corrected; the signed one stays as it was."""
    require_permission(actor, SIGN)
    why = one_line(reason, field="reason", limit=500)
    with transaction.atomic():
        old = _locked(letter_id)
        if old.status != LetterStatus.SIGNED.value:
            raise ConflictError(
                "Una bozza si modifica direttamente: la correzione è per le lettere firmate.",
                code="letter_not_signed",
            )
        if ClinicalLetter.objects.filter(supersedes=old).exists():
            raise ConflictError(
                "Questa versione è già stata corretta: correggi la versione più recente.",
                code="letter_superseded",
            )
        texts = dict(old.content.get("free_text", {}))
        content = _regather(actor, workstation, old, texts)
        start, end = _period(content)
        letter = row_record(
            ClinicalLetter,
            event=events.LETTER_CORRECTION_STARTED,
            actor=actor,
            workstation=workstation,
            before={"letter_id": old.pk, "number": old.number},
            after=_summary,
            reason=why,
            writer="created_by",
            patient_id=old.patient_id,
            encounter_id=old.encounter_id,
            kind=old.kind,
            period_start=start,
            period_end=end,
            content=content,
            assembled_at=timezone.now(),
            number=old.number + 1,
            chain=old.chain,
            supersedes=old,
            correction_reason=why,
            updated_by=actor,
        )
    return letter

"""Clinical letters built from the chart (pure): the discharge letter (lettera di
dimissione), the outpatient visit report (referto ambulatoriale) and the daily diary
report.

Every clinical datum of a letter comes from the chart: the selectors gather the facts
(typed, below), :func:`assemble` turns them into coded sections, each item keeping its
source (``records.diagnosis:12``). Only the sections a physician alone can write are free
text (the clinical course and epicrisis, the instructions, the follow-up). The result is
JSON (strings only: ISO dates, decimals as text), frozen when the letter is signed, so
the FSE 2.0 builders can turn it into CDA2 later: each section carries the LOINC code the
Italian implementation guides give it (LDO 5.5, RSA 8.3; the FSE issue maps them).
:func:`printable` turns it into the documents module's context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.records.domain.letter_facts import ChartFacts, PatientFacts
from corsia.records.domain.letter_sections import assemble, day_text, iso, stamp
from corsia.records.domain.text import clinical_text

SCHEMA = 1
FREE_TEXT_MAX = 8_000  # one free-text section: a long epicrisis, not a file dump
PRINT_CHUNK = 1_900  # the documents module prints at most 2,000 characters per value


class LetterKind(LabelledCode):
    DISCHARGE = "discharge_letter", "Lettera di dimissione"
    OUTPATIENT = "outpatient_report", "Referto ambulatoriale"
    DIARY = "diary_report", "Diario clinico giornaliero"


KIND_LABELS_IT: dict[LetterKind, str] = LetterKind.labels_it()
# LOINC document type (LDO 34105-7; RSA 11488-4 "Consult note"); none for the diary report.
DOCUMENT_LOINC: dict[LetterKind, str] = {
    LetterKind.DISCHARGE: "34105-7",
    LetterKind.OUTPATIENT: "11488-4",
    LetterKind.DIARY: "",
}


class LetterStatus(LabelledCode):
    DRAFT = "draft", "Bozza"
    SIGNED = "signed", "Firmata"


STATUS_LABELS_IT = LetterStatus.labels_it()


def letter_kind(raw: str | None) -> LetterKind:
    try:
        return LetterKind((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "Scegli il tipo di documento: lettera di dimissione, referto ambulatoriale o "
            "diario giornaliero.",
            code="letter_kind_invalid",
            field="kind",
        ) from None


# --- free-text sections ------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeText:
    code: str
    title: str
    loinc: str
    required: bool
    hint: str


FREE_TEXT: dict[LetterKind, tuple[FreeText, ...]] = {
    LetterKind.DISCHARGE: (
        FreeText(
            "clinical_course",
            "Decorso clinico ed epicrisi",
            "8648-8",
            True,
            "Sintesi del ricovero: decorso, procedure, risposta, complicanze.",
        ),
        FreeText(
            "discharge_therapy",
            "Terapia alla dimissione",
            "10183-2",
            False,
            "Farmaci a domicilio: principio attivo, dose, via, orari, durata.",
        ),
        FreeText(
            "instructions",
            "Indicazioni alla dimissione",
            "18776-5",
            True,
            "Cosa fare a casa, segni di allarme, chi chiamare.",
        ),
        FreeText(
            "follow_up",
            "Follow-up e prossimi controlli",
            "80615-8",
            False,
            "Prossimo ciclo, visite ed esami programmati.",
        ),
    ),
    LetterKind.OUTPATIENT: (
        FreeText(
            "question",
            "Quesito diagnostico e motivo della visita",
            "29299-5",
            True,
            "Perché il paziente è stato visto oggi.",
        ),
        FreeText("examination", "Esame obiettivo", "29545-1", False, "L'obiettività rilevata."),
        FreeText(
            "conclusions",
            "Conclusioni",
            "55110-1",
            True,
            "Valutazione e decisione clinica.",
        ),
        FreeText(
            "recommendations",
            "Terapia e indicazioni consigliate",
            "62385-0",
            False,
            "Per il medico curante: terapia, cautele.",
        ),
        FreeText(
            "follow_up",
            "Accertamenti e controlli consigliati",
            "80615-8",
            False,
            "Prossimi esami e visite.",
        ),
    ),
    LetterKind.DIARY: (
        FreeText(
            "summary",
            "Sintesi della giornata",
            "",
            False,
            "Facoltativa: la sintesi del medico sulla giornata.",
        ),
    ),
}

# The order of the sections in each kind of letter (chart sections and free text).
ORDER: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.DISCHARGE: (
        "encounter",
        "diagnosis",
        "allergies",
        "anamnesis",
        "performance_status",
        "clinical_course",
        "diary",
        "therapies",
        "toxicities",
        "labs",
        "reports",
        "vitals",
        "discharge_therapy",
        "instructions",
        "follow_up",
    ),
    LetterKind.OUTPATIENT: (
        "encounter",
        "question",
        "diagnosis",
        "allergies",
        "anamnesis",
        "performance_status",
        "examination",
        "vitals",
        "labs",
        "reports",
        "therapies",
        "toxicities",
        "conclusions",
        "recommendations",
        "follow_up",
    ),
    LetterKind.DIARY: (
        "encounter",
        "diagnosis",
        "allergies",
        "diary",
        "vitals",
        "labs",
        "reports",
        "therapies",
        "toxicities",
        "summary",
    ),
}


def free_texts(
    kind: LetterKind, raw: Mapping[str, str | None], *, for_signature: bool
) -> dict[str, str]:
    """The free-text sections of ``kind``, cleaned; unknown codes refused. A required
    section may be empty in a draft, not when the letter is signed."""
    specs = {s.code: s for s in FREE_TEXT[kind]}
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        raise ValidationFailed(
            f"Sezione non prevista per questo documento: {unknown[0]}.",
            code="letter_section_unknown",
            field=unknown[0],
        )
    found: dict[str, str] = {}
    for code, spec in specs.items():
        text = clinical_text(raw.get(code), field=code, required=False, limit=FREE_TEXT_MAX)
        if for_signature and spec.required and not text:
            raise ValidationFailed(
                f"Per firmare scrivi la sezione «{spec.title}».",
                code="letter_section_required",
                field=code,
            )
        found[code] = text
    return found


def patient_block(p: PatientFacts) -> dict[str, str]:
    return {
        "id": str(p.id),
        "surname": p.surname,
        "given_names": p.given_names,
        "sex": p.sex,
        "date_of_birth": iso(p.date_of_birth),
        "mrn": p.mrn,
        "codice_fiscale": p.codice_fiscale,
    }


def content(
    kind: LetterKind, facts: ChartFacts, texts: Mapping[str, str], *, assembled_at: datetime
) -> dict[str, Any]:
    """The letter's structured record (JSON): what is frozen when it is signed."""
    return {
        "schema": SCHEMA,
        "kind": kind.value,
        "document_loinc": DOCUMENT_LOINC[kind],
        "patient": patient_block(facts.patient),
        "encounter_id": facts.encounter.id if facts.encounter else None,
        "period": {"start": iso(facts.period_start), "end": iso(facts.period_end)},
        "assembled_at": iso(assembled_at),
        "hidden": list(facts.hidden),
        "sections": assemble(ORDER[kind], facts),
        "free_text": dict(texts),
    }


def ensure_chart_unchanged(
    stored: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]
) -> None:
    """Signing a draft whose chart data changed since it was prepared is refused: the
    physician signs what they read, and what they read is the chart as it is."""
    if list(stored) != list(now):
        changed = [s.get("title", "") for s, n in zip(stored, now, strict=False) if s != n] or [
            "struttura"
        ]
        raise ConflictError(
            "I dati della cartella sono cambiati dopo la preparazione della bozza ("
            + ", ".join(changed)
            + "): aggiorna la bozza con i dati della cartella e rileggila prima di firmare.",
            code="chart_changed",
        )


# --- printing ------------------------------------------------------------------------------------


def print_paragraphs(text: str) -> list[str]:
    """Paragraphs of at most PRINT_CHUNK characters (cut at a space when possible)."""
    found: list[str] = []
    for paragraph in [p.strip() for p in text.split("\n\n") if p.strip()]:
        rest = paragraph
        while len(rest) > PRINT_CHUNK:
            cut = rest.rfind(" ", 0, PRINT_CHUNK)
            cut = cut if cut > PRINT_CHUNK // 2 else PRINT_CHUNK
            found.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        found.append(rest)
    return found


def _clip(value: str) -> str:
    return value if len(value) <= PRINT_CHUNK else value[: PRINT_CHUNK - 1] + "…"


def printable(kind: LetterKind, record: Mapping[str, Any]) -> dict[str, Any]:
    """The documents module's context (title, subtitle, sections, notes) for the letter:
    chart sections as tables, free text as paragraphs (rows labelled with the heading)."""
    chart = {s["code"]: s for s in record["sections"]}
    specs = {s.code: s for s in FREE_TEXT[kind]}
    texts: Mapping[str, str] = record.get("free_text", {})
    sections: list[dict[str, Any]] = []
    for code in ORDER[kind]:
        if code in specs:
            text = texts.get(code, "")
            if not text:
                continue
            heading = specs[code].title
            sections.append(
                {"heading": heading, "rows": [[heading, chunk] for chunk in print_paragraphs(text)]}
            )
            continue
        section = chart.get(code)
        if section is None:  # a letter assembled before the section existed
            continue
        if not section["items"]:
            sections.append({"heading": section["title"], "rows": [["—", section["empty"]]]})
            continue
        rows = []
        if section["truncated"]:
            rows.append(["Nota", f"{section['truncated']} voci meno recenti non riportate."])
        sections.append(
            {
                "heading": section["title"],
                "rows": rows,
                "table": {
                    "columns": section["columns"],
                    "rows": [[_clip(c or "—") for c in item["cells"]] for item in section["items"]],
                },
            }
        )
    period = record["period"]
    start = datetime.fromisoformat(period["start"])
    end = datetime.fromisoformat(period["end"])
    subtitle = f"Periodo: dal {stamp(start)} al {stamp(end)}"
    if kind is LetterKind.DIARY:
        subtitle = f"Giornata del {day_text(start.date())}"
    return {
        "title": KIND_LABELS_IT[kind],
        "subtitle": subtitle,
        "sections": sections,
        "notes": "Documento composto dai dati della cartella clinica di Corsia; le sezioni "
        "a testo libero sono scritte dal medico firmatario.",
    }

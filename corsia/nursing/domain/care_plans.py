"""The nursing process as pure rules: a ward's care-plan template as data (a problem in the
ward's own words on a Gordon pattern, suggested goals with how many days to reach them,
planned interventions with the times of the day), the times an intervention falls in a
day, and when a scale's band suggests a template. Corsia's own wording only: no NANDA-I
label or definition, no NIC or NOC content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import has_unsafe_characters, strings_in
from corsia.nursing.domain import gordon

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
VERSION = re.compile(r"^[0-9A-Za-z.\-]{1,20}$")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MAX_WORDING = 500
MAX_ITEMS = 20
MAX_TIMES = 24
MAX_GOAL_DAYS = 365


def _refuse(message: str, code: str, field: str = "definition") -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def wording(value: object, *, label: str, field: str, limit: int = MAX_WORDING) -> str:
    """A line of the plan in the ward's words: text, no control characters, not empty, not
    longer than ``limit``; inner spaces collapsed."""
    if not isinstance(value, str):
        raise _refuse(f"«{label}»: scrivi un testo.", "text_invalid", field)
    if has_unsafe_characters(value):
        raise _refuse(f"«{label}» contiene caratteri non ammessi.", "invalid_characters", field)
    text = " ".join(value.split())
    if not text:
        raise _refuse(f"Scrivi «{label}».", "required", field)
    if len(text) > limit:
        raise _refuse(f"«{label}» supera {limit} caratteri.", "text_too_long", field)
    return text


def times_of_day(value: object, *, field: str = "times") -> tuple[str, ...]:
    """The times an intervention is due each day ("08:00", ...), sorted, without repeats;
    none: as needed or once."""
    if isinstance(value, str):
        value = [t for t in re.split(r"[,\s;]+", value) if t]
    if not isinstance(value, list | tuple):
        raise _refuse("Orari non validi: scrivili come 08:00, 14:00.", "times_invalid", field)
    if len(value) > MAX_TIMES:
        raise _refuse(f"Al massimo {MAX_TIMES} orari al giorno.", "times_invalid", field)
    out: set[str] = set()
    for raw in value:
        if not isinstance(raw, str) or not TIME.fullmatch(raw.strip()):
            shown = str(raw)[:10] if not has_unsafe_characters(str(raw)) else "?"
            raise _refuse(
                f"«{shown}» non è un orario (scrivi HH:MM, per esempio 08:00).",
                "times_invalid",
                field,
            )
        out.add(raw.strip())
    return tuple(sorted(out))


@dataclass(frozen=True)
class GoalSpec:
    text: str
    days: int  # target date = the day the plan is applied + days


@dataclass(frozen=True)
class InterventionSpec:
    text: str
    times: tuple[str, ...]  # due each day at these times; empty: when needed


@dataclass(frozen=True)
class Suggestion:
    """A scale whose latest band at ``min_level`` or worse proposes the template."""

    scale: str
    min_level: int


@dataclass(frozen=True)
class CareTemplateDefinition:
    code: str
    version: str
    pattern: str  # Gordon pattern code (domain/gordon.py)
    problem: str  # the ward's own wording
    goals: tuple[GoalSpec, ...]
    interventions: tuple[InterventionSpec, ...]
    suggested_by: tuple[Suggestion, ...] = ()
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "version": self.version,
            "pattern": self.pattern,
            "problem": self.problem,
            "goals": [{"text": g.text, "days": g.days} for g in self.goals],
            "interventions": [{"text": i.text, "times": list(i.times)} for i in self.interventions],
            "suggested_by": [
                {"scale": s.scale, "min_level": s.min_level} for s in self.suggested_by
            ],
            "notes": self.notes,
        }


def _whole(value: object, *, low: int, high: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(f"«{label}»: un numero intero da {low} a {high}.", "number_invalid")
    return value


def _list(raw: dict[str, Any], key: str, *, required: bool) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_ITEMS or (required and not value):
        raise _refuse(
            f"«{key}»: un elenco di 1–{MAX_ITEMS} voci." if required else f"«{key}»: un elenco.",
            "template_definition_invalid",
        )
    if not all(isinstance(v, dict) for v in value):
        raise _refuse(f"«{key}»: ogni voce è un oggetto.", "template_definition_invalid")
    return value


def template_from_dict(raw: object) -> CareTemplateDefinition:
    """A care-plan template checked whole before anything is written: codes well formed, a
    Gordon pattern, the problem worded, 1–20 goals (days 1–365) and 1–20 interventions
    (times HH:MM), scale suggestions by code and band level; no NUL anywhere."""
    if not isinstance(raw, dict):
        raise _refuse("Il modello deve essere un oggetto JSON.", "template_definition_invalid")
    for where, text in strings_in(raw):
        if has_unsafe_characters(text):
            raise _refuse(f"Caratteri non ammessi in «{where[:60]}».", "invalid_characters")
    code, version = raw.get("code"), raw.get("version")
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise _refuse("Codice del modello non valido (a-z, 0-9, _).", "template_definition_invalid")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise _refuse("Versione del modello non valida.", "template_definition_invalid")
    pattern = raw.get("pattern")
    if pattern not in gordon.PATTERN_CODES:
        raise _refuse("Indica il modello funzionale di Gordon.", "pattern_unknown")
    goals = tuple(
        GoalSpec(
            wording(g.get("text"), label="Obiettivo", field="definition"),
            _whole(g.get("days"), low=1, high=MAX_GOAL_DAYS, label="Giorni per l'obiettivo"),
        )
        for g in _list(raw, "goals", required=True)
    )
    interventions = tuple(
        InterventionSpec(
            wording(i.get("text"), label="Intervento", field="definition"),
            times_of_day(i.get("times", []), field="definition"),
        )
        for i in _list(raw, "interventions", required=True)
    )
    suggested = []
    for s in _list(raw, "suggested_by", required=False):
        scale = s.get("scale")
        if not isinstance(scale, str) or not CODE.fullmatch(scale):
            raise _refuse(
                "Suggerimento: codice della scala non valido.", "template_definition_invalid"
            )
        suggested.append(
            Suggestion(scale, _whole(s.get("min_level"), low=0, high=20, label="Livello"))
        )
    notes = raw.get("notes", "")
    if not isinstance(notes, str) or len(notes) > 2000:
        raise _refuse("Note del modello non valide.", "template_definition_invalid")
    return CareTemplateDefinition(
        code=code,
        version=version,
        pattern=str(pattern),
        problem=wording(raw.get("problem"), label="Problema", field="definition"),
        goals=goals,
        interventions=interventions,
        suggested_by=tuple(suggested),
        notes=notes.strip(),
    )


def goal_date(start: date, days: int) -> date:
    return start + timedelta(days=days)


def slots_of_day(times: tuple[str, ...] | list[str], day: date, tz: Any) -> list[datetime]:
    """The moments an intervention is due on ``day`` (aware, in ``tz``)."""
    out = []
    for t in times:
        hh, mm = (int(x) for x in t.split(":"))
        out.append(datetime.combine(day, time(hh, mm), tzinfo=tz))
    return out


def suggests(definition: CareTemplateDefinition, latest_levels: dict[str, int]) -> bool:
    """Whether a scale's latest band level (code -> level) reaches one of the template's
    suggestions. A suggestion only: the nurse decides."""
    return any(
        s.scale in latest_levels and latest_levels[s.scale] >= s.min_level
        for s in definition.suggested_by
    )

"""Nursing assessment scales as data, and their scoring (pure).

A scale is a definition a hospital can write itself (``definition_from_dict``): items, each
either a choice among options worth a number of points, or a whole number in a range (the
0–10 of the NRS, the 0–100 mm of the VAS); the score is the sum of the items' points; score
bands split the whole range of possible scores, with no gap and no overlap, each with a
level (0 = nothing to report; higher = worse) that moves one way only as the score grows:
up for a scale where a higher score is worse (Morse, FLACC), down where a higher score is
better (Braden, Norton, Barthel, Karnofsky).

``score`` refuses, with an Italian message and a stable code: a missing item, an unknown
item, an option the item does not have, a number outside the item's range or not a whole
number, text with a NUL character. The definitions shipped with Corsia are in
``catalogue``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.text import has_unsafe_characters

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ITEMS = 40
MAX_OPTIONS = 30
MAX_POINTS = 1000
MAX_LABEL = 300
MAX_COMBINATIONS = 2_000_000


class ScaleDefinitionError(ValidationFailed):
    """A definition that cannot be a scale (the hospital's own, or a shipped one)."""

    code = "scale_definition_invalid"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    points: int


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    options: tuple[Option, ...] = ()
    # a whole number typed in (options empty): its range, both ends included
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""

    @property
    def is_number(self) -> bool:
        return not self.options

    @property
    def lowest(self) -> int:
        if self.is_number:
            assert self.minimum is not None
            return self.minimum
        return min(o.points for o in self.options)

    @property
    def highest(self) -> int:
        if self.is_number:
            assert self.maximum is not None
            return self.maximum
        return max(o.points for o in self.options)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Band:
    minimum: int
    maximum: int
    label: str
    level: int

    def holds(self, total: int) -> bool:
        return self.minimum <= total <= self.maximum


@dataclass(frozen=True)
class ScaleDefinition:
    code: str
    name: str
    version: str
    purpose: str
    source: str
    higher_is_worse: bool
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    population: str = ""  # who it is for, in words ("bambini da 2 mesi a 7 anni")

    @property
    def lowest(self) -> int:
        return sum(i.lowest for i in self.items)

    @property
    def highest(self) -> int:
        return sum(i.highest for i in self.items)

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.holds(total):
                return band
        raise ValueError(f"{self.code}: no band holds {total}")  # refused by the parser

    def as_dict(self) -> dict[str, Any]:
        """The definition as stored (JSON): ``definition_from_dict`` reads it back."""
        return {
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "purpose": self.purpose,
            "source": self.source,
            "population": self.population,
            "higher_is_worse": self.higher_is_worse,
            "items": [_item_dict(i) for i in self.items],
            "bands": [
                {"min": b.minimum, "max": b.maximum, "label": b.label, "level": b.level}
                for b in self.bands
            ],
        }


def _item_dict(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "label": item.label}
    if item.help:
        out["help"] = item.help
    if item.is_number:
        out["min"], out["max"] = item.minimum, item.maximum
    else:
        out["options"] = [
            {"code": o.code, "label": o.label, "points": o.points} for o in item.options
        ]
    return out


@dataclass(frozen=True)
class ItemScore:
    item: Item
    answer: str  # the option's code, or the number as typed
    points: int
    label: str  # the option's label, or the number


@dataclass(frozen=True)
class ScaleResult:
    definition: ScaleDefinition
    items: tuple[ItemScore, ...]
    total: int
    band: Band

    @property
    def answers(self) -> dict[str, str]:
        return {s.item.code: s.answer for s in self.items}


# --- reading a definition -------------------------------------------------------------------


def _refuse(message: str, field: str = "definition") -> ScaleDefinitionError:
    return ScaleDefinitionError(message, field=field)


def _text(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise _refuse(f"{where}: «{key}» deve essere un testo.")
    if has_unsafe_characters(value):
        raise _refuse(f"{where}: «{key}» contiene caratteri non ammessi.")
    value = " ".join(value.split())
    if required and not value:
        raise _refuse(f"{where}: manca «{key}».")
    if len(value) > MAX_LABEL * 4:
        raise _refuse(f"{where}: «{key}» è troppo lungo.")
    return value


def _code(raw: Mapping[str, Any], where: str) -> str:
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise _refuse(
            f"{where}: il codice deve iniziare con una lettera minuscola e contenere solo "
            "lettere minuscole, cifre e _ (al massimo 40 caratteri)."
        )
    return code


def _whole(value: Any, what: str) -> int:
    # bool is an int in Python: refused, as is 1.5 or "3"
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(f"{what} deve essere un numero intero.")
    if abs(value) > MAX_POINTS:
        raise _refuse(f"{what} deve essere tra -{MAX_POINTS} e {MAX_POINTS}.")
    return int(value)


def _item(raw: Any, n: int) -> Item:
    if not isinstance(raw, Mapping):
        raise _refuse(f"Voce {n}: deve essere un oggetto.")
    code = _code(raw, f"Voce {n}")
    where = f"Voce «{code}»"
    label = _text(raw, "label", where)
    help_text = _text(raw, "help", where, required=False)
    options_raw = raw.get("options")
    if options_raw is None:
        low = _whole(raw.get("min"), f"{where}: il minimo")
        high = _whole(raw.get("max"), f"{where}: il massimo")
        if low >= high:
            raise _refuse(f"{where}: il minimo deve essere minore del massimo.")
        return Item(code=code, label=label, minimum=low, maximum=high, help=help_text)
    if not isinstance(options_raw, list) or not 2 <= len(options_raw) <= MAX_OPTIONS:
        raise _refuse(f"{where}: servono da 2 a {MAX_OPTIONS} opzioni.")
    options: list[Option] = []
    for m, option in enumerate(options_raw, start=1):
        if not isinstance(option, Mapping):
            raise _refuse(f"{where}, opzione {m}: deve essere un oggetto.")
        o_code = option.get("code")
        if not isinstance(o_code, str) or not re.fullmatch(r"[a-z0-9_]{1,20}", o_code):
            raise _refuse(f"{where}, opzione {m}: codice non valido.")
        options.append(
            Option(
                code=o_code,
                label=_text(option, "label", f"{where}, opzione «{o_code}»"),
                points=_whole(option.get("points"), f"{where}, opzione «{o_code}»: il punteggio"),
            )
        )
    if len({o.code for o in options}) != len(options):
        raise _refuse(f"{where}: due opzioni hanno lo stesso codice.")
    return Item(code=code, label=label, options=tuple(options), help=help_text)


def _bands(raw: Any, *, reachable: frozenset[int], higher_is_worse: bool) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise _refuse("Servono le fasce di punteggio.")
    bands: list[Band] = []
    for n, band in enumerate(raw, start=1):
        if not isinstance(band, Mapping):
            raise _refuse(f"Fascia {n}: deve essere un oggetto.")
        low = _whole(band.get("min"), f"Fascia {n}: il minimo")
        high = _whole(band.get("max"), f"Fascia {n}: il massimo")
        if low > high:
            raise _refuse(f"Fascia {n}: il minimo supera il massimo.")
        level = _whole(band.get("level"), f"Fascia {n}: il livello")
        if level < 0:
            raise _refuse(f"Fascia {n}: il livello non può essere negativo.")
        bands.append(Band(low, high, _text(band, "label", f"Fascia {n}"), level))
    bands.sort(key=lambda b: b.minimum)
    for before, after in itertools.pairwise(bands):
        if after.minimum <= before.maximum:
            raise _refuse(f"Le fasce «{before.label}» e «{after.label}» si sovrappongono.")
        worse = after.level >= before.level if higher_is_worse else after.level <= before.level
        if not worse:
            raise _refuse(
                "I livelli delle fasce devono "
                + ("crescere" if higher_is_worse else "diminuire")
                + " con il punteggio: "
                + f"«{after.label}» va contro «{before.label}»."
            )
    uncovered = sorted(t for t in reachable if not any(b.holds(t) for b in bands))
    if uncovered:
        raise _refuse(f"Le fasce devono coprire ogni punteggio possibile: manca {uncovered[0]}.")
    if bands[0].minimum < min(reachable) or bands[-1].maximum > max(reachable):
        raise _refuse(
            f"Le fasce vanno oltre i punteggi possibili (da {min(reachable)} a {max(reachable)})."
        )
    for band in bands:
        if not any(band.holds(t) for t in reachable):
            raise _refuse(f"Nessun punteggio possibile cade nella fascia «{band.label}».")
    return tuple(bands)


def reachable_totals(items: tuple[Item, ...]) -> frozenset[int]:
    """Every total a complete set of answers can give (the items' points summed)."""
    totals = {0}
    for item in items:
        points = (
            range(item.lowest, item.highest + 1)
            if item.is_number
            else sorted({o.points for o in item.options})
        )
        if len(totals) * len(points) > MAX_COMBINATIONS:
            raise _refuse("La scala ha troppi punteggi possibili per essere controllata.")
        totals = {t + p for t in totals for p in points}
    return frozenset(totals)


def definition_from_dict(raw: Any) -> ScaleDefinition:
    """A scale from its stored or submitted form; refused (Italian message) when it is not
    a scale Corsia can score."""
    if not isinstance(raw, Mapping):
        raise _refuse("La definizione della scala deve essere un oggetto JSON.")
    code = _code(raw, "Scala")
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not 1 <= len(items_raw) <= MAX_ITEMS:
        raise _refuse(f"Una scala ha da 1 a {MAX_ITEMS} voci.")
    items = tuple(_item(i, n) for n, i in enumerate(items_raw, start=1))
    if len({i.code for i in items}) != len(items):
        raise _refuse("Due voci hanno lo stesso codice.")
    higher_is_worse = raw.get("higher_is_worse")
    if not isinstance(higher_is_worse, bool):
        raise _refuse("Indica se un punteggio più alto è peggiore (higher_is_worse: true/false).")
    version = raw.get("version", "1")
    if not isinstance(version, str) or not re.fullmatch(r"[0-9A-Za-z._-]{1,20}", version):
        raise _refuse("Versione non valida (es. «1», «2024.1»).")
    return ScaleDefinition(
        code=code,
        name=_text(raw, "name", "Scala"),
        version=version,
        purpose=_text(raw, "purpose", "Scala", required=False),
        source=_text(raw, "source", "Scala", required=False),
        population=_text(raw, "population", "Scala", required=False),
        higher_is_worse=higher_is_worse,
        items=items,
        bands=_bands(
            raw.get("bands"), reachable=reachable_totals(items), higher_is_worse=higher_is_worse
        ),
    )


# --- scoring ----------------------------------------------------------------------------------


def _answer_refused(message: str, code: str, item: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=f"item_{item}", details={"item": item})


def _score_item(item: Item, value: object) -> ItemScore:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _answer_refused(f"Manca la risposta a «{item.label}».", "item_missing", item.code)
    if isinstance(value, bool):
        raise _answer_refused(f"Risposta non valida per «{item.label}».", "item_invalid", item.code)
    text = str(value).strip() if not isinstance(value, int) else str(value)
    if has_unsafe_characters(text):
        raise _answer_refused(
            f"La risposta a «{item.label}» contiene caratteri non ammessi.",
            "invalid_characters",
            item.code,
        )
    if not item.is_number:
        option = item.option(text)
        if option is None:
            raise _answer_refused(
                f"«{text[:40]}» non è una delle risposte previste per «{item.label}».",
                "option_unknown",
                item.code,
            )
        return ItemScore(item=item, answer=option.code, points=option.points, label=option.label)
    # ASCII digits only: int() would take "٣" (an Arabic-Indic three) or "1_0"
    if not re.fullmatch(r"-?[0-9]{1,7}", text):
        raise _answer_refused(
            f"«{item.label}»: scrivi un numero intero da {item.minimum} a {item.maximum}.",
            "value_not_whole",
            item.code,
        )
    number = int(text)
    assert item.minimum is not None and item.maximum is not None
    if not item.minimum <= number <= item.maximum:
        raise _answer_refused(
            f"«{item.label}»: il valore {number} è fuori dall'intervallo "
            f"{item.minimum}–{item.maximum}.",
            "value_out_of_range",
            item.code,
        )
    return ItemScore(item=item, answer=str(number), points=number, label=str(number))


def score(definition: ScaleDefinition, answers: Mapping[str, object]) -> ScaleResult:
    """The total and band of a complete set of answers (item code → option code, or the
    number for a numeric item). Every item must be answered; none may be unknown."""
    if not isinstance(answers, Mapping):
        raise ValidationFailed("Risposte non valide.", code="answers_invalid", field="answers")
    unknown = sorted(str(k) for k in answers if definition.item(str(k)) is None)
    if unknown:
        raise ValidationFailed(
            f"La scala «{definition.name}» non ha la voce «{unknown[0][:40]}».",
            code="item_unknown",
            field="answers",
            details={"items": unknown[:10]},
        )
    scored = tuple(_score_item(item, answers.get(item.code)) for item in definition.items)
    total = sum(s.points for s in scored)
    return ScaleResult(
        definition=definition, items=scored, total=total, band=definition.band_for(total)
    )

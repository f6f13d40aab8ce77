"""Allergies and intolerances to drugs, and the match of a patient's allergies against the
drugs about to be given (pure).

An allergy names its substance one of three ways:

* an **active ingredient** of the drug archive (by its id): ``carboplatin``;
* a **drug class** by an ATC prefix (``L01XA`` platinum compounds, ``L01CD`` taxanes):
  every ingredient whose ATC code starts with it;
* an **excipient or other** substance as free text (Cremophor EL / polyoxyl castor oil,
  polysorbate 80, latex). The drug archive carries no excipients: such an allergy matches
  a drug only when its text is the drug's name (INN, Italian name or a synonym); otherwise
  it is shown to whoever prescribes, validates and gives, and checked by them.

A match is a **hard stop** when the allergy is severe or life-threatening, or confirmed:
the prescriber may go on only with a typed override and its reason. A mild or moderate
suspected allergy gives a **warning** the prescriber acknowledges.

A refuted or inactive allergy matches nothing; nothing is ever deleted (refuting or
inactivating takes a reason). "No known allergies" (NKDA) is a statement recorded and
dated, not the absence of records: a patient never asked shows "allergie non rilevate".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed


class SubstanceKind(LabelledCode):
    INGREDIENT = "ingredient", "Principio attivo"
    DRUG_CLASS = "drug_class", "Classe di farmaci (ATC)"
    OTHER = "other", "Eccipiente o altra sostanza"


class Reaction(LabelledCode):
    ANAPHYLAXIS = "anaphylaxis", "Anafilassi"
    ANGIOEDEMA = "angioedema", "Angioedema"
    BRONCHOSPASM = "bronchospasm", "Broncospasmo"
    URTICARIA = "urticaria", "Orticaria"
    RASH = "rash", "Eruzione cutanea"
    OTHER = "other", "Altra reazione"


class Severity(LabelledCode):
    MILD = "mild", "Lieve"
    MODERATE = "moderate", "Moderata"
    SEVERE = "severe", "Grave"
    LIFE_THREATENING = "life_threatening", "Pericolo di vita"


class Certainty(LabelledCode):
    SUSPECTED = "suspected", "Sospetta"
    CONFIRMED = "confirmed", "Confermata"


class AllergyStatus(LabelledCode):
    ACTIVE = "active", "Attiva"
    REFUTED = "refuted", "Confutata"
    INACTIVE = "inactive", "Non più attiva"


SUBSTANCE_KIND_LABELS_IT = SubstanceKind.labels_it()
REACTION_LABELS_IT = Reaction.labels_it()
SEVERITY_LABELS_IT = Severity.labels_it()
CERTAINTY_LABELS_IT = Certainty.labels_it()
STATUS_LABELS_IT = AllergyStatus.labels_it()

TEXT_LIMIT = 200
NOTES_LIMIT = 2000
# An ATC code's levels: L, L01, L01X, L01XA, L01XA02. A class names at least the
# therapeutic subgroup (three characters).
_ATC_PREFIX = re.compile(r"^[A-Z]\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_E = TypeVar("_E", bound=StrEnum)


def _enum_value(kind: type[_E], value: str, *, field: str, message: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise ValidationFailed(message, code=f"{field}_invalid", field=field) from None


def clean_text(value: str, *, field: str, label: str, limit: int = TEXT_LIMIT) -> str:
    """The text with its spaces collapsed; control characters (a NUL byte) and text over
    ``limit`` characters refused."""
    if _CONTROL.search(value or ""):
        raise ValidationFailed(
            f"Il campo «{label}» contiene caratteri non ammessi.",
            code="invalid_characters",
            field=field,
        )
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise ValidationFailed(
            f"Il campo «{label}» supera i {limit} caratteri.", code="text_too_long", field=field
        )
    return text


def atc_prefix(value: str) -> str:
    """An ATC class code (``L01XA``), upper case; ``atc_prefix_invalid`` otherwise."""
    code = clean_text(value, field="atc_prefix", label="classe ATC").replace(" ", "").upper()
    if not _ATC_PREFIX.match(code):
        raise ValidationFailed(
            f"«{code}» non è un codice ATC di classe (per esempio L01XA, composti del platino).",
            code="atc_prefix_invalid",
            field="atc_prefix",
        )
    return code


@dataclass(frozen=True)
class AllergyChoice:
    """What the user chose for one allergy, checked (the services add the substance)."""

    kind: SubstanceKind
    reaction: Reaction
    severity: Severity
    certainty: Certainty
    reaction_text: str
    onset_date: date | None
    notes: str
    source: str


def allergy_choice(
    *,
    kind: str,
    reaction: str,
    severity: str,
    certainty: str,
    reaction_text: str = "",
    onset_date: date | None = None,
    notes: str = "",
    source: str = "",
    today: date,
) -> AllergyChoice:
    """Every coded field checked, the free text cleaned; ValidationFailed on the first
    problem (Italian message, stable code, the field)."""
    substance_kind = _enum_value(
        SubstanceKind, kind, field="substance_kind", message="Indica il tipo di sostanza."
    )
    reaction_kind = _enum_value(
        Reaction, reaction, field="reaction", message="Indica la reazione avuta."
    )
    grade = _enum_value(Severity, severity, field="severity", message="Indica la gravità.")
    sure = _enum_value(
        Certainty, certainty, field="certainty", message="Indica se è sospetta o confermata."
    )
    what = clean_text(reaction_text, field="reaction_text", label="reazione")
    if reaction_kind is Reaction.OTHER and not what:
        raise ValidationFailed(
            "Descrivi la reazione avuta.", code="reaction_text_required", field="reaction_text"
        )
    if onset_date is not None and onset_date > today:
        raise ValidationFailed(
            "La data di comparsa non può essere nel futuro.",
            code="onset_in_future",
            field="onset_date",
        )
    return AllergyChoice(
        kind=substance_kind,
        reaction=reaction_kind,
        severity=grade,
        certainty=sure,
        reaction_text=what,
        onset_date=onset_date,
        notes=clean_text(notes, field="notes", label="note", limit=NOTES_LIMIT),
        source=clean_text(source, field="source", label="fonte"),
    )


def ensure_reason(reason: str, *, what: str) -> str:
    text = clean_text(reason, field="reason", label="motivo", limit=NOTES_LIMIT)
    if not text:
        raise ValidationFailed(
            f"Indica il motivo per {what}.", code="reason_required", field="reason"
        )
    return text


# --- the match against drugs ------------------------------------------------------------------


@dataclass(frozen=True)
class AllergyFacts:
    """An active allergy as the checks read it."""

    id: int
    kind: SubstanceKind
    substance: str  # what is shown: "Carboplatino", "L01XA composti del platino", "lattice"
    ingredient_id: int | None
    atc_prefix: str
    reaction: Reaction
    severity: Severity
    certainty: Certainty

    @property
    def hard_stop(self) -> bool:
        return self.certainty is Certainty.CONFIRMED or self.severity in (
            Severity.SEVERE,
            Severity.LIFE_THREATENING,
        )

    @property
    def label(self) -> str:
        return (
            f"{self.substance} ({REACTION_LABELS_IT[self.reaction].lower()}, "
            f"{SEVERITY_LABELS_IT[self.severity].lower()}, "
            f"{CERTAINTY_LABELS_IT[self.certainty].lower()})"
        )


@dataclass(frozen=True)
class DrugFacts:
    """A drug about to be prescribed: its archive id, name, ATC codes, other names."""

    ingredient_id: int
    name: str
    atc_codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


class MatchKind(StrEnum):
    INGREDIENT = "ingredient"  # the same active ingredient
    DRUG_CLASS = "drug_class"  # an ATC code of the drug in the allergy's class
    NAME = "name"  # the free text of the allergy is one of the drug's names


@dataclass(frozen=True)
class AllergyMatch:
    allergy: AllergyFacts
    drug: DrugFacts
    how: MatchKind

    @property
    def hard_stop(self) -> bool:
        return self.allergy.hard_stop

    @property
    def message(self) -> str:
        why = {
            MatchKind.INGREDIENT: "stesso principio attivo",
            MatchKind.DRUG_CLASS: f"classe ATC {self.allergy.atc_prefix}",
            MatchKind.NAME: "stessa sostanza",
        }[self.how]
        return f"{self.drug.name}: allergia a {self.allergy.label} — {why}."

    def as_json(self) -> dict[str, object]:
        return {
            "allergy_id": self.allergy.id,
            "substance": self.allergy.substance,
            "severity": self.allergy.severity.value,
            "certainty": self.allergy.certainty.value,
            "reaction": self.allergy.reaction.value,
            "ingredient_id": self.drug.ingredient_id,
            "drug": self.drug.name,
            "match": self.how.value,
            "hard_stop": self.hard_stop,
        }


def normalised(text: str) -> str:
    """Lower case, no accents, words separated by one space (``Carboplatino`` = ``carboplatino``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def _match(allergy: AllergyFacts, drug: DrugFacts) -> MatchKind | None:
    if allergy.kind is SubstanceKind.INGREDIENT:
        return MatchKind.INGREDIENT if allergy.ingredient_id == drug.ingredient_id else None
    if allergy.kind is SubstanceKind.DRUG_CLASS:
        prefix = allergy.atc_prefix
        hit = prefix and any(code.upper().startswith(prefix) for code in drug.atc_codes if code)
        return MatchKind.DRUG_CLASS if hit else None
    text = normalised(allergy.substance)
    names = {normalised(n) for n in (drug.name, *drug.names) if n}
    return MatchKind.NAME if text and text in names else None


def allergy_matches(
    allergies: Iterable[AllergyFacts], drugs: Iterable[DrugFacts]
) -> list[AllergyMatch]:
    """Every (active allergy, drug) pair that matches, once each, hard stops first."""
    drug_list = list({d.ingredient_id: d for d in drugs}.values())
    found = [
        AllergyMatch(allergy=allergy, drug=drug, how=how)
        for allergy in allergies
        for drug in drug_list
        if (how := _match(allergy, drug)) is not None
    ]
    return sorted(found, key=lambda m: (not m.hard_stop, m.drug.name, m.allergy.id))

"""Lifetime cumulative dose, per patient, over every source of exposure (rule R5, H06).

A limit is checked per CYCLE: the sum of every active line of the order being checked
(all its days), plus the patient's history, against the lifetime limit:

* **administered** — what the bedside recorded as given, partial administrations
  included (volume given ÷ volume of the bag × dose of the preparation);
* **committed** — lines of other orders confirmed (or later) and not yet given, so that
  two drafts that each fit cannot both pass: the first confirmed counts for the second;
* **elsewhere** — doses given in another hospital, recorded with their source;
* **this order** — every active line of the order (all days of the cycle).

Two kinds of limit:

* the drug's own limit (archive ``cumulative_limit``: e.g. idarubicin 150 mg/m²,
  bleomycin 400 000 UI) counts that drug only;
* a CLASS limit (anthracyclines and the anthraquinone mitoxantrone) counts every member
  converted to the reference drug (doxorubicin-equivalent mg/m²) with the published
  equivalence factors of ``corsia/prescribing/data/cumulative_classes.csv`` (sources in
  ``corsia/prescribing/data/SOURCES.md``); the class limit is the reference drug's own
  archive limit.

Bleomycin is counted in units (UI; USP units converted with the data table), never mg.
Pure: the caller reads the history and the tables and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing.domain.errors import CumulativeDoseExceeded
from corsia.prescribing.domain.provenance import format_input, format_result

WARN_AT_PCT = Decimal(90)


class Basis(LabelledCode):
    """What a cumulative total is counted in."""

    MG = "mg", "mg"
    MG_M2 = "mg/m2", "mg/m²"
    UNITS = "UI", "UI"  # international units (bleomycin): never mg


BASIS_DISPLAY = Basis.labels_it()

# how the archive (drugs.DoseUnit) writes a limit's unit -> the basis it is counted in
_LIMIT_UNITS = {
    "mg": Basis.MG,
    "": Basis.MG,
    "mg/m2": Basis.MG_M2,
    "IU": Basis.UNITS,
    "UI": Basis.UNITS,
}


def basis_for_limit_unit(unit: str) -> Basis | None:
    """The basis of an archive limit unit, or None when the unit cannot be summed."""
    return _LIMIT_UNITS.get(unit)


class Source(LabelledCode):
    ADMINISTERED = "administered", "somministrato"
    COMMITTED = "committed", "confermato, non ancora somministrato"
    ELSEWHERE = "elsewhere", "ricevuto altrove"
    THIS_ORDER = "this_order", "questo ciclo"


SOURCE_LABELS_IT = Source.labels_it()


class CumulativeUnconvertible(ValidationFailed):
    """A dose of the history cannot be expressed in the limit's basis: refuse, never skip."""

    code = "cumulative_history_unconvertible"


# ---------------------------------------------------------------- data tables


@dataclass(frozen=True)
class ClassMember:
    ingredient: str  # archive code (INN)
    factor: Decimal  # dose x factor = reference-drug-equivalent dose
    source: str


@dataclass(frozen=True)
class CumulativeClass:
    code: str
    name_it: str
    reference: str  # the ingredient the class is counted in (doxorubicin)
    members: Mapping[str, ClassMember]

    def factor(self, ingredient: str) -> Decimal | None:
        member = self.members.get(ingredient)
        return member.factor if member else None


@dataclass(frozen=True)
class UnitConversion:
    ingredient: str
    from_unit: str
    to_unit: str
    factor: Decimal
    source: str


def _decimal(raw: str, what: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except ArithmeticError:
        raise ValueError(f"{what}: {raw!r} is not a number") from None
    if not (value.is_finite() and value > 0):
        raise ValueError(f"{what}: {raw!r} must be positive")
    return value


def parse_classes(rows: Iterable[Mapping[str, str]]) -> dict[str, CumulativeClass]:
    """The class table (CSV rows: class_code, class_name_it, reference_ingredient,
    ingredient, factor, source). The reference drug must be a member with factor 1."""
    grouped: dict[str, tuple[str, str, dict[str, ClassMember]]] = {}
    for row in rows:
        code = row["class_code"].strip()
        name, reference, members = grouped.setdefault(
            code, (row["class_name_it"].strip(), row["reference_ingredient"].strip(), {})
        )
        if row["reference_ingredient"].strip() != reference:
            raise ValueError(f"class {code}: two reference drugs")
        ingredient = row["ingredient"].strip()
        if ingredient in members:
            raise ValueError(f"class {code}: {ingredient} listed twice")
        members[ingredient] = ClassMember(
            ingredient=ingredient,
            factor=_decimal(row["factor"], f"{code}/{ingredient} factor"),
            source=row["source"].strip(),
        )
    classes = {}
    for code, (name, reference, members) in grouped.items():
        if members.get(reference) is None or members[reference].factor != 1:
            raise ValueError(f"class {code}: the reference drug must be a member with factor 1")
        classes[code] = CumulativeClass(
            code=code, name_it=name, reference=reference, members=members
        )
    seen: dict[str, str] = {}
    for cls in classes.values():
        for ingredient in cls.members:
            if ingredient in seen:
                raise ValueError(f"{ingredient} in two classes ({seen[ingredient]}, {cls.code})")
            seen[ingredient] = cls.code
    return classes


def parse_unit_conversions(rows: Iterable[Mapping[str, str]]) -> list[UnitConversion]:
    """The unit table (ingredient, from_unit, to_unit, factor, source)."""
    return [
        UnitConversion(
            ingredient=row["ingredient"].strip(),
            from_unit=row["from_unit"].strip(),
            to_unit=row["to_unit"].strip(),
            factor=_decimal(row["factor"], f"{row['ingredient']} {row['from_unit']}"),
            source=row["source"].strip(),
        )
        for row in rows
    ]


# ---------------------------------------------------------------- doses and their conversion


@dataclass(frozen=True)
class DoseEvent:
    """One exposure of the patient to one drug, in the unit it was recorded in.

    ``amount`` is absolute (mg, UI, U) with the patient's BSA at the time, or already
    per m² (``unit`` ``mg/m2``, as another hospital's letter often gives it)."""

    ingredient: str
    amount: Decimal
    unit: str  # mg, mg/m2, UI, IU, U
    source: Source
    bsa_m2: Decimal | None = None
    label: str = ""  # what the pharmacist reads: "ciclo 3 del 01/12/2026", "Ospedale X"


_UNIT_ALIASES = {"IU": "UI"}


def _norm(unit: str) -> str:
    return _UNIT_ALIASES.get(unit, unit)


def amount_in_basis(
    event: DoseEvent, basis: Basis, conversions: Sequence[UnitConversion] = ()
) -> Decimal:
    """The event's amount in ``basis`` (before any class factor). Refuses what cannot be
    converted (mg of bleomycin, an absolute mg dose without the BSA for an mg/m² limit)."""
    unit = _norm(event.unit)
    amount = event.amount
    if not (amount.is_finite() and amount >= 0):
        raise ValidationFailed(
            f"Dose di {event.ingredient} non valida: {amount}.",
            code="cumulative_amount_invalid",
            field="amount",
        )
    for conv in conversions:
        if conv.ingredient == event.ingredient and _norm(conv.from_unit) == unit:
            amount, unit = amount * conv.factor, _norm(conv.to_unit)
            break
    if basis is Basis.UNITS:
        if unit == "UI":
            return amount
    elif basis is Basis.MG:
        if unit == "mg":
            return amount
    elif unit == "mg/m2":
        return amount
    elif unit == "mg":
        if event.bsa_m2 is None or not event.bsa_m2 > 0:
            raise CumulativeUnconvertible(
                f"Dose di {event.ingredient} ({event.label or SOURCE_LABELS_IT[event.source]}) "
                f"in mg senza superficie corporea: non confrontabile con un limite in mg/m².",
                field="bsa_m2",
            )
        return amount / event.bsa_m2
    raise CumulativeUnconvertible(
        f"Dose di {event.ingredient} ({event.label or SOURCE_LABELS_IT[event.source]}) in "
        f"«{event.unit}»: non sommabile a un limite in {BASIS_DISPLAY[basis]}.",
        field="unit",
    )


# ---------------------------------------------------------------- the tally


@dataclass(frozen=True)
class Limit:
    """One lifetime limit: a single drug (``cls`` None) or a class in reference units."""

    key: str  # ingredient code or class code
    label: str  # Italian, for messages
    limit: Decimal
    basis: Basis
    cls: CumulativeClass | None = None
    warn_at_pct: Decimal = WARN_AT_PCT

    def __post_init__(self) -> None:
        if not (self.limit.is_finite() and self.limit > 0):
            raise ValidationFailed(
                "Il limite cumulativo deve essere positivo.",
                code="cumulative_limit_invalid",
                field="cumulative_limit",
            )

    def counts(self, ingredient: str) -> bool:
        return ingredient in self.cls.members if self.cls else ingredient == self.key

    def factor(self, ingredient: str) -> Decimal:
        if self.cls is None:
            return Decimal(1)
        factor = self.cls.factor(ingredient)
        assert factor is not None  # counts() was checked
        return factor


@dataclass(frozen=True)
class TallyLine:
    event: DoseEvent
    in_basis: Decimal  # amount in the limit's basis, before the factor
    factor: Decimal
    equivalent: Decimal  # in_basis x factor: what counts towards the limit


@dataclass(frozen=True)
class Tally:
    limit: Limit
    lines: tuple[TallyLine, ...]
    by_source: Mapping[Source, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.equivalent for line in self.lines), Decimal(0))

    @property
    def history(self) -> Decimal:
        return self.total - self.by_source.get(Source.THIS_ORDER, Decimal(0))

    @property
    def pct_of_limit(self) -> Decimal:
        return self.total / self.limit.limit * 100

    @property
    def exceeded(self) -> bool:
        return self.total > self.limit.limit

    @property
    def near_limit(self) -> bool:
        return not self.exceeded and self.pct_of_limit >= self.limit.warn_at_pct

    @property
    def ingredients_this_order(self) -> frozenset[str]:
        return frozenset(
            line.event.ingredient for line in self.lines if line.event.source is Source.THIS_ORDER
        )

    def describe(self) -> str:
        """The sum the pharmacist re-does by hand, source by source."""
        unit = BASIS_DISPLAY[self.limit.basis]
        parts = [
            f"{SOURCE_LABELS_IT[s]} {format_result(v, 2)}"
            for s in Source
            if (v := self.by_source.get(s, Decimal(0)))
        ]
        equivalent = " equivalenti" if self.limit.cls else ""
        return (
            f"{self.limit.label}: {' + '.join(parts) or '0'} = {format_result(self.total, 2)} "
            f"{unit}{equivalent} (limite {format_input(self.limit.limit)} {unit})"
        )


def tally(
    limit: Limit, events: Iterable[DoseEvent], conversions: Sequence[UnitConversion] = ()
) -> Tally:
    """Every event the limit counts, converted and weighted; sums kept per source."""
    lines: list[TallyLine] = []
    by_source: dict[Source, Decimal] = {}
    for event in events:
        if not limit.counts(event.ingredient):
            continue
        in_basis = amount_in_basis(event, limit.basis, conversions)
        factor = limit.factor(event.ingredient)
        equivalent = in_basis * factor
        lines.append(
            TallyLine(event=event, in_basis=in_basis, factor=factor, equivalent=equivalent)
        )
        by_source[event.source] = by_source.get(event.source, Decimal(0)) + equivalent
    return Tally(limit=limit, lines=tuple(lines), by_source=by_source)


def ensure_within(result: Tally) -> Tally:
    """Raise ``CumulativeDoseExceeded`` when the total is above the limit (equal passes)."""
    if result.exceeded:
        raise CumulativeDoseExceeded(
            f"Dose cumulativa oltre il limite. {result.describe()}.",
            field="cumulative",
            details={
                "limit_key": result.limit.key,
                "basis": result.limit.basis.value,
                "limit": str(result.limit.limit),
                "total": str(result.total),
                **{f"total_{s.value}": str(v) for s, v in result.by_source.items()},
            },
        )
    return result

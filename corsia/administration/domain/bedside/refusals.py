"""The answer of a verification: refusals, each with a stable English ``code``, the
:class:`Check` it belongs to, an Italian message and whether it may be overridden; and the
nurse's overrides applied to them (:func:`bedside_decide`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed


class Check(LabelledCode):
    PATIENT = "patient", "paziente giusto"
    NURSE = "nurse", "operatore"
    LABEL = "label", "etichetta"
    DRUG = "drug", "farmaco giusto"
    DOSE = "dose", "dose giusta"
    ROUTE = "route", "via giusta"
    ORDER = "order", "prescrizione"
    ITEM = "item", "riga della prescrizione"
    PREPARATION = "preparation", "preparazione"
    TIME = "time", "orario giusto"
    SEQUENCE = "sequence", "sequenza giusta"
    RATE = "rate", "velocità di infusione"
    ALLERGY = "allergy", "allergie del paziente"
    PGX = "pgx", "farmacogenomica"


CHECK_LABELS_IT: dict[Check, str] = Check.labels_it()

# The only refusals a nurse may override, with a reason that is recorded and reported.
# The badge is overridable only when the nurse has none with them (they are signed in).
OVERRIDABLE: frozenset[str] = frozenset(
    {
        "badge_missing",
        "outside_time_window",
        "sequence_previous_not_finished",
        "sequence_interval_not_elapsed",
        # a further dose of a drug given several times a day, sooner than half the spacing
        "dose_interval_too_short",
        # a mild or suspected allergy recorded after the prescription, no physician's
        # acknowledgement on the order yet: the nurse goes on only with a reason
        "allergy_warning",
    }
)


@dataclass(frozen=True)
class Refusal:
    code: str
    check: Check
    message: str

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE


class OverrideRefused(ValidationFailed):
    code = "override_refused"


@dataclass(frozen=True)
class Decision:
    refusals: tuple[Refusal, ...]
    overridden: tuple[Refusal, ...] = ()
    override_reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def blocking(self) -> tuple[Refusal, ...]:
        done = {r.code for r in self.overridden}
        return tuple(r for r in self.refusals if r.code not in done)

    @property
    def allowed(self) -> bool:
        return not self.blocking


def bedside_decide(
    refusals: Sequence[Refusal], overrides: Mapping[str, str] | None = None
) -> Decision:
    """Apply the nurse's overrides (refusal code -> reason) to the refusals.

    Raises :class:`OverrideRefused` for an override of a refusal that may not be
    overridden, or without a reason; an override of a refusal that did not occur is
    ignored (the situation changed between two screens)."""
    overrides = overrides or {}
    present = {r.code: r for r in refusals}
    overridden: list[Refusal] = []
    reasons: dict[str, str] = {}
    for code, reason in overrides.items():
        if code not in OVERRIDABLE:
            raise OverrideRefused(
                "Questo controllo non può essere forzato: il farmaco non va somministrato.",
                code="override_not_allowed",
                field="override",
                details={"check": code},
            )
        if code not in present:
            continue
        if not reason.strip():
            raise OverrideRefused(
                f"Per forzare il controllo «{CHECK_LABELS_IT[present[code].check]}» indicare "
                "il motivo (e per la sequenza il medico che lo ha disposto).",
                code="override_reason_required",
                field="override_reason",
                details={"check": code},
            )
        overridden.extend(r for r in refusals if r.code == code)
        reasons[code] = reason.strip()
    return Decision(
        refusals=tuple(refusals), overridden=tuple(overridden), override_reasons=reasons
    )

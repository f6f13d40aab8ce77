"""The pharmacogenomic barrier (pure): each of the order's drugs whose archive
recommendation the patient's results match, with its severity, the dose it recommends and
what the physician (or, for a result recorded after signing, the pharmacist) must do.

Like an allergy (``allergy_check.py``):

* **contraindicated** (``pgx_contraindicated``) — CPIC "avoid" (DPYD poor metaboliser,
  activity score 0 or 0.5, with a fluoropyrimidine), or a TPMT / NUDT15 / DPYD poor
  metaboliser prescribed above the recommended starting dose (a thiopurine at its standard
  dose): refused unless overridden with a reason;
* **warning** (``pgx_warning_unacknowledged``) — the recommendation asks for a lower
  starting dose than the one prescribed (DPYD activity score 1 or 1.5: 50 %; TPMT or NUDT15
  intermediate: 30–80 %; UGT1A1 poor with irinotecan, DPWG: 70 %), or a poor metaboliser
  already at the recommended dose (the frequency, "thrice weekly", and the monitoring stay
  the physician's: the days are not changed, the message and the refusal say so in capitals,
  ``THRICE_WEEKLY_NOTE`` / ``THRICE_WEEKLY_ACK``): refused until acknowledged;
* **informative** — the prescribed dose is already at or below the recommended one:
  shown, nothing asked.

The dose asked for comes from the recommendation's own text (``pgx_target.py``); the level
is the CPIC level of the gene–drug pair (``cpic_gene_drug_pairs_onco.csv``: A for
DPYD–fluoropyrimidines, TPMT/NUDT15–thiopurines; A provisional for UGT1A1–irinotecan,
whose shipped text is DPWG's). The shipped data carries no per-recommendation strength
(strong / moderate / optional), so none is claimed.

Each override or acknowledgement is kept on the order (who, role, workstation, when, the
results it covers): the same finding never asks twice; a new result, or a dose raised back
above the recommendation after an "informative" one, asks again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from corsia.patients.domain.pgx import PgxResultFacts, Phenotype
from corsia.prescribing.domain.errors import PgxContraindicated, PgxWarningUnacknowledged
from corsia.prescribing.domain.pgx import Marker, changes_therapy, days_text, matched_results
from corsia.prescribing.domain.pgx_target import (
    DoseLine,
    Target,
    amount,
    below_threshold,
    complies,
    recommended_amount,
    recommended_target,
    suggested_reduction,
)

PGX_OVERRIDE = PgxContraindicated.code  # "pgx_contraindicated"
PGX_ACKNOWLEDGED = PgxWarningUnacknowledged.code  # "pgx_warning_unacknowledged"

# CPIC level of the gene–drug pairs (cpic_gene_drug_pairs_onco.csv, CPICLevel /
# CPICLevelStatus): the same for every drug of the archive each gene applies to.
CPIC_LEVELS = {
    "DPYD": "A",
    "TPMT": "A",
    "NUDT15": "A",
    "UGT1A1": "A, provvisorio",
}
# A poor metaboliser of these genes above the recommended dose is a hard stop (life-
# threatening myelosuppression, mucositis); UGT1A1 poor with irinotecan is a warning.
HARD_STOP_GENES = frozenset({"DPYD", "TPMT", "NUDT15"})


class PgxSeverity(StrEnum):
    CONTRAINDICATED = "contraindicated"
    WARNING = "warning"
    INFORMATIVE = "informative"


SEVERITY_LABELS_IT = {
    PgxSeverity.CONTRAINDICATED: "Controindicato",
    PgxSeverity.WARNING: "Riduzione della dose raccomandata",
    PgxSeverity.INFORMATIVE: "Dose già conforme",
}


@dataclass(frozen=True)
class Suggestion:
    """One line brought to the recommended dose: the reduction to type and its result."""

    item_id: int
    day: int
    reduction_percent: Decimal
    recommended: Decimal  # mg
    unit: str


@dataclass(frozen=True)
class PgxFinding:
    """One drug of the order against one matching recommendation."""

    ingredient_id: int
    drug: str
    genes: str  # "DPYD", "NUDT15+TPMT"
    result_ids: tuple[int, ...]
    phenotypes: str  # "DPYD metabolizzatore intermedio"
    severity: PgxSeverity
    recommendation: str
    level: str
    source: str
    target: str  # "50% della dose calcolata"
    suggestions: tuple[Suggestion, ...]
    message: str
    # CPIC's "reduce frequency to thrice weekly instead of daily" (TPMT / NUDT15 poor
    # metaboliser): the days of the order are NOT changed; the message and the refusal say so
    thrice_weekly: bool = False

    @property
    def hard_stop(self) -> bool:
        return self.severity is PgxSeverity.CONTRAINDICATED

    @property
    def needs_action(self) -> bool:
        return self.severity is not PgxSeverity.INFORMATIVE

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS_IT[self.severity]

    @property
    def reason(self) -> str:
        """The dose reduction's reason: "farmacogenomica: DPYD metabolizzatore intermedio"."""
        return f"farmacogenomica: {self.phenotypes}"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": PGX_OVERRIDE if self.hard_stop else PGX_ACKNOWLEDGED,
            "severity": self.severity.value,
            "ingredient_id": self.ingredient_id,
            "drug": self.drug,
            "genes": self.genes,
            "result_ids": list(self.result_ids),
            "phenotypes": self.phenotypes,
            "recommendation": self.recommendation,
            "level": self.level,
            "source": self.source,
            "target": self.target,
            "suggestions": [
                {
                    "item_id": s.item_id,
                    "day": s.day,
                    "reduction_percent": str(s.reduction_percent),
                    "recommended": str(s.recommended),
                    "unit": s.unit,
                }
                for s in self.suggestions
            ],
            "message": self.message,
            "thrice_weekly": self.thrice_weekly,
        }


THRICE_WEEKLY_NOTE = (
    "FREQUENZA: la raccomandazione riduce anche i giorni di somministrazione a tre alla "
    "settimana invece che ogni giorno; Corsia non modifica i giorni dello schema: adeguarli "
    "nella prescrizione."
)
THRICE_WEEKLY_ACK = (
    " La presa visione riguarda anche la frequenza ridotta a tre giorni alla settimana, che "
    "non è applicata automaticamente ai giorni della prescrizione."
)


def _severity(target: Target | None, matched: tuple[PgxResultFacts, ...], ok: bool) -> PgxSeverity:
    if target is not None and target.avoid:
        return PgxSeverity.CONTRAINDICATED
    hard = any(r.phenotype is Phenotype.POOR and r.gene.value in HARD_STOP_GENES for r in matched)
    if hard:
        return PgxSeverity.WARNING if ok else PgxSeverity.CONTRAINDICATED
    return PgxSeverity.INFORMATIVE if ok else PgxSeverity.WARNING


def _unit(unit: str) -> str:
    return unit.replace("m2", "m²")


def _dose_text(target: Target, lines: list[DoseLine]) -> str:
    """ "625 mg/m² = 1250 mg invece di 2500 mg (giorni 1–14)"; a range "22,5–60 mg/m² = da
    22,5 a 60 mg invece di 75 mg (giorno 1)"; lines of the same dose together."""
    groups: dict[tuple[Decimal, str, Decimal, str], list[DoseLine]] = {}
    for line in lines:
        key = (line.dose, line.dose_unit, line.calculated_dose, line.amount_unit)
        groups.setdefault(key, []).append(line)
    parts = []
    for (dose, dose_unit, calculated, unit), group in groups.items():
        high = recommended_amount(target, group[0])
        if high is None:
            continue
        low = None
        if target.keep_low is not None:
            low = (calculated * target.keep_low).quantize(high, rounding=ROUND_HALF_UP)
        text = (
            f"{amount(high)} {unit}" if low is None else f"da {amount(low)} a {amount(high)} {unit}"
        )
        text += f" invece di {amount(calculated)} {unit}"
        if dose_unit != unit and calculated > 0:
            per = [amount(dose * v / calculated) for v in (low, high) if v is not None]
            text = f"{'–'.join(per)} {_unit(dose_unit)} = {text}"
        parts.append(f"{text} ({days_text([line.day for line in group])})")
    return "; ".join(parts)


def _message(
    marker: Marker,
    *,
    matched: tuple[PgxResultFacts, ...],
    severity: PgxSeverity,
    target: Target | None,
    lines: list[DoseLine],
    level: str,
) -> str:
    who = "; ".join(r.label for r in matched)
    drug = marker.ingredient_name
    heads = {
        PgxSeverity.CONTRAINDICATED: (
            f"Farmacogenomica, CONTROINDICATO — {drug}: paziente {who}. Rischio di tossicità "
            "grave o fatale: per prescriverlo comunque indicare il motivo."
        ),
        PgxSeverity.WARNING: (
            f"Farmacogenomica — {drug}: paziente {who}. La raccomandazione chiede una dose "
            "iniziale più bassa di quella prescritta: prenderne visione."
        ),
        PgxSeverity.INFORMATIVE: (
            f"Farmacogenomica — {drug}: paziente {who}. La dose prescritta è già pari o "
            "inferiore a quella raccomandata."
        ),
    }
    if severity is PgxSeverity.WARNING and target is not None and target.thrice_weekly:
        heads[severity] = (
            f"Farmacogenomica — {drug}: paziente {who}. Dose già ridotta come raccomandato: "
            "verificare la frequenza (tre giorni alla settimana) e il monitoraggio."
        )
    under = target is not None and lines and all(below_threshold(target, x) for x in lines)
    if severity is PgxSeverity.INFORMATIVE and under:
        heads[severity] = (
            f"Farmacogenomica — {drug}: paziente {who}. La dose dello schema è già sotto la "
            "soglia da cui la raccomandazione riduce la dose iniziale: monitorare la tossicità."
        )
    text = (
        f"{heads[severity]} Raccomandazione (livello CPIC {level}): «{marker.recommendation}» "
        f"(fonte: {marker.source})."
    )
    if target is not None and target.computable and lines and not under:
        doses = _dose_text(target, lines)
        if doses:
            text += f" Dose iniziale raccomandata ({target.describe()}): {doses}."
    if target is not None and target.thrice_weekly and severity is not PgxSeverity.INFORMATIVE:
        text += f" {THRICE_WEEKLY_NOTE}"
    return text


def pgx_findings(
    markers: Iterable[Marker], results: Iterable[PgxResultFacts], lines: Iterable[DoseLine]
) -> list[PgxFinding]:
    """Every drug of the order a recommendation applies to, with its severity."""
    by_gene = {r.gene.value: r for r in results}
    all_lines = list(lines)
    findings: list[PgxFinding] = []
    for marker in markers:
        matched = matched_results(marker, by_gene)
        if matched is None or not changes_therapy(marker, matched):
            continue
        own = [line for line in all_lines if line.ingredient_id == marker.ingredient_id]
        if not own:
            continue
        target = recommended_target(marker.recommendation)
        ok = target is not None and all(complies(target, line) for line in own)
        severity = _severity(target, matched, ok)
        genes = "+".join(sorted(r.gene.value for r in matched))
        level = CPIC_LEVELS.get(sorted(r.gene.value for r in matched)[0], "non indicato")
        suggestions: list[Suggestion] = []
        if target is not None and severity is not PgxSeverity.INFORMATIVE:
            for line in own:
                reduction = suggested_reduction(target, line)
                recommended = recommended_amount(target, line)
                if reduction is None or recommended is None or complies(target, line):
                    continue
                suggestions.append(
                    Suggestion(line.item_id, line.day, reduction, recommended, line.amount_unit)
                )
        findings.append(
            PgxFinding(
                ingredient_id=marker.ingredient_id,
                drug=marker.ingredient_name,
                genes=genes,
                result_ids=tuple(sorted(r.id for r in matched)),
                phenotypes=", ".join(
                    f"{r.gene.value} {r.phenotype.label_it.lower()}" for r in matched
                ),
                severity=severity,
                recommendation=marker.recommendation,
                level=level,
                source=marker.source,
                target=target.describe() if target is not None else "",
                suggestions=tuple(suggestions),
                message=_message(
                    marker,
                    matched=matched,
                    severity=severity,
                    target=target,
                    lines=own,
                    level=level,
                ),
                thrice_weekly=target is not None
                and target.thrice_weekly
                and severity is not PgxSeverity.INFORMATIVE,
            )
        )
    return findings


@dataclass(frozen=True)
class PgxOverride:
    """One authorisation: drug ``ingredient_id`` given despite the results ``result_ids``."""

    check: str  # PGX_OVERRIDE or PGX_ACKNOWLEDGED
    ingredient_id: int
    result_ids: tuple[int, ...]
    drug: str
    genes: str
    severity: str
    reason: str
    by_id: int | None
    by: str
    role: str  # "prescriber" or "pharmacist"
    workstation: str
    at: str  # ISO 8601, aware

    @property
    def at_time(self) -> datetime | None:
        """When, as an aware datetime for the pages (``None``: unreadable)."""
        try:
            return datetime.fromisoformat(self.at)
        except ValueError:
            return None

    def covers(self, finding: PgxFinding) -> bool:
        """A hard stop needs an override; a warning is covered by either."""
        if (self.ingredient_id, self.result_ids) != (finding.ingredient_id, finding.result_ids):
            return False
        return self.check == PGX_OVERRIDE or not finding.hard_stop

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "ingredient_id": self.ingredient_id,
            "result_ids": list(self.result_ids),
            "drug": self.drug,
            "genes": self.genes,
            "severity": self.severity,
            "reason": self.reason,
            "by_id": self.by_id,
            "by": self.by,
            "role": self.role,
            "workstation": self.workstation,
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PgxOverride:
        return cls(
            check=str(data["check"]),
            ingredient_id=int(data["ingredient_id"]),
            result_ids=tuple(int(i) for i in data.get("result_ids", ())),
            drug=str(data.get("drug", "")),
            genes=str(data.get("genes", "")),
            severity=str(data.get("severity", "")),
            reason=str(data.get("reason", "")),
            by_id=data.get("by_id"),
            by=str(data.get("by", "")),
            role=str(data.get("role", "")),
            workstation=str(data.get("workstation", "")),
            at=str(data.get("at", "")),
        )


def pending_findings(
    findings: Iterable[PgxFinding], overrides: Iterable[PgxOverride]
) -> list[PgxFinding]:
    """The findings that ask for something and no recorded override covers."""
    kept = list(overrides)
    return [f for f in findings if f.needs_action and not any(o.covers(f) for o in kept)]


def ensure_pgx_cleared(
    pending: list[PgxFinding], *, override_reason: str, acknowledged: bool, who: str = "medico"
) -> None:
    """Refuse while a contraindication has no override reason, or a warning is not
    acknowledged (a reason acknowledges it too)."""
    reason = override_reason.strip()
    details = {"findings": [f.as_json() for f in pending]}
    hard = [f for f in pending if f.hard_stop]
    if hard and not reason:
        raise PgxContraindicated(
            " ".join(f.message for f in hard)
            + f" Per proseguire il {who} indica il motivo del superamento."
            + (THRICE_WEEKLY_ACK if any(f.thrice_weekly for f in hard) else ""),
            field="pgx_override_reason",
            details=details,
        )
    soft = [f for f in pending if not f.hard_stop]
    if soft and not (acknowledged or reason):
        raise PgxWarningUnacknowledged(
            " ".join(f.message for f in soft)
            + " Applicare la dose suggerita o prendere visione dell'avviso per proseguire."
            + (THRICE_WEEKLY_ACK if any(f.thrice_weekly for f in soft) else ""),
            field="pgx_acknowledged",
            details=details,
        )


def overrides_for(
    pending: Iterable[PgxFinding],
    *,
    reason: str,
    by_id: int | None,
    by: str,
    role: str,
    workstation: str,
    at: str,
) -> list[PgxOverride]:
    """What to record once the physician (or pharmacist) went on."""
    return [
        PgxOverride(
            check=PGX_OVERRIDE if f.hard_stop else PGX_ACKNOWLEDGED,
            ingredient_id=f.ingredient_id,
            result_ids=f.result_ids,
            drug=f.drug,
            genes=f.genes,
            severity=f.severity.value,
            reason=reason.strip(),
            by_id=by_id,
            by=by,
            role=role,
            workstation=workstation,
            at=at,
        )
        for f in pending
    ]

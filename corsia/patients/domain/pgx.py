"""Pharmacogenomic results of a patient (pure): the genes, the CPIC phenotypes with their
Italian labels, and the DPYD activity score checked against the phenotype.

A result is what a laboratory reported for one gene: the phenotype in CPIC's terms
(metabolizzatore normale / intermedio / lento, "possibile intermedio" for TPMT and NUDT15,
indeterminato), for DPYD the activity score, the diplotype as written on the report. The
DPYD activity score decides the phenotype (CPIC 2017, Amstutz et al., PMID 29152729):
2 normal, 1 or 1.5 intermediate, 0 or 0.5 poor. A score that contradicts the phenotype is
refused: one of the two was mistyped, and a fluoropyrimidine dose depends on it.

A result is written once. A newer result for the same gene supersedes it; one entered in
error is marked so, with the reason, and counts for nothing. Never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.domain.allergies import clean_text


class Gene(LabelledCode):
    DPYD = "DPYD", "DPYD (diidropirimidina deidrogenasi)"
    TPMT = "TPMT", "TPMT (tiopurina metiltransferasi)"
    NUDT15 = "NUDT15", "NUDT15"
    UGT1A1 = "UGT1A1", "UGT1A1"


class Phenotype(LabelledCode):
    NORMAL = "normal_metabolizer", "Metabolizzatore normale"
    INTERMEDIATE = "intermediate_metabolizer", "Metabolizzatore intermedio"
    POSSIBLE_INTERMEDIATE = (
        "possible_intermediate_metabolizer",
        "Metabolizzatore possibile intermedio",
    )
    POOR = "poor_metabolizer", "Metabolizzatore lento"
    INDETERMINATE = "indeterminate", "Indeterminato"


class ResultStatus(LabelledCode):
    VALID = "valid", "Valido"
    ENTERED_IN_ERROR = "entered_in_error", "Registrato per errore"


GENE_LABELS_IT = Gene.labels_it()
PHENOTYPE_LABELS_IT = Phenotype.labels_it()
RESULT_STATUS_LABELS_IT = ResultStatus.labels_it()

# CPIC's English term of each phenotype: how the drug archive's markers name it
# ("DPYD: Intermediate Metabolizer").
CPIC_TERMS = {
    Phenotype.NORMAL: "Normal Metabolizer",
    Phenotype.INTERMEDIATE: "Intermediate Metabolizer",
    Phenotype.POSSIBLE_INTERMEDIATE: "Possible Intermediate Metabolizer",
    Phenotype.POOR: "Poor Metabolizer",
    Phenotype.INDETERMINATE: "Indeterminate",
}
PHENOTYPE_OF_CPIC_TERM = {term: phenotype for phenotype, term in CPIC_TERMS.items()}

# The phenotypes CPIC assigns for each gene ("possible intermediate": TPMT and NUDT15 only).
GENE_PHENOTYPES: dict[Gene, tuple[Phenotype, ...]] = {
    Gene.DPYD: (Phenotype.NORMAL, Phenotype.INTERMEDIATE, Phenotype.POOR, Phenotype.INDETERMINATE),
    Gene.TPMT: tuple(Phenotype),
    Gene.NUDT15: tuple(Phenotype),
    Gene.UGT1A1: (
        Phenotype.NORMAL,
        Phenotype.INTERMEDIATE,
        Phenotype.POOR,
        Phenotype.INDETERMINATE,
    ),
}

# DPYD activity score → phenotype (CPIC 2017).
DPYD_ACTIVITY_SCORES: dict[Decimal, Phenotype] = {
    Decimal("2"): Phenotype.NORMAL,
    Decimal("1.5"): Phenotype.INTERMEDIATE,
    Decimal("1"): Phenotype.INTERMEDIATE,
    Decimal("0.5"): Phenotype.POOR,
    Decimal("0"): Phenotype.POOR,
}

DIPLOTYPE_LIMIT = 120
LABORATORY_LIMIT = 200


def dpyd_phenotype(score: Decimal) -> Phenotype:
    """The DPYD phenotype of an activity score; ``activity_score_invalid`` for a score that
    is not one of 0, 0.5, 1, 1.5, 2."""
    for value, phenotype in DPYD_ACTIVITY_SCORES.items():
        if score == value:
            return phenotype
    raise ValidationFailed(
        "Il punteggio di attività DPYD è uno tra 0, 0,5, 1, 1,5 e 2.",
        code="activity_score_invalid",
        field="activity_score",
    )


def format_score(score: Decimal) -> str:
    """``1.5`` → "1,5"; ``2.0`` → "2" (Italian decimal comma)."""
    text = f"{score.normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class PgxChoice:
    """One result as entered, checked."""

    gene: Gene
    phenotype: Phenotype
    activity_score: Decimal | None
    diplotype: str
    report_date: date
    laboratory: str
    notes: str


def _code(kind: type[LabelledCode], value: str, *, field: str, message: str) -> LabelledCode:
    try:
        return kind(value)
    except ValueError:
        raise ValidationFailed(message, code=f"{field}_invalid", field=field) from None


def _score(value: Decimal | str | float | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not score.is_finite():
        raise ValidationFailed(
            "Il punteggio di attività DPYD è uno tra 0, 0,5, 1, 1,5 e 2.",
            code="activity_score_invalid",
            field="activity_score",
        )
    return score


def pgx_choice(
    *,
    gene: str,
    phenotype: str,
    activity_score: Decimal | str | float | None,
    diplotype: str = "",
    report_date: date | None,
    laboratory: str = "",
    notes: str = "",
    today: date,
) -> PgxChoice:
    """Every field checked; ValidationFailed on the first problem (Italian message, stable
    code, the field)."""
    the_gene = Gene(_code(Gene, gene, field="gene", message="Indica il gene (DPYD, TPMT …)."))
    the_phenotype = Phenotype(
        _code(Phenotype, phenotype, field="phenotype", message="Indica il fenotipo.")
    )
    if the_phenotype not in GENE_PHENOTYPES[the_gene]:
        raise ValidationFailed(
            f"Il fenotipo «{the_phenotype.label_it}» non è previsto per {the_gene.value}.",
            code="phenotype_invalid",
            field="phenotype",
        )
    score = _score(activity_score)
    if score is not None:
        if the_gene is not Gene.DPYD:
            raise ValidationFailed(
                "Il punteggio di attività si indica solo per DPYD.",
                code="activity_score_not_applicable",
                field="activity_score",
            )
        implied = dpyd_phenotype(score)
        if implied is not the_phenotype:
            raise ValidationFailed(
                f"Un punteggio di attività DPYD {format_score(score)} corrisponde a "
                f"«{implied.label_it}», non a «{the_phenotype.label_it}»: verifica il referto.",
                code="activity_score_phenotype_mismatch",
                field="activity_score",
            )
        score = score.quantize(Decimal("0.1"))
    if report_date is None:
        raise ValidationFailed(
            "Indica la data del referto.", code="report_date_required", field="report_date"
        )
    if report_date > today:
        raise ValidationFailed(
            "La data del referto non può essere nel futuro.",
            code="report_date_in_future",
            field="report_date",
        )
    return PgxChoice(
        gene=the_gene,
        phenotype=the_phenotype,
        activity_score=score,
        diplotype=clean_text(
            diplotype, field="diplotype", label="diplotipo", limit=DIPLOTYPE_LIMIT
        ),
        report_date=report_date,
        laboratory=clean_text(
            laboratory, field="laboratory", label="laboratorio", limit=LABORATORY_LIMIT
        ),
        notes=clean_text(notes, field="notes", label="note", limit=2000),
    )


@dataclass(frozen=True)
class PgxResultFacts:
    """A patient's current result for one gene, as prescribing reads it."""

    id: int
    gene: Gene
    phenotype: Phenotype
    activity_score: Decimal | None
    diplotype: str
    report_date: date
    laboratory: str

    @property
    def cpic_term(self) -> str:
        return CPIC_TERMS[self.phenotype]

    @property
    def label(self) -> str:
        """ "DPYD: metabolizzatore intermedio (punteggio di attività 1,5), referto del
        03/11/2026"."""
        text = f"{self.gene.value}: {self.phenotype.label_it.lower()}"
        if self.activity_score is not None:
            text += f" (punteggio di attività {format_score(self.activity_score)})"
        return f"{text}, referto del {self.report_date:%d/%m/%Y}"

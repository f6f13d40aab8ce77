"""The staging systems a physician can choose in the chart (pure): for each, its inputs as
the page and the API ask for them, the ICD-9-CM sites it applies to, and the call into the
calculation of this package that computes the stage.

``stage_compute(system, criterion, raw)`` reads the raw values (``input_forms``), computes
the stage with the published table or rule, and returns the result with the values as
stored. Nothing here decides a stage: the calculations do, and refuse what their tables do
not hold.

The staging criterion is clinical (c) or pathological (p). For TNM it is the classification
the tables read (stomach and melanoma have a table for each; a T written "pT2" must agree);
for the other systems it is recorded as the physician states it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain.input_forms import (
    InputKind,
    InputSpec,
    listed,
    read_inputs,
    stored,
)
from corsia.records.domain.input_forms import number as _number
from corsia.records.domain.input_forms import yes_no as _yes_no
from corsia.records.domain.results import Reference, StageResult
from corsia.records.domain.staging import dukes, figo, lymphoma, myeloma, neuroblastoma, tnm
from corsia.records.domain.staging.tnm_tables import (
    TABLES,
    TNM_REFERENCES,
    TNM_SITE_LABELS,
    TnmClassification,
    TnmSite,
)


class Criterion(LabelledCode):
    CLINICAL = "clinical", "Clinico (c)"
    PATHOLOGICAL = "pathological", "Patologico (p)"


CRITERION_LABELS_IT: dict[Criterion, str] = Criterion.labels_it()

Compute = Callable[[dict[str, Any], Criterion], StageResult]


@dataclass(frozen=True)
class StagingSystem:
    """``code`` stable English id; ``icd9_prefixes`` the ICD-9-CM diagnosis codes it applies
    to (empty: any site, e.g. neuroblastoma, whose primary may be anywhere)."""

    code: str
    label: str
    inputs: tuple[InputSpec, ...]
    compute: Compute
    reference: Reference
    icd9_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staged:
    result: StageResult
    inputs: dict[str, bool | int | str]  # as stored


def _ordered(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return tuple(seen)


def _tnm_axes(site: TnmSite) -> tuple[InputSpec, ...]:
    if site is TnmSite.PROSTATE:
        axes = (tnm.PROSTATE_T, tnm.PROSTATE_N, tnm.PROSTATE_M)
    else:
        tables = [TABLES[(site, c)] for c in TnmClassification]
        axes = (
            _ordered(*(t.t for t in tables)),
            _ordered(*(t.n for t in tables)),
            _ordered(*(t.m for t in tables)),
        )
    return tuple(
        InputSpec(
            axis.lower(), f"Categoria {axis}", InputKind.CATEGORY, tuple((c, c) for c in cats)
        )
        for axis, cats in zip("TNM", axes, strict=True)
    )


def _tnm(site: TnmSite) -> Compute:
    def compute(values: dict[str, Any], criterion: Criterion) -> StageResult:
        return tnm.tnm_stage(site=site, classification=criterion.value, **values)

    return compute


_PROSTATE_EXTRA = (
    _number("psa_ng_ml", "PSA", "ng/mL"),
    InputSpec(
        "grade_group",
        "Grade Group (ISUP)",
        InputKind.WHOLE,
        tuple((str(g), str(g)) for g in range(1, 6)),
    ),
)
_TNM_SITES_ICD9: dict[TnmSite, tuple[str, ...]] = {
    TnmSite.LUNG: ("162.2", "162.3", "162.4", "162.5", "162.8", "162.9"),
    TnmSite.COLORECTUM: ("153", "154.0", "154.1", "154.8"),
    TnmSite.BREAST: ("174", "175"),
    TnmSite.STOMACH: ("151",),
    TnmSite.PROSTATE: ("185",),
    TnmSite.MELANOMA: ("172",),
}


def _tnm_system(site: TnmSite) -> StagingSystem:
    extra = _PROSTATE_EXTRA if site is TnmSite.PROSTATE else ()
    return StagingSystem(
        code=f"tnm8_{site.value}",
        label=f"TNM 8ª ed. – {TNM_SITE_LABELS[site]}",
        inputs=_tnm_axes(site) + extra,
        compute=_tnm(site),
        reference=TNM_REFERENCES[site],
        icd9_prefixes=_TNM_SITES_ICD9[site],
    )


def _dukes(values: dict[str, Any], criterion: Criterion) -> StageResult:
    found, mac = dukes.dukes_stage(**values)
    return StageResult(
        "dukes",
        f"{found.stage} / {mac.stage}",
        f"{found.label} · {mac.label}",
        found.reference,
        found.categories,
    )


def _roman(*values: int) -> tuple[tuple[str, str], ...]:
    names = {1: "I", 2: "II", 3: "III", 4: "IV"}
    return tuple((str(v), names[v]) for v in values)


def _choices(labels: Mapping[StrEnum, str]) -> tuple[tuple[str, str], ...]:
    return tuple((member.value, label) for member, label in labels.items())


_LUGANO = (
    InputSpec("stage", "Stadio Ann Arbor", InputKind.WHOLE, _roman(1, 2, 3, 4)),
    _yes_no("hodgkin", "Linfoma di Hodgkin"),
    _yes_no("b_symptoms", "Sintomi B", "solo linfoma di Hodgkin"),
    _yes_no("extranodal", "Estensione extranodale (E)", "solo stadi I–II"),
    _yes_no("bulky", "Malattia bulky"),
)
_ISS = (
    _number("beta2_microglobulin_mg_l", "β2-microglobulina", "mg/L"),
    _number("albumin_g_dl", "Albumina", "g/dL"),
)
_R_ISS = (
    *_ISS,
    _yes_no("del_17p", "del(17p) (iFISH)"),
    _yes_no("t_4_14", "t(4;14) (iFISH)"),
    _yes_no("t_14_16", "t(14;16) (iFISH)"),
    _number("ldh", "LDH", "U/L"),
    _number("ldh_uln", "Limite superiore LDH", "U/L"),
)
_INSS = (
    _yes_no("distant_dissemination", "Disseminazione a distanza"),
    _yes_no("crosses_midline", "Infiltrazione oltre la linea mediana"),
    _yes_no("contralateral_nodes", "Linfonodi regionali controlaterali"),
    _yes_no(
        "complete_gross_excision", "Asportazione macroscopica completa", "malattia localizzata"
    ),
    _yes_no("ipsilateral_nodes_positive", "Linfonodi omolaterali positivi", "malattia localizzata"),
    InputSpec("age_months", "Età", InputKind.WHOLE, unit="mesi", hint="malattia disseminata"),
    _yes_no(
        "dissemination_limited_to_skin_liver_marrow",
        "Metastasi limitate a cute, fegato e midollo",
        "solo età < 12 mesi",
    ),
    _number("marrow_tumour_cells_pct", "Cellule tumorali nel midollo", "%", "solo stadio 4S"),
)
_CERVIX = (
    _yes_no("distant_metastases", "Metastasi a distanza"),
    _yes_no("bladder_or_rectal_mucosa", "Infiltrazione della mucosa di vescica o retto"),
    _yes_no("para_aortic_nodes", "Linfonodi para-aortici"),
    _yes_no("pelvic_nodes", "Linfonodi pelvici"),
    InputSpec(
        "nodal_evidence",
        "Accertamento dei linfonodi",
        InputKind.CHOICE,
        (("r", "r – imaging"), ("p", "p – patologia")),
        hint="solo con linfonodi positivi",
    ),
    _yes_no("pelvic_wall_or_hydronephrosis", "Parete pelvica o idronefrosi"),
    InputSpec(
        "vagina",
        "Interessamento vaginale",
        InputKind.CHOICE,
        (
            ("none", "nessuno"),
            ("upper_two_thirds", "due terzi superiori"),
            ("lower_third", "terzo inferiore"),
        ),
    ),
    _yes_no("parametrium", "Interessamento parametriale"),
    _number("tumour_size_cm", "Dimensione massima del tumore", "cm"),
    _number("invasion_depth_mm", "Profondità di invasione stromale", "mm"),
)
_OVARY = (
    _yes_no(
        "parenchymal_or_extra_abdominal_metastases", "Metastasi parenchimali o extra-addominali"
    ),
    _yes_no("pleural_effusion_positive_cytology", "Versamento pleurico con citologia positiva"),
    InputSpec(
        "extrapelvic_peritoneal",
        "Metastasi peritoneali extrapelviche",
        InputKind.CHOICE,
        (
            ("none", "nessuna"),
            ("microscopic", "microscopiche"),
            ("macroscopic_up_to_2_cm", "macroscopiche ≤ 2 cm"),
            ("macroscopic_over_2_cm", "macroscopiche > 2 cm"),
        ),
    ),
    InputSpec(
        "retroperitoneal_nodes",
        "Linfonodi retroperitoneali",
        InputKind.CHOICE,
        (
            ("none", "negativi"),
            ("up_to_10_mm", "positivi ≤ 10 mm"),
            ("over_10_mm", "positivi > 10 mm"),
        ),
    ),
    InputSpec(
        "pelvic_extension",
        "Estensione pelvica",
        InputKind.CHOICE,
        (
            ("none", "nessuna"),
            ("uterus_tubes_ovaries", "utero, tube o ovaie"),
            ("other_pelvic_tissues", "altri tessuti pelvici intraperitoneali"),
        ),
    ),
    InputSpec(
        "ovaries_involved",
        "Ovaie (o tube) coinvolte",
        InputKind.CHOICE,
        (("one", "una"), ("both", "entrambe")),
    ),
    _yes_no("surgical_spill", "Rottura intraoperatoria"),
    _yes_no(
        "capsule_ruptured_or_surface_tumour",
        "Capsula rotta prima dell'intervento o tumore sulla superficie",
    ),
    _yes_no("malignant_ascites_or_washings", "Cellule maligne nell'ascite o nel lavaggio"),
)


def _plain(call: Callable[..., StageResult]) -> Compute:
    """A calculation that does not read the criterion (recorded beside the stage)."""

    def compute(values: dict[str, Any], criterion: Criterion) -> StageResult:
        return call(**values)

    return compute


_DUKES_INPUTS = _tnm_axes(TnmSite.COLORECTUM)

SYSTEMS: dict[str, StagingSystem] = {
    s.code: s
    for s in (
        *(_tnm_system(site) for site in TnmSite),
        StagingSystem(
            "lugano_2014",
            "Ann Arbor / Lugano 2014 (linfomi)",
            _LUGANO,
            _plain(lymphoma.lugano_stage),
            lymphoma.LUGANO_REFERENCE,
            ("200", "201", "202"),
        ),
        StagingSystem(
            "iss",
            "ISS (mieloma multiplo)",
            _ISS,
            _plain(myeloma.iss),
            myeloma.ISS_REFERENCE,
            ("203.0",),
        ),
        StagingSystem(
            "r_iss",
            "R-ISS (mieloma multiplo)",
            _R_ISS,
            _plain(myeloma.r_iss),
            myeloma.R_ISS_REFERENCE,
            ("203.0",),
        ),
        StagingSystem(
            "inss",
            "INSS (neuroblastoma)",
            _INSS,
            _plain(neuroblastoma.inss_stage),
            neuroblastoma.INSS_REFERENCE,
        ),
        StagingSystem(
            "figo_2018_cervix",
            "FIGO 2018 – cervice uterina",
            _CERVIX,
            _plain(figo.figo_cervix_stage),
            figo.CERVIX_REFERENCE,
            ("180",),
        ),
        StagingSystem(
            "figo_2014_ovary",
            "FIGO 2014 – ovaio, tuba, peritoneo",
            _OVARY,
            _plain(figo.figo_ovary_stage),
            figo.OVARY_REFERENCE,
            ("183", "158.8", "158.9"),
        ),
        StagingSystem(
            "dukes",
            "Dukes / Astler-Coller modificato (colon-retto)",
            _DUKES_INPUTS,
            _dukes,
            dukes.DUKES_REFERENCE,
            _TNM_SITES_ICD9[TnmSite.COLORECTUM],
        ),
    )
}


def system_get(code: str | None) -> StagingSystem:
    return listed(
        SYSTEMS,
        code,
        message="Scegli un sistema di stadiazione dall'elenco.",
        error="staging_system_unknown",
        field="system",
    )


def criterion_get(raw: str | None) -> Criterion:
    try:
        return Criterion((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "Indica il criterio di stadiazione: clinico (c) o patologico (p).",
            code="staging_criterion_invalid",
            field="criterion",
        ) from None


def site_check(system: StagingSystem, *, icd9_code: str, icd9_label: str) -> None:
    """A system applies only to its sites: TNM of the lung is not written on a breast."""
    if system.icd9_prefixes and not any(
        icd9_code == p or icd9_code.startswith(p if "." in p else f"{p}.")
        for p in system.icd9_prefixes
    ):
        raise ValidationFailed(
            f"Il sistema «{system.label}» non si applica alla sede della diagnosi "
            f"({icd9_code} {icd9_label}).",
            code="staging_site_mismatch",
            field="system",
            details={"icd9": icd9_code, "applies_to": list(system.icd9_prefixes)},
        )


def stage_compute(system: StagingSystem, criterion: Criterion, raw: Mapping[str, object]) -> Staged:
    """The stage from the raw inputs, or the calculation's refusal (nothing to store)."""
    values = read_inputs(system.inputs, raw)
    result = system.compute(dict(values), criterion)
    return Staged(result=result, inputs=stored(values))


__all__ = [
    "CRITERION_LABELS_IT",
    "SYSTEMS",
    "Criterion",
    "Staged",
    "StagingSystem",
    "criterion_get",
    "site_check",
    "stage_compute",
    "system_get",
]

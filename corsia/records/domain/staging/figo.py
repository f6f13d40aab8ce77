"""FIGO staging of carcinoma of the cervix (2018) and of the ovary, fallopian tube and
peritoneum (2014).

* Cervix — Bhatla N, Berek JS, Cuello Fredes M, et al. Revised FIGO staging for carcinoma
  of the cervix uteri. Int J Gynaecol Obstet 2019;145:129-35, with its corrigendum (Int J
  Gynaecol Obstet 2019;147:279-80). IA1 stromal invasion < 3 mm, IA2 3 to < 5 mm;
  IB1 invasion ≥ 5 mm and size < 2 cm, IB2 2 to < 4 cm, IB3 ≥ 4 cm; IIA upper two-thirds of
  the vagina (IIA1 < 4 cm, IIA2 ≥ 4 cm); IIB parametrium, not to the pelvic wall; IIIA lower
  third of the vagina; IIIB pelvic wall and/or hydronephrosis or non-functioning kidney;
  IIIC1 pelvic nodes, IIIC2 para-aortic nodes, with r (imaging) or p (pathology); IVA
  mucosa of bladder or rectum; IVB distant organs.
* Ovary — Prat J; FIGO Committee on Gynecologic Oncology. Staging classification for cancer
  of the ovary, fallopian tube, and peritoneum. Int J Gynaecol Obstet 2014;124:1-5.
  IA one ovary (or tube), capsule intact, no surface tumour, negative washings; IB both;
  IC1 surgical spill, IC2 capsule ruptured before surgery or surface tumour, IC3 malignant
  cells in ascites or washings; IIA extension to uterus, tubes or ovaries; IIB to other pelvic
  intraperitoneal tissues; IIIA1 retroperitoneal nodes only (i ≤ 10 mm, ii > 10 mm); IIIA2
  microscopic extrapelvic peritoneal involvement; IIIB macroscopic peritoneal metastases
  ≤ 2 cm; IIIC > 2 cm; IVA pleural effusion with positive cytology; IVB parenchymal and
  extra-abdominal metastases (inguinal nodes and nodes outside the abdomen included).

The findings are read from the most advanced down and each is asked only when the decision
reaches it, so a stage IVB needs no tumour size. Limits: when several IC findings coexist
the highest (IC3 > IC2 > IC1) is reported, FIGO naming none; the cervix's stage I follows
the corrigendum (lateral extent no longer counts).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from corsia.records.domain.inputs import choice, flag, number_in_range
from corsia.records.domain.results import Reference, StageResult

CERVIX_REFERENCE = Reference(
    "FIGO 2018 (Bhatla 2019)",
    "Bhatla N, Berek JS, Cuello Fredes M, et al. Revised FIGO staging for carcinoma of the "
    "cervix uteri. Int J Gynaecol Obstet 2019;145:129-35; corrigendum Int J Gynaecol Obstet "
    "2019;147:279-80.",
)
OVARY_REFERENCE = Reference(
    "FIGO 2014 (Prat 2014)",
    "Prat J; FIGO Committee on Gynecologic Oncology. Staging classification for cancer of the "
    "ovary, fallopian tube, and peritoneum. Int J Gynaecol Obstet 2014;124:1-5.",
)


class NodalEvidence(StrEnum):
    """How FIGO 2018 stage IIIC nodes were shown: imaging (r) or pathology (p)."""

    IMAGING = "r"
    PATHOLOGY = "p"


class VaginalInvolvement(StrEnum):
    NONE = "none"
    UPPER_TWO_THIRDS = "upper_two_thirds"
    LOWER_THIRD = "lower_third"


def _cervix(stage: str, categories: str) -> StageResult:
    return StageResult("figo_2018_cervix", stage, f"FIGO {stage}", CERVIX_REFERENCE, categories)


def _size(value: Decimal | int | None) -> Decimal:
    return number_in_range(
        value,
        field="tumour_size_cm",
        label="Dimensione massima del tumore",
        low=0,
        high=30,
        unit="cm",
    )


def figo_cervix_stage(
    *,
    distant_metastases: bool | None,
    bladder_or_rectal_mucosa: bool | None = None,
    para_aortic_nodes: bool | None = None,
    pelvic_nodes: bool | None = None,
    nodal_evidence: NodalEvidence | str | None = None,
    pelvic_wall_or_hydronephrosis: bool | None = None,
    vagina: VaginalInvolvement | str | None = None,
    parametrium: bool | None = None,
    tumour_size_cm: Decimal | int | None = None,
    invasion_depth_mm: Decimal | int | None = None,
) -> StageResult:
    """FIGO 2018 stage of carcinoma of the cervix uteri."""
    if flag(distant_metastases, field="distant_metastases", label="Metastasi a distanza"):
        return _cervix("IVB", "metastasi a distanza")
    if flag(
        bladder_or_rectal_mucosa,
        field="bladder_or_rectal_mucosa",
        label="Infiltrazione della mucosa di vescica o retto",
    ):
        return _cervix("IVA", "mucosa di vescica o retto")
    para_aortic = flag(para_aortic_nodes, field="para_aortic_nodes", label="Linfonodi para-aortici")
    pelvic = para_aortic or flag(pelvic_nodes, field="pelvic_nodes", label="Linfonodi pelvici")
    if pelvic:
        evidence = choice(
            nodal_evidence,
            NodalEvidence,
            field="nodal_evidence",
            label="Accertamento dei linfonodi (r imaging, p patologia)",
        )
        stage = "IIIC2" if para_aortic else "IIIC1"
        return _cervix(
            f"{stage}{evidence.value}",
            "linfonodi para-aortici" if para_aortic else "linfonodi pelvici",
        )
    if flag(
        pelvic_wall_or_hydronephrosis,
        field="pelvic_wall_or_hydronephrosis",
        label="Parete pelvica o idronefrosi",
    ):
        return _cervix("IIIB", "parete pelvica o idronefrosi")
    vaginal = choice(vagina, VaginalInvolvement, field="vagina", label="Interessamento vaginale")
    if vaginal is VaginalInvolvement.LOWER_THIRD:
        return _cervix("IIIA", "terzo inferiore della vagina")
    if flag(parametrium, field="parametrium", label="Interessamento parametriale"):
        return _cervix("IIB", "parametrio")
    if vaginal is VaginalInvolvement.UPPER_TWO_THIRDS:
        size = _size(tumour_size_cm)
        return _cervix(
            "IIA1" if size < 4 else "IIA2", f"due terzi superiori della vagina, {size} cm"
        )
    depth = number_in_range(
        invasion_depth_mm,
        field="invasion_depth_mm",
        label="Profondità di invasione stromale",
        low=0,
        high=100,
        unit="mm",
    )
    if depth < 5:
        return _cervix("IA1" if depth < 3 else "IA2", f"invasione {depth} mm")
    size = _size(tumour_size_cm)
    stage = "IB1" if size < 2 else "IB2" if size < 4 else "IB3"
    return _cervix(stage, f"invasione {depth} mm, {size} cm")


class OvariesInvolved(StrEnum):
    ONE = "one"
    BOTH = "both"


class PelvicExtension(StrEnum):
    NONE = "none"
    UTERUS_TUBES_OVARIES = "uterus_tubes_ovaries"
    OTHER_PELVIC_TISSUES = "other_pelvic_tissues"


class RetroperitonealNodes(StrEnum):
    NONE = "none"
    UP_TO_10_MM = "up_to_10_mm"
    OVER_10_MM = "over_10_mm"


class ExtrapelvicPeritoneal(StrEnum):
    NONE = "none"
    MICROSCOPIC = "microscopic"
    MACROSCOPIC_UP_TO_2_CM = "macroscopic_up_to_2_cm"
    MACROSCOPIC_OVER_2_CM = "macroscopic_over_2_cm"


def _ovary(stage: str, categories: str) -> StageResult:
    return StageResult("figo_2014_ovary", stage, f"FIGO {stage}", OVARY_REFERENCE, categories)


def figo_ovary_stage(
    *,
    parenchymal_or_extra_abdominal_metastases: bool | None,
    pleural_effusion_positive_cytology: bool | None = None,
    extrapelvic_peritoneal: ExtrapelvicPeritoneal | str | None = None,
    retroperitoneal_nodes: RetroperitonealNodes | str | None = None,
    pelvic_extension: PelvicExtension | str | None = None,
    ovaries_involved: OvariesInvolved | str | None = None,
    surgical_spill: bool | None = None,
    capsule_ruptured_or_surface_tumour: bool | None = None,
    malignant_ascites_or_washings: bool | None = None,
) -> StageResult:
    """FIGO 2014 stage of cancer of the ovary, fallopian tube and peritoneum."""
    if flag(
        parenchymal_or_extra_abdominal_metastases,
        field="parenchymal_or_extra_abdominal_metastases",
        label="Metastasi parenchimali o extra-addominali",
    ):
        return _ovary("IVB", "metastasi parenchimali o extra-addominali")
    if flag(
        pleural_effusion_positive_cytology,
        field="pleural_effusion_positive_cytology",
        label="Versamento pleurico con citologia positiva",
    ):
        return _ovary("IVA", "versamento pleurico citologicamente positivo")
    peritoneal = choice(
        extrapelvic_peritoneal,
        ExtrapelvicPeritoneal,
        field="extrapelvic_peritoneal",
        label="Metastasi peritoneali extrapelviche",
    )
    if peritoneal is ExtrapelvicPeritoneal.MACROSCOPIC_OVER_2_CM:
        return _ovary("IIIC", "metastasi peritoneali extrapelviche > 2 cm")
    if peritoneal is ExtrapelvicPeritoneal.MACROSCOPIC_UP_TO_2_CM:
        return _ovary("IIIB", "metastasi peritoneali extrapelviche ≤ 2 cm")
    if peritoneal is ExtrapelvicPeritoneal.MICROSCOPIC:
        return _ovary("IIIA2", "interessamento peritoneale extrapelvico microscopico")
    nodes = choice(
        retroperitoneal_nodes,
        RetroperitonealNodes,
        field="retroperitoneal_nodes",
        label="Linfonodi retroperitoneali",
    )
    if nodes is RetroperitonealNodes.OVER_10_MM:
        return _ovary("IIIA1(ii)", "linfonodi retroperitoneali > 10 mm")
    if nodes is RetroperitonealNodes.UP_TO_10_MM:
        return _ovary("IIIA1(i)", "linfonodi retroperitoneali ≤ 10 mm")
    extension = choice(
        pelvic_extension, PelvicExtension, field="pelvic_extension", label="Estensione pelvica"
    )
    if extension is PelvicExtension.OTHER_PELVIC_TISSUES:
        return _ovary("IIB", "altri tessuti pelvici intraperitoneali")
    if extension is PelvicExtension.UTERUS_TUBES_OVARIES:
        return _ovary("IIA", "utero, tube o ovaie")
    ovaries = choice(
        ovaries_involved,
        OvariesInvolved,
        field="ovaries_involved",
        label="Ovaie (o tube) coinvolte",
    )
    spill = flag(surgical_spill, field="surgical_spill", label="Rottura intraoperatoria")
    ruptured = flag(
        capsule_ruptured_or_surface_tumour,
        field="capsule_ruptured_or_surface_tumour",
        label="Capsula rotta prima dell'intervento o tumore sulla superficie",
    )
    ascites = flag(
        malignant_ascites_or_washings,
        field="malignant_ascites_or_washings",
        label="Cellule maligne nell'ascite o nel lavaggio peritoneale",
    )
    side = "entrambe le ovaie" if ovaries is OvariesInvolved.BOTH else "un ovaio"
    if ascites:
        return _ovary("IC3", f"{side}, cellule maligne nell'ascite o nel lavaggio")
    if ruptured:
        return _ovary("IC2", f"{side}, capsula rotta o tumore superficiale")
    if spill:
        return _ovary("IC1", f"{side}, rottura intraoperatoria")
    return _ovary("IB" if ovaries is OvariesInvolved.BOTH else "IA", side)

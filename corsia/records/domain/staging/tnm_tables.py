"""TNM 8th edition stage-group tables, typed from the published tables, one per site.

* Lung (NSCLC) — Goldstraw P, Chansky K, Crowley J, et al. The IASLC Lung Cancer Staging
  Project: proposals for revision of the TNM stage groupings in the forthcoming (eighth)
  edition of the TNM classification for lung cancer. J Thorac Oncol 2016;11:39-51 (Table 3);
  AJCC Cancer Staging Manual 8th ed., ch. 36.
* Colon and rectum — AJCC Cancer Staging Manual 8th ed., ch. 20 (clinical and pathological
  alike).
* Breast, anatomic stage groups — AJCC Cancer Staging Manual 8th ed., ch. 48 (anatomic
  stage table; T1 includes T1mi; T0/T1 with N1mi only are IB; with T2–T4, N1mi stages as N1).
* Stomach — AJCC Cancer Staging Manual 8th ed., ch. 17: separate clinical (cTNM) and
  pathological (pTNM) tables.
* Melanoma of the skin — Gershenwald JE, Scolyer RA, Hess KR, et al. Melanoma staging:
  evidence-based changes in the American Joint Committee on Cancer eighth edition cancer
  staging manual. CA Cancer J Clin 2017;67:472-92 (Tables 4 and 5, clinical and
  pathological).

A table is a list of rows (T set, N set, M set, stage). A combination is staged only if a
row of the published table holds it; anything else (Tis N1 in the lung, T0 N0 in the breast)
is refused rather than guessed. Categories whose subdivision changes the stage must be given
subdivided (lung T1a–c, colorectal N2a/N2b, pathological gastric N3a/N3b).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.records.domain.results import Reference


class TnmSite(LabelledCode):
    LUNG = "lung", "Polmone (carcinoma non a piccole cellule)"
    COLORECTUM = "colorectum", "Colon e retto"
    BREAST = "breast", "Mammella (stadio anatomico)"
    STOMACH = "stomach", "Stomaco"
    PROSTATE = "prostate", "Prostata"
    MELANOMA = "melanoma", "Melanoma cutaneo"


TNM_SITE_LABELS: dict[TnmSite, str] = TnmSite.labels_it()


class TnmClassification(StrEnum):
    CLINICAL = "clinical"
    PATHOLOGICAL = "pathological"


AJCC_8 = (
    "Amin MB, Edge SB, Greene FL, et al., eds. AJCC Cancer Staging Manual. 8th ed. "
    "New York: Springer; 2017. Brierley JD, Gospodarowicz MK, Wittekind C, eds. TNM "
    "Classification of Malignant Tumours (UICC). 8th ed. Oxford: Wiley-Blackwell; 2017."
)

TNM_REFERENCES: dict[TnmSite, Reference] = {
    TnmSite.LUNG: Reference(
        "TNM 8 (Goldstraw 2016)",
        "Goldstraw P, Chansky K, Crowley J, et al. The IASLC Lung Cancer Staging Project: "
        "proposals for revision of the TNM stage groupings in the forthcoming (eighth) edition "
        "of the TNM classification for lung cancer. J Thorac Oncol 2016;11:39-51. " + AJCC_8,
    ),
    TnmSite.COLORECTUM: Reference("AJCC 8 ch. 20", AJCC_8),
    TnmSite.BREAST: Reference("AJCC 8 ch. 48 (anatomic)", AJCC_8),
    TnmSite.STOMACH: Reference("AJCC 8 ch. 17", AJCC_8),
    TnmSite.PROSTATE: Reference(
        "AJCC 8 ch. 58 (Buyyounouski 2017)",
        "Buyyounouski MK, Choyke PL, McKenney JK, et al. Prostate cancer - major changes in the "
        "American Joint Committee on Cancer eighth edition cancer staging manual. CA Cancer J "
        "Clin 2017;67:245-53. " + AJCC_8,
    ),
    TnmSite.MELANOMA: Reference(
        "AJCC 8 (Gershenwald 2017)",
        "Gershenwald JE, Scolyer RA, Hess KR, et al. Melanoma staging: evidence-based changes "
        "in the American Joint Committee on Cancer eighth edition cancer staging manual. "
        "CA Cancer J Clin 2017;67:472-92. " + AJCC_8,
    ),
}


@dataclass(frozen=True)
class Row:
    t: frozenset[str]
    n: frozenset[str]
    m: frozenset[str]
    stage: str


@dataclass(frozen=True)
class Table:
    """The categories a site defines (in order) and its stage-group rows."""

    t: tuple[str, ...]
    n: tuple[str, ...]
    m: tuple[str, ...]
    rows: tuple[Row, ...]


ANY = "*"


def _table(t: str, n: str, m: str, rows: list[tuple[str, str, str, str]]) -> Table:
    """Rows as (stage, T list, N list, M list), lists space-separated; ``*`` is any."""
    ts, ns, ms = tuple(t.split()), tuple(n.split()), tuple(m.split())

    def pick(spec: str, valid: tuple[str, ...]) -> frozenset[str]:
        chosen = frozenset(valid if spec == ANY else spec.split())
        unknown = chosen - set(valid)
        if unknown:  # a typing error in a table below: fail at import, not at a bedside
            raise ValueError(f"categories {sorted(unknown)} not in {valid}")
        return chosen

    return Table(
        ts,
        ns,
        ms,
        tuple(Row(pick(rt, ts), pick(rn, ns), pick(rm, ms), s) for s, rt, rn, rm in rows),
    )


LUNG_T1 = "T1a T1b T1c"
LUNG_T12 = "T1a T1b T1c T2a T2b"

LUNG = _table(
    "TX T0 Tis T1mi T1a T1b T1c T2a T2b T3 T4",
    "NX N0 N1 N2 N3",
    "M0 M1a M1b M1c",
    [
        ("occult", "TX", "N0", "M0"),
        ("0", "Tis", "N0", "M0"),
        ("IA1", "T1mi T1a", "N0", "M0"),
        ("IA2", "T1b", "N0", "M0"),
        ("IA3", "T1c", "N0", "M0"),
        ("IB", "T2a", "N0", "M0"),
        ("IIA", "T2b", "N0", "M0"),
        ("IIB", LUNG_T12, "N1", "M0"),
        ("IIB", "T3", "N0", "M0"),
        ("IIIA", LUNG_T12, "N2", "M0"),
        ("IIIA", "T3", "N1", "M0"),
        ("IIIA", "T4", "N0 N1", "M0"),
        ("IIIB", LUNG_T12, "N3", "M0"),
        ("IIIB", "T3 T4", "N2", "M0"),
        ("IIIC", "T3 T4", "N3", "M0"),
        ("IVA", ANY, ANY, "M1a M1b"),
        ("IVB", ANY, ANY, "M1c"),
    ],
)

CRC_N1 = "N1 N1a N1b N1c"

COLORECTUM = _table(
    "TX T0 Tis T1 T2 T3 T4a T4b",
    "NX N0 N1 N1a N1b N1c N2a N2b",
    "M0 M1a M1b M1c",
    [
        ("0", "Tis", "N0", "M0"),
        ("I", "T1 T2", "N0", "M0"),
        ("IIA", "T3", "N0", "M0"),
        ("IIB", "T4a", "N0", "M0"),
        ("IIC", "T4b", "N0", "M0"),
        ("IIIA", "T1 T2", CRC_N1, "M0"),
        ("IIIA", "T1", "N2a", "M0"),
        ("IIIB", "T3 T4a", CRC_N1, "M0"),
        ("IIIB", "T2 T3", "N2a", "M0"),
        ("IIIB", "T1 T2", "N2b", "M0"),
        ("IIIC", "T4a", "N2a", "M0"),
        ("IIIC", "T3 T4a", "N2b", "M0"),
        ("IIIC", "T4b", f"{CRC_N1} N2a N2b", "M0"),
        ("IVA", ANY, ANY, "M1a"),
        ("IVB", ANY, ANY, "M1b"),
        ("IVC", ANY, ANY, "M1c"),
    ],
)

BREAST_T1 = "T1 T1mi T1a T1b T1c"
BREAST_T4 = "T4 T4a T4b T4c T4d"
BREAST_N1 = "N1 N1a N1b N1c"
BREAST_N2 = "N2 N2a N2b"
BREAST_N3 = "N3 N3a N3b N3c"

BREAST = _table(
    f"TX T0 Tis {BREAST_T1} T2 T3 {BREAST_T4}",
    f"NX N0 N1mi {BREAST_N1} {BREAST_N2} {BREAST_N3}",
    "M0 M1",
    [
        ("0", "Tis", "N0", "M0"),
        ("IA", BREAST_T1, "N0", "M0"),
        ("IB", f"T0 {BREAST_T1}", "N1mi", "M0"),
        ("IIA", f"T0 {BREAST_T1}", BREAST_N1, "M0"),
        ("IIA", "T2", "N0", "M0"),
        ("IIB", "T2", f"N1mi {BREAST_N1}", "M0"),
        ("IIB", "T3", "N0", "M0"),
        ("IIIA", f"T0 {BREAST_T1} T2", BREAST_N2, "M0"),
        ("IIIA", "T3", f"N1mi {BREAST_N1} {BREAST_N2}", "M0"),
        ("IIIB", BREAST_T4, f"N0 N1mi {BREAST_N1} {BREAST_N2}", "M0"),
        ("IIIC", ANY, BREAST_N3, "M0"),
        ("IV", ANY, ANY, "M1"),
    ],
)

STOMACH_T1 = "T1 T1a T1b"

STOMACH_CLINICAL = _table(
    f"TX T0 Tis {STOMACH_T1} T2 T3 T4a T4b",
    "NX N0 N1 N2 N3 N3a N3b",
    "M0 M1",
    [
        ("0", "Tis", "N0", "M0"),
        ("I", f"{STOMACH_T1} T2", "N0", "M0"),
        ("IIA", f"{STOMACH_T1} T2", "N1 N2 N3 N3a N3b", "M0"),
        ("IIB", "T3 T4a", "N0", "M0"),
        ("III", "T3 T4a", "N1 N2 N3 N3a N3b", "M0"),
        ("IVA", "T4b", "N0 N1 N2 N3 N3a N3b", "M0"),
        ("IVB", ANY, ANY, "M1"),
    ],
)

STOMACH_PATHOLOGICAL = _table(
    f"TX T0 Tis {STOMACH_T1} T2 T3 T4a T4b",
    "NX N0 N1 N2 N3a N3b",
    "M0 M1",
    [
        ("0", "Tis", "N0", "M0"),
        ("IA", STOMACH_T1, "N0", "M0"),
        ("IB", STOMACH_T1, "N1", "M0"),
        ("IB", "T2", "N0", "M0"),
        ("IIA", STOMACH_T1, "N2", "M0"),
        ("IIA", "T2", "N1", "M0"),
        ("IIA", "T3", "N0", "M0"),
        ("IIB", STOMACH_T1, "N3a", "M0"),
        ("IIB", "T2", "N2", "M0"),
        ("IIB", "T3", "N1", "M0"),
        ("IIB", "T4a", "N0", "M0"),
        ("IIIA", "T2", "N3a", "M0"),
        ("IIIA", "T3", "N2", "M0"),
        ("IIIA", "T4a", "N1 N2", "M0"),
        ("IIIA", "T4b", "N0", "M0"),
        ("IIIB", f"{STOMACH_T1} T2", "N3b", "M0"),
        ("IIIB", "T3 T4a", "N3a", "M0"),
        ("IIIB", "T4b", "N1 N2", "M0"),
        ("IIIC", "T3 T4a", "N3b", "M0"),
        ("IIIC", "T4b", "N3a N3b", "M0"),
        ("IV", ANY, ANY, "M1"),
    ],
)

MELANOMA_T = "TX T0 Tis T1a T1b T2a T2b T3a T3b T4a T4b"
MELANOMA_M = "M0 M1a M1b M1c M1d"
MELANOMA_N_POSITIVE = "N1a N1b N1c N2a N2b N2c N3a N3b N3c"

MELANOMA_CLINICAL = _table(
    MELANOMA_T,
    f"NX N0 N1 N2 N3 {MELANOMA_N_POSITIVE}",
    MELANOMA_M,
    [
        ("0", "Tis", "N0", "M0"),
        ("IA", "T1a", "N0", "M0"),
        ("IB", "T1b T2a", "N0", "M0"),
        ("IIA", "T2b T3a", "N0", "M0"),
        ("IIB", "T3b T4a", "N0", "M0"),
        ("IIC", "T4b", "N0", "M0"),
        ("III", ANY, f"N1 N2 N3 {MELANOMA_N_POSITIVE}", "M0"),
        ("IV", ANY, ANY, "M1a M1b M1c M1d"),
    ],
)

MELANOMA_PATHOLOGICAL = _table(
    MELANOMA_T,
    f"NX N0 {MELANOMA_N_POSITIVE}",
    MELANOMA_M,
    [
        ("0", "Tis", "N0", "M0"),
        ("IA", "T1a T1b", "N0", "M0"),
        ("IB", "T2a", "N0", "M0"),
        ("IIA", "T2b T3a", "N0", "M0"),
        ("IIB", "T3b T4a", "N0", "M0"),
        ("IIC", "T4b", "N0", "M0"),
        ("IIIA", "T1a T1b T2a", "N1a N2a", "M0"),
        ("IIIB", "T0", "N1b N1c", "M0"),
        ("IIIB", "T1a T1b T2a", "N1b N1c N2b", "M0"),
        ("IIIB", "T2b T3a", "N1a N1b N1c N2a N2b", "M0"),
        ("IIIC", "T0", "N2b N2c N3b N3c", "M0"),
        ("IIIC", "T1a T1b T2a T2b T3a", "N2c N3a N3b N3c", "M0"),
        ("IIIC", "T3b T4a", MELANOMA_N_POSITIVE, "M0"),
        ("IIIC", "T4b", "N1a N1b N1c N2a N2b N2c", "M0"),
        ("IIID", "T4b", "N3a N3b N3c", "M0"),
        ("IV", ANY, ANY, "M1a M1b M1c M1d"),
    ],
)

TABLES: dict[tuple[TnmSite, TnmClassification], Table] = {
    **{(TnmSite.LUNG, c): LUNG for c in TnmClassification},
    **{(TnmSite.COLORECTUM, c): COLORECTUM for c in TnmClassification},
    **{(TnmSite.BREAST, c): BREAST for c in TnmClassification},
    (TnmSite.STOMACH, TnmClassification.CLINICAL): STOMACH_CLINICAL,
    (TnmSite.STOMACH, TnmClassification.PATHOLOGICAL): STOMACH_PATHOLOGICAL,
    (TnmSite.MELANOMA, TnmClassification.CLINICAL): MELANOMA_CLINICAL,
    (TnmSite.MELANOMA, TnmClassification.PATHOLOGICAL): MELANOMA_PATHOLOGICAL,
}

# Sites whose stage groups differ between clinical and pathological staging: the caller
# must say which.
CLASSIFICATION_REQUIRED = frozenset({TnmSite.STOMACH, TnmSite.MELANOMA})

"""Dukes and modified Astler-Coller (MAC) stages of colorectal cancer, derived from the
TNM categories as the AJCC tabulates them side by side.

Dukes CE. The classification of cancer of the rectum. J Pathol Bacteriol 1932;35:323-32
(stage D for distant metastases added by Turnbull RB, et al. Ann Surg 1967;166:420-7).
Astler VB, Coller FA. Ann Surg 1954;139:846-52, modified by Gunderson LL, Sosin H. Cancer
1974;34:1278-92. Correspondence with TNM: AJCC Cancer Staging Manual 7th ed. (2010),
colon and rectum stage table: T1 N0 A/A; T2 N0 A/B1; T3 N0 and T4a N0 B/B2; T4b N0 B/B3;
T1–T2 N+ C/C1; T3–T4a N+ C/C2; T4b N+ C/C3; M1 D/D.

Limits: historical systems kept for the records and the older literature; Tis, T0, TX or NX
without metastases have no Dukes stage and are refused.
"""

from __future__ import annotations

from corsia.records.domain.errors import StageCombinationUndefined
from corsia.records.domain.results import Reference, StageResult
from corsia.records.domain.staging.tnm import tnm_stage
from corsia.records.domain.staging.tnm_tables import TnmSite

DUKES_REFERENCE = Reference(
    "Dukes 1932; Astler-Coller 1954 (mod. 1974)",
    "Dukes CE. The classification of cancer of the rectum. J Pathol Bacteriol 1932;35:323-32. "
    "Astler VB, Coller FA. The prognostic significance of direct extension of carcinoma of the "
    "colon and rectum. Ann Surg 1954;139:846-52. Gunderson LL, Sosin H. Areas of failure found "
    "at reoperation following curative surgery for adenocarcinoma of the rectum. Cancer "
    "1974;34:1278-92. AJCC Cancer Staging Manual. 7th ed. New York: Springer; 2010.",
)

_MAC_N0 = {"T1": "A", "T2": "B1", "T3": "B2", "T4a": "B2", "T4b": "B3"}
_MAC_NODES = {"T1": "C1", "T2": "C1", "T3": "C2", "T4a": "C2", "T4b": "C3"}


def dukes_stage(*, t: str | None, n: str | None, m: str | None) -> tuple[StageResult, StageResult]:
    """(Dukes, modified Astler-Coller) from colorectal TNM categories."""
    tnm = tnm_stage(site=TnmSite.COLORECTUM, t=t, n=n, m=m)
    t_written, n_cat, m_cat = tnm.categories.split()
    t_cat = t_written.lstrip("cp")  # the classification prefix, when the T carried one
    if m_cat != "M0":
        dukes, mac = "D", "D"
    elif t_cat not in _MAC_N0:
        raise StageCombinationUndefined(
            f"{tnm.categories}: nessuno stadio di Dukes senza un tumore invasivo (T1–T4).",
            field="t",
        )
    elif n_cat == "N0":
        dukes = "A" if t_cat in {"T1", "T2"} else "B"
        mac = _MAC_N0[t_cat]
    else:
        dukes, mac = "C", _MAC_NODES[t_cat]
    return (
        StageResult("dukes", dukes, f"Dukes {dukes}", DUKES_REFERENCE, tnm.categories),
        StageResult(
            "astler_coller", mac, f"Astler-Coller modificato {mac}", DUKES_REFERENCE, tnm.categories
        ),
    )

"""The case's pre-transplant path as its page and API read it: donors (chosen first),
products with their chain of custody, the infusions, the counts, the engraftment days, and
a timeline of the steps. Read of a case already logged by ``transplant_get``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.regimens.selectors import prescribable_versions
from corsia.transplant.domain import codes, days
from corsia.transplant.domain.abo import AboMismatch, abo_mismatch
from corsia.transplant.models import DailyCount, Donor, Infusion, Product, Transplant
from corsia.transplant.selectors.engraftment import EngraftmentView, engraftment_of


@dataclass(frozen=True)
class Step:
    on: date | None
    day: str  # "-7", "0", "+15" when day 0 is known
    title: str
    detail: str
    done: bool


@dataclass(frozen=True)
class CasePath:
    donors: list[Donor]
    products: list[Product]
    infusions: list[Infusion]
    counts: list[DailyCount]
    engraftment: EngraftmentView
    timeline: list[Step]
    abo: str  # the chosen donor's ABO mismatch label ("" unknown)


def _day(case: Transplant, on: date | None) -> str:
    if case.day_zero is None or on is None:
        return ""
    return days.day_label(days.transplant_day(case.day_zero, on))


def case_path(case: Transplant) -> CasePath:
    donors = sorted(
        Donor.objects.filter(transplant=case).select_related("chosen_by"),
        key=lambda d: ({"chosen": 0, "candidate": 1}.get(d.state, 2), d.pk),
    )
    products = list(
        Product.objects.filter(transplant=case)
        .prefetch_related("custody_events")
        .order_by("collected_on", "pk")
    )
    infusions = list(Infusion.objects.filter(transplant=case).select_related("product", "author"))
    counts = list(DailyCount.objects.filter(transplant=case).order_by("on"))
    engraftment = engraftment_of(case)
    chosen = next((d for d in donors if d.state == codes.DonorState.CHOSEN), None)
    abo = ""
    if chosen and chosen.abo and case.recipient_abo:
        abo = abo_mismatch(donor=chosen.abo, recipient=case.recipient_abo).label_it
    steps = [
        Step(case.taken_in_charge_on, _day(case, case.taken_in_charge_on), "Presa in carico",
             case.indication, True),
    ]  # fmt: skip
    if case.transplant_type == codes.TransplantType.ALLOGENEIC:
        detail = f"{len(donors)} potenziali donatori"
        if chosen:
            detail = f"{chosen.name} ({chosen.kind_label}, HLA {chosen.match.get('score_10') or chosen.match.get('score_8')})"
        steps.append(Step(chosen.chosen_at.date() if chosen and chosen.chosen_at else None,
                          "", "Donatore", detail, chosen is not None))  # fmt: skip
    for p in products:
        steps.append(Step(p.collected_on, _day(case, p.collected_on), "Raccolta",
                          f"{p.method_label}, DIN {p.din}, CD34+ {p.cd34_dose} ×10^6/kg", True))  # fmt: skip
    if not products:
        steps.append(Step(None, "", "Raccolta", "da eseguire", False))
    steps.append(Step(case.conditioning_start, _day(case, case.conditioning_start), "Condizionamento",
                      f"{case.conditioning_regimen} {case.conditioning_intensity}".strip() or "da stabilire",
                      bool(case.conditioning_regimen)))  # fmt: skip
    steps.append(Step(case.day_zero, "0" if case.day_zero else "", "Giorno 0 (infusione)",
                      ", ".join(f"DIN {i.product.din}, {i.volume_ml} mL" for i in infusions) or "da eseguire",
                      bool(infusions)))  # fmt: skip
    steps.append(Step(engraftment.neutrophil_date, engraftment.neutrophil_label,
                      "Attecchimento neutrofilo", engraftment.neutrophil_status or "—",
                      engraftment.neutrophil_day is not None))  # fmt: skip
    steps.append(Step(engraftment.platelet_date, engraftment.platelet_label,
                      "Attecchimento piastrinico", engraftment.platelet_status or "—",
                      engraftment.platelet_day is not None))  # fmt: skip
    return CasePath(donors, products, infusions, counts, engraftment, steps, abo)


def conditioning_choices() -> list[tuple[int, str]]:
    """The validated regimens of the library a conditioning is chosen from: those of type
    conditioning (every validated one when the library has none)."""
    versions = prescribable_versions()
    conditioning = [v for v in versions if v.therapy_type == "conditioning"] or versions
    return [(v.pk, f"{v.regimen.code} — {v.name}") for v in conditioning]


__all__ = ["AboMismatch", "CasePath", "Step", "case_path", "conditioning_choices"]

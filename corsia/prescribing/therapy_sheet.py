"""The printed therapy sheet of an order: the context of the documents module's
``therapy_sheet`` template (title, sections of label/value rows and tables, notes).

Everything the pharmacist needs to verify the order without the screen: the patient's
measures with the formulas and intermediate values, every line with its calculated and
final dose, each deviation with its reason, the state history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from corsia.core.actors import User
from corsia.core.domain.clinical_format import dose_text, duration_text, number_text, rate_text
from corsia.prescribing.domain.infusion import carrier_of, rate_ml_h
from corsia.prescribing.domain.order_lines import display_unit
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.regimens.domain.spec import INTENT_LABELS_IT, ROUTE_LABELS_IT, Intent, Route


def _num(value: Decimal | None, places: int = 2) -> str:
    return number_text(value, places=places)


def _infusion(item: OrderItem) -> str:
    """ ", 2 h (125 mL/h)": the duration and, when the carrier's volume is written, the rate."""
    if not item.duration_minutes:
        return ""
    carrier = carrier_of(item.preparation)
    rate = rate_ml_h(carrier.volume_ml if carrier else None, item.duration_minutes)
    text = f", {duration_text(item.duration_minutes)}"
    return f"{text} ({rate_text(rate)})" if rate is not None else text


def _person(user: User | None) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.username)


def _label(labels: dict[Any, str], enum: Any, value: str) -> str:
    try:
        return labels[enum(value)]
    except ValueError:
        return value


def sheet_context(order: TherapyOrder) -> dict[str, Any]:
    version = order.regimen_version
    general = [
        {
            "label": "Schema",
            "value": f"{version.regimen.code} — {version.name} (v{version.number})",
        },
        {"label": "Ciclo / linea", "value": f"{order.cycle_number} / {order.line}"},
        {"label": "Finalità", "value": _label(INTENT_LABELS_IT, Intent, order.intent)},
        {"label": "Inizio del ciclo", "value": order.start_date.strftime("%d/%m/%Y")},
        {
            "label": "Diagnosi",
            "value": f"{order.diagnosis.code} {order.diagnosis.label}" if order.diagnosis else "—",
        },
        {"label": "Reparto", "value": order.ward.name if order.ward else "—"},
        {"label": "Codice registro AIFA", "value": order.aifa_registry_code or "—"},
        {"label": "Prescrittore", "value": _person(order.prescriber)},
        {"label": "Confermata da", "value": _person(order.confirmed_by)},
        {"label": "Validata da", "value": _person(order.validated_by)},
    ]
    body = [
        {"label": "Sesso / età", "value": f"{order.sex} / {_num(order.age_years, 0)} anni"},
        {"label": "Altezza", "value": f"{_num(order.height_cm, 1)} cm"},
        {"label": "Peso", "value": f"{_num(order.weight_kg, 1)} kg"},
        {
            "label": f"Superficie corporea ({order.bsa_formula.capitalize()})",
            "value": f"{_num(order.bsa_m2)} m²",
        },
        {"label": "BMI", "value": f"{_num(order.bmi)} kg/m²"},
        {"label": "Peso ideale (Devine)", "value": f"{_num(order.ideal_weight_kg, 1)} kg"},
        {"label": "Peso per il dosaggio", "value": f"{_num(order.dosing_weight_kg, 1)} kg"},
        {
            "label": "Creatinina / CrCl (Cockcroft–Gault)",
            "value": f"{_num(order.serum_creatinine_mg_dl)} mg/dL / "
            f"{_num(order.creatinine_clearance_ml_min, 1)} mL/min",
        },
        {"label": "Misure del", "value": order.measures_taken_at.strftime("%d/%m/%Y %H:%M")},
    ]
    rows = []
    for item in order.items.select_related("ingredient").order_by("day_of_cycle", "sequence"):
        deviation = []
        if item.reduction_percent:
            deviation.append(f"−{_num(item.reduction_percent)} %")
        if item.deviation_reason:
            deviation.append(item.deviation_reason)
        if item.override_reason:
            deviation.append(f"limite superato: {item.override_reason}")
        if item.status != "active":
            deviation.append(f"{item.get_status_display()}: {item.status_reason}")
        if item.added:
            deviation.append("aggiunto allo schema")
        rows.append(
            [
                f"G{item.day_of_cycle} {item.scheduled_date:%d/%m}",
                str(item.sequence),
                item.ingredient.name_it,
                f"{_num(item.dose, 4)} {display_unit(item.dose_unit)}"
                + (f" — {item.weight_used_text}" if item.weight_used_text else ""),
                dose_text(item.calculated_dose, item.amount_unit, unrounded=item.unrounded_dose),
                dose_text(item.final_dose, item.amount_unit),
                _label(ROUTE_LABELS_IT, Route, item.route) + _infusion(item),
                item.preparation or "—",
                "; ".join(deviation) or "—",
            ]
        )
    history = [
        [
            t.at.strftime("%d/%m/%Y %H:%M"),
            _person(t.actor),
            f"{t.from_label} → {t.to_label}",
            t.reason,
        ]
        for t in order.transitions.select_related("actor")
    ]
    return {
        "title": f"Prescrizione di terapia — {version.regimen.code}, ciclo {order.cycle_number}",
        "subtitle": f"Prescrizione n. {order.pk}, versione {order.version}",
        "sections": [
            {"heading": "Dati generali", "rows": general},
            {"heading": "Parametri del paziente", "rows": body},
            {
                "heading": "Farmaci",
                "table": {
                    "columns": [
                        "Giorno",
                        "#",
                        "Farmaco",
                        "Dose da schema",
                        "Calcolata",
                        "Dose finale",
                        "Via, durata",
                        "Preparazione",
                        "Variazioni e motivi",
                    ],
                    "rows": rows,
                },
            },
            {
                "heading": "Formule e valori intermedi",
                "rows": [{"label": "Calcolo", "value": order.body_provenance}]
                + [{"label": "Politica", "value": line} for line in order.policy],
            },
            {
                "heading": "Storia della prescrizione",
                "table": {"columns": ["Quando", "Chi", "Stato", "Motivo"], "rows": history},
            },
        ],
        "notes": order.notes,
    }

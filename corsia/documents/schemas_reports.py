"""The context schema of the reports' PDF export (``corsia.reports``, issue 23 §22): one
template, ``report_export``, for every report (the pharmacy's extractions, the clinical
statistics), editable by the IT staff like the other prints. Its own context
(``layout=False``): the report's title, description, filters, the table (headers and
cells already written the Italian way: decimal comma, dd/mm/yyyy), the notes with the
totals and the chart as an SVG image. A version must print the title, the filters, every
header, every cell and every note (``required``): an edit cannot drop a figure.

An export of a report holding patient data is archived as a print naming its patients
(``reports/services/exports.py``); a pseudonymised extract or an aggregate is rendered
from the same template and not archived (it is no patient's document).
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table

CODE = "report_export"

REPORT: tuple[TemplateField, ...] = fields_table("""
hospital_name             | testo   | Nome dell'ospedale (impostazione CORSIA_HOSPITAL_NAME)
report                    | oggetto | Il report esportato
report.code               | testo   | Codice del report (es. pharmacy_waste)
report.title              | testo   | Titolo del report
report.description        | testo   | Che cosa conta il report e da dove legge
report.area               | testo   | Area del report (farmacia, statistiche cliniche, …)
report.filters            | lista   | I filtri applicati, nell'ordine
report.filters[].label    | testo   | Nome del filtro (Dal, Al, Reparto, …)
report.filters[].value    | testo   | Valore del filtro (date gg/mm/aaaa)
report.pseudonymised      | sì/no   | Estrazione pseudonimizzata (pazienti come codice, date al mese)
report.printed_at         | testo   | Data e ora dell'esportazione (gg/mm/aaaa hh:mm)
report.printed_by         | testo   | Chi esporta
report.columns            | lista   | Le colonne della tabella, nell'ordine
report.columns[].header   | testo   | Intestazione con l'unità (es. «Quantità (mg)»)
report.columns[].numeric  | sì/no   | Colonna di numeri (da allineare a destra)
report.columns[].source   | testo   | Da dove viene il valore (modulo e campo)
report.rows               | lista   | Le righe della tabella
report.rows[].cells       | lista   | Le celle della riga, nell'ordine delle colonne, già scritte (virgola decimale, gg/mm/aaaa)
report.row_count          | numero  | Numero di righe della tabella
report.notes              | lista   | Note e totali sotto la tabella (testi)
report.chart              | oggetto | Il grafico del report (vuoto se non ne ha)
report.chart.image        | testo   | Il grafico come immagine SVG (data URI: <img src="…">)
report.chart.title        | testo   | Titolo del grafico (testo alternativo dell'immagine)
""")

REPORT_REQUIRED = (
    "report.title",
    "report.filters[].label",
    "report.filters[].value",
    "report.columns[].header",
    "report.rows[].cells",
    "report.notes",
)

# A 1 x 1 SVG: the preview draws no real chart (the export passes the report's own).
_SAMPLE_CHART = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdp"
    "ZHRoPSIxIiBoZWlnaHQ9IjEiLz4="
)


def report_sample() -> dict[str, Any]:
    """Invented figures for the preview (no patient)."""
    return {
        "hospital_name": "Ospedale di esempio",
        "report": {
            "code": "pharmacy_waste",
            "title": "Sprechi e risparmi per medicinale",
            "description": "Residui riutilizzati e scaduti per medicinale nel periodo.",
            "area": "Farmacia",
            "filters": [
                {"label": "Dal", "value": "01/01/2026"},
                {"label": "Al", "value": "30/11/2026"},
            ],
            "pseudonymised": False,
            "printed_at": "05/12/2026 07:30",
            "printed_by": "Farmacista Esempio",
            "columns": [
                {"header": "Medicinale", "numeric": False, "source": "drugs"},
                {"header": "Sprecato (mg)", "numeric": True, "source": "compounding"},
                {"header": "Spreco (€)", "numeric": True, "source": "compounding"},
            ],
            "rows": [
                {"cells": ["Oxaliplatino 5 mg/mL 200 mg/40 mL", "130", "84,50"]},
                {"cells": ["Fluorouracile 50 mg/mL 1000 mg/20 mL", "2200", "6,16"]},
            ],
            "row_count": 2,
            "notes": ["Totale spreco: 90,66 €"],
            "chart": {"image": _SAMPLE_CHART, "title": "Spreco per medicinale"},
        },
    }


REPORT_SCHEMAS: dict[str, TemplateSchema] = {
    CODE: TemplateSchema(
        code=CODE,
        title="Esportazione PDF dei report",
        description=(
            "Ogni report (estrazioni della farmacia, statistiche cliniche) esportato in PDF: "
            "titolo, filtri, grafico, tabella e note con i totali. Archiviato come stampa "
            "quando il report contiene dati dei pazienti (non pseudonimizzati)."
        ),
        fields=REPORT,
        sample=report_sample(),
        layout=False,
        required=REPORT_REQUIRED,
    ),
}

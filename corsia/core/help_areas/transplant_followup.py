"""Help of the transplant follow-up's pages (issue 17)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

PAGES: dict[str, PageHelp] = {
    "transplant:followup": PageHelp(
        _("Follow-up del trapianto"),
        _(
            "Le visite di follow-up (stato e diario, esame obiettivo, esami, consulenze, "
            "conclusioni, immunosoppressore con il livello confrontato con l'intervallo "
            "bersaglio dell'ospedale, terapia, prossimo controllo), firmate dal medico e poi "
            "non modificabili (una visita firmata si corregge con una nuova bozza che la "
            "sostituisce, indicando il motivo); la GVHD acuta: si registrano le misure, stadi d'organo e grado "
            "MAGIC sono calcolati (si possono vedere prima di registrare); la GVHD cronica "
            "(NIH 2014); le cariche virali CMV ed EBV con la variazione in log10 (significativa "
            "da 0,5) e la soglia per la terapia pre-emptive; gli esiti a 100 giorni e a un "
            "anno e l'esportazione MED-A per il registro EBMT (CSV o JSON); la risposta della "
            "malattia, i consensi e gli eventi avversi (JACIE); le soglie della carica virale "
            "e gli intervalli bersaglio degli immunosoppressori dell'ospedale, che il medico "
            "modifica indicando il motivo."
        ),
    ),
}

# Actions of the follow-up page (forms posting to it), not pages of their own.
NOT_PAGES = frozenset(
    {
        "transplant:agvhd_assess",
        "transplant:cgvhd_assess",
        "transplant:visit_record",
        "transplant:visit_sign",
        "transplant:viral_load_record",
        "transplant:outcome_record",
        "transplant:meda_download",
        "transplant:visit_correct",
        "transplant:response_record",
        "transplant:consent_record",
        "transplant:adverse_event_record",
        "transplant:viral_threshold_set",
        "transplant:trough_target_add",
    }
)

"""Help of the transplant pathway's case pages (issue 17). The other parts of the pathway
add their own file (``transplant_<part>.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "transplant": PageHelp(
        _("Trapianto di cellule staminali"),
        _(
            "Il percorso del trapianto: presa in carico del ricevente, donatori e "
            "tipizzazione HLA, raccolta, condizionamento, infusione al giorno 0, "
            "attecchimento e follow-up."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "transplant:list": PageHelp(
        _("Trapianti dell'unità"),
        _(
            "I percorsi di trapianto aperti dei pazienti che puoi consultare, i più recenti "
            "prima, con lo stato e il giorno 0; il link mostra anche quelli chiusi o annullati."
        ),
    ),
    "transplant:patient": PageHelp(
        _("Trapianti del paziente"),
        _(
            "I percorsi di trapianto del paziente. Il medico lo prende in carico indicando il "
            "tipo (autologo o allogenico), la sorgente delle cellule e l'indicazione: un solo "
            "percorso aperto alla volta."
        ),
    ),
    "transplant:case": PageHelp(
        _("Trapianto"),
        _(
            "Il percorso del trapianto dalla presa in carico all'attecchimento: i dati del "
            "caso, le tappe fino al giorno 0, i giorni di attecchimento calcolati dalle conte. "
            "Ogni modifica usa la versione letta: se qualcun altro ha salvato prima, ricarica."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset({"transplant:open", "transplant:update", "transplant:cancel"})

"""Help of the galenic laboratory's pages (issue 18)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "galenics": PageHelp(
        _("Laboratorio galenico"),
        _(
            "Preparazioni magistrali e officinali secondo le Norme di Buona Preparazione "
            "(FU XII): formulario, foglio di lavorazione, pesate per lotto, controlli, "
            "etichetta, rilascio e dispensazione."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "galenics:index": PageHelp(
        _("Formulario e lotti"),
        _(
            "Le formule in vigore e le bozze, i lotti recenti e la ricerca dei lotti di un "
            "paziente (per cognome e nome, codice fiscale o MRN: preparati per lui o a lui "
            "dispensati). Il farmacista crea una formula in bozza e la pubblica: pubblicata "
            "non si modifica più, ogni cambiamento è una nuova versione. Un veicolo può "
            "essere «q.b.» (quanto basta) al volume o peso finale: non ha quantità, si pesa "
            "e si registra quanto usato."
        ),
    ),
    "galenics:formula": PageHelp(
        _("Formula galenica"),
        _(
            "Composizione per unità di lotto, metodo, controlli richiesti, stabilità e "
            "conservazione. Dalla versione pubblicata si apre un lotto indicando la quantità "
            "e il centro di costo: il foglio di lavorazione riporta le quantità calcolate."
        ),
    ),
    "galenics:batch": PageHelp(
        _("Lotto galenico"),
        _(
            "Per ogni componente si registra la quantità pesata e il lotto (in giacenza, non "
            "scaduto, della materia prima giusta); fuori tolleranza si ripesa. Registrati i "
            "controlli, chi ha preparato dichiara il lotto preparato; un altro farmacista lo "
            "rilascia: le materie prime sono scaricate dal magazzino e l'etichetta riporta "
            "la data limite d'uso (la minore fra stabilità e scadenze dei lotti). Un "
            "controllo non conforme, o un altro motivo scritto, porta il farmacista a "
            "respingere il lotto: non si modifica più, non si rilascia né si dispensa, e le "
            "materie prime già pesate sono scaricate dal magazzino a scarto."
        ),
    ),
}

# The form posts of the pages above (each answers with a redirect to its page).
NOT_PAGES: frozenset[str] = frozenset(
    {
        "galenics:formula_create",
        "galenics:formula_publish",
        "galenics:formula_version",
        "galenics:batch_open",
        "galenics:weigh",
        "galenics:qc",
        "galenics:prepared",
        "galenics:release",
        "galenics:reject",
        "galenics:dispense",
        "galenics:label_pdf",  # the released batch's label, a PDF download
    }
)

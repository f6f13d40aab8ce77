"""Help of telemedicine's pages (issue 25): televisits and teleconsultations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "telemedicine": PageHelp(
        _("Telemedicina"),
        _(
            "Televisite con il paziente a casa e teleconsulti tra medici: programmazione "
            "sulla prenotazione in agenda, consenso, videochiamata, referto firmato."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "telemedicine:home": PageHelp(
        _("Televisite e teleconsulti"),
        _(
            "Le tue televisite e i teleconsulti da una settimana fa. Una televisita si "
            "programma sul numero di una prenotazione di visita o controllo in agenda: il "
            "paziente la trova nel portale del paziente. Un teleconsulto chiede a un altro "
            "medico un parere sul paziente, con una stanza video per i due."
        ),
    ),
    "telemedicine:visit": PageHelp(
        _("Televisita"),
        _(
            "Registra il consenso del paziente (chi lo esprime, il testo letto), poi apri la "
            "stanza: la videochiamata parte quando il paziente entra dal portale del "
            "paziente. Alla fine concludi la televisita (la stanza si chiude) e firma il "
            "referto, che va nei documenti del paziente."
        ),
    ),
    "telemedicine:portal_list": PageHelp(
        _("Le tue televisite"),
        _(
            "Le televisite che l'ospedale ha programmato per te, da una settimana fa: apri "
            "quella di oggi per entrare nella videochiamata con il medico."
        ),
    ),
    "telemedicine:portal_room": PageHelp(
        _("La tua televisita"),
        _(
            "La videochiamata con il medico. Consenti al browser l'uso di videocamera e "
            "microfono; se il medico non ha ancora aperto la stanza lascia aperta la pagina."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "telemedicine:schedule",
        "telemedicine:consultation_request",
        "telemedicine:consent",
        "telemedicine:open",
        "telemedicine:close",
        "telemedicine:cancel",
        "telemedicine:report",
        "telemedicine:answer",
        "telemedicine:signal",
        "telemedicine:portal_signal",
    }
)

"""Help of telemonitoring's pages (issue 25): the team's side and the patient's portal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "telemonitoring": PageHelp(
        _("Telemonitoraggio"),
        _(
            "I parametri vitali misurati a casa dal paziente (con dispositivi Bluetooth o "
            "scritti a mano), i diari dei sintomi durante i cicli e le allerte per il team."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "telemonitoring:alerts": PageHelp(
        _("Allerte del telemonitoraggio"),
        _(
            "Le allerte aperte dei pazienti che puoi consultare: prima le urgenti (febbre dopo "
            "chemioterapia, mucosite che impedisce di mangiare), poi le più vecchie. Apri il "
            "paziente per valutarle."
        ),
    ),
    "telemonitoring:patient": PageHelp(
        _("Telemonitoraggio del paziente"),
        _(
            "Le allerte da valutare (con il grado CTCAE da confermare nella scheda delle "
            "tossicità), l'andamento di ogni parametro con le soglie (grafico e tabella), le "
            "soglie del paziente e i diari dei sintomi programmati per ciclo."
        ),
    ),
    "telemonitoring:portal_home": PageHelp(
        _("I miei parametri"),
        _(
            "Le tue ultime misure, i valori insoliti da confermare, il diario di oggi e, se "
            "serve, cosa fare subito."
        ),
    ),
    "telemonitoring:portal_measure": PageHelp(
        _("Registra una misura"),
        _(
            "Collega un dispositivo Bluetooth (pressione, battito, saturimetro, termometro, "
            "bilancia) oppure scrivi i valori a mano."
        ),
    ),
    "telemonitoring:portal_confirm": PageHelp(
        _("Conferma il valore"),
        _(
            "Un valore insolito conta solo se lo confermi; se la misura era sbagliata, "
            "scartala e ripetila."
        ),
    ),
    "telemonitoring:portal_diary": PageHelp(
        _("Diario dei sintomi"),
        _(
            "Poche domande sulla giornata: febbre, intestino, bocca, nausea, dolore, "
            "stanchezza. Le risposte arrivano al team che ti segue."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "telemonitoring:threshold_set",
        "telemonitoring:diary_schedule",
        "telemonitoring:alert_close",
        "telemonitoring:portal_device",
    }
)

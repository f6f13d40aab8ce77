"""Help of the ward therapy's pages (corsia.therapy)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "therapy": PageHelp(
        _("Terapia di reparto"),
        _(
            "Le terapie non antiblastiche del reparto: il medico le prescrive e le firma, "
            "l'infermiere registra ogni dose al giro della terapia."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "therapy:index": PageHelp(
        _("Terapia di reparto"), _("Scegli il reparto per aprire il giro della terapia.")
    ),
    "therapy:round": PageHelp(
        _("Giro della terapia"),
        _(
            "Ogni dose del giorno per ora e letto, chemioterapia compresa. Scansiona la "
            "confezione e premi «Somministrata»: un farmaco diverso da quello prescritto è "
            "rifiutato. Se non la dai, indica il motivo. Le dosi al bisogno rispettano "
            "l'intervallo minimo e il massimo nelle 24 ore. Una registrazione sbagliata si "
            "corregge con il motivo: resta visibile nella storia della dose."
        ),
    ),
    "therapy:patient": PageHelp(
        _("Terapia di reparto del paziente"),
        _(
            "Le prescrizioni del paziente. Cerca il farmaco per principio attivo, nome "
            "commerciale o AIC; dose, via e frequenza; una dose oltre il massimo, "
            "un'allergia o un'interazione controindicata chiedono il motivo."
        ),
    ),
    "therapy:prescription": PageHelp(
        _("Prescrizione di reparto"),
        _(
            "La prescrizione firmata non si modifica: si sospende o si sostituisce con una "
            "nuova, con il motivo. Qui anche le dosi registrate."
        ),
    ),
    "therapy:cabinet": PageHelp(
        _("Armadio di reparto"),
        _(
            "Le giacenze dell'armadio del reparto: ogni dose somministrata scarica le sue "
            "unità, una correzione le restituisce. In evidenza i medicinali sotto la scorta "
            "minima e gli scarichi che non si sono potuti fare, da verificare in farmacia."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "therapy:prescribe",
        "therapy:suspend",
        "therapy:replace",
        "therapy:dose",
        "therapy:dose_correct",
        "therapy:cabinet_level",
        # the archived prints: PDF downloads (the old print addresses redirect to them)
        "therapy:round_print",
        "therapy:round_pdf",
        "therapy:prescription_print",
        "therapy:prescription_pdf",
    }
)

"""Help of the archive's pages: signed documents, print templates, the access log and data history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "documents": PageHelp(
        _("Documenti"),
        _(
            "I documenti stampati e firmati sono archiviati con la loro versione; una "
            "correzione è una nuova versione collegata alla precedente."
        ),
    ),
    "audit": PageHelp(
        _("Registro"),
        _("Chi ha letto o modificato quali dati, quando e da quale postazione."),
    ),
}

PAGES: dict[str, PageHelp] = {
    "documents:index": PageHelp(
        _("Archivio documenti"),
        _(
            "Cerca nell'archivio per paziente (MRN), tipo, modello, autore e periodo; ogni "
            "stampa riporta il modello e la versione usati e si apre in PDF."
        ),
    ),
    "documents:templates": PageHelp(
        _("Modelli di stampa"),
        _(
            "I modelli delle stampe archiviate (foglio di terapia, lettere cliniche): ognuno "
            "con i campi documentati; una nuova versione vale subito per le stampe successive."
        ),
    ),
    "documents:detail": PageHelp(
        _("Documento"),
        _(
            "Il documento con la sua versione, la firma digitale e l'impronta SHA-256 "
            "verificate; una versione sostituita lo dice."
        ),
    ),
    "documents:patient_list": PageHelp(
        _("Documenti del paziente"),
        _("Tutti i documenti archiviati del paziente, dal più recente; si aprono in PDF."),
    ),
    "documents:template_edit": PageHelp(
        _("Modello di stampa"),
        _(
            "Modifica il modello usando solo i campi elencati, guardane l'anteprima con i dati "
            "di esempio e salvalo come nuova versione (attiva subito); una versione si "
            "disattiva con un motivo."
        ),
    ),
    "documents:template_diff": PageHelp(
        _("Differenze del modello"),
        _(
            "Le righe tolte e aggiunte tra due versioni di un modello di stampa (v0 è il "
            "modello predefinito)."
        ),
    ),
    "audit:access_log": PageHelp(
        _("Registro degli accessi"),
        _(
            "Chi ha letto i dati di quale paziente, quando e da quale postazione; filtra per "
            "utente, paziente o periodo ed esporta in FHIR."
        ),
    ),
    "audit:history": PageHelp(
        _("Storia del dato"),
        _("Ogni modifica del dato, campo per campo, con chi l'ha fatta, quando e perché."),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "documents:pdf",
        "documents:template_activation",
        "audit:access_log_export",
    }
)

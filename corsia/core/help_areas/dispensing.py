"""Help of the direct distribution desk's pages (issue 19)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "dispensing": PageHelp(
        _("Distribuzione diretta"),
        _(
            "Il banco della farmacia che consegna i farmaci ai pazienti non ricoverati: primo "
            "ciclo alla dimissione (L. 405/2001), piani terapeutici, prescrizioni; ritira il "
            "paziente o un delegato con la delega. Ogni confezione consegnata si legge con lo "
            "scanner e viene scaricata dal magazzino."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "dispensing:desk": PageHelp(
        _("Banco di distribuzione diretta"),
        _(
            "Leggi con lo scanner il codice a barre della tessera sanitaria (porta il codice "
            "fiscale) o scrivi codice fiscale, STP/ENI o cognome e nome: con un codice che "
            "trova un solo paziente si apre subito la sua pagina. Sotto, le dispensazioni "
            "registrate oggi da questa postazione, con la ricevuta di ognuna."
        ),
    ),
    "dispensing:patient": PageHelp(
        _("Paziente al banco"),
        _(
            "I piani terapeutici con le unità ancora coperte, le deleghe al ritiro (valide "
            "oggi o no), le dispensazioni con i giorni coperti e la data della prossima, "
            "l'aderenza per farmaco (PDC, proporzione di giorni coperti dalla prima "
            "dispensazione a oggi). Da qui si registra una dispensazione, un piano o una "
            "delega. Dopo una dispensazione, in alto il pulsante stampa la ricevuta da far "
            "firmare a chi ritira: un PDF dal modello di stampa, archiviato a ogni stampa."
        ),
    ),
    "dispensing:dispense": PageHelp(
        _("Nuova dispensazione"),
        _(
            "Leggi la tessera sanitaria, scegli il tipo (dimissione, piano terapeutico, "
            "prescrizione), il prescrittore, il farmaco e le unità al giorno (con il piano "
            "valgono quelli del piano), chi ritira (con un delegato, la sua delega) e, se il "
            "farmaco è nel registro AIFA, il numero della scheda di dispensazione. Poi leggi "
            "ogni confezione consegnata nel campo del codice: Invio la aggiunge all'elenco, "
            "non conferma. I lotti suggeriti sono quelli che scadono prima. Conferma: se "
            "qualcosa non va (farmaco sbagliato, lotto scaduto, paziente diverso, delega "
            "mancante, piano superato...) il motivo compare sopra il modulo e non si scarica "
            "nulla; la confezione rifiutata è segnata nell'elenco."
        ),
    ),
    "dispensing:plan_create": PageHelp(
        _("Nuovo piano terapeutico"),
        _(
            "Il piano come l'ha scritto il prescrittore: farmaco, unità al giorno, validità "
            "(al massimo un anno) e, se indicate, le unità massime; altrimenti il piano copre "
            "le unità al giorno per i giorni di validità. Registrato, non si modifica: un "
            "piano nuovo lo sostituisce."
        ),
    ),
    "dispensing:delegation_create": PageHelp(
        _("Nuova delega al ritiro"),
        _(
            "La persona che il paziente delega a ritirare i farmaci: nome, codice fiscale, "
            "documento d'identità e validità (al massimo un anno). Il delegato non può essere "
            "il paziente."
        ),
    ),
}

# The fragment of the dispensing form (the FEFO lots), the patient page's buttons (each
# answers with a redirect to the patient's page) and the archived prints (PDF downloads;
# the receipt's old address redirects to its PDF): not pages.
NOT_PAGES: frozenset[str] = frozenset(
    {
        "dispensing:lots",
        "dispensing:plan_close",
        "dispensing:delegation_revoke",
        "dispensing:receipt",  # redirects to dispensing:receipt_pdf
        "dispensing:receipt_pdf",  # the receipt, a PDF download (archived)
        "dispensing:delivery_document_pdf",  # a ward request's delivery document (archived)
    }
)

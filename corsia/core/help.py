"""Contextual online help: a short Italian text for each page, keyed by URL name.

The header's «Aiuto» disclosure (templates/partials/help.html) shows the text of the page
being viewed: ``help_for(view_name)`` looks the page's URL name up here, then its
module's (the namespace before the colon), then a general text, so every page has help.
The texts are source strings in Italian, translated through gettext like the rest of the
interface; the step-by-step guide of each role is in docs/guide/.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_chart import CHART_PAGES
from corsia.core.help_loop import LOOP_PAGES
from corsia.core.help_text import PageHelp

__all__ = ["GENERAL", "MODULES", "NOT_PAGES", "PAGES", "PageHelp", "help_for"]


GENERAL = PageHelp(
    _("Corsia"),
    _(
        "Il menu in alto porta alle pagine del tuo ruolo. Ogni azione clinica chiede il "
        "motivo quando serve e resta nella storia del paziente: niente viene cancellato."
    ),
)

# The help of a module's pages that have no text of their own (error pages of a form,
# pages added later).
MODULES: dict[str, PageHelp] = {
    "accounts": PageHelp(
        _("Utenti e postazioni"),
        _(
            "Qui si gestiscono utenti, ruoli e postazioni. Un nuovo ruolo vale solo dopo "
            "l'approvazione di un secondo amministratore."
        ),
    ),
    "prescribing": PageHelp(
        _("Prescrizione"),
        _(
            "Le terapie si prescrivono dalla pagina «Terapie» del paziente, scegliendo uno "
            "schema validato; la prescrizione firmata va in farmacia."
        ),
    ),
    "compounding": PageHelp(
        _("Allestimento UFA"),
        _(
            "Dal piano di lavoro si apre ogni preparazione: scansione dei flaconi, pesata, "
            "rilascio del farmacista, check-out nel sacchetto del paziente."
        ),
    ),
    "administration": PageHelp(
        _("Somministrazione"),
        _(
            "Al letto si scansionano braccialetto, badge e sacca: Corsia confronta paziente, "
            "farmaco e orario prima di permettere l'infusione."
        ),
    ),
    "privacy": PageHelp(
        _("Accessi di emergenza"),
        _("La revisione degli accessi di emergenza (break-the-glass) ai pazienti."),
    ),
    "patients": PageHelp(
        _("Anagrafe pazienti"),
        _(
            "Cerca il paziente per cognome, codice fiscale, MRN o braccialetto; dalla sua "
            "pagina si aprono cartella, terapie e documenti."
        ),
    ),
    "interop": PageHelp(
        _("Interfaccia HL7"),
        _(
            "Corsia riceve da ADT e laboratorio pazienti, ricoveri ed esami: qui i sistemi "
            "informativi controllano i messaggi e rielaborano quelli in errore."
        ),
    ),
    "fse": PageHelp(
        _("Fascicolo Sanitario Elettronico"),
        _(
            "I documenti che Corsia invia al gateway FSE 2.0: validati, firmati e pubblicati; "
            "qui i sistemi informativi seguono gli errori e ritentano."
        ),
    ),
    "records": PageHelp(
        _("Cartella clinica"),
        _(
            "La cartella raccoglie diario, parametri vitali, anamnesi, diagnosi ed esami. "
            "Un'annotazione firmata non si modifica: si corregge con una nuova versione."
        ),
    ),
    "agenda": PageHelp(
        _("Agenda"),
        _(
            "Le agende del day hospital e degli ambulatori: la giornata per poltrona e letto, "
            "la settimana, le convocazioni. Ogni spostamento chiede il motivo."
        ),
    ),
    "toxicity": PageHelp(
        _("Tossicità"),
        _(
            "Le tossicità si registrano con i termini e i gradi NCI CTCAE v5.0; una "
            "registrazione errata si corregge o si annulla indicando il motivo."
        ),
    ),
    "regimens": PageHelp(
        _("Schemi di terapia"),
        _(
            "Ogni schema ha versioni; solo una versione validata da due medici diversi "
            "dall'autore si può prescrivere."
        ),
    ),
    "drugs": PageHelp(
        _("Archivio farmaci"),
        _(
            "Principi attivi, specialità e confezioni (AIC, ATC) con stabilità, flaconi e "
            "interazioni. Le importazioni aggiornano l'archivio per intero."
        ),
    ),
    "inventory": PageHelp(
        _("Magazzino"),
        _(
            "Giacenze per lotto e scadenza, carichi e movimenti. Ogni flacone usato in UFA "
            "scarica il suo lotto."
        ),
    ),
    "requirements": PageHelp(
        _("Fabbisogno UFA"),
        _(
            "Quanto serve per le preparazioni dei prossimi giorni, confrontato con le "
            "giacenze: la lista di prelievo si stampa da qui."
        ),
    ),
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
    # agenda
    "agenda:index": PageHelp(
        _("Agende"),
        _("Le agende dei reparti: scegli quella del tuo day hospital o ambulatorio."),
    ),
    "agenda:day": PageHelp(
        _("Giornata dell'agenda"),
        _(
            "Ogni riga è una poltrona o un letto, ogni blocco un accesso. Con Tab raggiungi un "
            "accesso; le frecce lo spostano di uno slot o di un posto e chiedono il motivo; "
            "Invio apre le azioni (conferma, arrivo, inizio, fine, annulla, blocca). Due "
            "pazienti sullo stesso posto alla stessa ora non sono mai accettati."
        ),
    ),
    "agenda:plan": PageHelp(
        _("Ottimizza la giornata"),
        _(
            "L'ottimizzatore propone posto, convocazione e inizio di ogni accesso che si può "
            "spostare, per chiudere la giornata prima e far attendere meno i pazienti; gli "
            "accessi iniziati o bloccati restano dove sono. Nulla cambia finché non premi "
            "«Applica» con il motivo: tutte le prenotazioni si spostano insieme o nessuna; se "
            "qualcuno ha cambiato la giornata nel frattempo, o il piano lascia fuori un "
            "paziente, il piano non si applica."
        ),
    ),
    "agenda:week": PageHelp(
        _("Settimana dell'agenda"),
        _("Gli accessi di ogni giorno della settimana, la capienza e gli infermieri in servizio."),
    ),
    "agenda:call_in": PageHelp(
        _("Convocazioni"),
        _(
            "L'elenco dei pazienti da convocare con l'ora di arrivo (prelievo compreso): si "
            "stampa o si esporta in CSV."
        ),
    ),
    "agenda:organisation": PageHelp(
        _("Organizzazione dell'agenda"),
        _(
            "Orari e turni per giorno della settimana, giorni di chiusura (con motivo) e "
            "infermieri in servizio. Un giorno con prenotazioni non si chiude: spostale prima."
        ),
    ),
    # accounts
    "accounts:login": PageHelp(
        _("Accesso"),
        _(
            "Entra con il nome utente e la password aziendali. Dopo alcuni tentativi errati "
            "l'accesso da questa postazione si blocca per qualche minuto."
        ),
    ),
    "accounts:password_change": PageHelp(
        _("Cambio password"),
        _(
            "Scrivi la password attuale e due volte la nuova; se la nuova è troppo corta o "
            "troppo semplice, la pagina spiega perché."
        ),
    ),
    "accounts:password_change_done": PageHelp(
        _("Password cambiata"),
        _("La password è cambiata: usa la nuova dal prossimo accesso."),
    ),
    "accounts:users": PageHelp(
        _("Utenti"),
        _(
            "Cerca un utente o crea un nuovo utente con «Nuovo utente». I ruoli chiesti "
            "attendono l'approvazione di un secondo amministratore."
        ),
    ),
    "accounts:user_create": PageHelp(
        _("Nuovo utente"),
        _(
            "Nome utente, nome, cognome, ruoli con il loro motivo e una password iniziale, "
            "che l'utente cambierà al primo accesso."
        ),
    ),
    "accounts:user_detail": PageHelp(
        _("Scheda utente"),
        _(
            "Ruoli attivi e in attesa di approvazione, disattivazione e nuova password. "
            "Chi ha chiesto un ruolo non può approvarlo."
        ),
    ),
    "accounts:workstations": PageHelp(
        _("Postazioni"),
        _(
            "Ogni postazione (PC, carrello, cappa) ha un nome e un indirizzo: il nome compare "
            "in ogni registrazione fatta da lì."
        ),
    ),
    "accounts:workstation_create": PageHelp(
        _("Nuova postazione"),
        _(
            "Nome, indirizzo di rete e tipo della postazione (PC, carrello, cappa): il nome "
            "compare in ogni registrazione fatta da lì."
        ),
    ),
    "accounts:workstation_edit": PageHelp(
        _("Postazione"),
        _("Cambia nome, indirizzo o tipo della postazione; le registrazioni passate restano."),
    ),
    **LOOP_PAGES,
    **CHART_PAGES,
    # toxicity
    "toxicity:patient": PageHelp(
        _("Tossicità"),
        _(
            "Cerca il termine CTCAE, scegli il grado e la data di inizio, indica i farmaci "
            "sospetti. La tossicità compare nella cartella e in farmacia."
        ),
    ),
    "toxicity:correct": PageHelp(
        _("Correzione della tossicità"),
        _(
            "Correggi la registrazione indicando il motivo, oppure annullala come inserita "
            "per errore: la versione precedente resta nella storia."
        ),
    ),
    "toxicity:extravasation_record": PageHelp(
        _("Stravaso"),
        _(
            "Registra uno stravaso: il farmaco, la sede e le azioni fatte; la procedura del "
            "farmaco è mostrata accanto."
        ),
    ),
    "toxicity:extravasation": PageHelp(
        _("Procedura di stravaso"),
        _(
            "Cosa fare subito per uno stravaso di questo farmaco, con l'antidoto o la misura "
            "specifica e la fonte; da qui si registra lo stravaso."
        ),
    ),
    # regimens
    "regimens:browse": PageHelp(
        _("Schemi di terapia"),
        _(
            "La libreria degli schemi con le loro versioni. Solo le versioni validate si "
            "possono prescrivere."
        ),
    ),
    "regimens:queue": PageHelp(
        _("Validazione schemi"),
        _(
            "Le versioni in attesa della tua validazione: controlla le differenze con la "
            "versione precedente prima di approvare."
        ),
    ),
    "regimens:new": PageHelp(
        _("Editor dello schema"),
        _(
            "Farmaci in sequenza con dose, via, diluente e giorni del ciclo. Una modifica crea "
            "una nuova versione da validare."
        ),
    ),
    "regimens:detail": PageHelp(
        _("Schema di terapia"),
        _(
            "Farmaci, dosi e giorni della versione, con il suo stato e chi l'ha validata; "
            "«Modifica» crea una nuova versione."
        ),
    ),
    "regimens:edit": PageHelp(
        _("Modifica dello schema"),
        _(
            "Ogni modifica crea una nuova versione, che va validata da due medici diversi "
            "dall'autore prima di poterla prescrivere."
        ),
    ),
    "regimens:diff": PageHelp(
        _("Differenze tra versioni"),
        _("Cosa cambia tra due versioni dello schema, campo per campo, prima e dopo."),
    ),
    "regimens:trials": PageHelp(
        _("Studi clinici"),
        _(
            "Gli studi clinici che puoi vedere, con gli schemi dei bracci e l'arruolamento. "
            "Il monitor vede solo i pazienti arruolati."
        ),
    ),
    "regimens:trial_new": PageHelp(
        _("Nuovo studio clinico"),
        _("Codice, titolo, promotore e gli schemi validati che lo studio usa come bracci."),
    ),
    "regimens:trial_detail": PageHelp(
        _("Studio clinico"),
        _(
            "Arruola un paziente con il codice soggetto, il braccio e la data del consenso "
            "informato; un ritiro chiede il motivo. Qui si assegnano anche i monitor."
        ),
    ),
    # drugs
    "drugs:search": PageHelp(
        _("Archivio farmaci"),
        _("Cerca per principio attivo, specialità, AIC o ATC."),
    ),
    "drugs:interactions": PageHelp(
        _("Interazioni"),
        _("Scegli due o più principi attivi per vedere le interazioni note e la loro gravità."),
    ),
    "drugs:ingredient": PageHelp(
        _("Principio attivo"),
        _(
            "Classe, rischio emetogeno, classe di stravaso, dosi massime (singola e "
            "cumulativa) e registri AIFA del principio attivo, con le sue specialità."
        ),
    ),
    "drugs:product": PageHelp(
        _("Specialità"),
        _(
            "Forma, dosaggio, ricostituzione, diluenti compatibili e stabilità della "
            "specialità, con le sue confezioni (AIC)."
        ),
    ),
    "drugs:import": PageHelp(
        _("Importazione dell'archivio"),
        _(
            "Carica il file dell'archivio farmaci: Corsia dice quante voci ha creato, "
            "aggiornato o lasciato invariate, e gli errori riga per riga."
        ),
    ),
    # inventory
    "inventory:stock": PageHelp(
        _("Magazzino"),
        _("Le giacenze per farmaco, lotto e scadenza."),
    ),
    "inventory:load": PageHelp(
        _("Carico di magazzino"),
        _("Scansiona la confezione o scrivi AIC, lotto, scadenza e quantità ricevuta."),
    ),
    "inventory:expiring": PageHelp(
        _("Lotti in scadenza"),
        _("I lotti che scadono entro i giorni scelti, con ubicazione e unità, da usare prima."),
    ),
    "inventory:movements": PageHelp(
        _("Movimenti di magazzino"),
        _("Carichi, scarichi e rese, filtrabili per medicinale, lotto, tipo e periodo."),
    ),
    "inventory:procurement": PageHelp(
        _("Consegne dal sistema acquisti"),
        _(
            "Carica il file CSV delle consegne (DDT) del sistema acquisti: ogni riga è "
            "abbinata a una confezione o segnalata; nulla entra in magazzino finché non "
            "confermi il carico. Un DDT già caricato è rifiutato."
        ),
    ),
    "inventory:consumption": PageHelp(
        _("Consumi"),
        _("Le unità scaricate e rese nel mese, con il loro valore, per centro di costo."),
    ),
    # documents
    "documents:index": PageHelp(
        _("Archivio documenti"),
        _("I documenti archiviati, con versione e firma; si aprono in PDF."),
    ),
    "documents:templates": PageHelp(
        _("Modelli di stampa"),
        _(
            "I modelli delle stampe (etichette, fogli di lavoro, lettere): una nuova versione "
            "vale dopo l'attivazione."
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
            "Modifica il modello e salvalo come nuova versione; vale per le stampe solo dopo "
            "l'attivazione."
        ),
    ),
    # audit
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
    # fse
    "fse:documents": PageHelp(
        _("Documenti FSE"),
        _(
            "I documenti inviati al Fascicolo Sanitario Elettronico con stato, tentativi ed "
            "errore. Filtra per «in errore» e apri il documento per leggere la risposta del "
            "gateway."
        ),
    ),
    "fse:document": PageHelp(
        _("Documento FSE"),
        _(
            "Lo stato, le impronte del CDA validato e del PDF firmato, la risposta del gateway e "
            "la storia di ogni passo. Un documento in errore si ritenta, con il motivo, dopo "
            "aver corretto la causa."
        ),
    ),
    # interop
    "interop:messages": PageHelp(
        _("Messaggi HL7"),
        _(
            "I messaggi ricevuti da ADT e laboratorio, dal più recente. Filtra per stato: "
            "«in errore» e «in attesa» sono quelli da guardare; aprine uno per leggerlo."
        ),
    ),
    "interop:message": PageHelp(
        _("Messaggio HL7"),
        _(
            "Il testo ricevuto, l'ACK inviato e l'esito. Un messaggio in errore o in attesa "
            "si rielabora, con il motivo, dopo aver corretto la causa (per esempio il reparto "
            "mancante)."
        ),
    ),
    "interop:outbound": PageHelp(
        _("Messaggio HL7 inviato"),
        _(
            "Il testo inviato, l'ACK del destinatario e i tentativi. Un messaggio fallito o "
            "scaduto si reinvia, con il motivo, dopo che il destinatario ha corretto la causa."
        ),
    ),
    "interop:subscribers": PageHelp(
        _("Destinatari dei messaggi HL7"),
        _(
            "I sistemi che ricevono le somministrazioni (RAS^O17) e le consegne dell'UFA "
            "(RDS^O13): indirizzo, porta, tipi di messaggio, attivo o no."
        ),
    ),
    "interop:subscriber": PageHelp(
        _("Destinatario HL7"),
        _(
            "Modifica indirizzo, porta e tipi di messaggio del destinatario, o disattivalo: "
            "i suoi messaggi restano in coda finché torna attivo."
        ),
    ),
}


# Named URLs that are not pages a user reads, so need no help of their own: form posts
# answered with a redirect, htmx fragments, PDFs and label files, exports. A new URL name
# is either a page with its text in PAGES or listed here (tests/core/test_help.py).
NOT_PAGES: frozenset[str] = frozenset(
    {
        "agenda:call_in_csv",
        "agenda:reminders",
        "agenda:book",
        "agenda:move",
        "agenda:transition",
        "agenda:lock",
        "agenda:plan_apply",
        "healthz",
        "set_language",
        "accounts:landing",
        "interop:replay",
        "fse:retry",
        "interop:resend",
        "accounts:logout",
        "accounts:user_roles",
        "accounts:user_deactivate",
        "accounts:user_reactivate",
        "accounts:user_password",
        "accounts:role_request_approve",
        "accounts:role_request_reject",
        "prescribing:measure",
        "prescribing:diagnosis_add",
        "prescribing:prior_dose_add",
        "prescribing:order_new",
        "prescribing:transition",
        "prescribing:reduce_all",
        "prescribing:recalculate",
        "prescribing:duplicate",
        "prescribing:general",
        "prescribing:sign",
        "prescribing:move_day",
        "prescribing:adjust",
        "prescribing:status",
        "prescribing:choose_product",
        "prescribing:reduction_preview",
        "compounding:workplan_rows",
        "compounding:scan_label",
        "compounding:session_open",
        "compounding:order_action",
        "compounding:preparation_action",
        "compounding:label_pdf",
        "compounding:label_zpl",
        "inventory:consumption_export",  # a CSV or JSON file for accounting
        "compounding:worksheet",
        "compounding:bag_label",
        "administration:pump_board",
        "administration:appointment",
        "administration:end",
        "administration:interrupt",
        "administration:pump",
        "administration:ward_label",
        "patients:mask",
        "patients:unmask",
        "patients:wristband_pdf",
        "patients:wristband_zpl",
        "patients:admit",
        "patients:encounter_discharge",
        "patients:encounter_transfer",
        "patients:encounter_cancel",
        "patients:consent_add",
        "patients:consent_revoke",
        "patients:allergy_add",
        "patients:no_known_allergies",
        "patients:allergy_refute",
        "patients:allergy_inactivate",
        "records:diary_sign",
        "records:ward_round",
        "records:vitals_record",
        "records:anamnesis_note",
        "records:performance_status",
        "records:line_start",
        "records:line_close",
        "records:line_orders",
        "records:plan_item",
        "records:home_therapy",
        "records:home_therapy_stop",
        "records:appointment",
        "records:appointment_cancel",
        "records:letter_sign",
        "records:letter_correct",
        "records:board_sign",
        "toxicity:terms",
        "toxicity:term_grades",
        "toxicity:error",
        "regimens:editor_check",
        "regimens:approve",
        "regimens:export",
        "regimens:trial_enrol",
        "regimens:trial_withdraw",
        "regimens:trial_monitor_assign",
        "regimens:trial_monitor_revoke",
        "documents:pdf",
        "documents:template_activation",
        "audit:access_log_export",
        "patients:break_glass",
        "patients:ward_staff_end",
        "patients:unmerge",
        "privacy:break_glass_review",
    }
)


def help_for(view_name: str | None) -> PageHelp:
    """The help of the page named ``view_name`` (e.g. ``"prescribing:order"``), else of
    its module, else the general one."""
    if not view_name:
        return GENERAL
    if view_name in PAGES:
        return PAGES[view_name]
    return MODULES.get(view_name.split(":", 1)[0], GENERAL)


# --- ward therapy (corsia.therapy, issue 16 §13): its own block for an easy merge ---
from corsia.core.help_therapy import (  # noqa: E402
    THERAPY_MODULE,
    THERAPY_NOT_PAGES,
    THERAPY_PAGES,
)

MODULES["therapy"] = THERAPY_MODULE
PAGES.update(THERAPY_PAGES)
NOT_PAGES = NOT_PAGES | THERAPY_NOT_PAGES

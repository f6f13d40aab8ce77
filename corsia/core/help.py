"""Contextual online help: a short Italian text for each page, keyed by URL name.

The header's «Aiuto» disclosure (templates/partials/help.html) shows the text of the page
being viewed: ``help_for(view_name)`` looks the page's URL name up here, then its
module's (the namespace before the colon), then a general text, so every page has help.
The texts are source strings in Italian, translated through gettext like the rest of the
interface; the step-by-step guide of each role is in docs/guide/.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PageHelp:
    title: str | Promise  # what the page is for, in a few words
    text: str | Promise  # what to do on it, two or three sentences


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
    "patients": PageHelp(
        _("Anagrafe pazienti"),
        _(
            "Cerca il paziente per cognome, codice fiscale, MRN o braccialetto; dalla sua "
            "pagina si aprono cartella, terapie e documenti."
        ),
    ),
    "records": PageHelp(
        _("Cartella clinica"),
        _(
            "La cartella raccoglie diario, parametri vitali, anamnesi, diagnosi ed esami. "
            "Un'annotazione firmata non si modifica: si corregge con una nuova versione."
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
    # prescribing
    "prescribing:worklist": PageHelp(
        _("Prescrizioni"),
        _(
            "Le prescrizioni di oggi e dei prossimi giorni. Per un nuovo ciclo apri "
            "«Pazienti», cerca il paziente e scegli «Terapie»."
        ),
    ),
    "prescribing:patient": PageHelp(
        _("Terapie del paziente"),
        _(
            "Controlla peso, altezza e superficie corporea (aggiornale con «Registra misure»), "
            "poi scegli lo schema validato e premi «Prescrivi»."
        ),
    ),
    "prescribing:order": PageHelp(
        _("Prescrizione"),
        _(
            "Controlla le dosi calcolate; una riduzione chiede la percentuale e il motivo. "
            "Poi firma la prescrizione e inviala in farmacia."
        ),
    ),
    "prescribing:pharmacy": PageHelp(
        _("Coda della farmacia"),
        _(
            "Le prescrizioni inviate in farmacia, per giorno. Apri una prescrizione per "
            "prenderla in carico e validarla."
        ),
    ),
    # compounding
    "compounding:workplan": PageHelp(
        _("Piano di lavoro UFA"),
        _(
            "Le preparazioni del giorno con il loro stato. Scansiona l'etichetta di una "
            "preparazione o aprila dalla riga per allestirla."
        ),
    ),
    "compounding:order": PageHelp(
        _("Validazione farmaceutica"),
        _(
            "Controlla paziente, dosi, riduzioni e interazioni, poi valida: le preparazioni "
            "entrano nel piano di lavoro della cappa."
        ),
    ),
    "compounding:preparation": PageHelp(
        _("Preparazione"),
        _(
            "Scansiona ogni flacone (lotto e scadenza dal codice), pesa la sacca: Corsia "
            "confronta il peso con quello atteso. Il farmacista rilascia la preparazione."
        ),
    ),
    "compounding:vials": PageHelp(
        _("Piano flaconi"),
        _(
            "I flaconi da aprire per le preparazioni del giorno, scelti per ridurre gli "
            "sprechi, con i residui ancora stabili."
        ),
    ),
    "compounding:leftovers": PageHelp(
        _("Residui"),
        _(
            "I flaconi aperti non finiti, con la scadenza del residuo: vanno usati prima di "
            "aprirne di nuovi."
        ),
    ),
    "compounding:exposures": PageHelp(
        _("Registro esposizioni"),
        _(
            "Chi ha manipolato quali chemioterapici e per quanto tempo, per la sorveglianza "
            "sanitaria degli operatori."
        ),
    ),
    "compounding:checkout": PageHelp(
        _("Check-out"),
        _(
            "Scansiona le preparazioni rilasciate da mettere nel sacchetto del paziente; "
            "Corsia rifiuta quelle di un altro paziente."
        ),
    ),
    "compounding:checkout_done": PageHelp(
        _("Sacchetto paziente"),
        _(
            "Il sacchetto chiuso con il suo documento di consegna: stampa l'etichetta e "
            "affidalo al trasporto."
        ),
    ),
    # administration
    "administration:worklist": PageHelp(
        _("Somministrazioni"),
        _(
            "Le terapie del giorno nel tuo reparto, paziente per paziente. Premi "
            "«Somministra (scansione)» per somministrare al letto."
        ),
    ),
    "administration:bedside": PageHelp(
        _("Somministrazione al letto"),
        _(
            "Scansiona il braccialetto del paziente, il tuo badge e la sacca. Se qualcosa non "
            "corrisponde Corsia lo dice e non avvia l'infusione."
        ),
    ),
    "administration:patient_today": PageHelp(
        _("Terapia di oggi"),
        _("Le sacche del paziente per oggi, nell'ordine dello schema, con il loro stato."),
    ),
    "administration:detail": PageHelp(
        _("Somministrazione"),
        _(
            "L'infusione in corso: registra la fine con il volume infuso, oppure "
            "un'interruzione con il motivo."
        ),
    ),
    "administration:pumps": PageHelp(
        _("Pompe infusionali"),
        _("Lo stato delle pompe collegate e i loro allarmi, aggiornati di continuo."),
    ),
    # patients
    "patients:search": PageHelp(
        _("Pazienti"),
        _(
            "Scrivi cognome e nome, codice fiscale, STP/ENI, MRN o scansiona il braccialetto "
            "e premi Invio: un codice univoco apre subito il paziente."
        ),
    ),
    "patients:detail": PageHelp(
        _("Paziente"),
        _(
            "Dati anagrafici, ricovero, consensi e allergie. Da qui si aprono la cartella "
            "clinica, le terapie e i documenti del paziente."
        ),
    ),
    "patients:create": PageHelp(
        _("Nuovo paziente"),
        _(
            "Il codice fiscale viene controllato con i dati anagrafici; per uno straniero "
            "senza codice fiscale usa il codice STP o ENI."
        ),
    ),
    "patients:merge": PageHelp(
        _("Unisci pazienti"),
        _(
            "Unisce un doppione al paziente giusto: la storia del doppione passa a lui. "
            "Serve il motivo."
        ),
    ),
    # records
    "records:search": PageHelp(
        _("Cartella clinica"),
        _("Cerca il paziente per aprire la sua cartella clinica."),
    ),
    "records:chart": PageHelp(
        _("Cartella clinica"),
        _(
            "Il diario con i parametri vitali e gli eventi degli altri moduli. Il giro visita "
            "si firma dal modulo in pagina; anamnesi, diagnosi ed esami hanno pagine loro."
        ),
    ),
    "records:anamnesis": PageHelp(
        _("Anamnesi"),
        _(
            "Anamnesi familiare, patologica remota e prossima; ogni firma crea una nuova "
            "versione, le precedenti restano leggibili."
        ),
    ),
    "records:diagnosis": PageHelp(
        _("Diagnosi"),
        _("Diagnosi con codice ICD-9-CM, stadio e performance status (ECOG)."),
    ),
    "records:labs": PageHelp(
        _("Esami di laboratorio"),
        _(
            "Gli esami del paziente con i valori fuori norma segnalati; la creatinina serve "
            "al calcolo della clearance per i farmaci che la richiedono."
        ),
    ),
    "records:reports": PageHelp(
        _("Referti"),
        _(
            "Anatomia patologica, diagnostica per immagini e consulenze: scegli il tipo, la "
            "data dell'esame e chi ha refertato, scrivi le conclusioni e firma. Un errore si "
            "corregge con una nuova versione e il suo motivo."
        ),
    ),
    # toxicity
    "toxicity:patient": PageHelp(
        _("Tossicità"),
        _(
            "Cerca il termine CTCAE, scegli il grado e la data di inizio, indica i farmaci "
            "sospetti. La tossicità compare nella cartella e in farmacia."
        ),
    ),
    "toxicity:extravasation_record": PageHelp(
        _("Stravaso"),
        _(
            "Registra uno stravaso: il farmaco, la sede e le azioni fatte; la procedura del "
            "farmaco è mostrata accanto."
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
    # drugs
    "drugs:search": PageHelp(
        _("Archivio farmaci"),
        _("Cerca per principio attivo, specialità, AIC o ATC."),
    ),
    "drugs:interactions": PageHelp(
        _("Interazioni"),
        _("Scegli due o più principi attivi per vedere le interazioni note e la loro gravità."),
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
    # audit
    "audit:access_log": PageHelp(
        _("Registro degli accessi"),
        _(
            "Chi ha letto i dati di quale paziente, quando e da quale postazione; filtra per "
            "utente, paziente o periodo ed esporta in FHIR."
        ),
    ),
}


def help_for(view_name: str | None) -> PageHelp:
    """The help of the page named ``view_name`` (e.g. ``"prescribing:order"``), else of
    its module, else the general one."""
    if not view_name:
        return GENERAL
    if view_name in PAGES:
        return PAGES[view_name]
    return MODULES.get(view_name.split(":", 1)[0], GENERAL)

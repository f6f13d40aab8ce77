"""Help of the patient's pages: registry and medical record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

CHART_PAGES: dict[str, PageHelp] = {
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
    "patients:merges": PageHelp(
        _("Unioni di pazienti"),
        _(
            "Le unioni di pazienti, a mano o dall'anagrafe (A40), con i dati spostati in ogni "
            "modulo. Un'unione sbagliata si annulla con il motivo: tornano al duplicato "
            "esattamente i dati spostati."
        ),
    ),
    "patients:update": PageHelp(
        _("Modifica anagrafica"),
        _(
            "Correggi i dati anagrafici del paziente; il codice fiscale viene ricontrollato e "
            "ogni modifica resta nella sua storia."
        ),
    ),
    "patients:ward_staff": PageHelp(
        _("Personale dei reparti"),
        _(
            "Assegna medici, infermieri e coordinatori ai reparti: con l'ambito di cura per "
            "reparto vedono i pazienti dei loro reparti. Terminare un'assegnazione chiede il "
            "motivo; tutto resta nel registro."
        ),
    ),
    "privacy:break_glass": PageHelp(
        _("Accessi di emergenza"),
        _(
            "Gli accessi a pazienti fuori dal proprio ambito di cura, con motivo e categoria. "
            "Rivedi ciascuno: giustificato o no, con una nota che resta nel registro."
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
    "records:diagnosis_edit": PageHelp(
        _("Modifica la diagnosi"),
        _(
            "Correggi sede, istotipo, stadio o biomarcatori; se un collega l'ha modificata nel "
            "frattempo, Corsia lo dice e non sovrascrive."
        ),
    ),
    "records:report_correct": PageHelp(
        _("Correzione del referto"),
        _(
            "Un referto firmato non si modifica: riscrivilo corretto e indica il motivo; la "
            "versione precedente resta leggibile, segnata come sostituita."
        ),
    ),
    "records:diary_correct": PageHelp(
        _("Correzione del diario"),
        _(
            "Un'annotazione firmata non si modifica: scrivi la correzione e il motivo, "
            "l'originale resta leggibile accanto."
        ),
    ),
    "records:staging": PageHelp(
        _("Stadiazione"),
        _(
            "Scegli il sistema (TNM 8ª edizione, FIGO, Ann Arbor/Lugano, ISS, ...) e inserisci i "
            "dati: Corsia calcola il gruppo di stadio, che compare in testa alla cartella."
        ),
    ),
    "records:scores": PageHelp(
        _("Punteggi prognostici"),
        _(
            "Scegli il punteggio (IPI, MIPI, IPSS-R, ...) e inserisci i dati richiesti; il valore e "
            "il gruppo di rischio si calcolano con il riferimento citato."
        ),
    ),
    "records:course": PageHelp(
        _("Percorso di cura"),
        _(
            "Le linee di terapia con cicli e rivalutazioni, il piano, le terapie domiciliari e "
            "gli appuntamenti. Una nuova linea si apre dal modulo in pagina."
        ),
    ),
    "records:evaluation": PageHelp(
        _("Rivalutazione"),
        _(
            "Misura le lesioni target (RECIST 1.1) o indica il Deauville (Lugano 2014): "
            "Corsia confronta con il basale e propone la risposta da firmare."
        ),
    ),
    "records:letters": PageHelp(
        _("Lettere e referti"),
        _(
            "Scegli il tipo di documento e il periodo: la bozza si prepara dai dati della "
            "cartella, la completi e la firmi."
        ),
    ),
    "records:letter": PageHelp(
        _("Lettera"),
        _(
            "Controlla la bozza preparata dalla cartella, scrivi il testo libero e firma: il "
            "PDF firmato va in archivio. Una correzione crea una nuova versione."
        ),
    ),
    "records:boards": PageHelp(
        _("Riunioni multidisciplinari"),
        _(
            "Le riunioni del gruppo oncologico sul paziente; registra una nuova riunione con "
            "quesito, partecipanti e decisione."
        ),
    ),
    "records:board": PageHelp(
        _("Riunione multidisciplinare"),
        _(
            "Completa caso, partecipanti e decisione, poi firma: il verbale firmato in PDF va "
            "nei documenti del paziente."
        ),
    ),
}

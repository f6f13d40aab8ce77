"""Help of the patient's pages: registry, medical record, toxicities, emergency access."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
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
}

PAGES: dict[str, PageHelp] = {
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
            "Dati anagrafici, ricovero, consensi, allergie e risultati farmacogenomici (DPYD, "
            "TPMT, NUDT15, UGT1A1: avvisano alla prescrizione). Da qui si aprono la cartella "
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

NOT_PAGES: frozenset[str] = frozenset(
    {
        "patients:mask",
        "patients:unmask",
        "patients:wristband_pdf",  # redirects to records:wristband_pdf
        "patients:wristband_zpl",
        "records:wristband_pdf",  # the wristband, a PDF download (archived)
        "records:stay_diary_pdf",
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
        "patients:pgx_add",
        "patients:pgx_in_error",
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
        "patients:break_glass",
        "patients:ward_staff_end",
        "patients:unmerge",
        "privacy:break_glass_review",
    }
)

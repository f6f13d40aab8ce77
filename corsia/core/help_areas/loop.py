"""Help of the closed loop's pages: prescribing, compounding, requirements, administration."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
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
    "requirements": PageHelp(
        _("Fabbisogno UFA"),
        _(
            "Quanto serve per le preparazioni dei prossimi giorni, confrontato con le "
            "giacenze: la lista di prelievo si stampa da qui."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
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
    "prescribing:aifa_monitoring": PageHelp(
        _("Prescrizioni sotto registro AIFA"),
        _(
            "Le prescrizioni di farmaci soggetti a registro di monitoraggio AIFA per la loro "
            "indicazione: paziente, farmaco, numero della scheda di richiesta e stato. Dopo "
            "aver compilato la scheda di dispensazione sul portale AIFA, registrala qui."
        ),
    ),
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
            "Scansiona il flacone: lotto e scadenza si leggono dal codice. Il peso da "
            "raggiungere è indicato prima della pesata; dopo la pesata Corsia propone la "
            "preparazione successiva. Il farmacista rilascia la preparazione."
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
    "requirements:page": PageHelp(
        _("Fabbisogno UFA"),
        _(
            "Quanto serve per le preparazioni dei prossimi giorni, farmaco per farmaco, "
            "confrontato con le giacenze: la lista di prelievo si stampa da qui."
        ),
    ),
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
            "Scansiona una volta il braccialetto del paziente e il tuo badge, poi ogni sacca "
            "nell'ordine indicato. Se qualcosa non corrisponde Corsia lo dice e non avvia "
            "l'infusione."
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
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "prescribing:measure",
        "prescribing:aifa_dispensing",
        "prescribing:regulatory_override",
        "prescribing:regulatory_document",
        "prescribing:diagnosis_add",
        "prescribing:prior_dose_add",
        "prescribing:order_new",
        "prescribing:transition",
        "prescribing:reduce_all",
        "prescribing:recalculate",
        "prescribing:duplicate",
        "prescribing:general",
        "prescribing:sign",
        "prescribing:pgx_apply",
        "prescribing:pgx_acknowledge",
        "prescribing:order_interactions_ack",
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
        "compounding:worksheet",
        "compounding:bag_label",
        "administration:pump_board",
        "administration:appointment",
        "administration:end",
        "administration:interrupt",
        "administration:pump",
        "administration:ward_label",
    }
)

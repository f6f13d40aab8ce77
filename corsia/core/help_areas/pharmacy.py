"""Help of the pharmacy's reference pages: drug archive, stock, therapy regimens and trials."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
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
}

PAGES: dict[str, PageHelp] = {
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
    "drugs:compounding": PageHelp(
        _("Dati di allestimento"),
        _(
            "I medicinali allestiti in farmacia con i dati di allestimento che mancano "
            "(densità, ricostituzione, diluenti, concentrazioni, stabilità, luce, filtro) e "
            "quanti medicinali mancano di ciascun dato. Il filtro mostra solo gli incompleti; "
            "il farmacista conferma i dati dalla scheda del medicinale."
        ),
    ),
    "drugs:import": PageHelp(
        _("Importazione dell'archivio"),
        _(
            "Carica il file dell'archivio farmaci: Corsia dice quante voci ha creato, "
            "aggiornato o lasciato invariate, e gli errori riga per riga."
        ),
    ),
    "drugs:archive_imports": PageHelp(
        _("Aggiornamenti AIFA dell'archivio"),
        _(
            "Carica una lista AIFA (classe A o H, trasparenza, medicinali carenti) o trova "
            "quelle scaricate ogni mattina: Corsia le confronta con l'archivio e propone le "
            "modifiche, che restano in attesa della tua revisione."
        ),
    ),
    "drugs:archive_import": PageHelp(
        _("Revisione di un aggiornamento AIFA"),
        _(
            "Nuove confezioni, confezioni ritirate, prezzi, classi, titolari, gruppi di "
            "equivalenza e carenze proposti dal file. Filtra per tipo, approva o rifiuta le "
            "singole modifiche (il rifiuto chiede il motivo) o approva tutto, poi applica: "
            "ogni campo cambiato ricorda il file, la sua data e l'aggiornamento."
        ),
    ),
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
    "inventory:requests": PageHelp(
        _("Richieste dei reparti"),
        _(
            "Le richieste di farmaci alla farmacia dei reparti a cui sei assegnato (la "
            "farmacia le vede tutte), le più recenti per prime, con il loro stato."
        ),
    ),
    "inventory:request_new": PageHelp(
        _("Nuova richiesta alla farmacia"),
        _(
            "Nominale (un paziente per riga) o per la scorta dell'armadio, urgente o "
            "ordinaria. Per la scorta puoi partire dalla proposta di reintegro: scorta "
            "ottimale meno giacenza utilizzabile meno quanto è già in arrivo."
        ),
    ),
    "inventory:request_queue": PageHelp(
        _("Coda della farmacia"),
        _(
            "Le richieste dei reparti da valutare, da prelevare e da consegnare; prima le "
            "urgenti, poi le più vecchie."
        ),
    ),
    "inventory:request": PageHelp(
        _("Richiesta di reparto"),
        _(
            "Righe, decisioni del farmacista, unità prelevate e ricevute, passaggi con chi e "
            "quando. Il reparto annulla con il motivo una richiesta non ancora valutata."
        ),
    ),
    "inventory:request_evaluate": PageHelp(
        _("Valutazione della richiesta"),
        _(
            "Decidi ogni riga: approva, modifica la quantità, rifiuta o sostituisci con un "
            "equivalente; ogni decisione diversa dall'approvazione vuole il motivo."
        ),
    ),
    "inventory:request_pick": PageHelp(
        _("Prelievo della richiesta"),
        _(
            "Leggi ogni confezione: una confezione di un altro farmaco, scaduta o oltre le "
            "unità approvate è rifiutata. Un prelievo incompleto si chiude con il motivo."
        ),
    ),
    "inventory:request_receive": PageHelp(
        _("Ricevimento della consegna"),
        _(
            "Leggi ogni confezione arrivata, controlla i conteggi per riga e scrivi il "
            "motivo di ogni differenza dalla consegna."
        ),
    ),
    "inventory:ward_stock": PageHelp(
        _("Armadi di reparto"),
        _(
            "Per ogni armadio di reparto: unità utilizzabili, scadute e in scadenza, "
            "livello di scorta e cosa va reintegrato."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "inventory:consumption_export",  # a CSV or JSON file for accounting
        "inventory:request_document",  # redirects to dispensing:delivery_document_pdf
        "drugs:archive_decide",  # the review page's buttons (POST, then back to the page)
        "drugs:archive_approve",
        "drugs:archive_reject",
        "drugs:archive_apply",
        "regimens:editor_check",
        "regimens:approve",
        "regimens:export",
        "regimens:trial_enrol",
        "regimens:trial_withdraw",
        "regimens:trial_monitor_assign",
        "regimens:trial_monitor_revoke",
        "drugs:product_compounding_verify",  # the pharmacist's confirmation, a form post
    }
)

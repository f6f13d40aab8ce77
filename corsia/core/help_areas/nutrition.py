"""Help of the parenteral nutrition pages (issue 18)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "nutrition": PageHelp(
        _("Nutrizione parenterale"),
        _(
            "Il calcolo delle sacche di nutrizione parenterale per adulti, bambini e neonati, "
            "con il catalogo dei componenti, i limiti per kg e le curve calcio-fosfato "
            "mantenuti dalla Farmacia."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "nutrition:calculator": PageHelp(
        _("Calcolo della nutrizione parenterale"),
        _(
            "Indica peso, età, via e i componenti (in mL, g, mmol, mEq, fiale o per kg): la "
            "pagina mostra volume, calorie, rapporto calorie non proteiche/azoto, velocità di "
            "infusione del glucosio, osmolarità e compatibilità calcio-fosfato con le loro "
            "formule, e ogni avviso o blocco. Non salva nulla."
        ),
    ),
}

PAGES |= {
    "nutrition:patient": PageHelp(
        _("Nutrizione parenterale del paziente"),
        _(
            "Le prescrizioni di nutrizione parenterale del paziente e una nuova bozza: i "
            "componenti (o uno schema di reparto), la via, le ore di infusione e il giorno. Il "
            "peso è il più recente della cartella: se manca o è più vecchio del limite "
            "impostato la bozza è rifiutata."
        ),
    ),
    "nutrition:order": PageHelp(
        _("Prescrizione di nutrizione parenterale"),
        _(
            "La sacca con i valori calcolati e i controlli. Il medico firma (i blocchi "
            "impediscono la firma, gli avvisi chiedono un motivo); un farmacista diverso dal "
            "prescrittore valida o respinge con un motivo; poi l'allestimento, con la scheda "
            "delle aggiunte, il CSV per il compounder e l'etichetta con il codice a barre "
            "della sacca. L'allestimento si registra con il controllo gravimetrico: peso lordo "
            "della sacca piena e tara della sacca vuota; il peso netto si confronta con la "
            "somma di volume × densità dei componenti (densità della Farmacia) e fuori "
            "tolleranza la sacca non risulta allestita, ma la pesata resta registrata. Dopo "
            "la firma la prescrizione non si modifica più: si annulla con un motivo."
        ),
    ),
    "nutrition:work_plan": PageHelp(
        _("Piano di lavoro NPT"),
        _(
            "Le nutrizioni parenterali validate del giorno, ciascuna con la scheda di "
            "allestimento (fosfato prima del calcio, lipidi per ultimi), il CSV per il "
            "compounder e il contenuto dell'etichetta (composizione, velocità in mL/h, "
            "scadenza, codice a barre). La sacca allestita si consegna al reparto "
            "scansionandone l'etichetta: una sacca scaduta o non allestita è rifiutata."
        ),
    ),
    "nutrition:bedside": PageHelp(
        _("Avvio della nutrizione parenterale al letto"),
        _(
            "Le sacche allestite del paziente. Scansiona il braccialetto del paziente e "
            "l'etichetta della sacca e indica la velocità impostata sulla pompa, che deve "
            "essere quella dell'etichetta (entro la tolleranza): l'avvio è rifiutato se il "
            "braccialetto o la sacca sono di un altro paziente, se la lettura non è valida, se "
            "la sacca non è allestita, non è stata consegnata dalla Farmacia o è scaduta, o se "
            "la velocità della pompa non è quella dell'etichetta; le scansioni restano "
            "registrate anche quando l'avvio è rifiutato. A fine infusione registra l'ora, il "
            "volume infuso e, se la sacca è stata interrotta prima, il motivo."
        ),
    ),
}

PAGES |= {
    "nutrition:order_edit": PageHelp(
        _("Modifica della bozza di nutrizione parenterale"),
        _(
            "La bozza con i suoi componenti, la via, le ore di infusione e il giorno: "
            "salvando, calcoli e controlli si ripetono come per una nuova bozza e il peso è "
            "di nuovo quello più recente della cartella. Solo una bozza si modifica: dopo la "
            "firma si annulla con un motivo. Se un altro l'ha cambiata nel frattempo, la "
            "modifica è rifiutata e nulla è salvato."
        ),
    ),
    "nutrition:templates": PageHelp(
        _("Schemi di reparto della nutrizione parenterale"),
        _(
            "Gli schemi di nutrizione parenterale di ogni reparto: un nuovo schema (stesso "
            "reparto e stesso nome: lo schema si aggiorna), il ritiro di uno schema con un "
            "motivo (resta nello storico, non si usa più). Dalla pagina del paziente uno "
            "schema attivo precompila una nuova bozza."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "nutrition:label_pdf",  # the bag's label, a PDF download
        "nutrition:label_zpl",  # the same label for a thermal printer
        "nutrition:template_new",  # posted from the templates page
        "nutrition:template_retire",
        "nutrition:bedside_end",  # posted from the bedside page
        "nutrition:compounder_csv",  # a CSV download
        "nutrition:order_csv",
        # the acts: forms posted from the order's page (its help covers them)
        "nutrition:order_new",
        "nutrition:order_sign",
        "nutrition:order_validate",
        "nutrition:order_reject",
        "nutrition:order_prepare",
        "nutrition:bedside_start",  # posted from the bedside page
        "nutrition:check_out",  # posted from the work plan
        "nutrition:order_cancel",
    }
)

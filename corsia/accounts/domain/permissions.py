"""The named (non-model) permissions of Corsia, declared once: ``roles`` grants them to the
roles, ``accounts.services.roles_sync`` writes them into the database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PermissionSpec:
    app_label: str
    codename: str
    name: str

    @property
    def full(self) -> str:
        return f"{self.app_label}.{self.codename}"


# Custom (non-model) permissions, declared once. Apps add theirs in this table.
PERMISSIONS: tuple[PermissionSpec, ...] = (
    PermissionSpec("accounts", "manage_users", "Gestire utenti e ruoli"),
    PermissionSpec("accounts", "manage_workstations", "Gestire le postazioni"),
    PermissionSpec(
        "accounts", "approve_roles", "Approvare l'assegnazione di ruoli chiesta da un altro"
    ),
    PermissionSpec("audit", "view_accesslog", "Consultare il registro degli accessi"),
    PermissionSpec("audit", "view_history", "Consultare la storia delle modifiche"),
    PermissionSpec("audit", "verify_chain", "Verificare la catena di integrità dell'audit"),
    PermissionSpec("patients", "view_patient", "Consultare i dati dei pazienti"),
    PermissionSpec("patients", "change_patient", "Registrare e modificare pazienti"),
    PermissionSpec("patients", "merge_patient", "Unire pazienti duplicati"),
    PermissionSpec("patients", "unmerge_patient", "Annullare un'unione di pazienti"),
    PermissionSpec("patients", "mask_document", "Oscurare documenti su richiesta"),
    PermissionSpec("patients", "manage_encounter", "Gestire ricoveri e accessi"),
    PermissionSpec("patients", "record_consent", "Raccogliere i consensi"),
    PermissionSpec("patients", "print_wristband", "Stampare il braccialetto"),
    PermissionSpec("patients", "record_allergy", "Registrare e confutare le allergie"),
    PermissionSpec(
        "patients", "record_pgx_result", "Registrare i risultati farmacogenomici (DPYD, TPMT…)"
    ),
    PermissionSpec("patients", "assign_ward_staff", "Assegnare il personale ai reparti"),
    PermissionSpec(
        "patients", "review_break_glass", "Rivedere gli accessi di emergenza (break-the-glass)"
    ),
    PermissionSpec("regimens", "view_regimen", "Consultare la libreria degli schemi di terapia"),
    PermissionSpec("regimens", "manage_regimen", "Amministrare gli schemi di terapia"),
    PermissionSpec("regimens", "validate_regimen", "Validare gli schemi di terapia"),
    PermissionSpec("regimens", "view_trial", "Consultare gli studi clinici assegnati"),
    PermissionSpec("regimens", "view_all_trials", "Consultare tutti gli studi clinici"),
    PermissionSpec("regimens", "manage_trial", "Gestire studi clinici e arruolamenti"),
    PermissionSpec("drugs", "view_drug", "Consultare l'archivio farmaci"),
    PermissionSpec("drugs", "change_drug", "Modificare l'archivio farmaci"),
    PermissionSpec("drugs", "import_drugs", "Importare i dati farmaci da una banca dati esterna"),
    PermissionSpec(
        "drugs", "verify_compounding", "Confermare i dati di allestimento dei medicinali (RCP)"
    ),
    PermissionSpec(
        "drugs",
        "review_archive_import",
        "Rivedere, approvare e applicare gli aggiornamenti AIFA dell'archivio farmaci",
    ),
    PermissionSpec("prescribing", "preview_dose", "Calcolare l'anteprima delle dosi"),
    PermissionSpec("prescribing", "view_order", "Consultare le prescrizioni di terapia"),
    PermissionSpec("prescribing", "prescribe", "Prescrivere, modificare e confermare le terapie"),
    PermissionSpec("prescribing", "record_measurement", "Registrare peso, altezza ed esami"),
    PermissionSpec("administration", "view_pumps", "Consultare il cruscotto pompe"),
    PermissionSpec("administration", "program_pump", "Programmare una pompa infusionale"),
    PermissionSpec("administration", "manage_pumps", "Registrare le pompe infusionali del reparto"),
    PermissionSpec("documents", "view_document", "Consultare l'archivio dei documenti clinici"),
    PermissionSpec("documents", "create_document", "Archiviare e firmare documenti clinici"),
    PermissionSpec("documents", "manage_templates", "Gestire i modelli di stampa dei documenti"),
    PermissionSpec(
        "documents", "archive_print", "Archiviare le stampe non firmate (etichette, fogli UFA)"
    ),
    PermissionSpec("inventory", "view_stock", "Consultare le giacenze di farmacia e reparti"),
    PermissionSpec("inventory", "manage_stock", "Movimentare il magazzino"),
    PermissionSpec("inventory", "export_file_f", "Estrarre il File F per la Regione"),
    PermissionSpec(
        "inventory", "view_requirements", "Consultare fabbisogno e lista di prelievo della UFA"
    ),
    PermissionSpec("toxicity", "view_toxicity", "Consultare tossicità (CTCAE) e stravasi"),
    PermissionSpec("toxicity", "record_toxicity", "Registrare tossicità (CTCAE) e stravasi"),
    PermissionSpec("records", "view_chart", "Consultare la cartella clinica del paziente"),
    PermissionSpec("records", "write_diary", "Scrivere e firmare il diario clinico"),
    PermissionSpec("records", "record_vitals", "Registrare i parametri vitali"),
    PermissionSpec("records", "record_lab", "Registrare a mano gli esami di laboratorio"),
    PermissionSpec(
        "records", "sign_letter", "Firmare lettere di dimissione, referti e verbali GOM"
    ),
    PermissionSpec("interop", "view_messages", "Consultare i messaggi HL7 ricevuti"),
    PermissionSpec("interop", "replay_message", "Rielaborare i messaggi HL7 in errore o in attesa"),
    PermissionSpec(
        "interop", "manage_subscribers", "Configurare i destinatari dei messaggi HL7 inviati"
    ),
    PermissionSpec(
        "fse", "view_documents", "Consultare i documenti inviati al FSE e i loro errori"
    ),
    PermissionSpec("fse", "manage_documents", "Ritentare o eliminare documenti sul FSE"),
    PermissionSpec("fse", "publish_document", "Inviare documenti firmati al FSE"),
    PermissionSpec("compounding", "view_workplan", "Consultare il piano di lavoro della UFA"),
    PermissionSpec("compounding", "validate", "Validare e prendere in carico le terapie (UFA)"),
    PermissionSpec("compounding", "release", "Rilasciare le preparazioni (UFA)"),
    PermissionSpec("compounding", "prepare", "Allestire le preparazioni alla cappa (UFA)"),
    PermissionSpec("administration", "view_worklist", "Consultare le somministrazioni del reparto"),
    PermissionSpec(
        "administration", "schedule", "Pianificare l'orario e il posto delle somministrazioni"
    ),
    PermissionSpec(
        "administration", "administer", "Somministrare la terapia al letto del paziente"
    ),
    PermissionSpec(
        "administration",
        "cosign_intrathecal",
        "Somministrare o controfirmare (badge del medico) un farmaco per via intratecale",
    ),
    PermissionSpec("agenda", "view_agenda", "Consultare le agende, la giornata e le convocazioni"),
    PermissionSpec("agenda", "book", "Prenotare, spostare e annullare gli accessi in agenda"),
    PermissionSpec("agenda", "manage_agenda", "Organizzare le agende (orari, posti, chiusure)"),
    PermissionSpec("agenda", "plan_programme", "Proporre e confermare il programma di terapia"),
    PermissionSpec("agenda", "send_reminders", "Inviare i promemoria ai pazienti"),
    PermissionSpec("reports", "view_reports", "Consultare l'elenco dei report"),
    PermissionSpec("reports", "view_pharmacy_reports", "Eseguire le estrazioni di farmacia"),
    PermissionSpec("reports", "view_clinical_statistics", "Eseguire le statistiche cliniche"),
    PermissionSpec(
        "reports", "export_pseudonymised", "Estrarre dati pseudonimizzati per la ricerca"
    ),
)

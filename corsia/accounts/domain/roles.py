"""The roles of Corsia and the named permissions each one holds.

A role is a Django group of the same code; its permissions are granted here, once (the
named permissions are declared in ``permissions``), and synchronised into the database by
``accounts.services.roles_sync``. Permission names follow ``app.action_model``. The landing page is the role's worklist.
"""

from __future__ import annotations

from corsia.accounts.domain import permissions as _declared
from corsia.accounts.domain.permissions import PermissionSpec
from corsia.core.domain.codes import LabelledCode

# The declared permissions; the modules' tables below extend them.
PERMISSIONS: tuple[PermissionSpec, ...] = _declared.PERMISSIONS


class Role(LabelledCode):
    PHYSICIAN = "physician", "Medico"
    PHARMACIST = "pharmacist", "Farmacista"
    TECHNICIAN = "technician", "Tecnico di laboratorio"
    NURSE = "nurse", "Infermiere"
    COORDINATOR = "coordinator", "Coordinatore"
    IT_STAFF = "it_staff", "Sistemi informativi"
    TRIAL_MONITOR = "trial_monitor", "Monitor studi clinici"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Amministratore"


ROLE_LABELS_IT: dict[Role, str] = Role.labels_it()


_CLINICAL_READ = {"patients.view_patient", "audit.view_history"}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PHYSICIAN: frozenset(
        _CLINICAL_READ
        | {
            "patients.change_patient",
            "patients.manage_encounter",
            "patients.record_consent",
            "patients.mask_document",
            "patients.print_wristband",
        }
    ),
    Role.PHARMACIST: frozenset(_CLINICAL_READ),
    Role.TECHNICIAN: frozenset({"patients.view_patient"}),
    Role.NURSE: frozenset(
        _CLINICAL_READ
        | {"patients.record_consent", "patients.print_wristband", "patients.manage_encounter"}
    ),
    Role.COORDINATOR: frozenset(
        _CLINICAL_READ
        | {
            "patients.change_patient",
            "patients.manage_encounter",
            "patients.record_consent",
            "patients.print_wristband",
            "patients.merge_patient",
            "patients.mask_document",
        }
    ),
    Role.IT_STAFF: frozenset(
        {"accounts.manage_users", "accounts.manage_workstations", "accounts.approve_roles"}
    ),
    Role.TRIAL_MONITOR: frozenset(),
    Role.AUDITOR: frozenset(
        {
            "audit.view_accesslog",
            "audit.view_history",
            "audit.verify_chain",
            "patients.view_patient",
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            "accounts.manage_users",
            "accounts.manage_workstations",
            "accounts.approve_roles",
            "audit.verify_chain",
        }
    ),
}

# Regimen library and clinical trials (corsia.regimens).
_REGIMEN_ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PHYSICIAN: frozenset(
        {"regimens.view_regimen", "regimens.validate_regimen", "regimens.view_trial"}
        | {"regimens.view_all_trials"}
    ),
    Role.PHARMACIST: frozenset(
        {"regimens.view_regimen", "regimens.validate_regimen", "regimens.manage_regimen"}
        | {"regimens.view_trial", "regimens.view_all_trials", "regimens.manage_trial"}
    ),
    Role.TECHNICIAN: frozenset({"regimens.view_regimen"}),
    Role.NURSE: frozenset({"regimens.view_regimen"}),
    # A monitor reads, never writes, and only the patients enrolled in their trials: the
    # read permissions below are narrowed to those patients by corsia.patients.scope.
    Role.TRIAL_MONITOR: frozenset(
        {"regimens.view_trial", "patients.view_patient", "records.view_chart"}
        | {"prescribing.view_order", "documents.view_document", "toxicity.view_toxicity"}
    ),
    Role.ADMINISTRATOR: frozenset(
        {"regimens.view_regimen", "regimens.manage_regimen", "regimens.view_trial"}
        | {"regimens.view_all_trials", "regimens.manage_trial"}
    ),
}
for _role, _names in _REGIMEN_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names
# Drug archive: every clinical role reads it; pharmacists (and administrators) maintain it.
_DRUGS_READ = {"drugs.view_drug"}
_DRUGS_MANAGE = {"drugs.view_drug", "drugs.change_drug", "drugs.import_drugs"}
for _role in (Role.PHYSICIAN, Role.TECHNICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _DRUGS_READ
for _role in (Role.PHARMACIST, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _DRUGS_MANAGE
# Confirming a product's compounding data against its SmPC is a pharmacist's act.
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {"drugs.verify_compounding"}
# AIFA updates of the archive (prices, classes, withdrawals, shortages) are reviewed and
# approved by a pharmacist: a clinical judgement, not an administrator's.
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {
    "drugs.review_archive_import"
}
# Dose preview (calculation only, nothing saved): every clinical role.
for _role in (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"prescribing.preview_dose"}
# Chemotherapy orders: every clinical role reads them; physicians prescribe; physicians
# and nurses record measures. Who fires each state change is the state machine's rule.
for _role in (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.TECHNICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"prescribing.view_order"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {
    "prescribing.prescribe",
    "prescribing.record_measurement",
}
ROLE_PERMISSIONS[Role.NURSE] = ROLE_PERMISSIONS[Role.NURSE] | {"prescribing.record_measurement"}
# Infusion pumps (corsia.administration): the ward sees them, nurses program them.
for _role in (Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"administration.view_pumps"}
ROLE_PERMISSIONS[Role.NURSE] = ROLE_PERMISSIONS[Role.NURSE] | {"administration.program_pump"}
for _role in (Role.COORDINATOR, Role.IT_STAFF, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"administration.manage_pumps"}
# Clinical document archive (corsia.documents): clinical roles read and archive (sign) their
# documents; pharmacists, IT staff and administrators maintain the print templates.
for _role in (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"documents.view_document"}
for _role in (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"documents.create_document"}
for _role in (Role.PHARMACIST, Role.IT_STAFF, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"documents.manage_templates"}
# Every print is archived (issue 23 §23): who prints the UFA's labels and worksheets without
# signing clinical documents archives them with this permission (the others hold
# create_document).
for _role in (Role.TECHNICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"documents.archive_print"}
# Stock (corsia.inventory): pharmacy and coordination read it; pharmacy moves it.
for _role in (Role.PHARMACIST, Role.TECHNICIAN, Role.COORDINATOR, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.view_stock"}
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.manage_stock"}
for _role in (Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.export_file_f"}
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.view_requirements"}
# Ward and clinic requests to the pharmacy (corsia.inventory, issue 19): the ward's care
# team requests and receives; the pharmacist evaluates; pharmacist and technician pick and
# deliver; the pharmacy and the coordinator set the cabinets' par levels.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("inventory", "view_ward_requests", "Consultare le richieste dei reparti"),
    PermissionSpec(
        "inventory", "request_ward_supplies", "Richiedere farmaci alla farmacia e riceverli"
    ),
    PermissionSpec("inventory", "evaluate_ward_request", "Valutare le richieste dei reparti"),
    PermissionSpec(
        "inventory", "pick_ward_request", "Prelevare e consegnare le richieste dei reparti"
    ),
    PermissionSpec(
        "inventory", "manage_par_levels", "Impostare i livelli di scorta degli armadi di reparto"
    ),
)
for _role in (Role.NURSE, Role.COORDINATOR, Role.PHYSICIAN, Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.view_ward_requests"}
for _role in (Role.NURSE, Role.COORDINATOR, Role.PHYSICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.request_ward_supplies"}
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {
    "inventory.evaluate_ward_request"
}
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.pick_ward_request"}
for _role in (Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.manage_par_levels"}
# Toxicity (corsia.toxicity): the care team reads it; physicians and nurses record it.
for _role in (Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"toxicity.view_toxicity"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"toxicity.record_toxicity"}
# Medical record (corsia.records): the care team reads the chart; physicians write the
# diary; physicians and nurses record vital signs. IT staff never read it.
for _role in (Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"records.view_chart"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"records.write_diary"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"records.record_vitals"}
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"records.record_lab"}
# Clinical letters and tumour boards: physicians sign them (drafting: records.write_diary).
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"records.sign_letter"}
# UFA / UMACA (corsia.compounding): pharmacists validate and release, technicians prepare.
for _role in (Role.PHARMACIST, Role.TECHNICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"compounding.view_workplan"}
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"compounding.prepare"}
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {
    "compounding.validate",
    "compounding.release",
}
# Bedside administration: the ward sees the day's administrations; nurses administer.
for _role in (Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"administration.view_worklist"}
ROLE_PERMISSIONS[Role.NURSE] = ROLE_PERMISSIONS[Role.NURSE] | {"administration.administer"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {
    "administration.cosign_intrathecal"
}
for _role in (Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"administration.schedule"}
# Allergies (corsia.patients): whoever takes the history records them (physicians, nurses,
# pharmacists at the medication reconciliation); the same people refute or inactivate them.
for _role in (Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"patients.record_allergy"}
# Pharmacogenomic results (corsia.patients): the physician who reads the laboratory's report
# records it (a DPYD result changes a fluoropyrimidine dose) and marks one entered in error.
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"patients.record_pgx_result"}
# HL7 interface (corsia.interop): IT staff watch the inbound messages and replay the ones
# in error or waiting. The interface's own account (not a role: nobody signs in with it)
# holds the clinical permissions the messages exercise (corsia.interop.services.account).
ROLE_PERMISSIONS[Role.IT_STAFF] = ROLE_PERMISSIONS[Role.IT_STAFF] | {
    "interop.view_messages",
    "interop.replay_message",
    "interop.manage_subscribers",
}
# FSE 2.0 (corsia.fse): IT staff watch what goes to the gateway, retry and delete; who signs
# a letter or report sends it (physicians).
ROLE_PERMISSIONS[Role.IT_STAFF] = ROLE_PERMISSIONS[Role.IT_STAFF] | {
    "fse.view_documents",
    "fse.manage_documents",
}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"fse.publish_document"}
# A merge undone (the registry's correction of a wrong A40, or a wrong merge by hand): who
# merges (the coordinator) and IT staff, who watch the ADT feed (corsia/patients/README.md).
for _role in (Role.COORDINATOR, Role.IT_STAFF):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"patients.unmerge_patient"}

# Four eyes on access (issue 26): granting any of these roles takes a reason and the
# approval of a second user manager — not the one who asked, not the user. Every role
# opens patient data, the audit trail or the accounts themselves, so every role is here.
ROLES_GRANTED_BY_TWO: frozenset[Role] = frozenset(Role)


def grant_needs_approval(before: frozenset[Role], after: frozenset[Role]) -> bool:
    """A change of roles that adds one of :data:`ROLES_GRANTED_BY_TWO` waits for approval;
    one that only removes roles takes effect at once (taking access away is never held)."""
    return bool((after - before) & ROLES_GRANTED_BY_TWO)


def approval_refusal(*, approver_id: int, requested_by_id: int, user_id: int) -> str | None:
    """Why ``approver_id`` may not approve this request (``None``: they may)."""
    if approver_id == requested_by_id:
        return "own_request"
    if approver_id == user_id:
        return "own_roles"
    return None


# Ward staff (corsia.patients.scope, the "care" scope): the coordinator assigns the ward's
# people, as IT staff and administrators do when accounts are set up; the auditor (the
# privacy officer's role) reviews every break-the-glass access.
for _role in (Role.COORDINATOR, Role.IT_STAFF, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"patients.assign_ward_staff"}
ROLE_PERMISSIONS[Role.AUDITOR] = ROLE_PERMISSIONS[Role.AUDITOR] | {"patients.review_break_glass"}


# Agenda (corsia.agenda): the care team and the pharmacy read the day; nurses, coordinators
# and physicians book; coordinators organise the agendas; physicians confirm a programme
# (its orders need prescribing.prescribe too); the day hospital's nurses send reminders.
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR, Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"agenda.view_agenda"}
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"agenda.book"}
for _role in (Role.COORDINATOR, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"agenda.manage_agenda"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"agenda.plan_programme"}
for _role in (Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"agenda.send_reminders"}


# --- issue 16, transfusion therapy (corsia.transfusion, s12/transfusion) ---
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("transfusion", "view_transfusion", "Consultare richieste e trasfusioni"),
    PermissionSpec("transfusion", "request_transfusion", "Richiedere emocomponenti"),
    PermissionSpec(
        "transfusion", "record_blood_group", "Registrare le determinazioni del gruppo sanguigno"
    ),
    PermissionSpec(
        "transfusion",
        "issue_blood_bag",
        "Assegnare sacche a una richiesta (servizio trasfusionale)",
    ),
    PermissionSpec("transfusion", "transfuse", "Eseguire il controllo al letto e la trasfusione"),
)
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"transfusion.view_transfusion"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {
    "transfusion.request_transfusion",
    "transfusion.record_blood_group",
    "transfusion.issue_blood_bag",
}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"transfusion.transfuse"}
# --- end of issue 16, transfusion therapy ---

# Where each role lands after login: a URL name (its worklist).
ROLE_LANDING: dict[Role, str] = {
    Role.PHYSICIAN: "prescribing:worklist",
    Role.PHARMACIST: "compounding:workplan",
    Role.TECHNICIAN: "compounding:workplan",
    Role.NURSE: "administration:worklist",
    Role.COORDINATOR: "patients:search",
    Role.IT_STAFF: "accounts:users",
    Role.TRIAL_MONITOR: "regimens:trials",
    Role.AUDITOR: "audit:access_log",
    Role.ADMINISTRATOR: "accounts:users",
}


def landing_for(roles: set[Role]) -> str | None:
    """The worklist of the first role in the order of :class:`Role`."""
    for role in Role:
        if role in roles:
            return ROLE_LANDING[role]
    return None


# Nursing record (corsia.nursing, issue 16 §20): the care team reads it; nurses and
# physicians assess with the scales and write it; the ward's coordinator and the
# administrators define the ward's own scales and care-plan templates.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("nursing", "view_nursing", "Consultare la cartella infermieristica"),
    PermissionSpec(
        "nursing", "record_nursing", "Scrivere la cartella infermieristica e valutare con le scale"
    ),
    PermissionSpec(
        "nursing", "manage_scales", "Definire le scale e i modelli di piano assistenziale"
    ),
)
for _role in (Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"nursing.view_nursing"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"nursing.record_nursing"}
for _role in (Role.COORDINATOR, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"nursing.manage_scales"}

# Ward therapy (corsia.therapy, issue 16 §13).
# The care team and the pharmacy read the ward's therapy; physicians prescribe it (signed
# as written); nurses record each dose of the round.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("therapy", "view_therapy", "Consultare la terapia di reparto e il giro"),
    PermissionSpec(
        "therapy", "prescribe", "Prescrivere, sospendere e sostituire la terapia di reparto"
    ),
    PermissionSpec(
        "therapy", "administer", "Registrare le somministrazioni della terapia di reparto"
    ),
)
for _role in (Role.PHYSICIAN, Role.NURSE, Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"therapy.view_therapy"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"therapy.prescribe"}
ROLE_PERMISSIONS[Role.NURSE] = ROLE_PERMISSIONS[Role.NURSE] | {"therapy.administer"}

# Venous access register (corsia.vascular, issues 16 and 17): the care team reads it;
# nurses and physicians (the PICC team among them) record insertions, care and removals.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("vascular", "view_vascular", "Consultare il registro degli accessi vascolari"),
    PermissionSpec(
        "vascular", "record_vascular", "Registrare impianti, gestione e rimozioni degli accessi"
    ),
)
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"vascular.view_vascular"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"vascular.record_vascular"}

# Telemonitoring (corsia.telemonitoring, issue 25): the care team reads the patients'
# home readings, diaries and alerts; physicians and nurses set thresholds and diaries,
# evaluate alerts (a physician or nurse grades the toxicity through corsia.toxicity).
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("telemonitoring", "view_telemonitoring", "Consultare il telemonitoraggio"),
    PermissionSpec(
        "telemonitoring", "manage_telemonitoring",
        "Impostare soglie e diari, valutare le allerte del telemonitoraggio",
    ),
)  # fmt: skip
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"telemonitoring.view_telemonitoring"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"telemonitoring.manage_telemonitoring"}

# Stem-cell transplant pathway (corsia.transplant, issue 17): the care team (the transplant
# coordinator among the nurses and coordinators) reads it; physicians and nurses record
# what was done (typing, collection, chain of custody, infusion, counts); physicians take
# the clinical decisions (taking in charge, the donor chosen, the conditioning).
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("transplant", "view_transplant", "Consultare il percorso di trapianto"),
    PermissionSpec(
        "transplant", "record_transplant",
        "Registrare tipizzazioni, raccolte, infusione e conte del trapianto",
    ),
    PermissionSpec(
        "transplant", "decide_transplant",
        "Prendere in carico per trapianto, scegliere il donatore e il condizionamento",
    ),
)  # fmt: skip
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"transplant.view_transplant"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"transplant.record_transplant"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {
    "transplant.decide_transplant"
}

# Correcting a dose record entered in error: its recorder (``administer``) or the ward's
# physician and coordinator; the ward's care team unloads its cabinet dose by dose; the
# pharmacy and the coordinator set the cabinet's reorder levels.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec(
        "therapy", "correct_dose", "Correggere una somministrazione registrata per errore"
    ),
    PermissionSpec("therapy", "manage_cabinet", "Impostare le scorte minime dell'armadio"),
    PermissionSpec("inventory", "move_ward_cabinet", "Scaricare e ricaricare l'armadio di reparto"),
)
for _role in (Role.PHYSICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"therapy.correct_dose"}
for _role in (Role.PHARMACIST, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"therapy.manage_cabinet"}
for _role in (Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"inventory.move_ward_cabinet"}

# Parenteral nutrition (corsia.nutrition, issue 18): prescribers and pharmacists compute a
# bag (the preview saves nothing).
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec(
        "nutrition", "preview_nutrition", "Calcolare la composizione di una nutrizione parenterale"
    ),
)
for _role in (Role.PHYSICIAN, Role.PHARMACIST):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"nutrition.preview_nutrition"}

# Galenic preparations (corsia.galenics, issue 18): the pharmacist keeps the formulary and
# checks and releases a batch (never one they prepared); technicians and pharmacists prepare
# and dispense.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("galenics", "view_galenics", "Consultare formulario e lotti galenici"),
    PermissionSpec("galenics", "manage_formulary", "Gestire il formulario galenico"),
    PermissionSpec("galenics", "prepare_galenics", "Preparare i lotti galenici"),
    PermissionSpec("galenics", "release_galenics", "Controllare e rilasciare i lotti galenici"),
    PermissionSpec("galenics", "dispense_galenics", "Dispensare le preparazioni galeniche"),
)
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {
        "galenics.view_galenics",
        "galenics.prepare_galenics",
        "galenics.dispense_galenics",
    }
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {
    "galenics.manage_formulary",
    "galenics.release_galenics",
}
# Saved nutrition orders: physicians prescribe and sign, pharmacists validate (never their
# own) and compound, nurses start the bag; the care team and the pharmacy read them.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec(
        "nutrition", "view_nutrition_order", "Consultare le nutrizioni parenterali prescritte"
    ),
    PermissionSpec("nutrition", "prescribe_nutrition", "Prescrivere una nutrizione parenterale"),
    PermissionSpec("nutrition", "validate_nutrition", "Validare una nutrizione parenterale"),
    PermissionSpec("nutrition", "prepare_nutrition", "Registrare l'allestimento di una NPT"),
    PermissionSpec("nutrition", "administer_nutrition", "Registrare l'avvio di una NPT"),
)
for _role in (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"nutrition.view_nutrition_order"}
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {
    "nutrition.prescribe_nutrition"
}
ROLE_PERMISSIONS[Role.PHARMACIST] = ROLE_PERMISSIONS[Role.PHARMACIST] | {
    "nutrition.validate_nutrition",
    "nutrition.prepare_nutrition",
}
ROLE_PERMISSIONS[Role.NURSE] = ROLE_PERMISSIONS[Role.NURSE] | {"nutrition.administer_nutrition"}
# Direct distribution (corsia.dispensing, issue 19): the pharmacy's desk (pharmacists and
# technicians) records plans, delegations and dispensings; physicians read them.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("dispensing", "view_dispensing", "Consultare la distribuzione diretta"),
    PermissionSpec("dispensing", "dispense", "Dispensare farmaci in distribuzione diretta"),
)
for _role in (Role.PHARMACIST, Role.TECHNICIAN, Role.PHYSICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"dispensing.view_dispensing"}
for _role in (Role.PHARMACIST, Role.TECHNICIAN):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"dispensing.dispense"}
# Reports (corsia.reports, issue 23): pharmacists run the pharmacy's extractions,
# physicians and coordinators the clinical statistics; research extracts are pseudonymised.
_REPORTS: dict[Role, frozenset[str]] = {
    Role.PHARMACIST: frozenset({"reports.view_pharmacy_reports", "reports.export_pseudonymised"}),
    Role.PHYSICIAN: frozenset({"reports.view_clinical_statistics", "reports.export_pseudonymised"}),
    Role.COORDINATOR: frozenset({"reports.view_clinical_statistics"}),
}
for _role, _names in _REPORTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names | {"reports.view_reports"}


# Telemedicine (corsia.telemedicine, issue 25): the care team sees the televisits;
# physicians and nurses schedule them, record consent and hold the room; the report is
# signed by the physician holding the televisit (checked by the service).
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("telemedicine", "view_televisit", "Consultare televisite e teleconsulti"),
    PermissionSpec(
        "telemedicine", "conduct_televisit",
        "Programmare e condurre televisite e teleconsulti, firmarne il referto",
    ),
)  # fmt: skip
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"telemedicine.view_televisit"}
for _role in (Role.PHYSICIAN, Role.NURSE):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"telemedicine.conduct_televisit"}
# The patient portal (corsia.portal, issue 25): the care team opens patients' accounts, reads
# and answers their messages (the worklist); physicians release documents to the patient.
PERMISSIONS = (
    *PERMISSIONS,
    PermissionSpec("portal", "manage_account", "Aprire e sospendere l'accesso al portale"),
    PermissionSpec("portal", "view_messages", "Leggere i messaggi dei pazienti (portale)"),
    PermissionSpec("portal", "reply_message", "Rispondere ai messaggi dei pazienti (portale)"),
    PermissionSpec("portal", "release_document", "Rendere un documento visibile al paziente"),
)
for _role in (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {
        "portal.manage_account",
        "portal.view_messages",
        "portal.reply_message",
    }
ROLE_PERMISSIONS[Role.PHYSICIAN] = ROLE_PERMISSIONS[Role.PHYSICIAN] | {"portal.release_document"}

"""The role-aware main menu: one table, filtered by the user's permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: str | None  # None: any authenticated user


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("prescribing:worklist", _("Prescrizioni"), "prescribing.prescribe"),
    NavItem("prescribing:pharmacy", _("Coda farmacia"), "prescribing.view_order"),
    NavItem("prescribing:aifa_monitoring", _("Registri AIFA"), "compounding.view_workplan"),
    NavItem("compounding:workplan", _("UFA"), "compounding.view_workplan"),
    NavItem("patients:search", _("Pazienti"), "patients.view_patient"),
    NavItem("records:search", _("Cartella clinica"), "records.view_chart"),
    NavItem("drugs:search", _("Farmaci"), "drugs.view_drug"),
    NavItem("audit:access_log", _("Registro accessi"), "audit.view_accesslog"),
    NavItem("privacy:break_glass", _("Accessi di emergenza"), "patients.review_break_glass"),
    NavItem("accounts:users", _("Utenti"), "accounts.manage_users"),
    NavItem("regimens:browse", _("Schemi di terapia"), "regimens.view_regimen"),
    NavItem("regimens:queue", _("Validazione schemi"), "regimens.validate_regimen"),
    NavItem("regimens:trials", _("Studi clinici"), "regimens.view_trial"),
    NavItem("administration:worklist", _("Somministrazioni"), "administration.view_worklist"),
    NavItem("administration:pumps", _("Pompe infusionali"), "administration.view_pumps"),
    NavItem("agenda:index", _("Agenda"), "agenda.view_agenda"),
    NavItem("accounts:workstations", _("Postazioni"), "accounts.manage_workstations"),
    NavItem("patients:ward_staff", _("Personale dei reparti"), "patients.assign_ward_staff"),
    NavItem("interop:messages", _("Messaggi HL7"), "interop.view_messages"),
    NavItem("fse:documents", _("Documenti FSE"), "fse.view_documents"),
    NavItem("patients:merges", _("Unioni di pazienti"), "patients.unmerge_patient"),
    NavItem("documents:index", _("Documenti"), "documents.view_document"),
    NavItem("documents:templates", _("Modelli di stampa"), "documents.manage_templates"),
    NavItem("inventory:stock", _("Magazzino"), "inventory.view_stock"),
    NavItem("requirements:page", _("Fabbisogno UFA"), "inventory.view_requirements"),
    # --- issue 16, transfusion therapy (s12/transfusion) ---
    NavItem("transfusion:worklist", _("Trasfusioni"), "transfusion.view_transfusion"),
)


def nav_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for item in NAV_ITEMS:
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "active": False})
    # the one entry whose address is the longest prefix of the page's is the current one
    # (/inventory/requirements/ is "Fabbisogno UFA", not also "Magazzino" at /inventory/)
    matching = [i for i in items if request.path.startswith(str(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(str(i["url"])))["active"] = True
    return items


# Nursing record (issue 16, §20): the catalogue of scales, for who defines the ward's own
# (the patient's nursing page opens from the chart).
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("nursing:scales", _("Scale di valutazione"), "nursing.manage_scales"),
    NavItem("nursing:care_templates", _("Modelli di piano assistenziale"), "nursing.manage_scales"),
)

# Ward therapy (corsia.therapy, issue 16 §13).
NAV_ITEMS = (*NAV_ITEMS, NavItem("therapy:index", _("Terapia di reparto"), "therapy.view_therapy"))

# Venous access register (corsia.vascular, issues 16 and 17): the ward's devices in place.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("vascular:list", _("Accessi vascolari"), "vascular.view_vascular"),
)

# Telemonitoring (corsia.telemonitoring, issue 25): the team's open alerts from home.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("telemonitoring:alerts", _("Telemonitoraggio"), "telemonitoring.view_telemonitoring"),
)

# Telemedicine (corsia.telemedicine, issue 25): televisits and teleconsultations.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("telemedicine:home", _("Telemedicina"), "telemedicine.view_televisit"),
)

# Parenteral nutrition (corsia.nutrition, issue 18): the calculator of a bag.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("nutrition:calculator", _("Nutrizione parenterale"), "nutrition.preview_nutrition"),
    NavItem("nutrition:work_plan", _("Piano di lavoro NPT"), "nutrition.validate_nutrition"),
)

# Stem-cell transplant pathway (corsia.transplant, issue 17): the unit's transplants.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("transplant:list", _("Trapianti"), "transplant.view_transplant"),
)

# Galenic preparations (corsia.galenics, issue 18): the formulary and the batches.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("galenics:index", _("Laboratorio galenico"), "galenics.view_galenics"),
)

# Ward and clinic requests to the pharmacy (corsia.inventory, issue 19).
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("inventory:requests", _("Richieste alla farmacia"), "inventory.view_ward_requests"),
)

# Direct distribution (corsia.dispensing, issue 19): the pharmacy's dispensing desk.
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("dispensing:desk", _("Distribuzione diretta"), "dispensing.view_dispensing"),
)

# Reports and statistics (corsia.reports, issue 23).
NAV_ITEMS = (
    *NAV_ITEMS,
    NavItem("reports:index", _("Report"), "reports.view_reports"),
)

from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from corsia.core.access import public
from corsia.core.views import healthz
from corsia.fhir.api import fhir_api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("fhir/", fhir_api.urls),  # FHIR R4, read-only (corsia/fhir/README.md)
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("regimens/", include("corsia.regimens.urls")),
    path("prescribing/", include("corsia.prescribing.urls")),
    path("drugs/", include("corsia.drugs.urls")),
    path("compounding/", include("corsia.compounding.urls")),
    path("administration/", include("corsia.administration.urls")),
    path("agenda/", include("corsia.agenda.urls")),
    path("telemedicine/", include("corsia.telemedicine.urls")),
    path("patients/", include("corsia.patients.urls")),
    path("audit/break-the-glass/", include("corsia.patients.urls_privacy")),
    path("audit/", include("corsia.audit.urls")),
    path("documents/", include("corsia.documents.urls")),
    # the UFA's requirements (compounding's page) keep their address beside the stock pages
    path("inventory/requirements/", include("corsia.compounding.requirements_urls")),
    path("inventory/", include("corsia.inventory.urls")),
    path("toxicity/", include("corsia.toxicity.urls")),
    # --- issue 16, transfusion therapy (s12/transfusion) ---
    path("transfusion/", include("corsia.transfusion.urls")),
    path("records/", include("corsia.records.urls")),
    path("interop/", include("corsia.interop.urls")),
    path("fse/", include("corsia.fse.urls")),
    path("therapy/", include("corsia.therapy.urls")),  # ward therapy (issue 16, §13)
    path("", include("corsia.accounts.urls")),
]
# Nursing record (issue 16, §20).
urlpatterns.insert(-1, path("nursing/", include("corsia.nursing.urls")))
# Venous access register (issues 16 and 17).
urlpatterns.insert(-1, path("vascular/", include("corsia.vascular.urls")))
urlpatterns.insert(-1, path("nutrition/", include("corsia.nutrition.urls")))
# Stem-cell transplant pathway (issue 17).
urlpatterns.insert(-1, path("transplant/", include("corsia.transplant.urls")))
# Galenic preparations (issue 18).
urlpatterns.insert(-1, path("galenics/", include("corsia.galenics.urls")))
# Direct distribution, the pharmacy's dispensing desk (issue 19).
urlpatterns.insert(-1, path("dispensing/", include("corsia.dispensing.urls")))
# Reports and statistics (issue 23).
urlpatterns.insert(-1, path("reports/", include("corsia.reports.urls")))

# The patient portal (issue 25): the patients' side, its own sign-in (corsia/portal).
urlpatterns.insert(-1, path("portale/", include("corsia.portal.urls")))
# Telemonitoring: home readings, symptom diaries, the team's alerts (issue 25).
urlpatterns.insert(-1, path("telemonitoraggio/", include("corsia.telemonitoring.urls")))

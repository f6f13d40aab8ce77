from django.urls import include, path

from config.api import api
from corsia.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regimens/", include("corsia.regimens.urls")),
    path("drugs/", include("corsia.drugs.urls")),
    path("administration/", include("corsia.administration.urls")),
    path("", include("corsia.accounts.urls")),
]

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from corsia.core.help import help_for
from corsia.core.navigation import nav_for


def corsia(request: HttpRequest) -> dict[str, Any]:
    return {
        "CORSIA_HOSPITAL_NAME": settings.CORSIA_HOSPITAL_NAME,
        "CORSIA_DEMO": settings.DEMO_MODE,
        "corsia_nav": nav_for(request),
        "corsia_help": help_for(getattr(request.resolver_match, "view_name", None)),
    }

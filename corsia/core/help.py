"""Contextual online help: a short Italian text for each page, keyed by URL name.

The header's «Aiuto» disclosure (templates/partials/help.html) shows the text of the page
being viewed: ``help_for(view_name)`` looks the page's URL name up here, then its
module's (the namespace before the colon), then a general text, so every page has help.
The texts live one file per area in ``corsia/core/help_areas/`` (how to add one: that
package's docstring), gathered here at import. They are source strings in Italian,
translated through gettext like the rest of the interface; the step-by-step guide of each
role is in docs/guide/.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from corsia.core import help_areas
from corsia.core.help_text import PageHelp

__all__ = ["GENERAL", "MODULES", "NOT_PAGES", "PAGES", "PageHelp", "help_for", "help_registry"]


GENERAL = PageHelp(
    _("Corsia"),
    _(
        "Il menu in alto porta alle pagine del tuo ruolo. Ogni azione clinica chiede il "
        "motivo quando serve e resta nella storia del paziente: niente viene cancellato."
    ),
)

# Named URLs of no module that are not pages: the probe and the language switch.
_CORE_NOT_PAGES = frozenset({"healthz", "set_language"})


def _areas() -> tuple[ModuleType, ...]:
    """Every module of ``corsia.core.help_areas``, by name."""
    return tuple(
        importlib.import_module(f"{help_areas.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(help_areas.__path__), key=lambda i: i.name)
    )


def help_registry(
    areas: Iterable[ModuleType],
) -> tuple[dict[str, PageHelp], dict[str, PageHelp], frozenset[str]]:
    """``(MODULES, PAGES, NOT_PAGES)`` gathered from the areas' own; a name given by two
    areas (or twice: a page that is also "not a page") is refused, never silently
    overwritten."""
    modules: dict[str, PageHelp] = {}
    pages: dict[str, PageHelp] = {}
    not_pages: set[str] = set(_CORE_NOT_PAGES)
    seen: dict[str, str] = dict.fromkeys(_CORE_NOT_PAGES, __name__)

    def claim(names: Iterable[str], area: str, kind: str) -> None:
        for name in names:
            key = f"{kind}:{name}" if kind == "module" else name
            if key in seen:
                raise ImproperlyConfigured(
                    f"Help: {name!r} is given by both {seen[key]} and {area}."
                )
            seen[key] = area

    for area in areas:
        own_modules: Mapping[str, PageHelp] = getattr(area, "MODULES", {})
        own_pages: Mapping[str, PageHelp] = getattr(area, "PAGES", {})
        own_not_pages: frozenset[str] = getattr(area, "NOT_PAGES", frozenset())
        claim(own_modules, area.__name__, "module")
        claim(own_pages, area.__name__, "page")
        claim(own_not_pages, area.__name__, "page")
        modules.update(own_modules)
        pages.update(own_pages)
        not_pages.update(own_not_pages)
    return modules, pages, frozenset(not_pages)


# MODULES: the help of a module's pages that have no text of their own (error pages of a
# form, pages added later). PAGES: each page's own. NOT_PAGES: named URLs that are not pages
# a user reads, so need no help of their own. A new URL name is either a page with its text
# in PAGES or listed in NOT_PAGES (tests/core/test_help.py).
MODULES, PAGES, NOT_PAGES = help_registry(_areas())


def help_for(view_name: str | None) -> PageHelp:
    """The help of the page named ``view_name`` (e.g. ``"prescribing:order"``), else of
    its module, else the general one."""
    if not view_name:
        return GENERAL
    if view_name in PAGES:
        return PAGES[view_name]
    return MODULES.get(view_name.split(":", 1)[0], GENERAL)

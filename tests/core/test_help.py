"""The contextual help registry: every page has a text, and the registry names only
pages that exist."""

from __future__ import annotations

from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from corsia.core.help import (
    GENERAL,
    MODULES,
    NOT_PAGES,
    PAGES,
    PageHelp,
    help_for,
    help_registry,
)


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:  # type: ignore[type-arg]  # resolver lists
        for p in patterns:
            if hasattr(p, "url_patterns"):
                inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace
                walk(p.url_patterns, inner or namespace)
            elif p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    # the API and the FHIR server: no pages
    return {name for name in names if not name.startswith(("api-v1:", "fhir:"))}


def test_every_page_in_the_registry_exists() -> None:
    # a renamed or removed page would leave its help behind, unseen
    assert set(PAGES) - _url_names() == set()
    assert {name.split(":", 1)[0] for name in PAGES} <= set(MODULES)


def test_every_page_has_its_own_text_and_only_what_is_not_a_page_has_none() -> None:
    # a new page falls back to its module's text unless it is given its own (the pages
    # rebuilt for the clinician's day had none: staging, course, letters, trials, ...)
    names = _url_names()
    assert names - set(PAGES) - NOT_PAGES == set()
    assert NOT_PAGES - names == set()  # a removed URL leaves no name behind
    assert NOT_PAGES.isdisjoint(PAGES)
    for name in ("records:staging", "records:course", "records:letters", "regimens:trials"):
        assert help_for(name) is PAGES[name]


def test_a_page_gets_its_own_text_else_its_module_s_else_the_general_one() -> None:
    assert help_for("prescribing:order") is PAGES["prescribing:order"]
    assert help_for("prescribing:duplicate") is MODULES["prescribing"]  # a form post
    assert help_for("set_language") is GENERAL
    assert help_for(None) is GENERAL


def test_the_help_is_italian_and_has_its_english_translation() -> None:
    page = PAGES["patients:search"]
    with translation.override("it"):
        assert str(page.title) == "Pazienti"
    with translation.override("en"):
        assert str(page.title) == "Patients"
        assert str(page.text).startswith("Type surname and name, codice fiscale")


def test_each_area_brings_its_own_file_and_a_name_given_twice_stops_the_start_up() -> None:
    # the agenda's texts come from its own file, found without being named anywhere
    assert "agenda:day" in PAGES and "agenda:book" in NOT_PAGES and "agenda" in MODULES
    text = PageHelp(_("Reparto"), _("Il reparto."))
    first, second = ModuleType("first"), ModuleType("second")
    first.PAGES = {"nursing:ward": text}  # type: ignore[attr-defined]  # an area's globals
    second.NOT_PAGES = frozenset({"nursing:ward"})  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="'nursing:ward' is given by both first and"):
        help_registry([first, second])
    second.NOT_PAGES = frozenset({"healthz"})  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="'healthz'"):
        help_registry([second])
    modules, pages, not_pages = help_registry([first])
    assert (modules, pages["nursing:ward"]) == ({}, text)
    assert not_pages == {"healthz", "set_language"}

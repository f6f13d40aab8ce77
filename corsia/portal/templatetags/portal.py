"""``{% load portal %}``: the portal's menu (the registry's entries) and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from corsia.portal.access import PortalPatient, portal_patient
from corsia.portal.registry import menu_entries

register = template.Library()


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: Any
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def portal_menu(context: template.Context) -> list[MenuLink]:
    request = context.get("request")
    path = getattr(request, "path", "")
    links: list[MenuLink] = []
    for entry in menu_entries():
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # a module's page not mounted in this deployment
            continue
        links.append(MenuLink(entry.key, entry.label, url, path.startswith(url)))
    return links


@register.simple_tag(takes_context=True)
def portal_signed_in(context: template.Context) -> PortalPatient | None:
    request = context.get("request")
    return None if request is None else portal_patient(request)

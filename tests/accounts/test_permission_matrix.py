"""The permission matrix: every page and API operation, every role.

Walks the whole URL map (through every ``include()``) and every operation of the
ninja API, so pages and endpoints added by any module are covered without editing
this file:

* every view and operation declares its access (``corsia.core.access``);
* for each role, as a user holding only that role: a declared permission the role
  lacks gives 403 and writes nothing to the audit tables; one it holds is not 403;
* anonymous: pages redirect to the login, API operations answer 401.

URL parameters are filled with ids that do not exist (999999, "x"): access is
decided before any lookup, so a denied role must get 403 whatever the id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pghistory.models
import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from config.api import api
from corsia.accounts import services
from corsia.accounts.domain.roles import ROLE_PERMISSIONS, Role
from corsia.core.access import AUTHENTICATED, PUBLIC, declared_permission
from corsia.testing.accounts import MakeUser, logged_in

# Views that django-ninja adds by itself to the API (not operations of ours): the
# OpenAPI schema and its docs page (for signed-in users and tokens: config/api.py); the
# root answers 404. Everything else must declare its access.
NINJA_BUILTIN_PUBLIC = {"openapi-json", "openapi-view", "api-root"}

MISSING_INT = "999999"
MISSING_STR = "x"


@dataclass(frozen=True)
class Page:
    url: str
    name: str
    view: Any

    @property
    def permission(self) -> str | None:
        return declared_permission(self.view)


@dataclass(frozen=True)
class Operation:
    method: str
    url: str
    function: Any
    has_auth: bool

    @property
    def permission(self) -> str | None:
        return declared_permission(self.function)

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.function.__module__}.{self.function.__name__})"


# --- walking the URL map -----------------------------------------------------------------


def _is_ninja(view: Any) -> bool:
    target = getattr(view, "__wrapped__", view)  # the API's docs_decorator (config/api.py)
    target = getattr(target, "func", target)  # functools.partial
    return str(getattr(target, "__module__", "")).startswith("ninja.")


def _sample(converter: Any, value: str) -> str:
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=0))
    return value


def _fill(pattern: Any, value: str) -> str:
    """The pattern's route with every parameter set to ``value`` (a missing id)."""
    if isinstance(pattern, RoutePattern):
        converters = pattern.converters

        def replace(match: re.Match[str]) -> str:
            return _sample(converters[match.group("name")], value)

        return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", replace, str(pattern))
    if isinstance(pattern, RegexPattern):
        text = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        return re.sub(r"\(\?P<\w+>[^)]*\)", value, text).replace("\\", "")
    raise AssertionError(f"unknown URL pattern type {type(pattern)!r}")


def _walk(
    patterns: list[Any], prefixes: tuple[Any, ...] = (), namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, (*prefixes, entry.pattern), inner.strip(":"))
        else:
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else "(unnamed)"
            yield _url_for((*prefixes, entry.pattern)), name, entry


def _url_for(patterns: tuple[Any, ...]) -> str:
    """A concrete URL reaching ``callback``, with a missing id in every parameter."""
    route = "".join(str(pattern) for pattern in patterns)
    for value in (MISSING_INT, MISSING_STR):
        url = "/" + "".join(_fill(pattern, value) for pattern in patterns)
        try:
            if resolve(url).route == route:
                return url
        except Resolver404:
            continue
    raise AssertionError(f"cannot build a URL for {patterns!r}: give its parameters a converter")


def _all_url_patterns() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _pages() -> list[Page]:
    pages = []
    for url, name, entry in _all_url_patterns():
        if _is_ninja(entry.callback):
            continue
        pages.append(Page(url=url, name=name, view=entry.callback))
    return pages


def _api_prefix() -> str:
    for url, name, _ in _all_url_patterns():
        if name == f"{api.urls_namespace}:api-root":
            return url
    raise AssertionError("the ninja API is not mounted")


def _operations() -> list[Operation]:
    """Every (method, path) operation of the API, with the function ninja calls.

    ``_get_bound_routers`` is django-ninja's own list of mounted routers with their
    inherited auth (the same objects its URL patterns dispatch to).
    """
    prefix = _api_prefix()
    found = []
    for bound in api._get_bound_routers():
        pairs = [(op, view) for view in bound.path_operations.values() for op in view.operations]
        patterns = list(bound.urls_paths(bound.prefix))
        assert len(pairs) == len(patterns)
        for (op, _), pattern in zip(pairs, patterns, strict=True):
            url = _url_for((RoutePattern(prefix.lstrip("/")), pattern.pattern))
            for method in op.methods:
                found.append(Operation(method, url, op.view_func, has_auth=bool(op.auth_callbacks)))
    return found


PAGES = _pages()
OPERATIONS = _operations()


# --- (a) every view and operation declares its access ------------------------------------------


def test_walk_finds_pages_and_operations() -> None:
    names = {page.name for page in PAGES}
    assert {"healthz", "accounts:login", "accounts:landing", "set_language"} <= names
    assert {str(op).split(" (")[0] for op in OPERATIONS} >= {
        "POST /api/v1/auth/token",
        "GET /api/v1/auth/me",
        "GET /api/v1/auth/tokens",
        f"POST /api/v1/auth/tokens/{MISSING_INT}/revoke",
    }


def test_every_page_declares_its_access() -> None:
    undeclared = [f"{p.url} [{p.name}] → {p.view!r}" for p in PAGES if p.permission is None]
    assert undeclared == [], "Pages without @require_perm / @login_only / @public:\n" + "\n".join(
        undeclared
    )


def test_every_api_operation_declares_its_access() -> None:
    undeclared = [str(op) for op in OPERATIONS if op.permission is None]
    assert undeclared == [], (
        "API operations without @api_perm / @public (put it under @router.<method>):\n"
        + "\n".join(undeclared)
    )


def test_every_ninja_url_is_an_operation_or_a_builtin() -> None:
    operation_urls = {op.url for op in OPERATIONS}
    strays = [
        f"{url} [{name}]"
        for url, name, entry in _all_url_patterns()
        if _is_ninja(entry.callback)
        and url not in operation_urls
        and name.split(":")[-1] not in NINJA_BUILTIN_PUBLIC
        # the FHIR server's own NinjaAPI: each resource checks the permission of the page
        # showing the same data, tested role by role in tests/fhir/test_server.py
        and not url.startswith("/fhir/")
    ]
    assert strays == []


def test_only_public_operations_skip_authentication() -> None:
    open_ops = [str(op) for op in OPERATIONS if not op.has_auth and op.permission != PUBLIC]
    assert open_ops == []


def test_permissions_named_by_views_exist_in_the_roles_table() -> None:
    from corsia.accounts.domain.roles import PERMISSIONS

    declared = {spec.full for spec in PERMISSIONS} | {PUBLIC, AUTHENTICATED}
    used = {p.permission for p in PAGES} | {op.permission for op in OPERATIONS}
    assert used - {None} <= declared


# --- (b) each role against each page and operation --------------------------------------------


def _audit_models() -> list[type[models.Model]]:
    chosen: list[type[models.Model]] = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        if (
            model._meta.app_label == "audit"
            or issubclass(model, pghistory.models.Event)
            or model is pghistory.models.Context
        ):
            chosen.append(model)
    return chosen


def _audit_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _audit_models()}


def _holds(role: Role, permission: str | None) -> bool:
    if permission in (PUBLIC, AUTHENTICATED):
        return True
    return permission in ROLE_PERMISSIONS[role]


def _is_problem(response: Any, status: int) -> bool:
    return bool(
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["status"] == status
    )


def test_audit_tables_are_watched() -> None:
    labels = {m._meta.label for m in _audit_models()}
    assert {"audit.AuditEvent", "audit.AccessLogEntry"} <= labels


@pytest.mark.parametrize("role", list(Role))
def test_pages_for_role(make_user: MakeUser, role: Role) -> None:
    client = logged_in(make_user(role))
    failures = []
    for page in PAGES:
        if page.permission is None:
            continue  # reported by test_every_page_declares_its_access
        before = _audit_counts()
        response = client.get(page.url)
        if _holds(role, page.permission):
            if response.status_code == 403:
                failures.append(f"{page.url}: {role} holds {page.permission} but got 403")
        elif response.status_code != 403:
            failures.append(
                f"{page.url}: {role} lacks {page.permission} but got {response.status_code}"
            )
        elif _audit_counts() != before:
            failures.append(f"{page.url}: denied request wrote audit rows")
    assert failures == []


@pytest.mark.parametrize("role", list(Role))
def test_api_operations_for_role(make_user: MakeUser, role: Role) -> None:
    key, _ = services.token_issue(user=make_user(role))
    client = Client(headers={"Authorization": f"Bearer {key}"})
    failures = []
    for op in OPERATIONS:
        if op.permission in (None, PUBLIC):
            continue
        held = _holds(role, op.permission)
        if op.method != "GET" and held:
            continue  # never fire real changes blindly; the denied side is what matters
        before = _audit_counts()
        response = client.generic(op.method, op.url, "{}", content_type="application/json")
        if held:
            if response.status_code == 403:
                failures.append(f"{op}: {role} holds {op.permission} but got 403")
        elif not _is_problem(response, 403):
            failures.append(f"{op}: {role} lacks {op.permission}, got {response.status_code}")
        elif _audit_counts() != before:
            failures.append(f"{op}: denied request wrote audit rows")
    assert failures == []


def test_anonymous_is_sent_to_login_on_pages_and_gets_401_on_the_api(db: None) -> None:
    client = Client()
    failures = []
    for page in PAGES:
        if page.permission in (None, PUBLIC):
            continue
        response = client.get(page.url)
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login/?next="):
            failures.append(f"{page.url}: anonymous got {response.status_code} {location}")
    for op in OPERATIONS:
        if op.permission in (None, PUBLIC):
            continue
        before = _audit_counts()
        response = client.generic(op.method, op.url, "{}", content_type="application/json")
        if not _is_problem(response, 401):
            failures.append(f"{op}: anonymous got {response.status_code}")
        elif _audit_counts() != before:
            failures.append(f"{op}: anonymous request wrote audit rows")
    assert failures == []


def test_a_sample_url_resolves_to_its_view() -> None:
    # the filled-in URLs really reach the pattern they were built from
    for page in PAGES:
        assert resolve(page.url).func is page.view, page.url

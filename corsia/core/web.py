"""What page views and API operations read from a request, the same way everywhere: the
actor and the workstation (``acting``: the first two arguments of every service), a typed number (Italian decimal comma accepted), the version a form was built from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from corsia.core.actors import PERMISSION_REFUSED, User, Workstation
from corsia.core.domain.errors import PermissionRefused, ValidationFailed


def request_workstation(request: HttpRequest) -> Workstation:
    """What the accounts middleware put on the request (``None`` outside a request cycle)."""
    workstation: Workstation = getattr(request, "workstation", None)
    return workstation


def posted_decimal(raw: str | None, field: str) -> Decimal | None:
    """``None`` for an empty field; a finite Decimal; else ValidationFailed naming ``field``."""
    if raw is None or not raw.strip():
        return None
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed(
            f"Valore numerico non valido: «{raw}».", code="number_invalid", field=field
        ) from None
    if not value.is_finite():
        raise ValidationFailed("Valore numerico non valido.", code="number_invalid", field=field)
    return value


def query_int(raw: str | None, default: int, *, low: int, high: int) -> int:
    """A whole number typed in a query string, clamped to ``low``..``high``; ``default``
    when empty or not a number (a filter never refuses the page)."""
    try:
        number = int(raw or "")
    except ValueError:
        return default
    return min(max(number, low), high)


def parse_id(raw: str | None) -> int | None:
    """A whole non-negative number as typed or posted ("12"); ``None`` for anything else
    ("", "abc", "²", "1e3", 40 digits) — never an exception."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


DATE_UNREADABLE = "La data non è valida (gg/mm/aaaa)."
_INT_MAX = 2**31 - 1  # what an integer column holds


def posted_date(raw: str | None, field: str, invalid: str = DATE_UNREADABLE) -> date | None:
    """A date typed in a form (ISO, as the date input posts it): ``None`` when empty; an
    impossible or unreadable one (30 February, "domani") is refused with ``invalid``."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationFailed(invalid, code="date_invalid", field=field)
    return parsed


MOMENT_UNREADABLE = "Data e ora non valide."


def posted_moment(raw: str | None, field: str, invalid: str = MOMENT_UNREADABLE) -> datetime | None:
    """A date and time as the datetime-local input posts it, in the hospital's time zone:
    ``None`` when empty; an impossible or unreadable one refused with ``invalid``."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationFailed(invalid, code="datetime_invalid", field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def posted_int(raw: str | None, default: int, field: str, invalid: str) -> int:
    """A whole number typed in a form (``default`` when empty), else (letters, "1e308",
    a number no integer column holds) refused with ``invalid``."""
    if raw is None or not raw.strip():
        return default
    number = parse_id(raw)
    if number is None or number > _INT_MAX:
        raise ValidationFailed(invalid, code="number_invalid", field=field)
    return number


def posted_version(request: HttpRequest) -> int | None:
    return parse_id(request.POST.get("version"))


def request_actor(request: HttpRequest) -> User:
    """The signed-in user acting through this page or API call.

    Every page and API operation is behind ``require_perm``/``api_perm`` (anonymous never
    gets here); an anonymous request that did would be refused as the services refuse it.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionRefused(PERMISSION_REFUSED)
    return user


class Acting(TypedDict):
    """Who acts and from where: the ``actor`` and ``workstation`` every service takes."""

    actor: User
    workstation: Workstation


def acting(request: HttpRequest) -> Acting:
    """The signed-in user and the request's workstation, as a service's keyword arguments:
    ``services.diary_sign(**acting(request), patient_id=...)``."""
    return {"actor": request_actor(request), "workstation": request_workstation(request)}


class Viewing(TypedDict):
    """Who reads and from where: what every patient-data selector logs in the access log
    (a page's read: the selector's own channel, ``web``)."""

    user: User
    workstation: Workstation


def viewing(request: HttpRequest) -> Viewing:
    """The signed-in user and the request's workstation reading through a page, as a
    selector's keyword arguments: ``selectors.device_get(**viewing(request), device_id=...)``."""
    return {"user": request_actor(request), "workstation": request_workstation(request)}


class Reading(Viewing):
    """A read through the API: who, from where, and the channel ``api``."""

    channel: str


def reading(request: HttpRequest) -> Reading:
    """The signed-in user and the request's workstation reading through the API, as a
    selector's keyword arguments: ``selectors.device_get(**reading(request), device_id=...)``."""
    return {**viewing(request), "channel": "api"}

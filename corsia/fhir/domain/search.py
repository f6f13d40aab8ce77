"""Search parameters as FHIR R4 defines them, read strictly.

Strict handling by default (``Prefer: handling=strict``, or no preference): a parameter the
resource does not support, a modifier (``family:exact``), a repeated parameter that cannot
be repeated or a value that cannot be read is refused with 400 and an OperationOutcome
(``invalid``) naming it, never silently ignored: an integrator who asked for
``date=ge2025-01-01`` and got every result would act on the wrong data. A client that asks
for ``Prefer: handling=lenient`` has the unknown parameters (and modifiers) left out and
named in the Bundle (an OperationOutcome entry, ``search.mode`` ``outcome``) and in its
``self`` link's absence; a value that cannot be read is refused under either.

Values: ``token`` is ``system|code``, ``|code`` or ``code``; ``reference`` is ``123`` or
``Patient/123``; ``date`` has an optional prefix (``eq`` ``ge`` ``gt`` ``le`` ``lt``) and a
value of a year, a month, a day or a date and time with its zone, meaning the whole
interval it names (``2025-03`` is all of March). A comma separates values any of which
may match (``status=completed,stopped``), where the parameter allows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from corsia.fhir.domain.outcome import InvalidSearch

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_OFFSET = 1_000_000
# Parameters every search takes: the page (``_count``, ``_offset``) and the format, which
# may only name JSON.
PAGING = frozenset({"_count", "_offset", "_format"})
# Parameters every resource takes: when the record last changed (``meta.lastUpdated``).
COMMON = frozenset({"_lastUpdated"})
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
# Parameters that may be given more than once (each occurrence must hold: a range).
REPEATABLE = frozenset({"date", "birthdate", "_lastUpdated"})

_DATE = re.compile(
    r"^(?P<y>\d{4})(-(?P<m>\d{2})(-(?P<d>\d{2})"
    r"(T(?P<H>\d{2}):(?P<M>\d{2})(:(?P<S>\d{2})(\.\d{1,9})?)?(?P<tz>Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_PREFIXES = ("eq", "ge", "gt", "le", "lt")


@dataclass(frozen=True)
class Page:
    count: int
    offset: int


@dataclass(frozen=True)
class Token:
    system: str | None  # None: any system; "": no system
    code: str


@dataclass(frozen=True)
class Interval:
    """``[start, end)``; ``None`` is open."""

    start: datetime | None = None
    end: datetime | None = None

    def narrowed(self, other: Interval) -> Interval:
        starts = [s for s in (self.start, other.start) if s is not None]
        ends = [e for e in (self.end, other.end) if e is not None]
        return Interval(max(starts) if starts else None, min(ends) if ends else None)


def lenient_handling(prefer: str | None) -> bool:
    """Whether the ``Prefer`` header asks for ``handling=lenient`` (any other value, or
    none, is strict)."""
    for preference in (prefer or "").replace(";", ",").split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "handling":
            return value.strip().strip('"').lower() == "lenient"
    return False


def checked_params(
    params: Iterable[tuple[str, Sequence[str]]], supported: Iterable[str]
) -> dict[str, list[str]]:
    """The query's parameters, each with its values, refused unless the resource supports
    them (``supported``, besides the paging and common ones)."""
    return params_of(params, supported, lenient=False)[0]


def params_of(
    params: Iterable[tuple[str, Sequence[str]]], supported: Iterable[str], *, lenient: bool
) -> tuple[dict[str, list[str]], list[str]]:
    """The query's parameters the resource supports, each with its values, and the names
    left out (lenient handling); strict handling refuses the first unknown one."""
    allowed = PAGING | COMMON | frozenset(supported)
    found: dict[str, list[str]] = {}
    ignored: list[str] = []
    for name, values in params:
        if lenient and (":" in name or name not in allowed):
            ignored.append(name)
            continue
        if ":" in name:
            raise InvalidSearch(f"Search parameter modifiers are not supported: {name}")
        if name not in allowed:
            raise InvalidSearch(
                f"Unknown or unsupported search parameter: {name} "
                f"(supported: {', '.join(sorted(allowed))})"
            )
        if len(values) > 1 and name not in REPEATABLE:
            raise InvalidSearch(f"Search parameter {name} may be given only once")
        if any(v == "" for v in values):
            raise InvalidSearch(f"Search parameter {name} has no value")
        found[name] = list(values)
    for value in found.get("_format", []):
        if value not in JSON_FORMATS:
            raise InvalidSearch(f"Only JSON is served (_format={value})")
    return found, ignored


def _bounded_int(name: str, raw: str, low: int, high: int) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise InvalidSearch(f"{name} must be a whole number from {low} to {high}: {raw!r}")
    value = int(raw)
    if value < low or value > high:
        raise InvalidSearch(f"{name} must be a whole number from {low} to {high}: {raw!r}")
    return value


def page_of(params: Mapping[str, list[str]]) -> Page:
    """``_count`` (default 50; more than 200 is served as 200, as FHIR lets a server do)
    and ``_offset`` (where the page starts, as the ``next`` link gives it)."""
    count = DEFAULT_COUNT
    if "_count" in params:
        raw = params["_count"][0]
        if not raw.isascii() or not raw.isdigit():
            raise InvalidSearch(f"_count must be a whole number: {raw!r}")
        count = min(int(raw[:9]) if len(raw) <= 9 else MAX_COUNT, MAX_COUNT)
    offset = 0
    if "_offset" in params:
        offset = _bounded_int("_offset", params["_offset"][0], 0, MAX_OFFSET)
    return Page(count=count, offset=offset)


def token_of(raw: str) -> Token:
    if "|" in raw:
        system, _, code = raw.partition("|")
        if not code:
            raise InvalidSearch(f"Token without a code: {raw!r}")
        return Token(system=system, code=code)
    return Token(system=None, code=raw)


def values_of(raw: str) -> list[str]:
    """The alternatives of ``a,b,c`` (any may match)."""
    values = raw.split(",")
    if any(not v for v in values):
        raise InvalidSearch(f"Empty value in {raw!r}")
    return values


def reference_id(raw: str, resource_type: str) -> int | None:
    """The id in ``123`` or ``Patient/123``; ``None`` for an id no resource can have here
    (the search then matches nothing, as for any unknown id)."""
    prefix = f"{resource_type}/"
    if raw.startswith(prefix):
        raw = raw[len(prefix) :]
    elif "/" in raw:
        raise InvalidSearch(f"Expected a reference to {resource_type}: {raw!r}")
    return resource_id(raw)


def resource_id(raw: str) -> int | None:
    """The numeric id of one of our resources; ``None`` when ``raw`` cannot be one."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def _split_prefix(raw: str) -> tuple[str, str]:
    if raw[:2] in _PREFIXES:
        return raw[:2], raw[2:]
    return "eq", raw


def _named_interval(text: str, zone: tzinfo) -> tuple[datetime, datetime]:
    """The interval a FHIR date value names, ``[start, end)``."""
    match = _DATE.match(text)
    if match is None:
        raise InvalidSearch(f"Not a FHIR date: {text!r} (e.g. 2025-03-01 or ge2025-03)")
    try:
        year = int(match["y"])
        if match["m"] is None:
            first = date(year, 1, 1)
            return _at(first, zone), _at(date(year + 1, 1, 1), zone)
        month = int(match["m"])
        if match["d"] is None:
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return _at(first, zone), _at(following, zone)
        day = date(year, month, int(match["d"]))
        if match["H"] is None:
            return _at(day, zone), _at(day + timedelta(days=1), zone)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError) as error:
        raise InvalidSearch(f"Not a valid date: {text!r}") from error
    step = timedelta(seconds=1) if match["S"] is not None else timedelta(minutes=1)
    return moment, moment + step


def _at(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def interval_of(values: Iterable[str], zone: tzinfo = UTC) -> Interval:
    """The interval every ``date`` value given allows (they all must hold). A value without
    a time is a day (or month, year) of the hospital's calendar (``zone``)."""
    found = Interval()
    for raw in values:
        prefix, text = _split_prefix(raw)
        if year_out_of_range(text):
            raise InvalidSearch(f"Year out of range: {raw!r}")
        start, end = _named_interval(text, zone)
        if prefix == "eq":
            allowed = Interval(start, end)
        elif prefix == "ge":
            allowed = Interval(start, None)
        elif prefix == "gt":
            allowed = Interval(end, None)
        elif prefix == "le":
            allowed = Interval(None, end)
        else:  # lt
            allowed = Interval(None, start)
        found = found.narrowed(allowed)
    return found


def year_out_of_range(text: str) -> bool:
    """Years 0001 and 9999 have no following or preceding day to bound an interval."""
    return text[:4].isdigit() and not 1 < int(text[:4]) < 9999


def date_bounds(interval: Interval, zone: tzinfo) -> tuple[date | None, date | None]:
    """The interval as days (``[from, before)``) for a date-only element (birthDate)."""
    start = interval.start.astimezone(zone).date() if interval.start is not None else None
    end = interval.end.astimezone(zone) if interval.end is not None else None
    before = None
    if end is not None:
        before = (
            end.date()
            if end.timetz().replace(tzinfo=None) == time(0)
            else end.date() + timedelta(days=1)
        )
    return start, before

"""Reads of the reports: the definitions a user may run, the choices of a report's filter
form (read from the other modules' public selectors), a user's kept runs."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.core.actors import User
from corsia.drugs.selectors import ingredient_choices
from corsia.patients.selectors import care_wards
from corsia.regimens.selectors import regimens_browse
from corsia.reports.domain.definition import Filter, ReportDefinition
from corsia.reports.domain.registry import definitions
from corsia.reports.models import ReportRun

OPERATOR_ROLES = (Role.PHARMACIST, Role.TECHNICIAN, Role.NURSE, Role.PHYSICIAN)
RECENT_RUNS = 20


def definitions_for(user: User) -> list[ReportDefinition]:
    """The reports ``user`` may run, by area and title."""
    return [d for d in definitions() if user.has_perm(d.permission)]


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


def filter_choices(definition: ReportDefinition) -> dict[str, list[Choice]]:
    """The options of each id filter the report takes (unit, regimen, drug, operator)."""
    out: dict[str, list[Choice]] = {}
    if definition.accepts(Filter.UNIT):
        out["unit"] = [Choice(w.pk, w.name) for w in care_wards()]
    if definition.accepts(Filter.REGIMEN):
        out["regimen"] = [
            Choice(v.regimen_id, f"{v.regimen.code} — {v.name}")
            for v in regimens_browse(include_disabled=True)
        ]
    if definition.accepts(Filter.DRUG):
        out["drug"] = [Choice(i.pk, i.name_it) for i in ingredient_choices()]
    if definition.accepts(Filter.OPERATOR):
        seen: dict[int, Choice] = {}
        for role in OPERATOR_ROLES:
            for u in users_in_role(role=role):
                seen.setdefault(u.pk, Choice(u.pk, u.get_full_name() or u.username))
        out["operator"] = sorted(seen.values(), key=lambda c: c.label)
    return out


def recent_runs(*, user: User, code: str) -> list[ReportRun]:
    """The user's kept runs of the report, newest first."""
    return list(
        ReportRun.objects.filter(requested_by=user, code=code)
        .defer("result")
        .order_by("-requested_at")[:RECENT_RUNS]
    )

"""Reads of the nursing process: the patient's care plan (problems, goals, interventions
with today's slots and what was recorded), the templates a scale's latest band suggests,
the templates in use, the nursing discharges. Every read of a patient writes the access
log; rows written during a masked stay hidden from the reader are left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.nursing.domain import gordon
from corsia.nursing.domain.care_plans import slots_of_day, suggests, template_from_dict
from corsia.nursing.models import (
    Assessment,
    CareIntervention,
    CareProblem,
    CareTemplate,
    GoalStatus,
    InterventionRecord,
    NursingDischarge,
    ProblemStatus,
)
from corsia.nursing.selectors import VIEW, _log
from corsia.patients.selectors import outside_hidden_stays, patient_get, visible_encounters


def care_templates_in_use(*, user: User) -> list[CareTemplate]:
    require_permission(user, VIEW)
    return list(CareTemplate.objects.filter(active=True).order_by("problem"))


def care_templates_all(*, user: User) -> list[CareTemplate]:
    require_permission(user, VIEW)
    return list(CareTemplate.objects.order_by("problem", "code", "-version"))


def care_template_get(*, user: User, template_id: int) -> CareTemplate:
    require_permission(user, VIEW)
    row = CareTemplate.objects.filter(pk=template_id).first() if 0 < template_id < 2**31 else None
    if row is None:
        raise NotFound("Modello di piano non trovato.", code="template_not_found")
    return row


@dataclass(frozen=True)
class Slot:
    due_at: datetime
    record: InterventionRecord | None


@dataclass(frozen=True)
class InterventionView:
    intervention: CareIntervention
    slots: list[Slot]  # today's, in order
    others: list[InterventionRecord]  # recorded today outside a slot (as needed)


@dataclass(frozen=True)
class ProblemView:
    problem: CareProblem
    pattern_label: str
    interventions: list[InterventionView]
    evaluations: list = field(default_factory=list)  # type: ignore[type-arg]


@dataclass(frozen=True)
class CarePlan:
    day: date
    open: list[ProblemView]
    ended: list[CareProblem]
    suggestions: list[tuple[CareTemplate, str]]  # template, why (the scale's band)
    templates: list[CareTemplate]
    discharges: list[NursingDischarge]
    stay: int  # the stay shown (0: problems opened with no stay in progress)
    stays: list[StayChoice] = field(default_factory=list)  # the stays one can choose


@dataclass(frozen=True)
class StayChoice:
    id: int  # 0: outside any stay
    label: str
    current: bool


def _stays(patient: Any, user: User, problems: Any) -> list[StayChoice]:
    """The patient's stays the reader may see (newest first), then "outside a stay" when a
    problem was opened with no stay in progress."""
    tz = timezone.get_current_timezone()
    rows = [
        StayChoice(
            e.pk,
            f"{e.ward} · {e.admitted_at.astimezone(tz):%d/%m/%Y}"
            + (f"–{e.discharged_at.astimezone(tz):%d/%m/%Y}" if e.discharged_at else ""),
            e.state == "active",
        )
        for e in visible_encounters(patient, user)
        .exclude(state="cancelled")
        .order_by("-admitted_at")
    ]
    if problems.filter(encounter_id__isnull=True).exists():
        rows.append(StayChoice(0, gettext("Fuori ricovero"), False))
    return rows


def _stay_shown(stay: int | None, stays: list[StayChoice], problems: Any) -> int:
    """The stay asked for (one of ``stays``), else the current one, else the stay of the
    latest problem, else 0."""
    if stay is not None:
        if stay not in {c.id for c in stays}:
            raise NotFound("Ricovero non trovato.", code="stay_not_found")
        return stay
    current = next((c.id for c in stays if c.current), None)
    if current is not None:
        return current
    latest = problems.order_by("-opened_at").values_list("encounter_id", flat=True).first()
    return latest or 0


def _latest_levels(patient_id: int, user: User) -> dict[str, tuple[int, str]]:
    """Per scale code, the level and label of the patient's latest current assessment,
    whatever the history holds (issue 27: before, only the latest 500 assessments were
    read, and a scale last assessed before them dropped out of the care plan's
    suggestions). One row per scale version (``DISTINCT ON``), the newest kept per code."""
    rows = Assessment.objects.filter(patient_id=patient_id, superseded_by__isnull=True)
    rows = outside_hidden_stays(rows, user=user, field="assessed_at", patient_id=patient_id)
    per_scale = (
        rows.select_related("scale")
        .order_by("scale_id", "-assessed_at", "-pk")
        .distinct("scale_id")
    )
    latest: dict[str, tuple[int, str]] = {}
    for a in sorted(per_scale, key=lambda a: (a.assessed_at, a.pk), reverse=True):
        latest.setdefault(
            a.scale.code, (a.band_level, f"{a.scale.name}: {a.total}, {a.band_label}")
        )
    return latest


def _problem_view(
    problem: CareProblem, day: date, records: list[InterventionRecord]
) -> ProblemView:
    tz = timezone.get_current_timezone()
    views = []
    for i in problem.interventions.all():
        mine = [r for r in records if r.intervention_id == i.pk]
        slots = [
            Slot(when, next((r for r in mine if r.due_at == when), None))
            for when in (slots_of_day(i.times, day, tz) if i.active else [])
        ]
        slotted = {s.record.pk for s in slots if s.record is not None}
        views.append(InterventionView(i, slots, [r for r in mine if r.pk not in slotted]))
    pattern = gordon.pattern(problem.pattern)
    return ProblemView(
        problem=problem,
        pattern_label=pattern.label if pattern else problem.pattern,
        interventions=views,
        evaluations=list(
            problem.evaluations.select_related("goal", "author").order_by("-recorded_at")
        ),
    )


def patient_care_plan(
    *,
    user: User,
    patient_id: int,
    workstation: Workstation = None,
    channel: str = "web",
    stay: int | None = None,
) -> CarePlan:
    """The plan of the patient in one stay (``stay``; none: the current one, else the
    latest): open problems with today's interventions, the ended ones, the templates
    suggested by the scales' latest bands (a suggestion, never applied)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    day = timezone.localdate()
    every = outside_hidden_stays(
        CareProblem.objects.filter(patient_id=patient.pk),
        user=user,
        field="opened_at",
        patient_id=patient.pk,
    )
    stays = _stays(patient, user, every)
    shown = _stay_shown(stay, stays, every)
    problems = (
        every.filter(**{"encounter_id": shown} if shown else {"encounter_id__isnull": True})
        .prefetch_related("goals", "interventions")
        .select_related("template", "opened_by")
    )
    records = list(
        InterventionRecord.objects.filter(patient_id=patient.pk)
        .filter(Q(performed_at__date=day) | Q(due_at__date=day))
        .select_related("author")
        .order_by("performed_at")
    )
    open_rows = [p for p in problems.order_by("opened_at") if p.status == ProblemStatus.OPEN]
    ended = [p for p in problems.order_by("-closed_at") if p.status != ProblemStatus.OPEN]
    levels = _latest_levels(patient.pk, user)
    in_plan = {p.template.code for p in open_rows if p.template}
    templates = care_templates_in_use(user=user)
    suggestions = []
    for t in templates:
        parsed = template_from_dict(t.definition)
        if t.code not in in_plan and suggests(parsed, {k: v[0] for k, v in levels.items()}):
            why = "; ".join(levels[s.scale][1] for s in parsed.suggested_by if s.scale in levels)
            suggestions.append((t, why))
    discharges = list(
        outside_hidden_stays(
            NursingDischarge.objects.filter(patient_id=patient.pk),
            user=user,
            field="recorded_at",
            patient_id=patient.pk,
        ).order_by("-recorded_at")
    )
    plan = CarePlan(
        day=day,
        open=[_problem_view(p, day, records) for p in open_rows],
        ended=ended,
        suggestions=suggestions,
        templates=templates,
        discharges=discharges,
        stay=shown,
        stays=stays,
    )
    _log(user, patient.pk, "piano assistenziale (infermieristica)", workstation, channel)
    return plan


def discharge_summary(patient_id: int) -> dict[str, Any]:
    """The open problems (goals still open, interventions in course) and per scale the
    latest current assessment: what the discharge hands on."""
    problems = []
    for p in CareProblem.objects.filter(patient_id=patient_id, status=ProblemStatus.OPEN):
        problems.append(
            {
                "id": p.pk,
                "wording": p.wording,
                "pattern": p.pattern,
                "goals": [
                    {"text": g.text, "target_date": g.target_date.isoformat()}
                    for g in p.goals.filter(status=GoalStatus.OPEN)
                ],
                "interventions": [
                    {"text": i.text, "times": i.times} for i in p.interventions.filter(active=True)
                ],
            }
        )
    latest: dict[str, dict[str, Any]] = {}
    rows = Assessment.objects.filter(patient_id=patient_id, superseded_by__isnull=True)
    for a in rows.select_related("scale").order_by("-assessed_at", "-pk"):
        latest.setdefault(
            a.scale.code,
            {
                "scale": a.scale.name,
                "total": a.total,
                "band": a.band_label,
                "assessed_at": a.assessed_at.isoformat(),
            },
        )
    return {"problems": problems, "scales": sorted(latest.values(), key=lambda s: s["scale"])}


def discharge_preview(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> dict[str, Any]:
    """What a nursing discharge written now would hand on (the discharge page)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    summary = discharge_summary(patient.pk)
    _log(user, patient.pk, "sintesi per la dimissione infermieristica", workstation, channel)
    return summary

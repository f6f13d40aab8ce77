"""Pages of the follow-up: a case's follow-up (visits, the aGVHD grading form with the
computed stages, the viral-load trends, outcomes) and the MED-A download. Thin: parse,
call the service or selector, render."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, posted_date, posted_moment, posted_version
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws
from corsia.transplant.domain import followup_codes as codes
from corsia.transplant.domain.meda import COLUMNS
from corsia.transplant.models.followup import FollowUpVisit
from corsia.transplant.permissions import DECIDE, RECORD, VIEW
from corsia.transplant.selectors import followup as sel
from corsia.transplant.selectors.settings import hospital_settings
from corsia.transplant.services import followup_gvhd as gvhd
from corsia.transplant.services import followup_records as records
from corsia.transplant.services import followup_visits as visits
from corsia.transplant.views.common import render_refused

TEMPLATE = "transplant/followup.html"


def followup_context(request: HttpRequest, transplant_id: int) -> dict[str, Any]:
    follow = sel.followup_get(
        user=_actor(request), transplant_id=transplant_id, workstation=_ws(request)
    )
    is_open = follow.case.is_open and follow.case.day_zero is not None
    return {
        "follow": follow,
        "case": follow.case,
        "patient": follow.case.patient,
        "may_record": request.user.has_perm(RECORD) and is_open,
        "may_decide": request.user.has_perm(DECIDE) and is_open,
        "immunosuppressants": codes.Immunosuppressant.labels_it().items(),
        "viruses": codes.Virus.labels_it().items(),
        "load_kinds": codes.LoadKind.labels_it().items(),
        "load_units": codes.LoadUnit.labels_it().items(),
        "time_points": codes.TimePoint.labels_it().items(),
        "survivals": codes.Survival.labels_it().items(),
        "death_causes": codes.DeathCause.labels_it().items(),
        "hsct_causes": codes.HsctRelatedCause.labels_it().items(),
        "changes": dict(codes.Change.labels_it()),
        "responses": codes.Response.labels_it().items(),
        "consent_kinds": codes.ConsentKind.labels_it().items(),
        "adverse_severities": codes.AdverseSeverity.labels_it().items(),
        "adverse_relations": codes.AdverseRelation.labels_it().items(),
        "ctcae_grades": range(1, 6),
        "trough_drugs": [
            (c, label) for c, label in codes.Immunosuppressant.labels_it().items() if c != "none"
        ],
        "hospital": hospital_settings(user=_actor(request)),
        "may_set": request.user.has_perm(DECIDE),
        "corrections": (
            [correction_of(v) for v in follow.visits if v.state == "signed"]
            if request.user.has_perm(RECORD) and is_open
            else []
        ),
        "values": {},
        "refused": {},
        "preview": None,
        "severity_it": SEVERITY_IT,
    }


@require_perm(VIEW)
def followup_page(request: HttpRequest, transplant_id: int) -> HttpResponse:
    return render(request, TEMPLATE, followup_context(request, transplant_id))


def post_int(raw: str | None, field: str) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 5:
        raise ValidationFailed("Indica un numero intero.", code=f"{field}_invalid", field=field)
    return int(text)


def required_date(post: Any, field: str) -> Any:
    value = posted_date(post.get(field), field)
    if value is None:
        raise ValidationFailed("Indica la data.", code=f"{field}_required", field=field)
    return value


def _agvhd_input(request: HttpRequest) -> gvhd.AgvhdInput:
    post = request.POST
    return gvhd.AgvhdInput(
        assessed_on=required_date(post, "assessed_on"),
        rash_bsa=post.get("rash_bsa", "0")[:30] or "0",
        bullae=post.get("bullae") == "on",
        desquamation_bsa=post.get("desquamation_bsa", "0")[:30] or "0",
        bilirubin=post.get("bilirubin", "")[:30],
        bilirubin_unit=post.get("bilirubin_unit", "mg/dL")[:8],
        persistent_upper_gi=post.get("persistent_upper_gi") == "on",
        stool_ml_per_day=post.get("stool_ml_per_day", "")[:30] or None,
        stool_episodes=post_int(post.get("stool_episodes"), "stool_episodes"),
        severe_pain_or_ileus=post.get("severe_pain_or_ileus") == "on",
        grossly_bloody_stool=post.get("grossly_bloody_stool") == "on",
        paediatric=post.get("paediatric") == "on",
        weight_kg=post.get("weight_kg", "")[:30] or None,
        note=post.get("note", "")[:4000],
    )


@require_perm(RECORD)
@require_POST
def agvhd_assess(request: HttpRequest, transplant_id: int) -> HttpResponse:
    """Record an aGVHD assessment, or (``action=preview``) show the computed stages first."""
    preview = request.POST.get("action") == "preview"
    with refusal_kept() as kept:
        data = _agvhd_input(request)
        if preview:
            computed = gvhd.agvhd_compute(data)
            context = followup_context(request, transplant_id)
            context["preview"] = computed
            context["values"] = {k: v[:200] for k, v in request.POST.items()}
            return render(request, TEMPLATE, context)
        row = gvhd.agvhd_assess(**acting(request), transplant_id=transplant_id, data=data)
        messages.success(
            request, _("Valutazione registrata: GVHD acuta di grado %(grade)s (MAGIC).")
            % {"grade": row.grade_roman},
        )  # fmt: skip
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "agvhd"
    )


def visit_input(post: Any) -> visits.VisitInput:
    """The visit form's fields (a new visit, or the correction of a signed one)."""
    return visits.VisitInput(
        visit_on=required_date(post, "visit_on"),
        current_status=post.get("current_status", "")[:8000],
        examination=post.get("examination", "")[:8000],
        instrumental_tests=post.get("instrumental_tests", "")[:8000],
        consultations=post.get("consultations", "")[:8000],
        conclusions=post.get("conclusions", "")[:8000],
        immunosuppressant=post.get("immunosuppressant", "none")[:20],
        immunosuppressant_dose=post.get("immunosuppressant_dose", "")[:200],
        level_ng_ml=post.get("level_ng_ml", "")[:30] or None,
        level_sampled_at=posted_moment(post.get("level_sampled_at"), "level_sampled_at"),
        level_next_dose_at=posted_moment(post.get("level_next_dose_at"), "level_next_dose_at"),
        day_hospital_therapy=post.get("day_hospital_therapy", "")[:8000],
        home_therapy=post.get("home_therapy", "")[:8000],
        next_follow_up_on=posted_date(post.get("next_follow_up_on"), "next_follow_up_on"),
        performance_scale=post.get("performance_scale", "")[:10],
        performance_score=post_int(post.get("performance_score"), "performance_score"),
    )


def correction_of(visit: FollowUpVisit) -> dict[str, Any]:
    """A signed visit's correction form, filled with what the visit says."""
    local = {
        name: timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""
        for name, moment in (("level_sampled_at", visit.level_sampled_at),
                             ("level_next_dose_at", visit.level_next_dose_at))
    }  # fmt: skip
    values = {name: getattr(visit, name) for name in visits.TEXTS}
    values.update(
        visit_on=visit.visit_on.isoformat(),
        immunosuppressant=visit.immunosuppressant,
        immunosuppressant_dose=visit.immunosuppressant_dose,
        level_ng_ml="" if visit.level_ng_ml is None else str(visit.level_ng_ml),
        next_follow_up_on=visit.next_follow_up_on.isoformat() if visit.next_follow_up_on else "",
        performance_scale=visit.performance_scale,
        performance_score="" if visit.performance_score is None else str(visit.performance_score),
        **local,
    )
    return {"visit": visit, "form": f"correct-{visit.pk}", "prefix": f"c{visit.pk}",
            "values": values}  # fmt: skip


@require_perm(RECORD)
@require_POST
def visit_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        data = visit_input(request.POST)
        visits.visit_record(**acting(request), transplant_id=transplant_id, data=data)
        messages.success(request, _("Visita di follow-up registrata (bozza)."))
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "visit"
    )


@require_perm(DECIDE)
@require_POST
def visit_sign(request: HttpRequest, transplant_id: int, visit_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        visits.visit_sign(
            **acting(request), visit_id=visit_id, expected_version=posted_version(request) or 0
        )
        messages.success(request, _("Visita firmata."))
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "visits"
    )


@require_perm(RECORD)
@require_POST
def viral_load_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        records.viral_load_record(
            **acting(request),
            transplant_id=transplant_id,
            data=records.ViralLoadInput(
                virus=post.get("virus", "")[:4],
                sampled_on=required_date(post, "sampled_on"),
                kind=post.get("kind", "")[:14],
                unit=post.get("unit", "IU/mL")[:10],
                value=post.get("value", "")[:30] or None,
                lloq=post.get("lloq", "")[:30] or None,
                iu_per_copy=post.get("iu_per_copy", "")[:30] or None,
                note=post.get("note", "")[:4000],
            ),
        )
        messages.success(request, _("Carica virale registrata."))
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "viral"
    )


@require_perm(DECIDE)
@require_POST
def outcome_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        records.outcome_record(
            **acting(request),
            transplant_id=transplant_id,
            data=records.OutcomeInput(
                time_point=post.get("time_point", "")[:10],
                assessed_on=required_date(post, "outcome_on"),
                survival=post.get("survival", "")[:20],
                death_date=posted_date(post.get("death_date"), "death_date"),
                death_cause=post.get("death_cause", "")[:30],
                hsct_related_cause=post.get("hsct_related_cause", "")[:30],
                performance_scale=post.get("outcome_scale", "")[:10],
                performance_score=post_int(post.get("outcome_score"), "performance_score"),
                note=post.get("note", "")[:4000],
            ),
        )
        messages.success(request, _("Esito registrato."))
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "outcome"
    )


@require_perm(VIEW)
def meda_download(request: HttpRequest, transplant_id: int, fmt: str) -> HttpResponse:
    """The case's MED-A rows as CSV (``fmt=csv``) or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404
    try:
        rows = sel.meda_rows(
            user=_actor(request), transplant_id=transplant_id, workstation=_ws(request)
        )
    except CorsiaError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return redirect("transplant:followup", transplant_id=transplant_id)
    name = f"med-a-trapianto-{transplant_id}"
    if fmt == "json":
        body = json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, _label in COLUMNS])
    for r in rows:
        writer.writerow([value for _name, value in r.values])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# The cGVHD form's fields: (organ, measure, kind) with kind "dec" (a decimal typed), "int"
# (a whole number or a 0-3 grade chosen) or "flag" (a checkbox).
CGVHD_FIELDS = (
    ("skin", "bsa_percent", "dec"), ("skin", "superficial_sclerosis", "flag"),
    ("skin", "deep_sclerosis", "flag"),
    ("skin", "impaired_mobility_ulceration_or_severe_pruritus", "flag"),
    ("mouth", "symptoms", "int"), ("mouth", "intake_limitation", "int"),
    ("eyes", "dry_eye_symptoms", "flag"), ("eyes", "drops_per_day", "int"),
    ("eyes", "punctal_plugs", "flag"), ("eyes", "special_eyewear_for_pain", "flag"),
    ("eyes", "unable_to_work", "flag"), ("eyes", "vision_loss_from_kcs", "flag"),
    ("eyes", "schirmer_mm", "int"),
    ("gi", "symptoms", "flag"), ("gi", "weight_loss_percent", "dec"), ("gi", "diarrhoea", "int"),
    ("gi", "supplement_for_most_calories", "flag"), ("gi", "oesophageal_dilation", "flag"),
    ("liver", "bilirubin", "dec"), ("liver", "bilirubin_uln", "dec"), ("liver", "alt", "dec"),
    ("liver", "alt_uln", "dec"), ("liver", "alp", "dec"), ("liver", "alp_uln", "dec"),
    ("liver", "bilirubin_mg_dl", "dec"),
    ("lungs", "fev1_percent", "dec"), ("lungs", "symptom_score", "int"),
    ("joints_fascia", "symptoms", "flag"), ("joints_fascia", "rom_decrease", "int"),
    ("joints_fascia", "adl_limitation", "int"), ("joints_fascia", "contractures", "flag"),
    ("joints_fascia", "fasciitis_erythema", "flag"),
    ("genital", "signs", "int"),
)  # fmt: skip


def _cgvhd_input(request: HttpRequest) -> gvhd.CgvhdInput:
    post = request.POST
    measures: dict[str, dict[str, Any]] = {}
    for organ, name, kind in CGVHD_FIELDS:
        raw = post.get(f"{organ}__{name}", "")[:30].strip()
        organ_measures = measures.setdefault(organ, {})
        if kind == "flag":
            organ_measures[name] = raw == "on"
        elif raw:
            organ_measures[name] = raw if kind == "dec" else post_int(raw, f"{organ}_{name}")
    if post.get("genital__examined") != "on":
        measures.pop("genital", None)
    if not measures["lungs"]:
        measures["lungs"] = {"symptom_score": 0}
    for organ, defaults in (("skin", {"bsa_percent": "0"}), ("mouth", {"symptoms": 0})):
        measures[organ] = {**defaults, **measures[organ]}
    return gvhd.CgvhdInput(
        assessed_on=required_date(post, "cgvhd_on"),
        measures=measures,
        explained_by_other_cause=[o for o in post.getlist("explained")[:8] if len(o) < 20],
        note=post.get("cgvhd_note", "")[:4000],
    )


@require_perm(RECORD)
@require_POST
def cgvhd_assess(request: HttpRequest, transplant_id: int) -> HttpResponse:
    """Record a cGVHD assessment: the NIH scores and the global severity computed."""
    with refusal_kept() as kept:
        row = gvhd.cgvhd_assess(
            **acting(request), transplant_id=transplant_id, data=_cgvhd_input(request)
        )
        messages.success(
            request, _("GVHD cronica registrata: gravità «%(severity)s» (NIH 2014).")
            % {"severity": SEVERITY_IT.get(row.severity, row.severity)},
        )  # fmt: skip
        return redirect("transplant:followup", transplant_id=transplant_id)
    assert kept.error is not None
    return render_refused(
        request, TEMPLATE, followup_context(request, transplant_id), kept.error, "cgvhd"
    )


SEVERITY_IT = {"none": "assente", "mild": "lieve", "moderate": "moderata", "severe": "grave"}

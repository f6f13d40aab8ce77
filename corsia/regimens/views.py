"""Pages of the regimen library: browser, detail with version diff, editor, validation queue
(the clinical trials' pages are in ``trial_views``). Thin: reads through selectors, writes through services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import acting, parse_id
from corsia.drugs import selectors as drug_selectors
from corsia.regimens import selectors, services
from corsia.regimens.domain.approval import STATUS_LABELS_IT, VersionStatus
from corsia.regimens.domain.diff import diff_specs
from corsia.regimens.domain.spec import THERAPY_TYPE_LABELS_IT, RegimenSpec
from corsia.regimens.domain.spec_codec import spec_to_dict
from corsia.regimens.domain.structure import validate_structure
from corsia.regimens.models import RegimenVersion

VIEW = "regimens.view_regimen"
MANAGE = "regimens.manage_regimen"
VALIDATE = "regimens.validate_regimen"

_EMPTY_DOCUMENT: dict[str, Any] = {
    "code": "",
    "name": "",
    "description": "",
    "therapy_type": "chemotherapy",
    "intent": "palliative",
    "is_standard": True,
    "cycle_length_days": 21,
    "max_cycles": None,
    "notes": "",
    "bibliography": [],
    "diseases": [],
    "paediatric": None,
    "components": [],
}


def _version_or_404(code: str, number: int) -> RegimenVersion:
    version = (
        RegimenVersion.objects.select_related("regimen")
        .filter(regimen__code=code, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def _days_table(spec: RegimenSpec) -> list[dict[str, Any]]:
    """Each cycle day with its components, each named by its Italian INN."""
    days = [(day, spec.components_on(day)) for day in spec.cycle_days()]
    names = drug_selectors.ingredient_names(c.ingredient for _, cs in days for c in cs)
    return [
        {
            "day": day,
            "components": [{"c": c, "name": names.get(c.ingredient, c.ingredient)} for c in cs],
        }
        for day, cs in days
    ]


@require_perm(VIEW)
def browse(request: HttpRequest) -> HttpResponse:
    filters = {
        "disease": request.GET.get("disease", "").strip(),
        "therapy_type": request.GET.get("therapy_type", ""),
        "status": request.GET.get("status", ""),
        "text": request.GET.get("q", "").strip(),
    }
    rows = selectors.regimens_browse(
        disease=filters["disease"],
        therapy_type=filters["therapy_type"],
        status=filters["status"],
        text=filters["text"],
    )
    return render(
        request,
        "regimens/browse.html",
        {
            "rows": rows,
            "filters": filters,
            "therapy_types": [(k.value, v) for k, v in THERAPY_TYPE_LABELS_IT.items()],
            "statuses": [(k.value, v) for k, v in STATUS_LABELS_IT.items()],
            "status_labels": {k.value: v for k, v in STATUS_LABELS_IT.items()},
            "type_labels": {k.value: v for k, v in THERAPY_TYPE_LABELS_IT.items()},
        },
    )


@require_perm(VIEW)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    regimen = selectors.regimen_detail(code)
    if regimen is None:
        raise Http404
    number = request.GET.get("v")
    versions = list(regimen.versions.select_related("author").order_by("-number"))
    shown = next((v for v in versions if str(v.number) == number), versions[0])
    spec = selectors.version_spec(shown)
    approvals = list(shown.approvals.select_related("approver"))
    previous = next((v for v in versions if v.number < shown.number), None)
    return render(
        request,
        "regimens/detail.html",
        {
            "regimen": regimen,
            "version": shown,
            "spec": spec,
            "days": _days_table(spec),
            "versions": versions,
            "approvals": approvals,
            "previous": previous,
            "status_labels": {k.value: v for k, v in STATUS_LABELS_IT.items()},
            "can_approve": request.user.has_perm(VALIDATE)
            and shown.status == VersionStatus.IN_TEST.value,
            "can_edit": request.user.has_perm(MANAGE),
        },
    )


@require_perm(VIEW)
def diff(request: HttpRequest, code: str) -> HttpResponse:
    a, b = parse_id(request.GET.get("a")), parse_id(request.GET.get("b"))
    if a is None or b is None:
        raise Http404
    old = _version_or_404(code, a)
    new = _version_or_404(code, b)
    changes = diff_specs(selectors.version_spec(old), selectors.version_spec(new))
    return render(
        request,
        "regimens/diff.html",
        {"code": code, "old": old, "new": new, "changes": changes},
    )


@require_perm(VIEW)
def export(request: HttpRequest, code: str, number: int) -> HttpResponse:
    plan = selectors.version_plan_definition(_version_or_404(code, number))
    response = HttpResponse(plan, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="{code}-v{number}.json"'
    return response


def _problem(error: CorsiaError | None) -> list[dict[str, str]]:
    assert error is not None  # only called after a refusal was kept
    return [{"path": error.field or "", "code": error.code, "message": error.message}]


def _problems_for(text: str) -> tuple[list[dict[str, str]], RegimenSpec | None]:
    with refusal_kept() as kept:
        spec = services.spec_from_json_text(text)
        return [
            {"path": p.path, "code": p.code, "message": p.message} for p in validate_structure(spec)
        ], spec
    return _problem(kept.error), None


@require_perm(MANAGE)
@require_POST
def editor_check(request: HttpRequest) -> HttpResponse:
    """Live validation of the editor's document (htmx partial)."""
    problems, _ = _problems_for(request.POST.get("document", ""))
    return render(request, "regimens/partials/problems.html", {"problems": problems})


@require_perm(MANAGE)
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, code: str | None = None) -> HttpResponse:
    regimen = selectors.regimen_detail(code) if code else None
    if code and regimen is None:
        raise Http404
    if request.method == "POST":
        text = request.POST.get("document", "")
        problems, spec = _problems_for(text)
        if spec is not None and not problems:
            with refusal_kept() as kept:
                # a missing or garbled version is a stale one (409), never a 500
                expected = (parse_id(request.POST.get("regimen_version")) or 0) if regimen else None
                version = services.regimen_save(
                    **acting(request),
                    spec=spec,
                    expected_version=expected,
                    change_note=request.POST.get("change_note", ""),
                )
                messages.success(
                    request,
                    f"Salvata la versione {version.number} di {version.regimen.code}: "
                    "è «in test» fino alla validazione di due validatori.",
                )
                return redirect("regimens:detail", code=version.regimen.code)
            problems = _problem(kept.error)
        status = 422
    else:
        document = (
            spec_to_dict(selectors.version_spec(selectors.latest_version(regimen)))
            if regimen
            else _EMPTY_DOCUMENT
        )
        text = json.dumps(document, indent=2, ensure_ascii=False)
        problems = []
        status = 200
    return render(
        request,
        "regimens/editor.html",
        {"regimen": regimen, "document": text, "problems": problems},
        status=status,
    )


@require_perm(VALIDATE)
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "regimens/queue.html",
        {"versions": selectors.validation_queue(), "user_id": request.user.pk},
    )


@require_perm(VALIDATE)
@require_POST
def approve(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version_or_404(code, number)
    with refusals_as_messages(request, not_found_is_404=False):
        version = services.regimen_approve(
            **acting(request),
            version_id=version.pk,
            comment=request.POST.get("comment", ""),
        )
        if version.status == VersionStatus.VALIDATED.value:
            messages.success(request, f"{code} versione {number} validata: ora è prescrivibile.")
        else:
            messages.success(
                request, f"Approvazione registrata: serve un secondo validatore per {code}."
            )
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/regimens/") else "regimens:queue")

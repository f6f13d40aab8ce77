"""Pages of the transfusion module (Italian, tablet and scanner first): the worklist, the
patient's group and requests, a request with its bags and the bedside check, one bag's
transfusion. Thin: each POST calls the service the API calls; a refusal (``CorsiaError``)
goes back to the page with its Italian message (``PageRefusalMiddleware``)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import (
    acting,
    posted_int,
    posted_moment,
    posted_version,
    viewing,
)
from corsia.records.services import VitalsInput
from corsia.transfusion import prints, selectors, services
from corsia.transfusion.api import csv_download, pdf_answer, second_operator
from corsia.transfusion.domain.crossmatch import CrossmatchMethod, CrossmatchResult
from corsia.transfusion.domain.emergency import RhdPolicy
from corsia.transfusion.domain.haemovigilance import FORM, Notification
from corsia.transfusion.domain.products import Component, Treatment
from corsia.transfusion.domain.reactions import Imputability, ReactionCategory, Severity
from corsia.transfusion.domain.states import VitalsPhase

SCAN_FIELDS = ("scan1", "scan2", "scan3", "scan4")
SPECIAL_FIELD = "scan5"  # optional: the special-testing barcode (ISBT 128 012)


def _moment(raw: str | None, field: str) -> datetime | None:
    """A date and time as the datetime-local input posts it (``posted_moment``)."""
    return posted_moment(raw, field, _("Data e ora non leggibili."))


def _version(request: HttpRequest) -> int:
    version = posted_version(request)
    if version is None:
        raise ValidationFailed(
            _("Versione mancante: ricaricare la pagina."), code="version_missing"
        )
    return version


def _scans(request: HttpRequest) -> list[str]:
    return [request.POST.get(name, "") for name in (*SCAN_FIELDS, SPECIAL_FIELD)]


@require_perm(services.VIEW)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    rows = selectors.open_requests(**viewing(request))
    return render(request, "transfusion/worklist.html", {"rows": rows})


@require_perm(services.VIEW)
@require_GET
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = selectors.patient_transfusions(
        **viewing(request),
        patient_id=patient_id,
    )
    return render(
        request,
        "transfusion/patient.html",
        {
            "view": view,
            "patient": view.patient,
            "components": Component.labels_it(),
            "treatments": Treatment.labels_it(),
        },
    )


@require_perm(services.RECORD_GROUP)
@require_POST
def determination(request: HttpRequest, patient_id: int) -> HttpResponse:
    services.blood_group_record(
        **acting(request),
        patient_id=patient_id,
        abo=request.POST.get("abo", ""),
        rhd=request.POST.get("rhd", ""),
        sample=request.POST.get("sample", ""),
        collected_at=_moment(request.POST.get("collected_at"), "collected_at"),
    )
    messages.success(request, _("Determinazione del gruppo registrata."))
    return redirect("transfusion:patient", patient_id)


@require_perm(services.REQUEST)
@require_POST
def request_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    row = services.transfusion_request_create(
        **acting(request),
        patient_id=patient_id,
        data=services.RequestInput(
            component=request.POST.get("component", ""),
            units=posted_int(request.POST.get("units"), 0, "units", _("Unità non valide.")),
            indication=request.POST.get("indication", ""),
            planned_at=_moment(request.POST.get("planned_at"), "planned_at"),
            treatments=tuple(request.POST.getlist("treatments")),
            premedication=request.POST.get("premedication", ""),
        ),
    )
    messages.success(request, _("Richiesta registrata."))
    return redirect("transfusion:request", row.pk)


@require_perm(services.VIEW)
@require_GET
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    detail = selectors.request_detail(
        **viewing(request),
        request_id=request_id,
    )
    return render(
        request,
        "transfusion/request.html",
        {
            "detail": detail,
            "req": detail.request,
            "patient": detail.request.patient,
            "treatment_labels": Treatment.labels_it(),
            "scan_fields": SCAN_FIELDS,
            "special_field": SPECIAL_FIELD,
            "rhd_policies": RhdPolicy.labels_it(),
            "crossmatch_results": CrossmatchResult.labels_it(),
            "crossmatch_methods": CrossmatchMethod.labels_it(),
        },
    )


@require_perm(services.VIEW)
@require_GET
def request_print(request: HttpRequest, request_id: int) -> HttpResponse:
    """The old address of the request's print: the archived PDF now."""
    return redirect("transfusion:request_pdf", request_id)


@require_perm(services.VIEW)
@require_GET
def request_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    """The request on paper through the editable template ``transfusion_request``: its
    units with every crossmatch, the bedside checks and the transfusions, the reactions (the
    same read, and access log, as the request's page), archived with the patient."""
    document = prints.request_print(**acting(request), request_id=request_id)
    return pdf_answer(document, f"richiesta-emocomponenti-{request_id}.pdf")


@require_perm(services.ISSUE)
@require_POST
def issue(request: HttpRequest, request_id: int) -> HttpResponse:
    services.bag_issue(
        **acting(request),
        request_id=request_id,
        scans=_scans(request),
        typed_treatments=tuple(request.POST.getlist("typed_treatments")),
    )
    messages.success(request, _("Sacca assegnata alla richiesta."))
    return redirect("transfusion:request", request_id)


@require_perm(services.REQUEST)
@require_POST
def emergency(request: HttpRequest, request_id: int) -> HttpResponse:
    services.emergency_declare(
        **acting(request),
        request_id=request_id,
        expected_version=_version(request),
        reason=request.POST.get("reason", ""),
        rhd_policy=request.POST.get("rhd_policy", ""),
    )
    messages.warning(request, _("Urgenza dichiarata: rilascio in emergenza autorizzato."))
    return redirect("transfusion:request", request_id)


@require_perm(services.ISSUE)
@require_POST
def crossmatch(request: HttpRequest, request_id: int, bag_id: int) -> HttpResponse:
    services.crossmatch_record(
        **acting(request),
        bag_id=bag_id,
        result=request.POST.get("result", ""),
        method=request.POST.get("method", ""),
        sample=request.POST.get("sample", ""),
        sample_collected_at=_moment(request.POST.get("sample_collected_at"), "sample_collected_at"),
    )
    messages.success(request, _("Prova di compatibilità registrata."))
    return redirect("transfusion:request", request_id)


@require_perm(services.TRANSFUSE)
@require_POST
def check(request: HttpRequest, request_id: int) -> HttpResponse:
    second = second_operator(
        request, request.POST.get("second_username", ""), request.POST.get("second_password", "")
    )
    row = services.transfusion_check(
        **acting(request),
        request_id=request_id,
        second_operator=second,  # type: ignore[arg-type]  # authenticate() answers our User
        wristband=request.POST.get("wristband", ""),
        scans=_scans(request),
    )
    messages.success(request, _("Controllo pre-trasfusionale superato: sacca corretta."))
    return redirect("transfusion:transfusion", row.pk)


@require_perm(services.REQUEST)
@require_POST
def cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    services.transfusion_request_cancel(
        **acting(request),
        request_id=request_id,
        expected_version=_version(request),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Richiesta annullata."))
    return redirect("transfusion:request", request_id)


@require_perm(services.VIEW)
@require_GET
def transfusion_page(request: HttpRequest, transfusion_id: int) -> HttpResponse:
    row = selectors.transfusion_detail(**viewing(request), transfusion_id=transfusion_id)
    return render(
        request,
        "transfusion/transfusion.html",
        {
            "t": row,
            "patient": row.request.patient,
            "phases": VitalsPhase.labels_it(),
            "categories": ReactionCategory.labels_it(),
            "severities": Severity.labels_it(),
            "imputabilities": Imputability.labels_it(),
        },
    )


@require_perm(services.TRANSFUSE)
@require_POST
def act(request: HttpRequest, transfusion_id: int, action: str) -> HttpResponse:
    """Start, end or stop the bag's transfusion."""
    who = acting(request)
    if action == "start":
        services.transfusion_start(
            **who, transfusion_id=transfusion_id, expected_version=_version(request)
        )
        messages.success(request, _("Trasfusione iniziata."))
    elif action == "end":
        services.transfusion_end(
            **who,
            transfusion_id=transfusion_id,
            expected_version=_version(request),
            volume_ml=posted_int(
                request.POST.get("volume_ml"), 0, "volume_ml", _("Volume non valido.")
            ),
        )
        messages.success(request, _("Trasfusione conclusa."))
    else:
        raw = request.POST.get("volume_ml", "")
        services.transfusion_stop(
            **who,
            transfusion_id=transfusion_id,
            expected_version=_version(request),
            reason=request.POST.get("reason", ""),
            volume_ml=posted_int(raw, 0, "volume_ml", _("Volume non valido.")) if raw else None,
        )
        messages.success(request, _("Trasfusione interrotta."))
    return redirect("transfusion:transfusion", transfusion_id)


@require_perm(services.TRANSFUSE)
@require_POST
def vitals(request: HttpRequest, transfusion_id: int) -> HttpResponse:
    services.transfusion_vitals_record(
        **acting(request),
        transfusion_id=transfusion_id,
        phase=request.POST.get("phase", ""),
        data=VitalsInput(
            systolic_bp=request.POST.get("systolic_bp", ""),
            diastolic_bp=request.POST.get("diastolic_bp", ""),
            heart_rate=request.POST.get("heart_rate", ""),
            temperature_c=request.POST.get("temperature_c", ""),
            respiratory_rate=request.POST.get("respiratory_rate", ""),
            spo2=request.POST.get("spo2", ""),
        ),
    )
    messages.success(request, _("Parametri vitali registrati."))
    return redirect("transfusion:transfusion", transfusion_id)


@require_perm(services.TRANSFUSE)
@require_POST
def reaction(request: HttpRequest, transfusion_id: int) -> HttpResponse:
    services.transfusion_reaction_record(
        **acting(request),
        transfusion_id=transfusion_id,
        data=services.ReactionInput(
            category=request.POST.get("category", ""),
            severity=request.POST.get("severity", ""),
            imputability=request.POST.get("imputability", ""),
            onset_at=_moment(request.POST.get("onset_at"), "onset_at"),
            description=request.POST.get("description", ""),
        ),
    )
    messages.success(request, _("Reazione registrata."))
    return redirect("transfusion:transfusion", transfusion_id)


def _notification(request: HttpRequest, reaction_id: int) -> Notification:
    return selectors.haemovigilance_notification(**viewing(request), reaction_id=reaction_id)


@require_perm(services.VIEW)
@require_GET
def haemovigilance(request: HttpRequest, reaction_id: int) -> HttpResponse:
    """The printable notification of a reaction, for the SIMT to enter in SISTRA."""
    return render(
        request,
        "transfusion/haemovigilance.html",
        {"n": _notification(request, reaction_id), "form_name": FORM},
    )


@require_perm(services.VIEW)
@require_GET
def haemovigilance_pdf(request: HttpRequest, reaction_id: int) -> HttpResponse:
    """The notification printed through the editable template
    ``haemovigilance_notification`` and archived with the patient."""
    document = prints.haemovigilance_print(**acting(request), reaction_id=reaction_id)
    return pdf_answer(document, f"emovigilanza-reazione-{reaction_id}.pdf")


@require_perm(services.VIEW)
@require_GET
def haemovigilance_csv(request: HttpRequest, reaction_id: int) -> HttpResponse:
    return csv_download(_notification(request, reaction_id))

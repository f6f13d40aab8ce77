"""Pages of the patient registry: search (the clinical landing page), registration,
summary with edit form, masking, merge, wristband."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, parse_id, posted_date, posted_version, request_actor, viewing
from corsia.core.web import request_workstation as _ws
from corsia.drugs.selectors import ingredient_choices
from corsia.patients import selectors, selectors_merge, services, wristband
from corsia.patients.domain.identifiers import birthplace
from corsia.patients.domain.search import QueryKind, classify
from corsia.patients.forms import (
    BreakGlassForm,
    MergeForm,
    PatientForm,
    ReasonForm,
    VersionedPatientForm,
)
from corsia.patients.models import Allergy, ConsentKind, EncounterKind, Patient
from corsia.patients.views_pgx import pgx_context

VIEW = "patients.view_patient"


@require_perm(VIEW)
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    found = (
        selectors.patient_search(
            **viewing(request),
            text=text,
        )
        if text
        else None
    )
    query = classify(text) if text else None
    # a code (codice fiscale, STP/ENI, MRN, wristband) naming one patient opens them at once
    if found and len(found) == 1 and query is not None and query.kind is not QueryKind.NAME:
        return redirect("patients:detail", pk=found[0].pk)
    # care scope: an exact code naming a patient outside the user's care says so (never
    # a name) and offers break-the-glass
    outside = found == [] and selectors.patient_outside_scope(
        user=request_actor(request), text=text
    )
    context: dict[str, Any] = {"query": text, "found": found, "outside": outside}
    if outside:
        context["glass_form"] = BreakGlassForm(initial={"code": text})
    return render(request, "patients/search.html", context)


@require_perm("patients.change_patient")
def create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusals(form):
            patient = services.patient_create(**acting(request), data=form.to_input())
            messages.success(request, _("Paziente registrato con MRN %s.") % patient.mrn)
            return redirect("patients:detail", pk=patient.pk)
    status = 422 if form.errors else 200
    return render(request, "patients/create.html", {"form": form}, status=status)


def _edit_initial(patient: Patient) -> dict[str, Any]:
    fields = [name for name in PatientForm.base_fields]
    return {**{name: getattr(patient, name) for name in fields}, "version": patient.version}


def _birthplace_label(code: str) -> str:
    """ "Roma (RM)" for H501; the code itself if the tables no longer know it."""
    if not code:
        return ""
    try:
        return f"{birthplace(code).label()} — {code}"
    except ValidationFailed:
        return code


def _detail(
    request: HttpRequest, pk: int, *, form: VersionedPatientForm | None = None, status: int = 200
) -> HttpResponse:
    view = selectors.patient_view(**viewing(request), patient_id=pk, what="scheda paziente")
    if view.patient.pk != pk:
        messages.info(
            request,
            _("Il paziente richiesto è stato unito a questo paziente (MRN %s).") % view.patient.mrn,
        )
    if form is None and request.user.has_perm("patients.change_patient"):
        form = VersionedPatientForm(initial=_edit_initial(view.patient))
    context = {
        "v": view,
        "birthplace": _birthplace_label(view.patient.place_of_birth),
        "form": form,
        "wards": selectors.wards_with_places() if view.patient.merged_into_id is None else [],
        "encounter_kinds": EncounterKind.choices,
        "consent_kinds": ConsentKind.choices,
        **_allergy_context(request, view.patient),
        **pgx_context(request, view.patient),
    }
    return render(request, "patients/detail.html", context, status=status)


@require_perm(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_perm("patients.change_patient")
def update(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("patients:detail", pk=pk)
    form = VersionedPatientForm(request.POST)
    if form.is_valid():
        refused = form_refusals(form)
        with refused:
            services.patient_update(
                **acting(request),
                patient_id=pk,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
            )
            messages.success(request, _("Dati anagrafici salvati."))
            return redirect("patients:detail", pk=pk)
    # a stale version (someone saved first): the user's input stays in the form, 409
    stale = isinstance(refused.error, StaleVersion)
    return _detail(request, pk, form=form, status=409 if stale else 422)


@require_perm("patients.mask_document")
@require_POST
def mask(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request):
        services.document_mask(
            **acting(request),
            patient_id=pk,
            document_type=request.POST.get("document_type", ""),
            document_id=_post_int(request, "document_id") or 0,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Documento oscurato su richiesta del paziente."))
    return redirect("patients:detail", pk=pk)


@require_perm("patients.mask_document")
@require_POST
def unmask(request: HttpRequest, pk: int, masking_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    with refusals_as_messages(request):
        services.document_unmask(
            **acting(request),
            masking_id=masking_id,
            reason=form.data.get("reason", ""),
        )
        messages.success(request, _("Oscuramento revocato."))
    return redirect("patients:detail", pk=pk)


def _merge_outcome(request: HttpRequest, *, duplicate_id: int) -> None:
    """What the merge could not simply move, said at once: rows cancelled to settle a
    conflict (two overlapping bookings of one person) and rows left on the duplicate."""
    done = selectors_merge.merge_in_force_of(duplicate_id=duplicate_id)
    if done is None:
        return
    for move in done.moves:
        if move.cancelled and move.rows:
            messages.warning(
                request,
                _(
                    "%(model)s: %(n)s annullate dall'unione perché sovrapposte nello stesso "
                    "orario (vedi l'agenda e l'elenco delle unioni)."
                )
                % {"model": move.model, "n": move.rows},
            )
        if move.left:
            messages.warning(
                request,
                _("%(model)s: %(n)s rimasti al duplicato (%(why)s).")
                % {"model": move.model, "n": move.left, "why": move.left_reason},
            )


@require_perm("patients.merge_patient")
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = selectors.patient_get(user=request_actor(request), patient_id=pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidates = selectors.patient_search(
            **viewing(request),
            text=form.cleaned_data["duplicate"],
        )
        found = [p for p in candidates if p.pk != survivor.pk]
        if len(found) != 1:
            form.add_error("duplicate", _("Indica l'MRN o il codice di un solo altro paziente."))
        else:
            with form_refusals(form, whole_form=True, not_found_is_404=False):
                services.patient_merge(
                    **acting(request),
                    survivor_id=survivor.pk,
                    duplicate_id=found[0].pk,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Pazienti uniti."))
                _merge_outcome(request, duplicate_id=found[0].pk)
                return redirect("patients:detail", pk=survivor.pk)
    status = 422 if form.errors else 200
    return render(
        request, "patients/merge.html", {"survivor": survivor, "form": form}, status=status
    )


def _printable(request: HttpRequest, pk: int, what: str) -> Patient:
    return wristband.wristband_for(
        **viewing(request),
        patient_id=pk,
        what=what,
    )


@require_perm("patients.print_wristband")
def wristband_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF is printed through its editable template and archived by the record
    (``corsia.records.wristband``, above the document archive): the old address redirects
    there, behind the same permission."""
    return redirect("records:wristband_pdf", patient_id=pk)


@require_perm("patients.print_wristband")
def wristband_zpl(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _printable(request, pk, "braccialetto (ZPL)")
    response = HttpResponse(wristband.wristband_zpl_for(patient), content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="braccialetto-{patient.mrn}.zpl"'
    return response


def detail_url(patient: Patient) -> str:
    return reverse("patients:detail", kwargs={"pk": patient.pk})


def _post_int(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.POST.get(name))


def _target(request: HttpRequest) -> tuple[int, int | None]:
    """The form's "ward_id:place_id" choice (place optional)."""
    ward, _sep, place = request.POST.get("target", "").partition(":")
    return parse_id(ward) or 0, parse_id(place)


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    """Run a service from a summary-page form; its refusal is shown as a message."""
    with refusals_as_messages(request):
        action()
        messages.success(request, done)
    return redirect("patients:detail", pk=pk)


@require_perm("patients.manage_encounter")
@require_POST
def admit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.encounter_admit(
            **acting(request),
            patient_id=pk,
            kind=request.POST.get("kind", ""),
            ward_id=_target(request)[0],
            place_id=_target(request)[1],
        ),
        _("Ricovero/accesso aperto."),
    )


@require_perm("patients.manage_encounter")
@require_POST
def encounter_action(request: HttpRequest, pk: int, encounter_id: int, action: str) -> HttpResponse:
    version = _post_int(request, "version") or 0
    common: dict[str, Any] = {
        "actor": request_actor(request),
        "workstation": _ws(request),
        "encounter_id": encounter_id,
        "expected_version": version,
    }
    if action == "discharge":
        return _act(
            request, pk, lambda: services.encounter_discharge(**common), _("Paziente dimesso.")
        )
    if action == "transfer":
        return _act(
            request,
            pk,
            lambda: services.encounter_transfer(
                **common,
                ward_id=_target(request)[0],
                place_id=_target(request)[1],
            ),
            _("Paziente trasferito."),
        )
    if action != "cancel":
        raise Http404(action)
    return _act(
        request,
        pk,
        lambda: services.encounter_cancel(**common, reason=request.POST.get("reason", "")),
        _("Ricovero/accesso annullato."),
    )


@require_perm("patients.record_consent")
@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.consent_record(
            **acting(request),
            patient_id=pk,
            kind=request.POST.get("kind", ""),
            granted=request.POST.get("granted") == "yes",
        ),
        _("Consenso registrato."),
    )


@require_perm("patients.record_consent")
@require_POST
def consent_revoke(request: HttpRequest, pk: int, consent_id: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.consent_revoke(
            **acting(request),
            consent_id=consent_id,
            reason=request.POST.get("reason", ""),
        ),
        _("Consenso revocato."),
    )


# --- allergies ----------------------------------------------------------------------------


def _allergy_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    may_record = request.user.has_perm(services.RECORD_ALLERGY) and patient.merged_into_id is None
    return {
        "allergy": selectors.allergy_records(patient),
        "may_record_allergy": may_record,
        "ingredients": ingredient_choices() if may_record else [],
        "substance_kinds": Allergy._meta.get_field("substance_kind").choices,
        "reactions": Allergy._meta.get_field("reaction").choices,
        "severities": Allergy._meta.get_field("severity").choices,
        "certainties": Allergy._meta.get_field("certainty").choices,
    }


@require_perm(services.RECORD_ALLERGY)
@require_POST
def allergy_add(request: HttpRequest, pk: int) -> HttpResponse:
    def record() -> None:
        services.allergy_record(
            **acting(request),
            patient_id=pk,
            data=services.AllergyInput(
                substance_kind=request.POST.get("substance_kind", ""),
                ingredient_id=_post_int(request, "ingredient_id"),
                atc_prefix=request.POST.get("atc_prefix", ""),
                substance_text=request.POST.get("substance_text", ""),
                reaction=request.POST.get("reaction", ""),
                reaction_text=request.POST.get("reaction_text", ""),
                severity=request.POST.get("severity", ""),
                certainty=request.POST.get("certainty", ""),
                onset_date=posted_date(request.POST.get("onset_date"), "onset_date"),
                source=request.POST.get("source", ""),
                notes=request.POST.get("notes", ""),
            ),
        )

    return _act(request, pk, record, _("Allergia registrata."))


@require_perm(services.RECORD_ALLERGY)
@require_POST
def allergy_close(request: HttpRequest, pk: int, allergy_id: int, action: str) -> HttpResponse:
    status = {"refute": "refuted", "inactivate": "inactive"}.get(action)
    if status is None:
        raise Http404(action)
    done = _("Allergia confutata.") if action == "refute" else _("Allergia non più attiva.")
    return _act(
        request,
        pk,
        lambda: services.allergy_close(
            **acting(request),
            patient_id=pk,
            allergy_id=allergy_id,
            expected_version=posted_version(request) or 0,
            status=status,
            reason=request.POST.get("reason", ""),
        ),
        done,
    )


@require_perm(services.RECORD_ALLERGY)
@require_POST
def no_known_allergies(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.no_known_allergies_state(**acting(request), patient_id=pk),
        _("Registrato: nessuna allergia nota."),
    )

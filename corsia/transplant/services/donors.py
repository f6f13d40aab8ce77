"""The recipient's typing and the potential donors: related (HLA-identical sibling,
haploidentical relative), unrelated through the registry (IBMDR), cord blood units; each
donor's typing matched against the recipient's (computed, ``domain/hla.py``), its
eligibility computed from the markers and the consent (``domain/eligibility.py``); one
donor chosen with the reason, others excluded with theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.transplant import audit_events_pretransplant as events
from corsia.transplant.domain import codes, hla
from corsia.transplant.domain.abo import ABO_GROUPS
from corsia.transplant.domain.eligibility import Marker, MarkerResult, eligibility
from corsia.transplant.models import Donor, Transplant
from corsia.transplant.permissions import DECIDE, RECORD
from corsia.transplant.services.common import case_for_update, clean_text, ensure_open

HlaInput = dict[str, tuple[str, str]]


def _abo(value: str, field_name: str) -> str:
    text = (value or "").strip().upper()[:3]
    if text and text not in ABO_GROUPS:
        raise ValidationFailed(
            "Gruppo ABO non valido (O, A, B, AB).", code="abo_invalid", field=field_name
        )
    return text


def _not_allogeneic(case: Transplant) -> None:
    if case.transplant_type != codes.TransplantType.ALLOGENEIC:
        raise ConflictError(
            "Un trapianto autologo non ha donatori: le cellule sono del paziente.",
            code="autologous_no_donor",
        )


def _donor_snapshot(donor: Donor) -> dict[str, Any]:
    return {
        "id": donor.pk, "kind": donor.kind, "state": donor.state, "name": donor.name,
        "registry_id": donor.registry_id, "hla": donor.hla, "match": donor.match,
        "abo": donor.abo, "cmv": donor.cmv, "markers": donor.markers, "consent": donor.consent,
        "eligible": donor.eligible, "version": donor.version,
    }  # fmt: skip


def recipient_typing_record(
    *,
    actor: User,
    workstation: Workstation,
    transplant_id: int,
    expected_version: int | None,
    hla_typing: HlaInput,
    abo: str = "",
    cmv: str = "unknown",
) -> Transplant:
    """The recipient's HLA typing, ABO group and CMV serostatus; every donor's match is
    computed again."""
    require_permission(actor, RECORD)
    typing = hla.parse_typing(hla_typing)
    group = _abo(abo, "recipient_abo")
    serostatus = code_of(codes.Serostatus, cmv, "recipient_cmv", "Sierologia CMV non valida.")
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        case.check_version(expected_version if expected_version is not None else -1)
        before = {"hla": case.recipient_hla, "abo": case.recipient_abo, "cmv": case.recipient_cmv}
        case.recipient_hla = hla.typing_text(typing)
        case.recipient_abo = group
        case.recipient_cmv = serostatus.value
        fields = case.bump(by=actor)
        case.save(update_fields=["recipient_hla", "recipient_abo", "recipient_cmv", *fields])
        for donor in Donor.objects.select_for_update().filter(transplant=case):
            if donor.hla:
                donor.match = _match(case, donor.kind, hla.parse_typing(donor.hla))
                donor.save(update_fields=["match"])
        audit_record(
            event=events.RECIPIENT_TYPED, actor=actor, workstation=workstation, target=case,
            patient_id=case.patient_id, before=before,
            after={"hla": case.recipient_hla, "abo": group, "cmv": serostatus.value},
        )  # fmt: skip
    return case


def _match(case: Transplant, kind: str, typing: hla.Typing) -> dict[str, Any]:
    if not case.recipient_hla:
        return {}
    recipient = hla.parse_typing(case.recipient_hla)
    match = hla.hla_match(recipient, typing, related=kind in codes.RELATED)
    return hla.match_summary(match)


@dataclass(frozen=True)
class DonorInput:
    kind: str
    name: str
    hla_typing: HlaInput = field(default_factory=dict)
    registry_id: str = ""
    relation: str = ""
    sex: str = ""
    born_on: date | None = None
    abo: str = ""
    rh_positive: bool | None = None
    cmv: str = "unknown"
    markers: dict[str, str] = field(default_factory=dict)
    consent: bool = False
    consent_on: date | None = None
    exception_reason: str = ""


def _apply(donor: Donor, case: Transplant, data: DonorInput) -> None:
    kind = code_of(codes.DonorKind, data.kind, "kind", "Indica il tipo di donatore.")
    if case.source == codes.StemCellSource.CORD_BLOOD and kind != codes.DonorKind.CORD:
        raise ValidationFailed(
            "Il trapianto è da sangue cordonale: il donatore è un'unità cordonale.",
            code="donor_kind_not_cord", field="kind",
        )  # fmt: skip
    if kind == codes.DonorKind.CORD and case.source != codes.StemCellSource.CORD_BLOOD:
        raise ValidationFailed(
            "Un'unità cordonale richiede un trapianto da sangue cordonale.",
            code="cord_unit_source", field="kind",
        )  # fmt: skip
    name = clean_text(data.name, "name", limit=120, required="Indica il donatore.")
    registry_id = clean_text(data.registry_id, "registry_id", limit=40)
    if kind in (codes.DonorKind.UNRELATED, codes.DonorKind.CORD) and not registry_id:
        raise ValidationFailed(
            "Indica il codice del donatore nel registro (o dell'unità cordonale).",
            code="registry_id_required", field="registry_id",
        )  # fmt: skip
    sex = code_of(codes.Sex, data.sex, "sex", "Sesso non valido.").value if data.sex else ""
    today = timezone.localdate()
    if data.born_on is not None and data.born_on > today:
        raise ValidationFailed(
            "La data di nascita non può essere nel futuro.", code="date_in_future", field="born_on"
        )
    markers: dict[str, str] = {}
    for marker in Marker:
        raw = data.markers.get(marker.value) or MarkerResult.NOT_DONE.value
        markers[marker.value] = code_of(
            MarkerResult, raw, f"marker_{marker.value}", f"{marker.label_it}: esito non valido."
        ).value
    if set(data.markers) - {m.value for m in Marker}:
        raise ValidationFailed("Marcatore sconosciuto.", code="marker_unknown", field="markers")
    exception = clean_text(data.exception_reason, "exception_reason")
    typing = hla.parse_typing(data.hla_typing) if data.hla_typing else {}
    donor.kind = kind.value
    donor.name = name
    donor.registry_id = registry_id
    donor.relation = clean_text(data.relation, "relation", limit=60)
    donor.sex = sex
    donor.born_on = data.born_on
    donor.abo = _abo(data.abo, "abo")
    donor.rh_positive = data.rh_positive
    donor.cmv = code_of(
        codes.Serostatus, data.cmv or "unknown", "cmv", "Sierologia CMV non valida."
    ).value
    donor.markers = markers
    donor.consent = bool(data.consent)
    donor.consent_on = data.consent_on if data.consent else None
    donor.exception_reason = exception
    donor.hla = hla.typing_text(typing) if typing else {}
    donor.match = _match(case, kind.value, typing) if typing else {}
    result = eligibility(
        markers=markers, consent=donor.consent, born=data.born_on, on=today,
        cord=kind == codes.DonorKind.CORD, exception_reason=exception,
    )  # fmt: skip
    donor.eligible = result.eligible
    donor.eligibility_reasons = list(result.reasons)


def donor_add(
    *, actor: User, workstation: Workstation, transplant_id: int, data: DonorInput
) -> Donor:
    require_permission(actor, RECORD)
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        _not_allogeneic(case)
        if case.day_zero is not None and case.infusions.exists():
            raise ConflictError(
                "Il trapianto è già stato infuso.", code="transplant_already_infused"
            )
        donor = Donor(
            transplant=case, patient_id=case.patient_id, recorded_by=actor, updated_by=actor
        )
        _apply(donor, case, data)
        donor.save()
        if case.state == codes.CaseState.TAKEN_IN_CHARGE:
            case.state = codes.CaseState.DONOR_SEARCH.value
            case.save(update_fields=["state", *case.bump(by=actor)])
        audit_record(
            event=events.DONOR_ADDED, actor=actor, workstation=workstation, target=donor,
            patient_id=case.patient_id, after=_donor_snapshot(donor),
        )  # fmt: skip
    return donor


def donor_for_update(*, actor: User, donor_id: int) -> tuple[Donor, Transplant]:
    donor = Donor.objects.select_for_update().filter(pk=donor_id).first()
    if donor is None:
        raise NotFound("Donatore non trovato.", code="donor_not_found")
    case = case_for_update(actor=actor, transplant_id=donor.transplant_id)
    ensure_open(case)
    return donor, case


def donor_update(
    *, actor: User, workstation: Workstation, donor_id: int, expected_version: int | None,
    data: DonorInput,
) -> Donor:  # fmt: skip
    """The donor's typing, markers, consent: the match and eligibility computed again."""
    require_permission(actor, RECORD)
    with transaction.atomic():
        donor, case = donor_for_update(actor=actor, donor_id=donor_id)
        donor.check_version(expected_version if expected_version is not None else -1)
        if donor.state != codes.DonorState.CANDIDATE:
            raise ConflictError(
                "Il donatore è già stato scelto o escluso: i suoi dati non cambiano.",
                code="donor_decided",
            )
        before = _donor_snapshot(donor)
        _apply(donor, case, data)
        donor.bump(by=actor)
        donor.save()
        audit_record(
            event=events.DONOR_UPDATED, actor=actor, workstation=workstation, target=donor,
            patient_id=case.patient_id, before=before, after=_donor_snapshot(donor),
        )  # fmt: skip
    return donor


def donor_choose(
    *, actor: User, workstation: Workstation, donor_id: int, expected_version: int | None,
    reason: str,
) -> Donor:  # fmt: skip
    """The donor taken in charge: typed, matched, eligible; one per case, with the reason."""
    require_permission(actor, DECIDE)
    why = clean_text(reason, "reason", required="Indica il motivo della scelta del donatore.")
    with transaction.atomic():
        donor, case = donor_for_update(actor=actor, donor_id=donor_id)
        donor.check_version(expected_version if expected_version is not None else -1)
        if donor.state != codes.DonorState.CANDIDATE:
            raise ConflictError("Il donatore non è più in valutazione.", code="donor_decided")
        if Donor.objects.filter(transplant=case, state=codes.DonorState.CHOSEN.value).exists():
            raise ConflictError(
                "Un donatore è già stato scelto per questo trapianto.", code="donor_already_chosen"
            )
        if not donor.match:
            raise ValidationFailed(
                "Prima della scelta servono la tipizzazione HLA del ricevente e del donatore.",
                code="donor_not_typed",
            )
        if not donor.eligible:
            raise ValidationFailed(
                "Il donatore non è idoneo: " + "; ".join(donor.eligibility_reasons) + ".",
                code="donor_not_eligible",
            )
        before = _donor_snapshot(donor)
        donor.state = codes.DonorState.CHOSEN.value
        donor.choice_reason = why
        donor.chosen_at = timezone.now()
        donor.chosen_by = actor
        donor.save(
            update_fields=[
                "state",
                "choice_reason",
                "chosen_at",
                "chosen_by",
                *donor.bump(by=actor),
            ]
        )
        if case.state in (codes.CaseState.TAKEN_IN_CHARGE, codes.CaseState.DONOR_SEARCH):
            case.state = codes.CaseState.DONOR_CHOSEN.value
            case.save(update_fields=["state", *case.bump(by=actor)])
        audit_record(
            event=events.DONOR_CHOSEN, actor=actor, workstation=workstation, target=donor,
            patient_id=case.patient_id, before=before, after=_donor_snapshot(donor), reason=why,
        )  # fmt: skip
    return donor


def donor_exclude(
    *, actor: User, workstation: Workstation, donor_id: int, expected_version: int | None,
    reason: str,
) -> Donor:  # fmt: skip
    require_permission(actor, DECIDE)
    why = clean_text(reason, "reason", required="Indica il motivo dell'esclusione.")
    with transaction.atomic():
        donor, case = donor_for_update(actor=actor, donor_id=donor_id)
        donor.check_version(expected_version if expected_version is not None else -1)
        if donor.state != codes.DonorState.CANDIDATE:
            raise ConflictError("Il donatore non è più in valutazione.", code="donor_decided")
        before = _donor_snapshot(donor)
        donor.state = codes.DonorState.EXCLUDED.value
        donor.exclusion_reason = why
        donor.save(update_fields=["state", "exclusion_reason", *donor.bump(by=actor)])
        audit_record(
            event=events.DONOR_EXCLUDED, actor=actor, workstation=workstation, target=donor,
            patient_id=case.patient_id, before=before, after=_donor_snapshot(donor), reason=why,
        )  # fmt: skip
    return donor

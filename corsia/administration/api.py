"""JSON API of bedside administration: /api/v1/administration/…"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.administration.bedside import infusion
from corsia.administration.bedside import selectors as bedside_selectors
from corsia.administration.bedside import services as bedside_services
from corsia.administration.bedside import session as bedside_session
from corsia.administration.bedside.services import BedsideResult
from corsia.administration.bedside.session import ScanAnswer
from corsia.administration.models import Administration, BedsideSession
from corsia.administration.permissions import ADMINISTER, VIEW_PUMPS, VIEW_WORKLIST
from corsia.administration.pumps import selectors as pump_selectors
from corsia.core.access import api_perm
from corsia.core.schemas import Amount, BoundedInt, IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws

router = Router(tags=["administration"])


class AlarmOut(Schema):
    code: str
    name: str
    text: str
    priority: str
    raised_at: IsoDatetime
    cleared_at: IsoDatetime | None


class PumpOut(Schema):
    serial: str
    ward_code: str
    location_label: str
    state: str
    rate_ml_h: Decimal | None
    volume_infused_ml: Decimal | None
    vtbi_ml: Decimal | None
    last_message_at: IsoDatetime | None
    last_alarm: AlarmOut | None


@router.get("/pumps", response=list[PumpOut])
@api_perm(VIEW_PUMPS)
def pumps_list(request: HttpRequest, ward: str = "") -> list[PumpOut]:
    rows = pump_selectors.pump_board(ward_code=ward)
    return [
        PumpOut(
            serial=row.pump.serial,
            ward_code=row.pump.ward_code,
            location_label=row.pump.location_label,
            state=row.pump.state,
            rate_ml_h=row.pump.rate_ml_h,
            volume_infused_ml=row.pump.volume_infused_ml,
            vtbi_ml=row.pump.vtbi_ml,
            last_message_at=row.pump.last_message_at,
            last_alarm=AlarmOut.model_validate(row.last_alarm, from_attributes=True)
            if row.last_alarm
            else None,
        )
        for row in rows
    ]


# --- bedside administration -------------------------------------------------------------


class VerifyIn(Schema):
    """The three scans at the bedside; ``overrides``: refusal code -> the nurse's reason
    (only the overridable checks: badge missing, time window, sequence)."""

    wristband: str = Field(max_length=128)
    badge: str = Field("", max_length=128)
    label: str = Field(max_length=128)
    expected_item_id: RecordId | None = None
    overrides: dict[str, Reason] = {}
    rate_ml_h: Amount | None = Field(default=None, gt=0)
    pump_serial: str = Field("", max_length=128)


class RefusalOut(Schema):
    code: str
    check: str
    message: str
    overridable: bool


class AdministrationOut(Schema):
    id: int
    version: int
    order_id: int
    order_item_id: int
    patient_id: int
    label: str
    ingredient: str
    dose: Decimal
    dose_unit: str
    volume_ml: Decimal | None
    state: str
    started_at: IsoDatetime
    ended_at: IsoDatetime | None
    volume_given_ml: Decimal | None
    badge_verified: bool
    overridden_checks: list[str]


class VerifyOut(Schema):
    allowed: bool
    refusals: list[RefusalOut]
    overridden: list[str]
    order_item_id: int | None
    administration: AdministrationOut | None
    pump_error: str


class EndIn(Schema):
    """``volume_given_ml`` absent: the whole bag; less needs a reason (partial)."""

    volume_given_ml: Amount | None = Field(default=None, ge=0)
    reason: Reason = ""
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class InterruptIn(Schema):
    volume_given_ml: Amount = Field(ge=0)
    reason: Reason
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


def _administration(admin: Administration) -> AdministrationOut:
    return AdministrationOut(
        id=admin.pk,
        version=admin.version,
        order_id=admin.order_id,
        order_item_id=admin.order_item_id,
        patient_id=admin.patient_id,
        label=admin.preparation_ref,
        ingredient=admin.ingredient_code,
        dose=admin.dose,
        dose_unit=admin.dose_unit,
        volume_ml=admin.volume_ml,
        state=admin.state,
        started_at=admin.started_at,
        ended_at=admin.ended_at,
        volume_given_ml=admin.volume_given_ml,
        badge_verified=admin.badge_verified,
        overridden_checks=list(admin.overridden_checks or []),
    )


@router.post("/bedside/verify", response={200: VerifyOut, 201: VerifyOut})
@api_perm(ADMINISTER)
def bedside_verify(request: HttpRequest, payload: VerifyIn) -> Status[VerifyOut]:
    """Wristband, badge and label: every check of the bedside rules. Allowed: the
    administration starts (201). Refused: 200 with the refusals; the three scans are
    recorded either way (the scan log keeps refusals too)."""
    result = bedside_services.bedside_verify(
        **acting(request),
        wristband=payload.wristband,
        badge=payload.badge,
        label=payload.label,
        expected_item_id=payload.expected_item_id,
        overrides=payload.overrides,
        rate_ml_h=payload.rate_ml_h,
        pump_serial=payload.pump_serial,
    )
    return Status(201 if result.allowed else 200, _verification(result))


def _verification(result: BedsideResult) -> VerifyOut:
    return VerifyOut(
        allowed=result.allowed,
        refusals=[
            RefusalOut(
                code=r.code, check=r.check.value, message=r.message, overridable=r.overridable
            )
            for r in result.refusals
        ],
        overridden=sorted({r.code for r in result.overridden}),
        order_item_id=result.item.pk if result.item else None,
        administration=_administration(result.administration) if result.administration else None,
        pump_error=result.pump_error,
    )


# --- the bedside session: wristband and badge once, then each bag ------------------------


class ScanIn(Schema):
    """One scan as the keyboard-wedge scanner read it; ``overrides`` as in ``VerifyIn``
    (for a bag scanned again with the nurse's reasons)."""

    code: str = Field(max_length=128)
    overrides: dict[str, Reason] = {}


class NoBadgeIn(Schema):
    reason: Reason


class SessionItemOut(Schema):
    order_item_id: int
    sequence: int
    ingredient: str
    dose: Decimal
    dose_unit: str
    progress: str
    runs_with_previous: bool
    administration_id: int | None
    next: bool
    # the dose is per administration; a line given several times a day is done after the last
    administrations_per_day: int = 1
    doses_done: int = 0


class SessionOut(Schema):
    id: int
    patient_id: int
    patient: str
    mrn: str
    started_at: IsoDatetime
    last_scan_at: IsoDatetime
    ended_at: IsoDatetime | None
    end_reason: str
    badge_verified: bool
    without_badge: bool
    identified: bool
    items: list[SessionItemOut] = []


class EndedOut(Schema):
    id: int
    reason: str
    message: str


class ScanOut(Schema):
    kind: str
    accepted: bool
    code: str
    message: str
    session: SessionOut | None
    ended: EndedOut | None
    verification: VerifyOut | None


def _session(
    session: BedsideSession, view: bedside_selectors.SessionView | None = None
) -> SessionOut:
    patient = session.patient
    items: list[SessionItemOut] = []
    if view is not None and view.day is not None:
        nxt = view.next_item
        items = [
            SessionItemOut(
                order_item_id=row.item.pk,
                sequence=row.item.sequence,
                ingredient=row.item.ingredient.code,
                dose=row.item.final_dose,
                dose_unit=row.item.amount_unit,
                progress=row.progress.progress.value,
                runs_with_previous=row.view.runs_with_previous,
                administration_id=row.progress.last.pk if row.progress.last else None,
                next=row is nxt,
                administrations_per_day=row.item.administrations_per_day,
                doses_done=row.progress.doses_done,
            )
            for row in view.day.items
        ]
    return SessionOut(
        id=session.pk,
        patient_id=patient.pk,
        patient=f"{patient.surname.upper()} {patient.given_names}",
        mrn=patient.mrn,
        started_at=session.started_at,
        last_scan_at=session.last_scan_at,
        ended_at=session.ended_at,
        end_reason=session.end_reason,
        badge_verified=session.badge_verified_at is not None,
        without_badge=bool(session.no_badge_reason),
        identified=session.identified,
        items=items,
    )


def _scan(answer: ScanAnswer) -> ScanOut:
    return ScanOut(
        kind=answer.kind.value,
        accepted=answer.accepted,
        code=answer.code,
        message=answer.message,
        session=_session(answer.session) if answer.session else None,
        ended=EndedOut(
            id=answer.ended.pk, reason=answer.ended.end_reason, message=answer.ended_message
        )
        if answer.ended
        else None,
        verification=_verification(answer.result) if answer.result else None,
    )


@router.post("/bedside/scan", response=ScanOut)
@api_perm(ADMINISTER)
def bedside_scan(request: HttpRequest, payload: ScanIn) -> ScanOut:
    """One scan of the bedside session (wristband, badge or bag label, told apart by the
    server). A refusal is an answer (``accepted`` false, ``code``, Italian ``message``);
    an empty, over-long or unprintable code is a 422 problem."""
    return _scan(
        bedside_session.bedside_scan(
            **acting(request),
            code=payload.code,
            overrides=payload.overrides,
        )
    )


@router.get("/bedside/session", response=SessionOut | None)
@api_perm(ADMINISTER)
def bedside_session_get(request: HttpRequest) -> SessionOut | None:
    """The nurse's open session at this workstation with the patient's day (``null``: none,
    or idle too long)."""
    view = bedside_selectors.bedside_session_view(user=_actor(request), workstation=_ws(request))
    return _session(view.session, view) if view.session else None


@router.post("/bedside/session/no-badge", response=SessionOut)
@api_perm(ADMINISTER)
def bedside_session_no_badge(request: HttpRequest, payload: NoBadgeIn) -> SessionOut:
    """The nurse has no badge with them: the reason is recorded for the session."""
    return _session(
        bedside_session.bedside_session_no_badge(**acting(request), reason=payload.reason)
    )


@router.post("/bedside/session/close", response=SessionOut | None)
@api_perm(ADMINISTER)
def bedside_session_close(request: HttpRequest) -> SessionOut | None:
    """The nurse is done with this patient (``null``: no session was open)."""
    closed = bedside_session.bedside_session_close(**acting(request))
    return _session(closed) if closed else None


@router.get("/administrations/{administration_id}", response=AdministrationOut)
@api_perm(VIEW_WORKLIST)
def administration_get(request: HttpRequest, administration_id: int) -> AdministrationOut:
    admin = bedside_selectors.administration_get(
        **reading(request), administration_id=administration_id
    )
    return _administration(admin)


@router.post("/administrations/{administration_id}/end", response=AdministrationOut)
@api_perm(ADMINISTER)
def administration_end(
    request: HttpRequest, administration_id: int, payload: EndIn
) -> AdministrationOut:
    """End: completed (the whole bag) or partial (less than the bag, with a reason)."""
    admin = infusion.administration_end(
        **acting(request),
        administration_id=administration_id,
        volume_given_ml=payload.volume_given_ml,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _administration(admin)


@router.post("/administrations/{administration_id}/interrupt", response=AdministrationOut)
@api_perm(ADMINISTER)
def administration_interrupt(
    request: HttpRequest, administration_id: int, payload: InterruptIn
) -> AdministrationOut:
    """Stop before the end (reaction, extravasation, occlusion…): volume given and reason."""
    admin = infusion.administration_interrupt(
        **acting(request),
        administration_id=administration_id,
        volume_given_ml=payload.volume_given_ml,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _administration(admin)

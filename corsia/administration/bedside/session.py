"""The bedside session: one nurse at one patient, the wristband and the badge read once,
then each bag of the patient's day.

Every scan goes to :func:`bedside_scan`, which tells the code apart (a wristband ``PZ…``,
a label ``PRP…``/``WRD…``, anything else a badge) and answers from the server's state, not
the page's: the open session of this nurse at this workstation (:class:`BedsideSession`,
locked for the scan). A refusal is an *answer*, recorded in the scan log like every scan;
bad input (an empty or over-long code, a NUL byte) is a ``ValidationFailed``.

* wristband: starts the patient's session (audited); the same patient again changes
  nothing; another patient's (or an unknown one) ends the open session first
  (``other_wristband``, audited) so no bag is ever checked against the previous patient.
* badge: checked at once: unknown, inactive, not a nurse's, or another user's badge is
  refused there and then (audited); the nurse's own badge identifies them for the whole
  session. With an intrathecal bag waiting, a physician's badge co-signs it.
* label: the bag is verified against the session's patient by every rule of
  ``bedside_verify`` (wrong patient, allergies, sequence…); allowed, it starts.

A session ends when the nurse closes it, another wristband is read, or nothing was scanned
for ``CORSIA_BEDSIDE_SESSION_IDLE_MINUTES`` (30): the next scan ends it (``timeout``,
audited) before doing anything else. Reads of the session are in ``selectors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.administration import audit_events as events
from corsia.administration.bedside.services import BedsideResult, bedside_verify
from corsia.administration.domain.bedside import parse_label
from corsia.administration.models import (
    AdministrationScan,
    BedsideSession,
    ScanKind,
    ScanOutcome,
    SessionEnd,
)
from corsia.administration.permissions import ADMINISTER, NURSE_ONLY
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn

if TYPE_CHECKING:
    from collections.abc import Mapping

    from corsia.patients.models import Patient

MAX_CODE_LENGTH = 128


def session_idle_minutes() -> int:
    return int(getattr(settings, "CORSIA_BEDSIDE_SESSION_IDLE_MINUTES", 30))


def session_is_stale(session: BedsideSession, now: datetime) -> bool:
    return session.last_scan_at < now - timedelta(minutes=session_idle_minutes())


@dataclass(frozen=True)
class ScanAnswer:
    """What one scan did. ``code``: stable English; ``message``: the Italian line the
    nurse reads; ``accepted``: green or red; ``ended``: the session this scan ended
    (another wristband, or found idle too long), with ``ended_message`` saying why."""

    kind: ScanKind
    accepted: bool
    code: str
    message: str
    session: BedsideSession | None
    ended: BedsideSession | None = None
    ended_message: str = ""
    result: BedsideResult | None = None  # a label's verification


def _patient_name(patient: Patient) -> str:
    return f"{patient.surname.upper()} {patient.given_names}"


def open_session_for_update(*, nurse: User, workstation: Workstation) -> BedsideSession | None:
    """The nurse's open session at this workstation, locked (inside a transaction)."""
    return (
        BedsideSession.objects.select_for_update()
        .select_related("patient")
        .filter(nurse=nurse, workstation=workstation_label(workstation), ended_at__isnull=True)
        .first()
    )


def _end(
    session: BedsideSession,
    *,
    why: SessionEnd,
    actor: User,
    workstation: Workstation,
    at: datetime,
) -> None:
    session.ended_at = at
    session.end_reason = why.value
    session.pending_label = ""
    session.version += 1
    session.updated_by = actor
    session.save(
        update_fields=[
            "ended_at",
            "end_reason",
            "pending_label",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    audit_record(
        event=events.BEDSIDE_SESSION_ENDED,
        actor=actor,
        workstation=workstation,
        target=session,
        patient_id=session.patient_id,
        after={"reason": why.value, "started_at": session.started_at.isoformat()},
    )


def _start(
    *, actor: User, workstation: Workstation, patient: Patient, wristband: str, at: datetime
) -> BedsideSession:
    session = BedsideSession.objects.create(
        nurse=actor,
        workstation=workstation_label(workstation),
        patient=patient,
        wristband=wristband[:64],
        started_at=at,
        last_scan_at=at,
        updated_by=actor,
    )
    audit_record(
        event=events.BEDSIDE_SESSION_STARTED,
        actor=actor,
        workstation=workstation,
        target=session,
        patient_id=patient.pk,
        after={"wristband": session.wristband},
    )
    return session


def _touch(session: BedsideSession, at: datetime, **changes: object) -> None:
    for name, value in changes.items():
        setattr(session, name, value)
    session.last_scan_at = at
    session.save(update_fields=["last_scan_at", "updated_at", *changes])


def _log(
    *,
    kind: ScanKind,
    raw: str,
    accepted: bool,
    code: str,
    message: str,
    actor: User,
    workstation: Workstation,
    at: datetime,
    session: BedsideSession | None,
    patient: Patient | None = None,
) -> None:
    AdministrationScan.objects.create(
        kind=kind,
        raw=raw[:MAX_CODE_LENGTH],
        outcome=ScanOutcome.ACCEPTED if accepted else ScanOutcome.REFUSED,
        codes=[] if accepted else [code],
        message="" if accepted else message,
        patient=patient or (session.patient if session else None),
        session=session,
        nurse=actor,
        workstation=workstation_label(workstation),
        scanned_at=at,
    )


def _clean(code: str) -> str:
    text = code.strip()
    if not text:
        raise ValidationFailed("Nessun codice letto: scansionare di nuovo.", code="scan_empty")
    if "\x00" in text or len(text) > MAX_CODE_LENGTH or not text.isprintable():
        raise ValidationFailed(
            "Il codice letto non è valido (caratteri non ammessi o troppo lungo): "
            "scansionare di nuovo.",
            code="scan_invalid",
        )
    return text


def _masked(code: str) -> str:
    """Badge codes are credentials: the scan log keeps only their last characters."""
    return "•" * max(len(code) - 3, 0) + code[-3:]


def bedside_scan(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    overrides: Mapping[str, str] | None = None,
) -> ScanAnswer:
    """One scan at the bedside, whatever it is (see the module's docstring)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    text = _clean(code)
    now = timezone.now()
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        ended: BedsideSession | None = None
        ended_message = ""
        if session is not None and session_is_stale(session, now):
            _end(session, why=SessionEnd.TIMEOUT, actor=actor, workstation=workstation, at=now)
            ended, session = session, None
            ended_message = (
                f"La sessione di {_patient_name(ended.patient)} era ferma da più di "
                f"{session_idle_minutes()} minuti ed è stata chiusa: riscansionare il "
                "braccialetto del paziente e il proprio badge."
            )
        where = {"actor": actor, "workstation": workstation, "now": now}
        if mrn_from_payload(text) is not None:
            answer = _wristband(text, session, **where)
        elif parse_label(text) is not None:
            answer = _label(text, session, overrides, **where)
        else:
            answer = _badge(text, session, **where)
    if ended is not None and answer.ended is None:
        answer = replace(answer, ended=ended, ended_message=ended_message)
    return answer


def _wristband(
    text: str,
    session: BedsideSession | None,
    *,
    actor: User,
    workstation: Workstation,
    now: datetime,
) -> ScanAnswer:
    mrn = mrn_from_payload(text)
    patient = patient_by_mrn(mrn) if mrn else None
    if patient is not None and patient.merged_into is not None:
        patient = patient.merged_into  # a duplicate's wristband names the survivor
    if session is not None and patient is not None and session.patient_id == patient.pk:
        _touch(session, now)
        message = f"{_patient_name(patient)}: paziente già identificato. Scansionare la sacca."
        if not session.identified:
            message = f"{_patient_name(patient)}: paziente già identificato. Scansionare il badge."
        _log(
            kind=ScanKind.WRISTBAND,
            raw=text,
            accepted=True,
            code="same_patient",
            message="",
            actor=actor,
            workstation=workstation,
            at=now,
            session=session,
        )
        return ScanAnswer(ScanKind.WRISTBAND, True, "same_patient", message, session)
    ended: BedsideSession | None = None
    ended_message = ""
    if session is not None:  # another patient (or an unknown one): the session ends first
        _end(session, why=SessionEnd.OTHER_WRISTBAND, actor=actor, workstation=workstation, at=now)
        ended = session
        ended_message = (
            f"Sessione di {_patient_name(session.patient)} chiusa: è stato letto il "
            "braccialetto di un altro paziente. Le sacche di "
            f"{_patient_name(session.patient)} non sono più accettate."
        )
    if patient is None:
        message = (
            "Braccialetto di un paziente non registrato: non somministrare, verificare "
            "l'identità del paziente."
        )
        _log(
            kind=ScanKind.WRISTBAND,
            raw=text,
            accepted=False,
            code="patient_unknown",
            message=message,
            actor=actor,
            workstation=workstation,
            at=now,
            session=None,
        )
        return ScanAnswer(
            ScanKind.WRISTBAND, False, "patient_unknown", message, None, ended, ended_message
        )
    started = _start(actor=actor, workstation=workstation, patient=patient, wristband=text, at=now)
    _log(
        kind=ScanKind.WRISTBAND,
        raw=text,
        accepted=True,
        code="session_started",
        message="",
        actor=actor,
        workstation=workstation,
        at=now,
        session=started,
    )
    return ScanAnswer(
        ScanKind.WRISTBAND,
        True,
        "session_started",
        f"Paziente identificato: {_patient_name(patient)}. Scansionare il proprio badge.",
        started,
        ended,
        ended_message,
    )


def badge_refusal(*, actor: User, code: str) -> tuple[str, str] | None:
    """Why this badge may not identify the signed-in nurse (code, Italian message), or
    ``None`` when it is their own. Checked the moment the badge is read."""
    owner = User.objects.filter(badge_code=code).first()
    if owner is None:
        return (
            "badge_unknown",
            "Badge non riconosciuto: nessun operatore ha questo badge. Riscansionare il "
            "proprio badge, o «Non ho il badge» indicando il motivo.",
        )
    if not owner.is_active:
        return (
            "badge_inactive",
            "Badge di un utente disattivato: non può essere usato. Scansionare il proprio badge.",
        )
    if not owner.has_perm(ADMINISTER):
        return (
            "badge_not_nurse",
            "Il badge non è di un infermiere: non può identificare chi somministra. "
            "Scansionare il proprio badge.",
        )
    if owner.pk != actor.pk:
        return (
            "badge_other_user",
            "Il badge scansionato è di un altro operatore: ognuno somministra con il proprio "
            "badge e il proprio accesso.",
        )
    return None


def _badge(
    text: str,
    session: BedsideSession | None,
    *,
    actor: User,
    workstation: Workstation,
    now: datetime,
) -> ScanAnswer:
    if session is not None and session.pending_label:
        cosigner = User.objects.filter(badge_code=text, is_active=True).first()
        if cosigner is not None and cosigner.pk != actor.pk:
            return _cosign(text, session, actor=actor, workstation=workstation, now=now)
    refused = badge_refusal(actor=actor, code=text)

    def log(accepted: bool, code: str, message: str) -> None:
        _log(
            kind=ScanKind.BADGE,
            raw=_masked(text),
            accepted=accepted,
            code=code,
            message=message,
            actor=actor,
            workstation=workstation,
            at=now,
            session=session,
        )

    if refused is not None:
        why, message = refused
        log(False, why, message)
        audit_record(
            event=events.BEDSIDE_BADGE_REFUSED,
            actor=actor,
            workstation=workstation,
            target=session,
            patient_id=session.patient_id if session else None,
            after={"code": why, "badge": _masked(text)},
        )
        if session is not None:
            _touch(session, now)
        return ScanAnswer(ScanKind.BADGE, False, why, message, session)
    if session is None:
        message = "Badge riconosciuto. Scansionare prima il braccialetto del paziente."
        log(False, "wristband_first", message)
        return ScanAnswer(ScanKind.BADGE, False, "wristband_first", message, None)
    if session.badge_verified_at is None:
        _touch(session, now, badge_verified_at=now, no_badge_reason="")
        message = "Badge verificato. Scansionare la prossima sacca."
    else:
        _touch(session, now)
        message = "Badge già verificato in questa sessione. Scansionare la prossima sacca."
    log(True, "badge_verified", "")
    return ScanAnswer(ScanKind.BADGE, True, "badge_verified", message, session)


def _label(
    text: str,
    session: BedsideSession | None,
    overrides: Mapping[str, str] | None,
    *,
    actor: User,
    workstation: Workstation,
    now: datetime,
) -> ScanAnswer:
    first = ""
    if session is None:
        first = "Scansionare prima il braccialetto del paziente, poi il proprio badge."
    elif not session.identified:
        first = "Scansionare prima il proprio badge (o «Non ho il badge» con il motivo)."
    if first:
        why = "wristband_first" if session is None else "badge_first"
        _log(
            kind=ScanKind.LABEL,
            raw=text,
            accepted=False,
            code=why,
            message=first,
            actor=actor,
            workstation=workstation,
            at=now,
            session=session,
        )
        if session is not None:
            _touch(session, now)
        return ScanAnswer(ScanKind.LABEL, False, why, first, session)
    assert session is not None  # identified above
    result = bedside_verify(
        actor=actor,
        workstation=workstation,
        wristband=session.wristband,
        badge="",
        label=text,
        overrides=overrides,
        session=session,
    )
    needs_physician = any(r.code == "intrathecal_physician_required" for r in result.refusals)
    _touch(session, now, pending_label=text.upper() if needs_physician else "")
    return _label_answer(session, result, needs_physician=needs_physician)


def _label_answer(
    session: BedsideSession, result: BedsideResult, *, needs_physician: bool
) -> ScanAnswer:
    if result.allowed:
        assert result.administration is not None
        a = result.administration
        message = f"Controlli superati: {a.ingredient_name} avviato."
        return ScanAnswer(
            ScanKind.LABEL, True, "administration_started", message, session, result=result
        )
    codes = {r.code for r in result.refusals}
    if "wrong_patient" in codes:
        code = "wrong_patient"
        message = (
            f"PAZIENTE SBAGLIATO: la sacca non è di {_patient_name(session.patient)}. "
            "Non somministrare. Nulla è stato registrato come somministrato."
        )
    elif needs_physician:
        code = "intrathecal_physician_required"
        message = "SOLO PER USO INTRATECALE: scansionare il badge del medico che controfirma."
    else:
        code = "administration_refused"
        message = "NON SOMMINISTRARE: " + " ".join(r.message for r in result.refusals)
    return ScanAnswer(ScanKind.LABEL, False, code, message, session, result=result)


def _cosign(
    text: str,
    session: BedsideSession,
    *,
    actor: User,
    workstation: Workstation,
    now: datetime,
) -> ScanAnswer:
    """A physician's badge read while an intrathecal bag waits: verify the bag again with
    the co-signer (bedside_verify records the physician's badge, masked)."""
    label = session.pending_label
    result = bedside_verify(
        actor=actor,
        workstation=workstation,
        wristband=session.wristband,
        badge="",
        label=label,
        cosigner_badge=text,
        session=session,
    )
    needs_physician = any(r.code == "intrathecal_physician_required" for r in result.refusals)
    _touch(session, now, pending_label=label if needs_physician else "")
    answer = _label_answer(session, result, needs_physician=needs_physician)
    return replace(answer, kind=ScanKind.BADGE)


def bedside_session_no_badge(
    *, actor: User, workstation: Workstation, reason: str
) -> BedsideSession:
    """The nurse has no badge with them: they go on signed in, with the reason (audited);
    every administration of the session records the badge as not verified."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    text = reason.strip()
    if not text:
        raise ValidationFailed(
            "Indicare il motivo per somministrare senza badge.",
            code="reason_required",
            field="no_badge_reason",
        )
    now = timezone.now()
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        if session is None or session_is_stale(session, now):
            raise ValidationFailed(
                "Nessun paziente in corso: scansionare prima il braccialetto del paziente.",
                code="no_session",
            )
        _touch(session, now, no_badge_reason=text[:2000])
        audit_record(
            event=events.BEDSIDE_NO_BADGE,
            actor=actor,
            workstation=workstation,
            target=session,
            patient_id=session.patient_id,
            reason=text[:2000],
        )
    return session


def bedside_session_close(*, actor: User, workstation: Workstation) -> BedsideSession | None:
    """The nurse is done with this patient: the session ends (audited). ``None``: there
    was no open session (closed already, or ended by another wristband)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    now = timezone.now()
    with transaction.atomic():
        session = open_session_for_update(nurse=actor, workstation=workstation)
        if session is None:
            return None
        why = SessionEnd.TIMEOUT if session_is_stale(session, now) else SessionEnd.CLOSED
        _end(session, why=why, actor=actor, workstation=workstation, at=now)
    return session
